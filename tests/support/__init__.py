"""What the tests share, in one place: packages built on disk (packages), edits to a copied
package (edits), every export format read back (formats), files compared before and after
(files), the files and network calls a block makes (audit), and the shape of a bad-input case
(cases). Import from here: `from support import write_package, edit_descriptor`.

The cases themselves stay beside the tests that run them (validate_cases.py)."""

from .audit import network, opened, recording
from .cases import Case
from .edits import (
    add_column,
    add_rows,
    delete_rows,
    drop_column,
    edit,
    edit_descriptor,
    edit_field,
    field,
    load_descriptor,
    read_rows,
    rename_column,
    resource,
    save_descriptor,
    set_cell,
    write_bytes,
    write_rows,
)
from .files import leftovers, outside_file, snapshot, tree
from .formats import as_json, as_sqlite, check_all_formats, parquet_rows, sqlite_rows, typed_rows
from .packages import library_package, write_package

__all__ = [
    "Case",
    "add_column",
    "add_rows",
    "as_json",
    "as_sqlite",
    "check_all_formats",
    "delete_rows",
    "drop_column",
    "edit",
    "edit_descriptor",
    "edit_field",
    "field",
    "leftovers",
    "library_package",
    "load_descriptor",
    "network",
    "opened",
    "outside_file",
    "parquet_rows",
    "read_rows",
    "recording",
    "rename_column",
    "resource",
    "save_descriptor",
    "set_cell",
    "snapshot",
    "sqlite_rows",
    "tree",
    "typed_rows",
    "write_bytes",
    "write_package",
    "write_rows",
]
