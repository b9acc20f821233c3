"""What a resource's descriptor says about how to read its file, and what this toolkit reads.

Every reader of the toolkit (validate, validate --fast, export, load) reads a file by the CSV
dialect and the field properties its descriptor gives, exactly as Frictionless does, or refuses the
resource naming the property it does not support. Nothing is skipped without a word.

- CSV dialect (Table Dialect): `delimiter`, `quoteChar`, `doubleQuote`, `escapeChar`,
  `lineTerminator` (any of LF, CRLF, CR), `header: true`, `headerRows: [1]` and
  `caseSensitiveHeader` are read. Anything else (`header: false`, comment rows, `nullSequence`,
  `skipInitialSpace`, several header rows) is refused, naming the property.
- A resource `format` other than csv, a `compression` or an `encoding` other than UTF-8 is refused.
- Field properties Table Schema defines beyond the type (`format` of a string, date or date-time,
  `decimalChar`, `groupChar`, `bareNumber: false`) are read cell by cell with the reference
  implementation's own reader (convert.py), so that the value is the one Frictionless reads.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

# Dialect properties that only describe and change nothing for a CSV read here.
_DESCRIPTIVE = {"$schema", "csvddfVersion", "name", "title", "description", "caseSensitiveHeader", "headerJoin"}
_READ = {"delimiter", "quoteChar", "doubleQuote", "escapeChar", "lineTerminator", "header", "headerRows"}
_LINE_TERMINATORS = ("\r\n", "\n", "\r")


@dataclass(frozen=True)
class Dialect:
    delimiter: str = ","
    quotechar: str = '"'
    doublequote: bool = True
    escapechar: str | None = None

    def csv_kwargs(self) -> dict:
        """For Python's csv.reader."""
        return {"delimiter": self.delimiter, "quotechar": self.quotechar, "doublequote": self.doublequote,
                "escapechar": self.escapechar}

    def arrow_kwargs(self) -> dict:
        """For pyarrow.csv.ParseOptions."""
        return {"delimiter": self.delimiter, "quote_char": self.quotechar, "double_quote": self.doublequote,
                "escape_char": self.escapechar or False}


DEFAULT = Dialect()


def _one_char(value, what: str) -> str | None:
    if not isinstance(value, str) or len(value) != 1 or value in "\r\n":
        return f"{what} must be one character other than a line break, not {value!r}"
    return None


def _raw_dialect(res_descriptor: dict, base) -> tuple[dict, str | None]:
    raw = res_descriptor.get("dialect", {})
    if isinstance(raw, str):
        try:
            raw = json.loads((base / raw).read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            return {}, f"dialect {raw!r} cannot be read as JSON ({exc})"
    if not isinstance(raw, dict):
        return {}, f"dialect must be an object, not {type(raw).__name__}"
    return raw, None


def dialect_faults(res_descriptor: dict, base) -> list[tuple[str, str]]:
    """(property, why) for every dialect or resource property this toolkit does not read as the
    descriptor says; empty when the file can be read exactly."""
    faults: list[tuple[str, str]] = []
    fmt = res_descriptor.get("format")
    if fmt is not None and (not isinstance(fmt, str) or fmt.lower() != "csv"):
        faults.append(("format", f"format {fmt!r}: only CSV files are read"))
    if res_descriptor.get("compression") not in (None, "", "no"):
        faults.append(("compression", f"compression {res_descriptor['compression']!r} is not supported; "
                                      "store the CSV uncompressed"))
    raw, error = _raw_dialect(res_descriptor, base)
    if error:
        return [*faults, ("dialect", error)]
    for key, value in raw.items():
        if key in _DESCRIPTIVE:
            continue
        where = f"dialect.{key}"
        if key not in _READ:
            faults.append((where, f"{key} {value!r} is not supported; the file must be read without it"))
        elif key in ("delimiter", "quoteChar", "escapeChar"):
            why = _one_char(value, key)
            if why:
                faults.append((where, why))
        elif key == "doubleQuote" and not isinstance(value, bool):
            faults.append((where, f"doubleQuote must be true or false, not {value!r}"))
        elif key == "lineTerminator" and value not in _LINE_TERMINATORS:
            faults.append((where, f"lineTerminator {value!r} is not supported; use \\n or \\r\\n"))
        elif key == "header" and value is not True:
            faults.append((where, f"header {value!r} is not supported; the first line of the file must name "
                                  "the columns (add a header row and remove header: false)"))
        elif key == "headerRows" and value != [1]:
            faults.append((where, f"headerRows {value!r} is not supported; only one header row, the first, "
                                  "is read"))
    if not faults:
        d = _dialect(raw)
        if d.delimiter == d.quotechar or d.escapechar in (d.delimiter, d.quotechar):
            faults.append(("dialect", "delimiter, quoteChar and escapeChar must be different characters"))
    return faults


def _dialect(raw: dict) -> Dialect:
    return Dialect(raw.get("delimiter", ","), raw.get("quoteChar", '"'), raw.get("doubleQuote", True),
                   raw.get("escapeChar"))


def dialect(res_descriptor: dict, base) -> Dialect:
    """The dialect of a resource whose dialect_faults are empty."""
    raw, _ = _raw_dialect(res_descriptor, base)
    return _dialect(raw)


# --------------------------------------------------------------------------- field properties

DEFAULT_FORMATS = (None, "default")


def read_by_reference(fdef: dict) -> bool:
    """Whether a field's cells are read with the reference implementation's reader: a field whose
    descriptor asks for more than the type's default lexical form."""
    ftype = fdef.get("type", "string")
    if ftype in ("string", "date", "datetime") and fdef.get("format") not in DEFAULT_FORMATS:
        return True
    if ftype in ("integer", "number"):
        return (fdef.get("decimalChar", ".") != "." or "groupChar" in fdef
                or fdef.get("bareNumber", True) is not True)
    return False
