"""The registry of checks (sco_data/checks/): every check documented and, where it judges data,
shown failing by a case of its own; Rows builds only the columns a rule names."""

from __future__ import annotations

import re

import pytest

from sco_data import checks
from sco_data.checks.rules import _readable, _rows
from sco_data.descriptor import load_package
from sco_data.read import read_package


def test_every_check_is_documented():
    assert [c.name for c in checks.CHECKS if not c.doc] == []


def test_no_two_checks_report_the_same_rule():
    rules = [r for c in checks.CHECKS for r in c.rules]
    assert len(rules) == len(set(rules))


@pytest.mark.parametrize("kind", [checks.TABLE, checks.PACKAGE])
def test_every_check_of_the_data_has_a_case(kind):
    assert [c.name for c in checks.of_kind(kind) if not c.cases] == []


def test_every_case_reports_a_rule_of_its_check():
    wrong = {case.id: sorted(set(re.findall(r": \[([a-zA-Z:-]+)\] ", "\n".join(case.expected))) - set(c.rules))
             for c in checks.CHECKS for case in c.cases}
    assert {case: rules for case, rules in wrong.items() if rules} == {}


def test_case_ids_are_unique():
    ids = [case.id for c in checks.CHECKS for case in c.cases]
    assert len(ids) == len(set(ids))


def test_a_check_is_registered_once_and_no_rule_warns():
    with pytest.raises(ValueError, match="registered already"):
        checks.check("deal-parties", checks.PACKAGE)(lambda tables: [])
    with pytest.raises(ValueError, match="only a descriptor or table check may warn"):
        checks.check("new-rule", checks.PACKAGE, level=checks.WARNING)
    assert "new-rule" not in [c.name for c in checks.CHECKS]


def test_rows_hold_only_the_columns_a_rule_names(sample):
    tables = read_package(load_package(sample))
    members = _rows(tables, "members", "iso3", "joined_date", optional=["left_date", "no_such_column"])
    assert members.columns == ["iso3", "joined_date", "left_date"]
    assert {tuple(row) for _, row in members} == {("iso3", "joined_date", "left_date")}
    assert _rows(tables, "members", "iso3", "no_such_column") is None
    assert all(t.columns == [] for t in _readable(tables))
