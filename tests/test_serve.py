"""`sco-data serve`: the real Datasette on a loopback port, checked through its JSON API and its
HTML; and what the command builds (the served copy, the metadata) from the descriptor."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from conftest import ROOT, copy_package

from sco_data import serve
from sco_data.descriptor import load_package
from sco_data.queries import QUERIES


def get(served, path: str, **params):
    url = served["base"] + path + ("?" + urllib.parse.urlencode(params) if params else "")
    with urllib.request.urlopen(url, timeout=30) as resp:
        body = resp.read().decode("utf-8")
    return json.loads(body) if ".json" in path else body


def status_of(served, path: str, data: bytes | None = None) -> int:
    req = urllib.request.Request(served["base"] + path, data=data)
    try:
        with urllib.request.urlopen(req, timeout=30) as resp:
            return resp.status
    except urllib.error.HTTPError as exc:
        return exc.code


def csv_rows(package: Path, table: str) -> list[dict]:
    with (package / "data" / f"{table}.csv").open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


# --------------------------------------------------------------------------- JSON API


def test_rows_come_from_the_package(served):
    rows = get(served, "/sco/members.json", _shape="array")
    assert {r["iso3"] for r in rows} == {r["iso3"] for r in csv_rows(served["package"], "members")}
    # default sort: chronological, by the first required date
    assert [r["joined_date"] for r in rows] == sorted(r["joined_date"] for r in rows)
    assert rows[0]["founding_member"] == 1  # the data is the export's: booleans 0/1 in SQLite


def test_foreign_keys_come_with_country_names(served):
    names = {r["iso3"]: r["name"] for r in csv_rows(served["package"], "countries")}
    deals = get(served, "/sco/arms_deals.json", _shape="array", _labels="on")
    assert deals
    for deal in deals:
        assert deal["supplier_iso3"]["label"] == names[deal["supplier_iso3"]["value"]]
        assert deal["recipient_iso3"]["label"] == names[deal["recipient_iso3"]["value"]]
    participants = get(served, "/sco/exercise_participants.json", _shape="array", _labels="on")
    assert participants[0]["exercise_id"]["label"]  # the exercise's name, from military_exercises


def test_canned_query_status_on_a_date(served):
    rows = {r["iso3"]: r for r in get(served, "/sco/status_on_date.json", _shape="array", date="2008-08-28")}
    assert rows["RUS"]["status"] == "member" and rows["RUS"]["name"] == "Russia"
    assert rows["IND"]["status"] == "observer"
    spell = next(r for r in csv_rows(served["package"], "observers")
                 if r["status"] == "dialogue_partner" and r["start_date"])
    on_start = {r["iso3"]: r for r in get(served, "/sco/status_on_date.json", _shape="array", date=spell["start_date"])}
    assert "dialogue_partner" in on_start[spell["iso3"]]["status"]
    assert rows["AFG"]["status"] == "none"
    assert len(rows) == len(csv_rows(served["package"], "countries"))  # every state
    before = {r["iso3"]: r["status"]
              for r in get(served, "/sco/status_on_date.json", _shape="array", date="1998-01-01")}
    assert before["CHN"] == "shanghai_five" and before["UZB"] == "none"


def test_canned_query_exercises_with_participants(served):
    rows = get(served, "/sco/exercises_with_participants.json", _shape="array", from_year="2007", to_year="2007")
    in_2007 = sorted(r["exercise_id"] for r in csv_rows(served["package"], "military_exercises") if r["year"] == "2007")
    assert [r["exercise_id"] for r in rows] == in_2007
    pm = next(r for r in rows if r["exercise_id"] == "peace-mission-2007")
    assert pm["troops_total"] == 6500
    taking_part = [r for r in csv_rows(served["package"], "exercise_participants")
                   if r["exercise_id"] == "peace-mission-2007"]
    assert "Russia (host" in pm["participants"] and pm["states"] == len(taking_part)
    everything = get(served, "/sco/exercises_with_participants.json", _shape="array")
    assert len(everything) == len(csv_rows(served["package"], "military_exercises"))


def _deliveries_by_year(package: Path, supplier: str, recipient: str) -> list[tuple]:
    """The query's answer worked out from the CSVs: units and deals per year."""
    deals = {d["deal_id"] for d in csv_rows(package, "arms_deals")
             if (d["supplier_iso3"], d["recipient_iso3"]) == (supplier, recipient)}
    units: dict[int, int | None] = {}
    ids: dict[int, set] = {}
    for row in csv_rows(package, "arms_deliveries"):
        if row["deal_id"] in deals:
            year = int(row["year"])
            ids.setdefault(year, set()).add(row["deal_id"])
            if row["quantity"]:
                units[year] = (units.get(year) or 0) + int(row["quantity"])
            else:
                units.setdefault(year, None)
    return [(y, units[y], len(ids[y])) for y in sorted(ids)]


