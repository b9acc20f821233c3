"""The SCO data package: load its tables, validate and export them.

>>> import sco_data
>>> sco_data.tables()
>>> members = sco_data.load("members")
>>> everything = sco_data.load_all()
>>> sco_data.status_on("2017-06-09")     # every state's SCO status on a day
>>> sco_data.members_on("2017-06-09")    # the members that day

Every function reads the package at `package` (a path or a Package), or by default the nearest
datapackage.json from the working folder upwards, else the package bundled with sco_data. Which
one was read is logged (logger "sco_data", level INFO) and kept in a frame's attrs["source"].
"""

from __future__ import annotations


def __getattr__(name: str):
    # The toolkit's version is the data package's: read from the descriptor it ships with (the
    # repository's, or the copy inside an installed wheel), the one place a release sets it.
    if name == "__version__":
        from .descriptor import bundled_version

        return bundled_version()
    if name == "CoverageWarning":
        from .on_day import CoverageWarning

        return CoverageWarning
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


def load(table: str | None = None, package=None):
    """One table as a pandas DataFrame with the schema's types: nullable Int64, Float64 and
    boolean, dates as date32, enums as categoricals (categories in schema order), list fields as
    Python lists. `package` is a path, a Package, or None: the nearest datapackage.json from the
    working folder upwards, else the package bundled with sco_data. A table with an impossible
    date, unclean text or any other fault of its own is refused, naming file, row and column; so is
    a package whose descriptor cannot be read as it says (validate's descriptor errors). Without a
    table, TypeError lists the tables. The frame's attrs["source"] names the package read."""
    from .loading import read_table, refuse_unreadable_descriptor

    pkg = _resolve(package)
    if table is None:
        raise TypeError(f"load() needs a table name; the tables of {pkg.shown} are: {', '.join(tables(pkg))}")
    res = pkg.resource(table)
    refuse_unreadable_descriptor(pkg)
    import logging

    logging.getLogger(__name__).info("sco_data.load(%r): reading %s", table, pkg.shown)
    frame = _frame(res, read_table(res, pkg.display(res.path)))
    frame.attrs["source"] = pkg.shown
    frame.attrs["package"] = " ".join(str(x) for x in (pkg.name, pkg.version) if x)
    return frame


def load_all(package=None) -> dict:
    """Every table, by name, as load() gives it."""
    pkg = _resolve(package)
    return {res.name: load(res.name, pkg) for res in pkg.resources}


def status_on(date, package=None):
    """Every state that ever held an SCO or Shanghai Five status, with the status it held on
    `date`: a DataFrame with columns iso3, name, status and cow_code, one row per state sorted by
    iso3. status is a categorical of shanghai_five, dialogue_partner, observer, partner, member and
    none (no status that day); cow_code a nullable Int64.

    `date` is a datetime.date or an ISO date string "YYYY-MM-DD"; anything else, or a day that is
    not on the calendar, raises ValueError (TypeError for a value of another type). A status is
    held from its start through the day before its end, the rule of the sco_status_years table:
    a state that joined on 2017-06-09 is a member on that day and an observer the day before.
    `package` is a path, a Package, or None, as for load(). A date after the package's coverage
    (its `created` date) gives a CoverageWarning: later changes are not in the data."""
    from .on_day import as_date, status_frame

    day = as_date(date)
    return status_frame(_resolve(package), day)


def members_on(date, package=None) -> list[str]:
    """The ISO alpha-3 codes of the SCO members on `date`, sorted: the states whose status that
    day is member (status_on's rule; a Shanghai Five member before 2001-06-15 is not an SCO
    member). `date` and `package` as for status_on, which warns past the package's coverage."""
    from .on_day import as_date, status_frame
    from .status import MEMBER

    day = as_date(date)
    frame = status_frame(_resolve(package), day)
    return [str(code) for code in frame.loc[frame["status"] == MEMBER, "iso3"]]
