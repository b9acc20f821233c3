"""Text columns to typed Arrow columns, by the field's Table Schema type (see schema.py).

`convert` types one column, vectorised. A cell that does not fit its type is reported through
`report(bad_mask, reason)`, and its typed value is null. A value is never changed: a date-time
finer than a microsecond, a number too small or too large for a double and a date-time whose UTC
instant falls outside the years 1-9999 are refused, not rounded. Fields whose descriptor asks for
more than the type's default form (dialect.read_by_reference) are read cell by cell with the
reference implementation's own reader, so that their values are the ones Frictionless reads.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

from . import arrow as lit
from . import dialect as dia
from . import schema as sch

_INTEGER = r"^[+-]?[0-9]+$"
_NUMBER = r"^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?$"
# A mantissa with a digit other than 0: a number that is not zero, whatever its exponent.
_NONZERO_MANTISSA = r"^[+-]?[0.]*[1-9]"
_DATE = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
_YEAR = r"^[0-9]{4}$"
# What fromisoformat may judge: a full date, hours, minutes and seconds, and a zone. On its own it
# also takes 10:00Z without seconds, the basic form 20080828T100000Z and zones with seconds,
# which are no Table Schema date-times (Frictionless refuses them too).
_DATETIME = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}:[0-9]{2}(?:[.,]([0-9]+))?(Z|[+-][0-9]{2}(:?[0-9]{2})?)"
)
_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)

HINTS = {
    "integer": "write a whole number with digits only, no separators",
    "number": "write a number with a '.' decimal point and no separators",
    "boolean": "write true or false",
    "date": "write the date as YYYY-MM-DD (a real calendar day); if only the year is known, leave the date empty",
    "datetime": "write an ISO 8601 date-time with a time zone, e.g. 2008-08-28T10:00:00Z",
    "year": "write a four-digit year",
    "list": "separate items with the delimiter and leave no item empty",
}
NOT_A_DOUBLE = "is too small for a double and would be read as 0; write it as 0 or with fewer decimals"
TOO_LARGE = ""  # the type's own hint


def hint(fdef: dict) -> str:
    ftype = sch.field_type(fdef)
    if dia.read_by_reference(fdef):
        spelled = {k: fdef[k] for k in ("format", "decimalChar", "groupChar", "bareNumber") if k in fdef}
        return "write it as the field's " + ", ".join(f"{k} {v!r}" for k, v in spelled.items()) + " says"
    return HINTS.get(ftype, "")


def _strict_cast(raw, ftype: str, target):
    """The whole column through Arrow's own parser, when that parser is at least as strict as the
    Table Schema rules below, or None to take the checking path (which then finds the bad cells).
    On valid data this is what a read costs: the regular expressions never run."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if ftype not in ("integer", "year", "number", "date"):
        return None
    try:
        if ftype == "year":
            # four ASCII digits: Arrow rejects non-ASCII digits; length 4 and no sign checked here
            lengths = pc.binary_length(raw)
            if pc.min_max(lengths).as_py() not in ({"min": 4, "max": 4}, {"min": None, "max": None}):
                return None
            if pc.all(pc.utf8_is_digit(raw)).as_py() is False:
                return None
            return pc.cast(raw, target)
        if ftype == "integer" and pc.any(pc.match_substring(raw, "x", ignore_case=True)).as_py():
            return None  # Arrow reads 0x1F as hexadecimal; a Table Schema integer is decimal
        if ftype == "date" and pc.any(pc.starts_with(raw, pattern="0000")).as_py():
            return None  # Arrow's cast takes year 0, which the calendar does not have
        typed = pc.cast(raw, target)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None
    if ftype == "number":
        if pc.all(pc.is_finite(typed)).as_py() is False:
            return None  # nan, inf and Infinity are not written that way in a Table Schema number here
        if _underflows(raw, typed) is not None:
            return None
    return typed


def _underflows(raw, typed):
    """Where a non-zero number was read as 0 (1e-400), or None when nowhere: the check costs one
    comparison unless some cell is 0."""
    import pyarrow as pa
    import pyarrow.compute as pc

    zero = pc.equal(typed, lit.scalar(0.0, pa.float64()))
    if not pc.any(zero).as_py():
        return None
    under = pc.and_(zero, pc.match_substring_regex(raw, _NONZERO_MANTISSA))
    return under if pc.any(under).as_py() else None


