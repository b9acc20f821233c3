"""`sco-data serve`: the real Datasette on a loopback port, checked through its JSON API and its
HTML; and what the command builds (the served copy, the metadata) from the descriptor."""

from __future__ import annotations

import csv
import html
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


def status(served, path: str, **params) -> tuple[int, str]:
    """(HTTP status, body) of a GET, whatever the status."""
    url = served["base"] + path + ("?" + urllib.parse.urlencode(params) if params else "")
    try:
        with urllib.request.urlopen(url, timeout=30) as resp:
            return resp.status, resp.read().decode("utf-8")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode("utf-8")


def refused(served, query: str, **params) -> list[str]:
    """A canned query that must refuse its parameters: 400, no rows, the messages in JSON, CSV and
    on the page (with no table of results); returns the messages."""
    code, body = status(served, f"/sco/{query}.json", **params)
    answer = json.loads(body)
    assert code == 400 and answer["ok"] is False and answer["rows"] == [], (params, body)
    code, text = status(served, f"/sco/{query}.csv", **params)
    assert code == 400 and text.strip() == "\n".join(answer["problems"])
    code, page = status(served, f"/sco/{query}", **params)
    assert code == 200 and "<tbody>" not in page
    for message in answer["problems"]:
        assert f'<p class="message-error sco-problem">{message}</p>' in html.unescape(page)
    return answer["problems"]


STATUS_DAYS = ("1996-04-26", "1998-01-01", "2001-06-14", "2001-06-15", "2008-08-28", "2017-06-08",
               "2017-06-09", "2024-07-04", "2025-08-31", "2025-09-01")


def test_status_on_a_date_answers_as_status_on(served):
    import sco_data

    pkg = load_package(served["package"])
    for day in STATUS_DAYS:
        rows = get(served, "/sco/status_on_date.json", _shape="array", date=day)
        ours = sco_data.status_on(day, pkg)
        # the same states (those that ever held a status, not every state in countries), the same statuses
        assert {r["iso3"]: r["status"] for r in rows} == dict(zip(ours["iso3"], ours["status"].astype(str),
                                                                  strict=True)), day
        assert {r["iso3"]: r["name"] for r in rows} == dict(zip(ours["iso3"], ours["name"], strict=True))
    page = get(served, "/sco/status_on_date", date="2017-06-09")
    assert "<h1>SCO status of every state on 9 June 2017</h1>" in page


def test_status_on_a_date_refuses_what_status_on_refuses(served):
    import pytest

    import sco_data

    pkg = load_package(served["package"])
    for text in ("2017-1-1", "2024/01/01", "9 June 2017", "2017-02-30", "2017-06-09T00:00", "tomorrow"):
        with pytest.raises(ValueError):
            sco_data.status_on(text, pkg)
        [message] = refused(served, "status_on_date", date=text)
        assert message.startswith("Date: ") and repr(text) in message
    [message] = refused(served, "status_on_date", date="2017-1-1")
    assert "YYYY-MM-DD" in message


def test_a_date_after_the_data_is_answered_with_a_caution(served):
    page = get(served, "/sco/status_on_date", date="2099-01-01")
    assert "The data run to" in page and "<tbody>" in page


def _exercises(package: Path, first: int, last: int) -> dict[str, dict]:
    """The exercises query worked out from the CSVs: who took part, who observed, troop figures."""
    names = {r["iso3"]: r["name"] for r in csv_rows(package, "countries")}
    out = {}
    for e in csv_rows(package, "military_exercises"):
        if first <= int(e["year"]) <= last:
            people = [p for p in csv_rows(package, "exercise_participants") if p["exercise_id"] == e["exercise_id"]]
            taking = [p for p in people if p["role"] != "observer"]
            out[e["exercise_id"]] = {
                "troops_total": int(e["troops_total"]) if e["troops_total"] else None,
                "states_taking_part": len(taking),
                "observers": {names[p["iso3"]] for p in people if p["role"] == "observer"},
                "troop_figures": f"{sum(1 for p in taking if p['troops'])} of {len(taking)} states taking part",
            }
    return out