def test_canned_query_deliveries_by_year(served):
    rows = get(served, "/sco/deliveries_by_year.json", _shape="array")
    expected = _deliveries_by_year(served["package"], "RUS", "CHN")
    assert len(expected) > 5
    assert [(r["year"], r["units"], r["deals"]) for r in rows] == expected
    india = get(served, "/sco/deliveries_by_year.json", _shape="array", supplier="RUS", recipient="IND")
    assert [(r["year"], r["units"], r["deals"]) for r in india] == _deliveries_by_year(served["package"], "RUS", "IND")
    assert get(served, "/sco/deliveries_by_year.json", _shape="array", supplier="IND", recipient="PAK") == []


def test_canned_query_georgia_positions(served):
    rows = get(served, "/sco/georgia_2008_positions.json", _shape="array")
    expected = [r for r in csv_rows(served["package"], "georgia_positions")
                if r["sco_status_2008"] in ("member", "observer")]
    assert {r["iso3"] for r in rows} == {r["iso3"] for r in expected}
    russia = next(r for r in rows if r["iso3"] == "RUS")
    assert russia["position_on_intervention"] == "supported" and russia["name"] == "Russia"
    observers = get(served, "/sco/georgia_2008_positions.json", _shape="array", status="observer")
    assert observers and {r["sco_status_2008"] for r in observers} == {"observer"}


def test_canned_query_un_votes_by_state(served):
    china = get(served, "/sco/un_votes_by_state.json", _shape="array", iso3="chn", topic="georgia_idp")
    expected = [r for r in csv_rows(served["package"], "un_votes") if r["iso3"] == "CHN"]
    resolutions = {r["resolution"]: r for r in csv_rows(served["package"], "un_resolutions")}
    expected = [r for r in expected if resolutions[r["resolution"]]["topic"] == "georgia_idp"]
    assert len(china) == len(expected) > 10
    assert {r["resolution"]: r["vote"] for r in china} == {r["resolution"]: r["vote"] for r in expected}
    assert [r["date"] for r in china] == sorted(r["date"] for r in china)
    by_resolution = {r["resolution"]: r for r in china}
    assert by_resolution["A/RES/76/267"]["vote"] == "no" and by_resolution["A/RES/76/267"]["with_russia"] == 1
    assert by_resolution["A/RES/75/285"]["russia_vote"] == "no" and by_resolution["A/RES/75/285"]["with_russia"] == 0
    every = get(served, "/sco/un_votes_by_state.json", _shape="array", _size="max")
    assert len(every) == len(csv_rows(served["package"], "un_votes"))
    assert get(served, "/sco/un_votes_by_state.json", _shape="array", iso3="XXX") == []


def test_facets_from_enums_and_years(served):
    data = get(served, "/sco/observers.json")
    assert set(data["facet_results"]) == {"status", "start_year", "end_year", "end_reason"}


def test_full_text_search_covers_notes_and_source_titles(served):
    sources = csv_rows(served["package"], "sources")
    cyrillic = next(r for r in sources if any("\u0400" <= ch <= "\u04ff" for ch in r["title"]))
    word = next(w for w in cyrillic["title"].split() if any("\u0400" <= ch <= "\u04ff" for ch in w) and len(w) > 4)
    hits = get(served, "/sco/sources.json", _shape="array", _search=word)
    assert cyrillic["source_id"] in {r["source_id"] for r in hits}
    members = csv_rows(served["package"], "members")
    assert any("Kazinform" in r["notes"] for r in members)
    hits = get(served, "/sco/members.json", _shape="array", _search="Kazinform")
    assert {r["iso3"] for r in hits} == {r["iso3"] for r in members if "Kazinform" in r["notes"]}


