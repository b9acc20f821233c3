"""The one map from Table Schema types to Arrow, SQLite and JSON.

Everything that needs to know what a field's type means asks here; no other module decides types.
"""

from __future__ import annotations

SUPPORTED_TYPES = ("string", "integer", "number", "boolean", "date", "datetime", "year", "list")

# SQLite STRICT tables allow INTEGER, REAL, TEXT, BLOB and ANY. Dates are ISO text, booleans 0/1,
# lists JSON text: what stock sqlite3 and every client read without extensions.
_SQLITE = {
    "string": "TEXT",
    "integer": "INTEGER",
    "number": "REAL",
    "boolean": "INTEGER",
    "date": "TEXT",
    "datetime": "TEXT",
    "year": "INTEGER",
    "list": "TEXT",
}

_JSON = {
    "string": "string",
    "integer": "integer",
    "number": "number",
    "boolean": "boolean",
    "date": "string",
    "datetime": "string",
    "year": "integer",
    "list": "array",
}

DEFAULT_TRUE = ("true", "True", "TRUE", "1")
DEFAULT_FALSE = ("false", "False", "FALSE", "0")


def field_type(field: dict) -> str:
    ftype = field.get("type", "string")
    if ftype not in SUPPORTED_TYPES:
        raise ValueError(f"field {field.get('name')!r}: type {ftype!r} is not supported ({', '.join(SUPPORTED_TYPES)})")
    return ftype


def unsupported(field: dict) -> str | None:
    """Why a field cannot be typed by this toolkit, or None when it can."""
    ftype = field.get("type", "string")
    if ftype not in SUPPORTED_TYPES:
        return f"type {ftype!r} is not supported; use one of: {', '.join(SUPPORTED_TYPES)}"
    if ftype == "list" and field.get("itemType", "string") != "string":
        return f"list itemType {field.get('itemType')!r} is not supported; use string"
    if ftype == "list" and (not isinstance(list_delimiter(field), str) or not list_delimiter(field)):
        return "a list delimiter must be a non-empty string"
    return None


def constraints(field: dict) -> dict:
    return field.get("constraints") or {}


def is_required(field: dict) -> bool:
    """Only the JSON value true: "false", written as a string, is no promise (the metadata lint
    refuses a constraint of the wrong type)."""
    return constraints(field).get("required") is True


def enum_values(field: dict) -> list | None:
    return constraints(field).get("enum")


def list_delimiter(field: dict) -> str:
    return field.get("delimiter", ",")


def arrow_type(field: dict, *, dictionary_enums: bool = False):
    """The Arrow type of a field. Enum strings become dictionary-encoded when asked (Parquet)."""
    import pyarrow as pa

    ftype = field_type(field)
    if ftype == "string":
        if dictionary_enums and enum_values(field):
            return pa.dictionary(pa.int32(), pa.string())
        return pa.string()
    if ftype == "integer":
        return pa.int64()
    if ftype == "number":
        return pa.float64()
    if ftype == "boolean":
        return pa.bool_()
    if ftype == "date":
        return pa.date32()
    if ftype == "datetime":
        return pa.timestamp("us", tz="UTC")
    if ftype == "year":
        return pa.int32()
    if ftype == "list":
        item = field.get("itemType", "string")
        if item != "string":
            raise ValueError(f"field {field.get('name')!r}: list itemType {item!r} is not supported (string only)")
        return pa.list_(pa.string())
    raise AssertionError(ftype)


def arrow_schema(schema: dict, *, dictionary_enums: bool = False):
    import pyarrow as pa

    return pa.schema(
        [
            pa.field(
                f["name"],
                arrow_type(f, dictionary_enums=dictionary_enums),
                nullable=not is_required(f),
                metadata={"description": f.get("description", "")} if f.get("description") else None,
            )
            for f in schema["fields"]
        ]
    )


def sqlite_type(field: dict) -> str:
    return _SQLITE[field_type(field)]


def json_type(field: dict) -> str:
    return _JSON[field_type(field)]


def pandas_dtype(field: dict) -> str:
    """The pandas dtype `sco_data.load` gives a field."""
    ftype = field_type(field)
    if ftype == "string":
        return "category" if enum_values(field) else "string"
    return {
        "integer": "Int64",
        "number": "Float64",
        "boolean": "boolean",
        "date": "date32[pyarrow]",
        "datetime": "timestamp[us, tz=UTC][pyarrow]",
        "year": "Int32",
        "list": "object",
    }[ftype]


# How pandas names each type in the `pandas` schema metadata of a Parquet file, which
# pd.read_parquet follows to give the dtypes of pandas_dtype (nullable integers and booleans,
# Arrow dates) instead of its defaults (float64 for an integer column with a gap, object dates).
_PANDAS_TYPE = {
    "string": "unicode",
    "integer": "int64",
    "number": "float64",
    "boolean": "bool",
    "date": "date",
    "datetime": "datetimetz",
    "year": "int32",
    "list": "list[unicode]",
}


def pandas_metadata(schema: dict) -> str:
    """The `pandas` key of a Parquet file's schema metadata, from the Table Schema alone. It names
    no library version, so the same schema always gives the same bytes."""
    import json

    columns = []
    for f in schema["fields"]:
        dtype = pandas_dtype(f)
        entry = {"name": f["name"], "field_name": f["name"], "pandas_type": _PANDAS_TYPE[field_type(f)],
                 "numpy_type": dtype, "metadata": None}
        if dtype == "category":
            entry.update(pandas_type="categorical", numpy_type="int32",
                         metadata={"num_categories": len(enum_values(f)), "ordered": False})
        elif field_type(f) == "datetime":
            entry["metadata"] = {"timezone": "UTC"}
        columns.append(entry)
    return json.dumps({"index_columns": [], "column_indexes": [], "columns": columns, "attributes": {}},
                      ensure_ascii=False, sort_keys=True)