def _numeric(raw, ftype: str, target, report):
    import pyarrow as pa
    import pyarrow.compute as pc

    pattern = {"integer": _INTEGER, "year": _YEAR, "number": _NUMBER}[ftype]
    ok = pc.match_substring_regex(raw, pattern)
    clean = pc.if_else(ok, pc.utf8_ltrim(raw, characters="+"), lit.scalar(None, pa.string()))
    try:
        typed = pc.cast(clean, target)
    except pa.ArrowInvalid:
        # Out of range for the target type: find the offending cells one by one.
        limit = 2**63 if ftype == "integer" else 2**31
        vals = clean.to_pylist()
        fits = [v is None or -limit <= int(v) < limit for v in vals]
        report(pc.invert(lit.values(fits, pa.bool_())))
        kept = [v if f else None for v, f in zip(vals, fits, strict=False)]
        typed = pc.cast(lit.strings(kept), target)
    report(pc.invert(pc.fill_null(ok, lit.scalar(True, pa.bool_()))))
    if ftype == "number":
        # Beyond the range of a double (1e400) the cast gives infinity, which no export can write
        # as a number: out of range, as an integer beyond 64 bits is. Below it (1e-400) it gives 0.
        huge = pc.invert(pc.is_finite(typed))
        report(huge)
        typed = pc.if_else(huge, lit.scalar(None, pa.float64()), typed)
        under = _underflows(raw, typed)
        if under is not None:
            report(under, NOT_A_DOUBLE)
            typed = pc.if_else(under, lit.scalar(None, pa.float64()), typed)
    return typed


def _date(raw, report):
    import pyarrow as pa
    import pyarrow.compute as pc

    ok = pc.match_substring_regex(raw, _DATE)
    parsed = pc.strptime(
        pc.if_else(ok, raw, lit.scalar(None, pa.string())), format="%Y-%m-%d", unit="s", error_is_null=True
    )
    # strptime rolls an impossible day over (2017-06-31 becomes 2017-07-01): a date is only valid
    # when it prints back as written. Year 0 is no year of the calendar Table Schema uses.
    real = pc.and_(pc.equal(pc.strftime(parsed, format="%Y-%m-%d"), raw),
                   pc.invert(pc.starts_with(raw, pattern="0000")))
    good = pc.fill_null(pc.and_(ok, real), lit.scalar(False, pa.bool_()))
    report(pc.invert(good))
    return pc.cast(pc.if_else(good, parsed, lit.scalar(None, parsed.type)), pa.date32())


def micros(moment: datetime) -> int:
    """Microseconds since 1970 of an aware datetime, exactly."""
    return (moment - _EPOCH) // timedelta(microseconds=1)


def _instant(moment: datetime) -> int | str:
    """Microseconds since 1970 (UTC) of an aware datetime, or why it cannot be held."""
    if moment.tzinfo is None:
        return ""  # no zone: the type's own hint says what to write
    try:
        moment.astimezone(timezone.utc)
    except OverflowError:
        return "is outside the years 0001-9999 once converted to UTC; no export can hold it"
    return micros(moment)


def parse_datetime(text: str) -> int | str:
    """A Table Schema date-time as microseconds since 1970 (UTC), or why it is refused ("" when it
    is simply not a date-time)."""
    m = _DATETIME.fullmatch(text)
    if not m:
        return ""
    fraction = m.group(1) or ""
    if len(fraction) > 6 and fraction[6:].strip("0"):
        return ("has more than six decimals of a second; they are kept to the microsecond, so write at most "
                "six (or only zeros after the sixth)")
    if len(fraction) > 6:
        text = text[: m.start(1) + 6] + text[m.end(1):]
    try:
        return _instant(datetime.fromisoformat(text))
    except ValueError:
        return ""


def _datetimes(raw, report):
    import pyarrow as pa

    values, bad = [], {}
    for i, v in enumerate(raw.to_pylist()):
        got = None if v is None else parse_datetime(v)
        if isinstance(got, str):
            bad[i] = got
            got = None
        values.append(got)
    _report_each(report, len(values), bad)
    return lit.values(values, pa.int64()).cast(pa.timestamp("us", tz="UTC"))


def _report_each(report, n: int, bad: dict[int, str]) -> None:
    """Report cells by index, each with its own reason ("" for the type's hint)."""
    import pyarrow as pa

    for reason in set(bad.values()):
        report(lit.values([bad.get(i) == reason for i in range(n)], pa.bool_()), reason or None)


