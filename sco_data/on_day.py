"""status_on and members_on: the statuses of a package's states on a day.

The spells come from status.py, read from the package's own members and observers tables (each
refused, naming its problems, when it breaks its own schema). A day after the package's coverage
(its `created` date, up to which its statuses are recorded) is answered with a warning: what
happened later is not in the data.
"""

from __future__ import annotations

import datetime as dt
import re
import warnings

from .status import COUNTRIES, MEMBERS, OBSERVERS, STATUSES, Spell, by_state, created_date, spells, status_on_day


class CoverageWarning(UserWarning):
    """A question about a day the package does not cover."""


_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def as_date(value) -> dt.date:
    """A day given as a datetime.date (a datetime gives its date) or an ISO string YYYY-MM-DD.
    Anything else, or a day that is not on the calendar, is refused with a message that says what to give."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        text = value.strip()
        if _ISO_DAY.match(text):
            try:
                return dt.date.fromisoformat(text)
            except ValueError:
                pass
        raise ValueError(f"{value!r} is not a date; give a datetime.date or an ISO date YYYY-MM-DD "
                         "that is on the calendar, e.g. '2017-06-09'")
    raise TypeError(f"a date is a datetime.date or an ISO string YYYY-MM-DD, not {type(value).__name__}")


def package_spells(pkg) -> tuple[list[Spell], dict]:
    """The spells of a package, read from its members and observers (each refused, naming its
    problems, when it breaks its own schema), and the countries table."""
    from .loading import read_table

    def table(name):
        res = pkg.resource(name)
        return read_table(res, pkg.display(res.path))

    countries = table(COUNTRIES)
    return spells(table(MEMBERS), table(OBSERVERS), as_of=created_date(pkg)), countries


def warn_past_coverage(pkg, day: dt.date) -> None:
    covered = created_date(pkg)
    if day > covered:
        warnings.warn(f"{day} is after {covered}, the last day {pkg.shown} covers (its `created` date); the "
                      "statuses given are those of that day, and later changes are not in the data",
                      CoverageWarning, stacklevel=4)


def status_frame(pkg, day: dt.date):
    """Every state that ever held a status, with its status on day: iso3, name, status, cow_code."""
    import pandas as pd

    warn_past_coverage(pkg, day)
    all_spells, countries = package_spells(pkg)
    grouped = by_state(all_spells)
    known = {r["iso3"]: r for r in countries.to_pylist()}
    states = sorted(grouped)
    return pd.DataFrame({
        "iso3": pd.Series(states, dtype="string"),
        "name": pd.Series([known.get(s, {}).get("name") for s in states], dtype="string"),
        "status": pd.Categorical([status_on_day(grouped[s], day) for s in states], categories=list(STATUSES)),
        "cow_code": pd.Series([known.get(s, {}).get("cow_code") for s in states], dtype="Int64"),
    })
