"""The rules of the General Assembly votes: un_resolutions and un_votes read together, and with the
statuses of members and observers.

Like rules.py, this module names tables and columns; it keeps the rules of these two tables in one
place. Each rule is a package check (see registry.py) whose docstring states the rule and why it
holds; docs/rules.md is written from them. A rule whose tables or columns are missing or unreadable
is skipped: the reader and the lint have already said why.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from ..errors import Problem
from .registry import PACKAGE, Case, ReplaceText, check
from .rules import MEMBER_COLUMNS, OBSERVER_COLUMNS, Tables, _rows, _spells

RESOLUTIONS, VOTES, COUNTRIES = "un_resolutions", "un_votes", "countries"
VOTES_ENUM = ("yes", "no", "abstain", "non_voting")


@dataclass(frozen=True)
class Both:
    """Two edits of the test sample, one after the other (a bad-input case that needs both)."""

    first: ReplaceText
    second: ReplaceText

    def __call__(self, folder: Path) -> None:
        self.first(folder)
        self.second(folder)


@check("un-vote-totals", PACKAGE, cases=[
    Case("un-vote-totals", ReplaceText("un_resolutions", "50,17,86,39", "50,17,2,39"),
         ["data/un_resolutions.csv:3:abstain: [un-vote-totals] data/un_votes.csv has 3 rows voting abstain on "
          "A/RES/64/296, more than the 2 recorded; fix the total or the votes"]),
    Case("un-vote-totals-non-voting", ReplaceText("un_resolutions", "50,17,86,39", "50,17,86,0"),
         ["data/un_resolutions.csv:3:non_voting: [un-vote-totals] data/un_votes.csv has 1 row voting non_voting on "
          "A/RES/64/296, more than the 0 recorded; fix the total or the votes"]),
])
def un_vote_totals(tables: Tables) -> Iterator[Problem]:
    """For each resolution, the rows of un_votes casting each vote (yes, no, abstain, non_voting)
    are no more than the total the resolution records for that vote (its columns of the same
    names), where the total is known. un_votes holds the states of countries only, so it may hold
    fewer; more means a vote or a total was misread."""
    resolutions = _rows(tables, RESOLUTIONS, "resolution", *VOTES_ENUM)
    votes = _rows(tables, VOTES, "resolution", "vote")
    if resolutions is None or votes is None:
        return
    counts = Counter((r["resolution"], r["vote"]) for _, r in votes)
    for i, r in resolutions:
        for vote in VOTES_ENUM:
            total, have = r[vote], counts[(r["resolution"], vote)]
            if total is not None and have > total:
                rows = "row" if have == 1 else "rows"
                yield resolutions.problem(i, vote, "un-vote-totals",
                                          f"{votes.file} has {have} {rows} voting {vote} on {r['resolution']}, more "
                                          f"than the {total} recorded; fix the total or the votes")


def _missing(tables: Tables):
    """(row index, resolution row, iso3, status on the day) for every state of countries that a
    roll-call resolution has no vote row for; None when a table it needs is unreadable."""
    from .. import status

    resolutions = _rows(tables, RESOLUTIONS, "resolution", "date", "roll_call")
    votes = _rows(tables, VOTES, "resolution", "iso3")
    countries = _rows(tables, COUNTRIES, "iso3")
    members = _rows(tables, "members", *MEMBER_COLUMNS)
    observers = _rows(tables, "observers", *OBSERVER_COLUMNS)
    if resolutions is None or votes is None or countries is None or members is None or observers is None:
        return None, None
    have = {(r["resolution"], r["iso3"]) for _, r in votes}
    spells = _spells(members, observers)
    out = []
    for i, r in resolutions:
        if not r["roll_call"] or r["date"] is None or r["resolution"] is None:
            continue
        for _, c in countries:
            if c["iso3"] is not None and (r["resolution"], c["iso3"]) not in have:
                out.append((i, r, c["iso3"], status.status_on_day(spells.get(c["iso3"], []), r["date"])))
    return resolutions, out


# The statuses whose holders must have a vote row: the issue's "member, observer or dialogue
# partner", and the single partner status that replaced the last two on 2025-09-01.
SCO_STATUSES = ("member", "observer", "dialogue_partner", "partner")


@check("un-vote-sco-states", PACKAGE, cases=[
    Case("un-vote-sco-states", Both(ReplaceText("un_resolutions", "50,17,86,39,false", "50,17,86,39,true"),
                                    ReplaceText("un_votes", "A/RES/64/296,KAZ,abstain,,test-ref\n", "")),
         ["data/un_resolutions.csv:3:resolution, date: [un-vote-sco-states] this state held an SCO status on "
          "2010-09-07 but data/un_votes.csv has no vote of it on A/RES/64/296: KAZ (member); add its vote from the "
          "roll call"]),
])
def un_vote_sco_states(tables: Tables) -> Iterator[Problem]:
    """Every state that was an SCO member, observer, dialogue partner or partner on the day of a
    roll-call vote (a resolution whose roll_call is true) has a row of un_votes for it, its status
    taken from members and observers as everywhere else (sco_data.status). The votes of the SCO's
    own states are what the table is for. A resolution without a complete roll call (roll_call
    false) has only the votes its sources give; its gaps are shown in the coverage table of
    docs/un-votes-reconciliation.md instead, as are those of the states without an SCO status, so
    that a state added to countries does not make the package invalid until its votes are
    entered."""
    resolutions, missing = _missing(tables)
    if resolutions is None:
        return
    for i, r, states in _by_resolution(missing, lambda held: held in SCO_STATUSES):
        listed = ", ".join(f"{iso3} ({held.replace('_', ' ')})" for iso3, held in states)
        yield resolutions.problem(i, ("resolution", "date"), "un-vote-sco-states",
                                  f"{_these(states)} an SCO status on {r['date']} but {tables[VOTES].display} has no "
                                  f"vote of {_them(states)} on {r['resolution']}: {listed}; add "
                                  f"{'its vote' if len(states) == 1 else 'their votes'} from the roll call")


def _by_resolution(missing, keep) -> Iterator[tuple[int, dict, list[tuple[str, str]]]]:
    """The missing states whose status on the day `keep` accepts, one item per resolution."""
    grouped: dict[int, tuple[dict, list]] = {}
    for i, r, iso3, held in missing:
        if keep(held):
            grouped.setdefault(i, (r, []))[1].append((iso3, held))
    for i, (r, states) in grouped.items():
        yield i, r, states


def _these(states: list) -> str:
    return "this state held" if len(states) == 1 else f"these {len(states)} states held"


def _them(states: list) -> str:
    return "it" if len(states) == 1 else "them"


@check("un-resolution-session", PACKAGE, cases=[
    Case("un-resolution-session", ReplaceText("un_resolutions", "2010-09-07,64,", "2010-09-07,65,"),
         ["data/un_resolutions.csv:3:resolution, session: [un-resolution-session] session is 65 but the symbol "
          "A/RES/64/296 is of session 64; make them agree"]),
])
def un_resolution_session(tables: Tables) -> Iterator[Problem]:
    """A resolution's session is the session part of its symbol (62 in A/RES/62/249, ES-11 in
    A/RES/ES-11/1): the column is there to group and filter by, and must not tell a different
    story from the symbol it repeats."""
    resolutions = _rows(tables, RESOLUTIONS, "resolution", "session")
    if resolutions is None:
        return
    for i, r in resolutions:
        parts = (r["resolution"] or "").split("/")
        if len(parts) == 4 and r["session"] is not None and parts[2] != r["session"]:
            yield resolutions.problem(i, ("resolution", "session"), "un-resolution-session",
                                      f"session is {r['session']} but the symbol {r['resolution']} is of session "
                                      f"{parts[2]}; make them agree")
