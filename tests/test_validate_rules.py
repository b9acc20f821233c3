"""The cross-table rules in the registry and the validator's robustness: rules skip tables that
are missing or unreadable, no input crashes it, and only rules.py knows tables by name."""

from __future__ import annotations

import ast
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from validate_cases import RULE_CASES

from sco_data import checks
from sco_data.descriptor import load_package
from sco_data.validate import validate_package

TABLES = ["countries", "sources", "members", "observers", "summits", "military_exercises",
          "exercise_participants", "arms_deals", "arms_deliveries", "georgia_positions", "un_resolutions", "un_votes"]
CONTRACT_RULES = set(checks.rule_names(checks.PACKAGE))


def test_every_contract_rule_is_registered_and_documented():
    # Named here, not read from the registry, so that a rule deleted by mistake fails a test.
    assert {"source-exists", "year-matches-date", "end-after-start", "summit-host-member", "shanghai-five-date",
            "observer-before-member", "spells-do-not-overlap", "recognition-date", "deal-quantities", "deal-years",
            "deal-parties", "deliveries-within-deal", "un-vote-totals", "un-vote-sco-states",
            "un-resolution-session"} <= CONTRACT_RULES
    assert all(c.doc for c in checks.of_kind(checks.PACKAGE))


def test_every_rule_has_a_failing_case():
    assert {c.expected[0].split("[")[1].split("]")[0] for c in RULE_CASES} == CONTRACT_RULES


@pytest.mark.parametrize("table", TABLES)
def test_rules_skip_a_missing_table(sample, table):
    (sample / "data" / f"{table}.csv").unlink()
    report = validate_package(load_package(sample))
    assert [str(p) for p in report.problems] == [
        f"data/{table}.csv: [file-missing] file not found; create it with its header row"
    ]


@pytest.mark.parametrize("table", TABLES)
def test_rules_skip_an_unreadable_table(sample, table):
    path = sample / "data" / f"{table}.csv"
    path.write_text("nothing,like,the,schema\n", encoding="utf-8")
    assert [p.rule for p in validate_package(load_package(sample)).problems] == ["header"]


def test_problems_are_capped_per_column(sample):
    rows = "".join(f"X{i:02d},Ex{i}\n" for i in range(25))
    path = sample / "data" / "countries.csv"
    path.write_text(path.read_text(encoding="utf-8") + rows, encoding="utf-8")
    # The new states have no votes in the roll calls of un_votes either; only countries' own are counted.
    problems = [p for p in validate_package(load_package(sample)).problems if p.file == "data/countries.csv"]
    assert len(problems) == 21
    assert str(problems[0]) == "data/countries.csv:7:iso3: [pattern] 'X00' does not match the pattern ^[A-Z]{3}$"
    assert str(problems[-1]) == "data/countries.csv::iso3: [pattern] 5 more rows like these"


def _string_literals(source: str) -> set[str]:
    """String constants of a module, docstrings (which may show examples) and the bad-input cases
    beside a check (which edit the test sample's tables) left out."""
    tree = ast.parse(source)
    left_out = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
        and node.body and isinstance(node.body[0], ast.Expr) and isinstance(node.body[0].value, ast.Constant)
    }
    cases = [node for node in ast.walk(tree) if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "Case"]
    left_out |= {id(n) for case in cases for n in ast.walk(case)}
    return {n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)
            and id(n) not in left_out}


def test_only_rules_module_names_tables():
    src = Path(__file__).resolve().parent.parent / "sco_data"
    # "sources" is also a descriptor property (the package's own bibliography), which the release
    # (release/snapshot.py) carries into snapshots; it is not the sources table. The membership
    # timeline (timeline.py) is drawn from members, observers and summits by design, under the
    # names status.py gives them, and status.py derives the panel of
    # statuses from members, observers, summits and countries by design. The canned queries of
    # `sco-data serve` (queries.py) are the essay's questions in SQL, kept there by design; serve.py
    # reads the descriptor's "sources" property too. The SIPRI reconciliation (sipri.py) compares
    # arms_deals with SIPRI's register, naming states from countries, by design.
    # The General Assembly votes have their rules in checks/un_votes.py and their reconciliation in
    # un_reconciliation.py.
    from sco_data.queries import QUERIES

    allowed = {"snapshot.py": {"sources"},
               "status.py": {"members", "observers", "summits", "countries"},
               "queries.py": {t for q in QUERIES for t in q.tables}, "serve.py": {"sources"},
               "sipri.py": {"arms_deals", "countries"},

               # The rules and the reconciliation of the General Assembly votes, each in a module of its own.
               "un_votes.py": {"un_resolutions", "un_votes", "countries", "members", "observers"},
               "un_reconciliation.py": {"un_resolutions", "un_votes", "countries", "members", "observers", "sources"}}
    offenders = {p.name: sorted(_string_literals(p.read_text()) & set(TABLES) - allowed.get(p.name, set()))
                 for p in src.rglob("*.py") if p.name not in ("rules.py", "rules_arms.py")}
    assert {name: tables for name, tables in offenders.items() if tables} == {}


_CELL = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=30)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cells=st.lists(st.lists(_CELL, min_size=0, max_size=4), max_size=4), raw=st.binary(max_size=60))
def test_no_input_crashes_the_validator(sample, cells, raw):
    """Whatever a CSV holds, validation returns problems; it never raises."""
    work = sample.parent / "fuzz"
    shutil.rmtree(work, ignore_errors=True)
    shutil.copytree(sample, work)
    text = "iso3,name\n" + "".join(",".join(row) + "\n" for row in cells)
    (work / "data" / "countries.csv").write_text(text, encoding="utf-8")
    (work / "data" / "sources.csv").write_bytes(raw)
    report = validate_package(load_package(work))
    assert all(p.file and p.rule and p.message for p in report.problems)


def test_every_rule_runs_on_tables_without_rows(sample):
    """Header-only CSVs read as tables without chunks; the vectorised rules must take them."""
    for csv_path in (sample / "data").glob("*.csv"):
        header = csv_path.read_text(encoding="utf-8").splitlines()[0]
        csv_path.write_text(header + "\n", encoding="utf-8")
    report = validate_package(load_package(sample))
    assert report.problems == []