def test_canned_query_exercises_counts_observers_apart(served):
    rows = get(served, "/sco/exercises_with_participants.json", _shape="array", from_year="2021", to_year="2021")
    expected = _exercises(served["package"], 2021, 2021)
    assert [r["exercise_id"] for r in rows] == sorted(expected, key=lambda i: i)
    for r in rows:
        e = expected[r["exercise_id"]]
        assert (r["troops_total"], r["states_taking_part"], r["troop_figures"]) == (
            e["troops_total"], e["states_taking_part"], e["troop_figures"])
        assert set((r["observers"] or "").split("; ")) - {""} == e["observers"]
        assert "troops_listed" not in r  # a sum of the few known figures is no total
    zapad = next(r for r in rows if r["exercise_id"] == "zapad-2021")
    assert "China" not in zapad["taking_part"] and "China" in zapad["observers"]
    assert "India (200 troops)" in zapad["taking_part"]
    everything = get(served, "/sco/exercises_with_participants.json", _shape="array")
    assert len(everything) == len(csv_rows(served["package"], "military_exercises"))
    assert "<h1>Joint exercises in 2021</h1>" in get(served, "/sco/exercises_with_participants",
                                                      from_year="2021", to_year="2021")
    assert "<h1>Joint exercises from 2007 on</h1>" in get(served, "/sco/exercises_with_participants",
                                                          from_year="2007")
    for bad in ("07", "2007a", "two thousand"):
        [message] = refused(served, "exercises_with_participants", from_year=bad)
        assert message.startswith("From year: ") and "four digits" in message


def _deliveries(package: Path, supplier: str, recipient: str) -> list[tuple]:
    """The deliveries query worked out from the CSVs: (year, deal, delivered) for every year from a
    deal's first to its last year of deliveries, and (None, deal, None) for a deal whose first or
    last year no source gives."""
    yearly = {(r["deal_id"], int(r["year"])): r for r in csv_rows(package, "arms_deliveries")}
    out = []
    for d in csv_rows(package, "arms_deals"):
        if (d["supplier_iso3"], d["recipient_iso3"]) != (supplier, recipient):
            continue
        years = [y for (deal, y) in yearly if deal == d["deal_id"]]
        years += [int(d[k]) for k in ("delivery_start_year", "delivery_end_year") if d[k]]
        delivered = d["status"] in ("delivered", "in_delivery") or (d["quantity_delivered"] or "0") != "0"
        if not years and not delivered:
            continue
        for year in range(min(years), max(years) + 1) if years else ():
            row = yearly.get((d["deal_id"], year))
            out.append((year, d["deal_id"], int(row["quantity"]) if row and row["quantity"] else None))
        if not (d["delivery_start_year"] and d["delivery_end_year"]):
            out.append((None, d["deal_id"], None))
    return sorted(out, key=lambda t: (t[0] is None, t[0] or 0, t[1]))


def test_canned_query_deliveries_per_system_with_unknown_years(served):
    rows = get(served, "/sco/deliveries_by_year.json", _shape="array")
    got = sorted(((r["year"], r["deal_id"], r["delivered"]) for r in rows),
                 key=lambda t: (t[0] is None, t[0] or 0, t[1]))
    assert got == _deliveries(served["package"], "RUS", "CHN")
    # 2018: two S-400 batteries and ten Su-35s are two rows, never "12 units"
    in_2018 = {r["system"]: r["delivered"] for r in rows if r["year"] == 2018}
    assert in_2018["S-400 Triumf"] == 2 and in_2018["Su-35"] == 10 and "units" not in rows[0]
    # a year inside a deal's delivery years with no figure is there, and says so
    unknown = [r for r in rows if r["year"] is not None and r["delivered"] is None]
    assert unknown and all(r["figure"] for r in unknown)
    by_name = get(served, "/sco/deliveries_by_year.json", _shape="array", supplier="Russia", recipient=" india ")
    by_code = get(served, "/sco/deliveries_by_year.json", _shape="array", supplier="rus", recipient="IN")
    assert by_name == by_code == get(served, "/sco/deliveries_by_year.json", _shape="array",
                                     supplier="RUS", recipient="IND")
    assert sorted(((r["year"], r["deal_id"], r["delivered"]) for r in by_name),
                  key=lambda t: (t[0] is None, t[0] or 0, t[1])) == _deliveries(served["package"], "RUS", "IND")
    page = get(served, "/sco/deliveries_by_year", supplier="Russia", recipient="India")
    assert "<h1>Arms deliveries from Russia to India, year by year</h1>" in page
    assert "Russian deliveries to China" not in page
    [message] = refused(served, "deliveries_by_year", supplier="Rusia", recipient="CHN")
    assert message.startswith("Supplier: 'Rusia' is not a state") and "Did you mean Russia (RUS)?" in message
    assert len(refused(served, "deliveries_by_year", supplier="Narnia", recipient="Atlantis")) == 2


