"""status.spells: the one spell function the rules, the timeline and the panel share."""

from __future__ import annotations

from datetime import date

import pyarrow as pa

from sco_data.status import spells, status_on_day, statuses_between


def _members(*rows):
    """Members rows: (iso3, joined_date, shanghai_five_date)."""
    return pa.table({
        "iso3": [r[0] for r in rows],
        "joined_date": pa.array([r[1] for r in rows], pa.date32()),
        "shanghai_five_member": [r[2] is not None for r in rows],
        "shanghai_five_date": pa.array([r[2] for r in rows], pa.date32()),
        "left_date": pa.array([None] * len(rows), pa.date32()),
    })


def _observers(*rows):
    """Observers rows: (iso3, status, start_year, start_date, end_year, end_date)."""
    names = ["iso3", "status", "start_year", "start_date", "end_year", "end_date"]
    types = [pa.string(), pa.string(), pa.int32(), pa.date32(), pa.int32(), pa.date32()]
    return pa.table({n: pa.array([r[k] for r in rows], t) for k, (n, t) in enumerate(zip(names, types, strict=True))})


def test_a_year_only_end_runs_to_the_next_dated_start_in_that_year():
    got = {(s.iso3, s.status): (s.start, s.end) for s in spells(
        _members(("IND", date(2017, 6, 9), None)),
        _observers(("IND", "observer", 2005, date(2005, 7, 5), 2017, None)),
    )}
    assert got[("IND", "observer")] == (date(2005, 7, 5), date(2017, 6, 9))
    assert got[("IND", "member")] == (date(2017, 6, 9), None)


def test_year_only_boundaries_without_a_dated_neighbour_fall_on_31_december():
    got = {(s.iso3, s.status): (s.start, s.end) for s in spells(None, _observers(
        ("MNG", "observer", 2004, date(2004, 6, 17), 2025, None),
        ("MNG", "partner", 2025, None, None, None),
    ))}
    assert got[("MNG", "observer")] == (date(2004, 6, 17), date(2025, 12, 31))
    assert got[("MNG", "partner")] == (date(2025, 12, 31), None)


def test_a_year_only_start_follows_a_dated_end_in_that_year():
    got = {(s.iso3, s.status): (s.start, s.end) for s in spells(None, _observers(
        ("MNG", "observer", 2004, date(2004, 6, 17), 2025, date(2025, 9, 1)),
        ("MNG", "partner", 2025, None, None, None),
    ))}
    assert got[("MNG", "partner")] == (date(2025, 9, 1), None)


def test_the_as_of_day_caps_a_year_only_boundary_of_its_year():
    [s] = spells(None, _observers(("LAO", "partner", 2026, None, None, None)), as_of=date(2026, 11, 28))
    assert s.start == date(2026, 11, 28) and not s.start_known


def test_shanghai_five_years_run_from_shanghai_five_date_to_membership():
    got = {(s.iso3, s.status): (s.start, s.end) for s in spells(_members(
        ("CHN", date(2001, 6, 15), date(1996, 4, 26)),
        ("UZB", date(2001, 6, 15), date(2001, 6, 14)),
        ("IND", date(2017, 6, 9), None),
    ))}
    assert got[("CHN", "shanghai_five")] == (date(1996, 4, 26), date(2001, 6, 15))
    assert got[("UZB", "shanghai_five")] == (date(2001, 6, 14), date(2001, 6, 15))
    assert ("IND", "shanghai_five") not in got


def test_a_status_is_held_from_its_start_through_the_day_before_its_end():
    state = spells(_members(("UZB", date(2001, 6, 15), date(2001, 6, 14))))
    assert status_on_day(state, date(2001, 6, 13)) == "none"
    assert status_on_day(state, date(2001, 6, 14)) == "shanghai_five"
    assert status_on_day(state, date(2001, 6, 15)) == "member"
    assert statuses_between(state, date(2001, 1, 1), date(2001, 12, 31)) == ["none", "shanghai_five", "member"]
    assert statuses_between(state, date(2000, 1, 1), date(2000, 12, 31)) == ["none"]