def _by_reference(fdef: dict, raw, target, report):
    """Cells read one by one with Frictionless' reader of the field, then held as the field's
    Arrow type; the checks that the default path makes (range, precision, zone) still apply."""
    import datetime as dt
    import math

    import pyarrow as pa
    from frictionless import Field

    reader = Field.from_descriptor({k: v for k, v in fdef.items() if k != "constraints"}).create_value_reader()
    ftype = sch.field_type(fdef)
    values, bad = [], {}
    for i, text in enumerate(raw.to_pylist()):
        value = None if text is None else reader(text)
        if text is not None and value is None:
            bad[i] = ""
        elif ftype == "integer" and value is not None and not -(2**63) <= value < 2**63:
            bad[i], value = TOO_LARGE, None
        elif ftype == "number" and value is not None:
            number = float(value)
            if not math.isfinite(number):
                bad[i], value = TOO_LARGE, None
            elif number == 0 and value != 0:
                bad[i], value = NOT_A_DOUBLE, None
            else:
                value = number
        elif ftype == "datetime" and isinstance(value, dt.datetime):
            got = _instant(value)
            if isinstance(got, str):
                bad[i], value = got, None
            else:
                value = got
        elif ftype == "date" and isinstance(value, dt.datetime):
            value = value.date()
        values.append(value)
    _report_each(report, len(values), bad)
    if ftype == "datetime":
        return lit.values(values, pa.int64()).cast(target)
    return pa.array(values, target)


def constraint_value(fdef: dict, value):
    """A constraint's value (an enum item, a minimum) as the field's cells are typed: dates as
    datetime.date, date-times as microseconds since 1970 in UTC, numbers as float. Written as text
    in the field's own `format` or `decimalChar`, it is read the way the cells are. ValueError when
    it is not a value of the field's type."""
    import datetime as dt

    ftype = sch.field_type(fdef)
    if isinstance(value, bool) and ftype != "boolean":
        raise ValueError(f"{value!r} is not a {ftype}")
    if dia.read_by_reference(fdef) and isinstance(value, str):
        from frictionless import Field

        reader = Field.from_descriptor({k: v for k, v in fdef.items() if k != "constraints"}).create_value_reader()
        value = reader(value)
        if value is None:
            raise ValueError("not written as the field's format says")
        if ftype == "number":
            return float(value)
        if ftype == "datetime":
            got = _instant(value)
            if isinstance(got, str):
                raise ValueError(got or "a date-time without a zone names no instant")
            return got
        return value.date() if isinstance(value, dt.datetime) and ftype == "date" else value
    if ftype == "date":
        if not isinstance(value, str) or not re.fullmatch(_DATE[1:-1], value):
            raise ValueError(f"{value!r} is not a date written YYYY-MM-DD")
        return dt.date.fromisoformat(value)
    if ftype == "datetime":
        got = parse_datetime(value) if isinstance(value, str) else ""
        if isinstance(got, str):
            raise ValueError(got or f"{value!r} is not a date-time with a zone")
        return got
    if ftype in ("integer", "year"):
        if not isinstance(value, int):
            raise ValueError(f"{value!r} is not a whole number")
        return value
    if ftype == "number":
        if not isinstance(value, (int, float)):
            raise ValueError(f"{value!r} is not a number")
        return float(value)
    return value


def convert(fdef: dict, raw, report):
    """One text column to its schema type, vectorised. report(mask, reason=None) is called with
    the cells that are not of the type (reason None: the type's hint). Returns the typed array."""
    import pyarrow as pa
    import pyarrow.compute as pc

    ftype = sch.field_type(fdef)
    target = sch.arrow_type(fdef)
    if dia.read_by_reference(fdef):
        return _by_reference(fdef, raw, target, report)
    if ftype == "string":
        return raw
    fast = _strict_cast(raw, ftype, target)
    if fast is not None:
        return fast
    if ftype in ("integer", "year", "number"):
        return _numeric(raw, ftype, target, report)
    if ftype == "boolean":
        true_values = fdef.get("trueValues", list(sch.DEFAULT_TRUE))
        false_values = fdef.get("falseValues", list(sch.DEFAULT_FALSE))
        is_true = pc.is_in(raw, value_set=lit.strings(true_values))
        is_false = pc.is_in(raw, value_set=lit.strings(false_values))
        known = pc.or_(is_true, is_false)
        report(pc.invert(known))
        # A cell that is neither true nor false has no value: reported above, it must not count
        # as false (an enum of [true] would then report it a second time).
        return pc.if_else(known, is_true, lit.scalar(None, pa.bool_()))
    if ftype == "date":
        return _date(raw, report)
    if ftype == "datetime":
        return _datetimes(raw, report)
    if ftype == "list":
        delim = sch.list_delimiter(fdef)
        d = re.escape(delim)
        report(pc.match_substring_regex(raw, f"^{d}|{d}{d}|{d}$|^$"))
        return pc.split_pattern(raw, delim)
    raise AssertionError(ftype)