def test_canned_query_georgia_positions(served):
    rows = get(served, "/sco/georgia_2008_positions.json", _shape="array")
    expected = [r for r in csv_rows(served["package"], "georgia_positions")
                if r["sco_status_2008"] in ("member", "observer")]
    assert {r["iso3"] for r in rows} == {r["iso3"] for r in expected}
    russia = next(r for r in rows if r["iso3"] == "RUS")
    assert russia["position_on_intervention"] == "supported" and russia["name"] == "Russia"
    observers = get(served, "/sco/georgia_2008_positions.json", _shape="array", status="Observer")
    assert observers and {r["sco_status_2008"] for r in observers} == {"observer"}
    assert "<h1>Where SCO observers stood on Georgia in 2008</h1>" in get(
        served, "/sco/georgia_2008_positions", status="observer")
    [message] = refused(served, "georgia_2008_positions", status="none")
    assert "is not one of: member, observer" in message


def test_query_pages_open_on_the_question_and_the_answer(served):
    page = get(served, "/sco/deliveries_by_year")
    marks = ("<h1>", 'class="sco-params"', "<table", '<details class="sco-sql">')
    h1, form, table, sql = (page.index(s) for s in marks)
    assert h1 < form < table < sql  # the SQL last, folded
    assert "a state: ISO code (RUS) or name (Russia); empty: RUS" in page
    assert '<label for="p-supplier">Supplier</label>' in page
    # a query's code column links to its row
    assert 'href="/sco/arms_deals/rus-chn-su35-2015"' in page


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
    [message] = refused(served, "un_votes_by_state", iso3="XXX")
    assert "XXX" in message
    [message] = refused(served, "un_votes_by_state", topic="georgia")
    assert "is not one of: georgia_idp, ukraine_territorial_integrity" in message
    page = html.unescape(get(served, "/sco/un_votes_by_state", iso3="China", topic="georgia_idp"))
    assert "<h1>China: votes in the General Assembly on Georgia's displaced persons, beside Russia's</h1>" in page


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
    assert f"Version {pkg.version}" in page


def test_every_page_credits_the_package_and_names_the_essay_as_its_origin(served):
    pkg = load_package(served["package"])
    for path in ("/", "/sco", "/sco/arms_deals", "/sco/members/TJK", "/sco/deliveries_by_year"):
        footer = get(served, path).split('<footer class="ft">')[1]
        assert f"<strong>{html.escape(pkg.descriptor['title'])}</strong>, version {pkg.version}" in footer, path
        assert 'href="https://creativecommons.org/licenses/by/4.0/">Creative Commons Attribution 4.0</a>' in footer
        assert 'href="/sco/sources">sources table</a>' in footer and "<code>source_ids</code>" in footer
        # the essay is named once, as where the project began, never as the data's source
        assert "Data source" not in footer and footer.count("Mark N. Katz") == 1
        assert "Origin: the project began from Mark N. Katz" in footer


def test_home_lists_every_table_and_every_query_and_no_internals(served):
    pkg = load_package(served["package"])
    for path in ("/", "/sco"):
        page = html.unescape(get(served, path))
        for res in pkg.resources:
            assert f'href="/sco/{res.name}">{res.descriptor["title"]}</a>' in page, (path, res.name)
            assert " ".join(res.descriptor["description"].split()) in page
        for q in QUERIES:
            assert f'href="/sco/{q.name}">{q.title}</a>' in page and q.description in page
        assert "hidden table" not in page and "_fts" not in page and "_package" not in page
        assert "_status_spells" not in page and "the canned queries below" not in page


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
    assert '<tr class="col-recognized_abkhazia">' in page
    assert page.split('<tr class="col-recognized_abkhazia">')[1].split("</tr>")[0].endswith("<td>true</td>\n    ")
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


def test_a_row_page_is_label_and_value_with_a_name_beside_every_code(served):
    page = get(served, "/sco/arms_deals/rus-chn-s400-2014")
    assert '<table class="sco-record">' in page and '<table class="rows-and-columns">' not in page
    assert '<a href="/sco/countries/RUS">Russia</a> <code class="sco-code">RUS</code>' in page
    assert '<a href="/sco/countries/CHN">China</a> <code class="sco-code">CHN</code>' in page
    assert ('<th scope="row">supplier_iso3<span class="sco-what">The supplying state (ISO 3166-1 alpha-3).</span>'
            in page)
    participant = get(served, "/sco/exercise_participants/zapad-2021,IND")
    assert "<h1>Zapad-2021, India (zapad-2021, IND)</h1>" in participant
    assert '<a href="/sco/military_exercises/zapad-2021">Zapad-2021</a>' in participant
    member = get(served, "/sco/members/TJK")
    assert '<a href="/sco/summits/2001-shanghai">2001-shanghai</a>' in member  # a code without a name links
    assert "empty: unknown or not applicable" in member  # left_date
    # long text is whole on the row's page, cut (by the stylesheet) only in the table
    notes = next(r["notes"] for r in csv_rows(served["package"], "members") if r["iso3"] == "TJK")
    assert notes in html.unescape(member)
    assert 'class="sco-long"' in get(served, "/sco/members")