def test_package_table_hidden_and_nothing_writable(served):
    tables = {t["name"]: t for t in get(served, "/sco.json")["tables"]}
    assert tables["_package"]["hidden"] is True
    assert not tables["members"]["hidden"]
    assert all(t["hidden"] for name, t in tables.items() if name.endswith("_fts") or "_fts_" in name)
    # read-only: SQL that writes is refused, the database file is not offered, nothing outside it
    assert status_of(served, "/sco.json?" + urllib.parse.urlencode({"sql": "DELETE FROM members"})) == 400
    assert len(get(served, "/sco/members.json", _shape="array")) == len(csv_rows(served["package"], "members"))
    assert status_of(served, "/sco.db") == 403
    assert status_of(served, "/metadata.json") == 404 and status_of(served, "/data/members.csv") == 404
    assert status_of(served, "/-/static/..%2F..%2F..%2F..%2Fetc%2Fpasswd") in (400, 403, 404)
    assert status_of(served, "/sco/members", data=b"a=1") != 200  # no write endpoint takes a POST
    assert get(served, "/-/databases.json")[0]["is_mutable"] is False


# --------------------------------------------------------------------------- HTML


def test_index_shows_title_licence_and_source(served):
    pkg = load_package(served["package"])
    page = get(served, "/")
    assert pkg.descriptor["title"] in page
    assert "Creative Commons Attribution 4.0" in page
    assert 'href="https://creativecommons.org/licenses/by/4.0/"' in page
    assert "Mark N. Katz" in page  # the source
    assert f"Version {pkg.version}" in page


def test_table_page_describes_every_column(served):
    import html

    pkg = load_package(served["package"])
    for res in pkg.resources:
        page = html.unescape(get(served, f"/sco/{res.name}"))
        assert res.descriptor["description"].split(".")[0] in page, res.name
        for fdef in res.fields:
            assert " ".join(fdef["description"].split()) in page, (res.name, fdef["name"])


def test_booleans_show_as_true_false_and_sources_as_links(served):
    page = get(served, "/sco/georgia_positions/RUS")
    assert '<td class="col-recognized_abkhazia type-int">true</td>' in page
    page = get(served, "/sco/members")
    assert ">true</td>" in page and ">false</td>" in page
    assert ">1</td>" not in page.split("<tbody>")[1].split("</tbody>")[0].replace('"', "")
    assert 'href="/sco/sources/katz-2008">katz-2008</a>' in get(served, "/sco/georgia_positions/RUS") or \
        'href="/sco/sources/' in get(served, "/sco/georgia_positions/RUS")
    query = get(served, "/sco/georgia_2008_positions")
    assert ">true</td>" in query and 'href="/sco/sources/' in query


def test_a_key_that_is_a_country_code_links_to_the_country(served):
    page = get(served, "/sco/members/CHN")
    assert '<a href="/sco/countries/CHN">China</a>' in page


# --------------------------------------------------------------------------- the command


def test_without_datasette_says_how_to_install_and_exits_2(tmp_path):
    # Datasette made unimportable for this one process: what a user without the extra sees.
    code = ("import sys; sys.modules['datasette'] = None; from sco_data.cli import main; "
            "sys.argv = ['sco-data', 'serve']; main()")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path, timeout=60)
    assert proc.returncode == 2
    assert "pip install '.[serve]'" in proc.stderr
    assert not (tmp_path / "exports").exists()


def test_datasette_runs_immutable_read_only_on_loopback(tmp_path):
    served = serve.Served(tmp_path, tmp_path / "sco.db", tmp_path / "metadata.json", False)
    args = serve.datasette_command(served)
    assert args[args.index("-i") + 1] == str(tmp_path / "sco.db")
    assert args[args.index("--host") + 1] == "127.0.0.1"
    assert "--root" not in args and "--static" not in args and "--crossdb" not in args
    assert "allow_download" in args and args[args.index("allow_download") + 1] == "off"
    assert args[args.index("--plugins-dir") + 1] == str(serve.PLUGINS_DIR)


