"""The SCO data package: load its tables, validate and export them.

>>> import sco_data
>>> sco_data.tables()
>>> members = sco_data.load("members")
>>> everything = sco_data.load_all()
"""

from __future__ import annotations



def __getattr__(name: str):
    # The toolkit's version is the data package's: read from the descriptor it ships with (the
    # repository's, or the copy inside an installed wheel), the one place a release sets it.
    if name == "__version__":
        from .descriptor import bundled_version

        return bundled_version()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _resolve(path):
    from .descriptor import Package, load_package

    return path if isinstance(path, Package) else load_package(path)


def package(path=None):
    """The package descriptor, resolved. Default: the nearest datapackage.json from the working
    folder upwards, else the package bundled with sco_data."""
    return _resolve(path)


def tables(path=None) -> list[str]:
    """Names of the tables in the package."""
    return [r.name for r in _resolve(path).resources]


def _frame(res, table):
    """A typed Arrow table as a DataFrame with the dtypes of schema.pandas_dtype."""
    import pandas as pd

    from . import schema as sch

    columns = {}
    for fdef in res.fields:
        col = table.column(fdef["name"])
        dtype = sch.pandas_dtype(fdef)
        if dtype == "category":
            categories = sch.enum_values(fdef)
            columns[fdef["name"]] = pd.Categorical(col.to_pylist(), categories=categories)
        elif dtype == "object":
            columns[fdef["name"]] = pd.Series(col.to_pylist(), dtype=object)
        elif dtype.endswith("[pyarrow]"):
            columns[fdef["name"]] = pd.Series(pd.arrays.ArrowExtensionArray(col))
        else:
            columns[fdef["name"]] = col.to_pandas(types_mapper=pd.ArrowDtype).astype(dtype)
    frame = pd.DataFrame(columns, index=pd.RangeIndex(table.num_rows))
    frame.attrs["description"] = res.descriptor.get("description", "")
    return frame


def load(table: str, package=None):
    """One table as a pandas DataFrame with the schema's types: nullable Int64, Float64 and
    boolean, dates as date32, enums as categoricals (categories in schema order), list fields as
    Python lists. `package` is a path, a Package, or None: the nearest datapackage.json from the
    working folder upwards, else the package bundled with sco_data. A table with an impossible
    date, unclean text or any other fault of its own is refused, naming file, row and column."""
    from .read import read_table

    pkg = _resolve(package)
    res = pkg.resource(table)
    return _frame(res, read_table(res, pkg.display(res.path)))


def load_all(package=None) -> dict:
    """Every table, by name, as load() gives it."""
    pkg = _resolve(package)
    return {res.name: load(res.name, pkg) for res in pkg.resources}