def test_year_facets_are_in_year_order(served):
    page = get(served, "/sco/arms_deals")
    facet = page.split('id="facet-order_year"')[1].split("</ul>")[0]
    import re

    years = [int(y) for y in re.findall(r">(\d{4})</a>", facet)]
    expected = sorted({int(r["order_year"]) for r in csv_rows(served["package"], "arms_deals")})
    assert years == expected


def test_column_descriptions_fold_away_above_the_table(served):
    page = get(served, "/sco/arms_deals")
    assert '<details class="sco-columns">' in page
    assert page.index('<details class="sco-columns">') < page.index('<table class="rows-and-columns">')


def test_the_stylesheet_is_served(served):
    css = get(served, "/-/sco-data.css")
    assert ".sco-long" in css and "line-clamp" in css
    assert 'href="/-/sco-data.css"' in get(served, "/")


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
    assert args[args.index("--template-dir") + 1] == str(serve.TEMPLATES_DIR)


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
    assert plugin["package"]["version"] == pkg.version and plugin["package"]["sources_table"] == "sources"
    assert plugin["table_order"] == [r.name for r in pkg.resources]
    assert plugin["labels"]["arms_deals"]["supplier_iso3"] == {"table": "countries", "column": "iso3", "label": "name"}
    assert "notes" in plugin["long_text"]["members"]
    assert plugin["year_facets"]["observers"] == ["start_year", "end_year"]
    assert plugin["query_keys"]["deal_id"] == "arms_deals" and "iso3" not in plugin["query_keys"]
    assert tables["observers"]["facet_size"] == "max"
    assert plugin["booleans"]["members"] == ["founding_member", "shanghai_five_member"]
    assert plugin["source_lists"]["summits"] == ["source_ids"]
    assert plugin["key_links"]["members"] == {"iso3": {"table": "countries", "column": "iso3", "label": "name"}}
    # The sample has every table the queries read, arms_deliveries included.
    assert set(meta["databases"]["sco"]["queries"]) == {q.name for q in QUERIES}
    for q in QUERIES:
        entry = meta["databases"]["sco"]["queries"][q.name]
        assert entry["params"] == [p.name for p in q.params] and entry["hide_sql"] is True
    assert serve.metadata(pkg, None, ["_status_spells"])["databases"]["sco"]["tables"]["_status_spells"] == {
        "hidden": True}
    assert "source" not in meta  # the footer credits the package; the essay is its origin, not its source


def test_canned_queries_run_on_the_exported_sqlite(tmp_path):
    """Every query, on the repository's own export, with its parameters empty, and refusing a value
    of the wrong kind inside SQLite itself, so that no rows can come from it."""
    import sqlite3

    from sco_data import queries
    from sco_data.export import export_package

    pkg = load_package(copy_package(ROOT, tmp_path / "pkg"))
    export_package(pkg, tmp_path / "out", ["sqlite"])
    con = queries.connect(tmp_path / "out" / "sco.sqlite")
    for q in QUERIES:
        assert q.params and q.sql.startswith("WITH params AS (")
        checked, rows = queries.run(con, q)
        assert checked.ok and rows, q.name
        for p in q.params:
            # in SQLite itself, whoever runs the SQL: no rows
            assert con.execute(q.sql, {**{o.name: "" for o in q.params}, p.name: "no such value!"}).fetchall() == []
            checked, rows = queries.run(con, q, {p.name: "no such value!"})
            assert not checked.ok and rows == [] and checked.problems[0].startswith(p.label + ": ")
    con.close()
    # the export itself is left as the exporter wrote it
    raw = sqlite3.connect(tmp_path / "out" / "sco.sqlite")
    assert not raw.execute("SELECT name FROM sqlite_master WHERE name = '_status_spells'").fetchall()
    raw.close()


def test_serve_help_names_the_defaults():
    sco = Path(sys.executable).parent / "sco-data"
    out = subprocess.run([sco, "serve", "--help"], capture_output=True, text=True, env={**os.environ}).stdout
    assert "127.0.0.1" in out and "8001" in out
