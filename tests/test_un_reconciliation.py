"""docs/un-votes-reconciliation.md: our General Assembly votes against a second record, every
difference explained, an unexplained one refused, and the coverage of resolutions by state."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import ROOT

from sco_data import un_reconciliation as unr
from sco_data.cli import cli
from sco_data.descriptor import load_package
from sco_data.docs import GENERATED_BY, build_docs, package_tables
from sco_data.errors import DocsError


def run(*args: str):
    return CliRunner().invoke(cli, list(args))


@pytest.fixture
def repo(repo_package: Path) -> Path:
    shutil.copytree(ROOT / "reference", repo_package / "reference", dirs_exist_ok=True)
    return repo_package


def edit_reference(pkg: Path, old: str, new: str) -> None:
    path = pkg / unr.REFERENCE
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")


def document(pkg: Path) -> str:
    p = load_package(pkg)
    return unr.reconciliation_md(p, package_tables(p), GENERATED_BY)


def test_the_repository_document_is_generated_and_explains_every_difference():
    text = (ROOT / "docs" / unr.OUTPUT).read_text(encoding="utf-8")
    assert text == document(ROOT)
    assert "| A/RES/78/283 | China (CHN) | `abstain` (un-dgacm-ga-resolutions-xml) | `non_voting` " in text
    assert "no second record exists for these votes" in text  # said where no second record exists
    # Every state of countries has a sourced vote on every resolution: no gap to list.
    assert "968 cells: 968 have a sourced vote, 0 have none" in text
    assert "### States with an SCO status and no sourced vote" not in text


def test_every_vote_is_compared_and_the_counts_add_up():
    p = load_package(ROOT)
    tables = package_tables(p)
    votes = tables["un_votes"].to_pylist()
    compared, only_second = unr.compare(votes, unr.read_reference(ROOT / unr.REFERENCE))
    assert len(compared) == len(votes)
    differ = {(c["resolution"], c["iso3"], o["source_id"]) for c in compared for o in c["differ"]}
    assert differ == set(unr.REASONS)
    # China 2022: the UN record has it voting against, as reports say; every second source agrees
    # on the Ukraine roll calls it covers.
    by_key = {(c["resolution"], c["iso3"]): c for c in compared}
    assert by_key[("A/RES/76/267", "CHN")]["vote"] == "no"
    assert all(not c["differ"] for c in compared if c["resolution"] in ("A/RES/68/262", "A/RES/ES-11/1"))
    assert all(c["others"] for c in compared if c["resolution"] in ("A/RES/68/262", "A/RES/ES-11/1"))


def test_the_coverage_table_shows_a_gap_as_a_dash(repo):
    # Suppose no roll call of 2009 had been found and no source gave China's vote: its cell is a
    # bold dash (it was a member), the resolution is marked, and the gap is listed.
    votes = repo / "data" / "un_votes.csv"
    lines = votes.read_text(encoding="utf-8").splitlines(keepends=True)
    votes.write_text("".join(x for x in lines if not x.startswith("A/RES/63/307,CHN,")), encoding="utf-8")
    resolutions = repo / "data" / "un_resolutions.csv"
    text = resolutions.read_text(encoding="utf-8")
    assert text.count(",48,19,78,47,true,") == 1
    resolutions.write_text(text.replace(",48,19,78,47,true,", ",48,19,78,47,false,"), encoding="utf-8")
    text = document(repo)
    assert "| CHN | **A** | **–** |" in text
    assert "63/307 (2009) †" in text
    assert "### States with an SCO status and no sourced vote" in text
    assert "| A/RES/63/307 | no | CHN (member) |" in text


def test_a_difference_without_a_reason_stops_the_docs(repo):
    # Suppose the UN Digital Library gave India's 2025 vote as yes.
    edit_reference(repo, "A/RES/79/292,IND,abstain,undl-ga-voting-2025-table\n",
                   "A/RES/79/292,IND,yes,undl-ga-voting-2025-table\n")
    result = run("docs", "--package", str(repo), "--out", str(repo / "out"))
    assert result.exit_code == 1
    assert ("reference/un_votes_second_record.csv: 1 difference(s) with the second record have no reason: "
            "A/RES/79/292 IND undl-ga-voting-2025-table. Find out why, and add the reason to REASONS in "
            "sco_data/un_reconciliation.py") in result.output
    assert not (repo / "out").exists()


def test_a_reason_for_a_difference_that_is_gone_stops_the_docs(repo):
    edit_reference(repo, "A/RES/79/292,CHN,non_voting,ainewsge-un-ga-georgia-idp-2025\n",
                   "A/RES/79/292,CHN,abstain,ainewsge-un-ga-georgia-idp-2025\n")
    with pytest.raises(DocsError, match="REASONS in sco_data/un_reconciliation.py name differences that are not "
                                        "there: A/RES/79/292 CHN ainewsge-un-ga-georgia-idp-2025"):
        document(repo)


@pytest.mark.parametrize(("old", "new", "message"), [
    ("resolution,iso3,vote,source_id", "resolution,iso3,source_id,vote", "the header must be resolution,iso3,vote,"
                                                                          "source_id"),
    ("A/RES/79/292,IND,abstain,undl-ga-voting-2025-table", "A/RES/79/292,IND,maybe,undl-ga-voting-2025-table",
     r"un_votes_second_record.csv:\d+: vote maybe is not one of yes, no, abstain, non_voting"),
    ("A/RES/79/292,IND,abstain,undl-ga-voting-2025-table", "A/RES/79/292,IND,abstain,no-such-source",
     "source_id not in data/sources.csv: no-such-source"),
    ("A/RES/79/292,IND,abstain,undl-ga-voting-2025-table", "A/RES/79/999,IND,abstain,undl-ga-voting-2025-table",
     "resolutions not in un_resolutions: A/RES/79/999"),
])
def test_a_broken_second_record_is_refused(repo, old, new, message):
    edit_reference(repo, old, new)
    with pytest.raises(DocsError, match=message):
        document(repo)


def test_a_row_given_twice_is_refused(repo):
    path = repo / unr.REFERENCE
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join(lines + [lines[1]]), encoding="utf-8")
    with pytest.raises(DocsError, match="is there twice"):
        document(repo)


def test_every_reason_is_written_out():
    sources = {r["source_id"] for r in csv.DictReader((ROOT / "data" / "sources.csv").open(encoding="utf-8"))}
    for (resolution, iso3, source), text in unr.REASONS.items():
        assert resolution.startswith("A/RES/") and len(iso3) == 3 and source in sources and len(text) > 80


def test_no_reference_no_document(sample):
    files = build_docs(load_package(sample))
    assert unr.OUTPUT not in {p.name for p in files}
