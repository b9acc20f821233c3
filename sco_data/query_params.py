"""The parameters of the canned queries, and how every value a person types is checked.

A canned query declares its parameters (`Param`): a name, a label for the form, a kind and a
default. The kind says what the parameter accepts and turns the text typed into the value the SQL
gets: an ISO date (YYYY-MM-DD, on the calendar), a year (four digits), a state (an ISO 3166 code,
alpha-3 or alpha-2, or its English name, mapped to the alpha-3 code), or one of a list of words.
Anything else is refused with a plain message that says what to give.

The check runs twice, with one rule: in Python, to show the message (`check`), and inside SQLite,
where `sco_param(query, parameter, text)` gives the SQL the checked value and `sco_refused(...)`
leaves out the `params` row the SQL starts with when a value is refused (`sql_functions`). A query
reads its checked values from that row, joined, so that a refused value returns no rows (see
sco_data.queries.Query.sql).

An empty parameter means its default: a fixed value, today (`TODAY`), or no value at all (None:
no bound, every row).
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from .on_day import as_date  # the rule status_on and members_on apply to a date

TODAY = "today"  # a default: the day the query runs
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_YEAR = re.compile(r"^\d{4}$")
MAX_SHOWN = 40  # characters of a refused value quoted back in a message


class ParamError(ValueError):
    """A value a parameter does not accept; the message is for the person who typed it."""


@dataclass
class Context:
    """What checking needs to know of the database: the states (alpha-3 code -> English name,
    and every spelling accepted for each) and the day the data run to."""

    names: dict[str, str] = field(default_factory=dict)
    spellings: dict[str, str] = field(default_factory=dict)  # casefolded code or name -> alpha-3
    as_of: dt.date | None = None

    @classmethod
    def of(cls, states: list[tuple[str, str, str | None]], as_of: dt.date | None = None) -> Context:
        """From (alpha-3, name, alpha-2 or None) rows."""
        names, spellings = {}, {}
        for iso3, name, iso2 in states:
            names[iso3] = name
            for spelling in (iso3, name, iso2):
                if spelling:
                    spellings[_fold(spelling)] = iso3
        return cls(names, spellings, as_of)


def _fold(text: str) -> str:
    return " ".join(text.split()).casefold()


def _quoted(text: str) -> str:
    return repr(text if len(text) <= MAX_SHOWN else text[:MAX_SHOWN] + "…")


# --------------------------------------------------------------------------- kinds


@dataclass(frozen=True)
class Kind:
    """What a parameter accepts. `parse(text, context)` gives the SQL value or raises ParamError
    (the message without the parameter's label); `show(value, context)` writes a value for a
    heading; `hint` is shown beside the form's field; `warn` may return a caution for a value
    that is accepted but needs one."""

    name: str
    hint: str
    parse: Callable[[str, Context], object]
    show: Callable[[object, Context], str] = lambda value, context: str(value)
    warn: Callable[[object, Context], str | None] = lambda value, context: None


def _parse_date(text: str, context: Context) -> str:
    if not _DAY.match(text):
        raise ParamError(f"{_quoted(text)} is not a date written YYYY-MM-DD (for example 2017-06-09)")
    try:
        return as_date(text).isoformat()
    except ValueError:
        raise ParamError(f"{_quoted(text)} is not a day on the calendar") from None


def _show_date(value, context: Context) -> str:
    day = dt.date.fromisoformat(value)
    return f"{day.day} {day:%B %Y}"


def _warn_date(value, context: Context) -> str | None:
    if context.as_of is not None and dt.date.fromisoformat(value) > context.as_of:
        return (f"The data run to {_show_date(context.as_of.isoformat(), context)}: a change after that "
                "day is not in them.")
    return None


ISO_DATE = Kind("date", "a date, YYYY-MM-DD", _parse_date, _show_date, _warn_date)


def _parse_year(text: str, context: Context) -> int:
    if not _YEAR.match(text):
        raise ParamError(f"{_quoted(text)} is not a year written with four digits (for example 2007)")
    return int(text)


YEAR = Kind("year", "a year, YYYY", _parse_year)


def _parse_state(text: str, context: Context) -> str:
    found = context.spellings.get(_fold(text))
    if found is not None:
        return found
    close = difflib.get_close_matches(_fold(text), [_fold(n) for n in context.names.values()], n=1, cutoff=0.75)
    suggestion = ""
    if close:
        iso3 = context.spellings[close[0]]
        suggestion = f" Did you mean {context.names[iso3]} ({iso3})?"
    raise ParamError(f"{_quoted(text)} is not a state in the package; give its ISO 3166 code (RUS, or RU) or "
                     f"its English name (Russia).{suggestion}")


def _show_state(value, context: Context) -> str:
    return context.names.get(value, value)


STATE = Kind("state", "a state: ISO code (RUS) or name (Russia)", _parse_state, _show_state)


def one_of(*words: str, shown: Mapping[str, str] | None = None) -> Kind:
    """A kind that accepts one of `words` (in any case); `shown` words them for a heading."""
    allowed = {w.casefold(): w for w in words}

    def parse(text: str, context: Context) -> str:
        try:
            return allowed[text.casefold()]
        except KeyError:
            raise ParamError(f"{_quoted(text)} is not one of: {', '.join(words)}") from None

    return Kind("word", "one of: " + ", ".join(words), parse,
                lambda value, context: (shown or {}).get(value, value))


# --------------------------------------------------------------------------- parameters


@dataclass(frozen=True)
class Param:
    name: str
    kind: Kind
    label: str
    default: str | None = None  # the text used when the parameter is empty; TODAY; None: no value

    @property
    def hint(self) -> str:
        if self.default is None:
            empty = "empty: all"
        elif self.default == TODAY:
            empty = "empty: today"
        else:
            empty = f"empty: {self.default}"
        return f"{self.kind.hint}; {empty}"

    def value(self, text: str | None, context: Context):
        """The SQL value for what was typed: the default when empty, else the parsed text."""
        text = (text or "").strip()
        if not text:
            if self.default is None:
                return None
            text = dt.date.today().isoformat() if self.default == TODAY else self.default
        try:
            return self.kind.parse(text, context)
        except ParamError as exc:
            raise ParamError(f"{self.label}: {exc}") from None


@dataclass
class Checked:
    """The outcome of checking a query's parameters: the values (None where empty and without a
    default), how a heading shows them, and the problems and cautions to show."""

    values: dict = field(default_factory=dict)
    shown: dict = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def check(params, args: Mapping[str, str], context: Context) -> Checked:
    """Check every parameter in args (a mapping of name to the text typed)."""
    out = Checked()
    for p in params:
        try:
            value = p.value(args.get(p.name), context)
        except ParamError as exc:
            out.problems.append(str(exc))
            continue
        out.values[p.name] = value
        out.shown[p.name] = None if value is None else p.kind.show(value, context)
        caution = None if value is None else p.kind.warn(value, context)
        if caution and caution not in out.warnings:
            out.warnings.append(caution)
    return out


def sql_functions(queries, context: Context) -> dict[str, Callable[[str, str, str | None], object]]:
    """The SQLite functions a query's `params` row calls, each (query, parameter, text):
    sco_param gives the checked value (None when refused), sco_refused 1 when the text is refused,
    which leaves the `params` row out, and with it every row of the answer. Neither raises: a
    refusal is an empty answer, its words come from `check`."""
    declared = {(q.name, p.name): p for q in queries for p in q.params}

    def parsed(query: str, name: str, text):
        param = declared.get((query, name))
        if param is None:
            return False, None
        try:
            return True, param.value(None if text is None else str(text), context)
        except ParamError:
            return False, None

    return {"sco_param": lambda query, name, text: parsed(query, name, text)[1],
            "sco_refused": lambda query, name, text: 0 if parsed(query, name, text)[0] else 1}