def test_built_when_missing_and_again_when_stale(sample, tmp_path, monkeypatch):
    monkeypatch.setenv("SCO_DATA_CACHE", str(tmp_path / "cache"))
    pkg = load_package(sample)
    out = tmp_path / "exports" / "latest"
    first = serve.prepare(pkg, out)
    assert first.exported and (out / "sco.sqlite").is_file() and first.db.is_file()
    again = serve.prepare(pkg, out)
    assert not again.exported and again.db == first.db
    members = sample / "data" / "members.csv"
    members.write_text(members.read_text(encoding="utf-8").replace(
        "CHN,2001-06-15,2001-shanghai,true,true,1996-04-26,,,",
        "CHN,2001-06-15,2001-shanghai,true,true,1996-04-26,,A new note,"), encoding="utf-8")
    stale = serve.prepare(load_package(sample), out)
    assert stale.exported and stale.db != first.db and not first.folder.exists()
    import sqlite3

    con = sqlite3.connect(stale.db)
    assert con.execute("SELECT notes FROM members WHERE iso3 = 'CHN'").fetchone() == ("A new note",)
    assert con.execute("SELECT rowid FROM members_fts WHERE members_fts MATCH 'new'").fetchall()
    con.close()
    # the export's own file is left as the exporter wrote it: no full-text tables in it
    con = sqlite3.connect(out / "sco.sqlite")
    assert not con.execute("SELECT name FROM sqlite_master WHERE name LIKE '%_fts%'").fetchall()
    con.close()
    # and a different export in place (not the one the copy came from) is rebuilt too
    (out / "sco.sqlite").write_bytes(b"")
    assert serve.prepare(load_package(sample), out).exported


def test_metadata_is_derived_from_the_descriptor(sample):
    pkg = load_package(sample)
    meta = serve.metadata(pkg, {"members": ["notes"]})
    assert meta["license"] == "Creative Commons Attribution 4.0"
    assert meta["license_url"] == "https://creativecommons.org/licenses/by/4.0/"
    tables = meta["databases"]["sco"]["tables"]
    assert tables["_package"] == {"hidden": True}
    assert tables["countries"]["label_column"] == "name"
    assert tables["military_exercises"]["label_column"] == "name"
    assert tables["observers"]["facets"] == ["status", "start_year", "end_year", "end_reason"]
    assert tables["members"]["sort"] == "joined_date"
    assert tables["members"]["fts_table"] == "members_fts"
    for res in pkg.resources:
        assert set(tables[res.name]["columns"]) == set(res.field_names)
    plugin = meta["plugins"]["sco-data"]
    assert plugin["booleans"]["members"] == ["founding_member", "shanghai_five_member"]
    assert plugin["source_lists"]["summits"] == ["source_ids"]
    assert plugin["key_links"]["members"] == {"iso3": {"table": "countries", "column": "iso3", "label": "name"}}
    # The sample has every table the queries read, arms_deliveries included.
    assert set(meta["databases"]["sco"]["queries"]) == {q.name for q in QUERIES}


def test_canned_queries_run_on_the_exported_sqlite(tmp_path):
    """Every query, on the repository's own export, with and without its parameters."""
    import sqlite3

    from sco_data.export import export_package

    pkg = load_package(copy_package(ROOT, tmp_path / "pkg"))
    export_package(pkg, tmp_path / "out", ["sqlite"])
    con = sqlite3.connect(tmp_path / "out" / "sco.sqlite")
    for q in QUERIES:
        assert set(q.params) <= {"date", "from_year", "to_year", "supplier", "recipient", "status", "iso3", "topic"}
        con.execute(q.sql, {p: "" for p in q.params}).fetchall()
    con.close()


def test_serve_help_names_the_defaults():
    sco = Path(sys.executable).parent / "sco-data"
    out = subprocess.run([sco, "serve", "--help"], capture_output=True, text=True, env={**os.environ}).stdout
    assert "127.0.0.1" in out and "8001" in out
