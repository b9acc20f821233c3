"""Parquet: one file per table, typed by the schema, with the schema itself inside.

Enum fields are dictionary-encoded with the enum as the dictionary, in schema order, so every
reader sees the same categories whichever values a file happens to hold (a file with no rows
has no dictionary page to hold them; the schema in the file metadata still lists them). Writer settings are
pinned so that the same tables give the same bytes.
"""

from __future__ import annotations

import json
from pathlib import Path

from .. import arrow as lit
from .. import schema as sch
from ..facts import licence_names

OUTPUT = "parquet"

WRITER_OPTIONS = dict(
    compression="zstd",
    compression_level=3,
    use_dictionary=True,
    write_statistics=True,
    version="2.6",
    data_page_version="1.0",
    row_group_size=1 << 20,
    store_schema=True,
    use_deprecated_int96_timestamps=False,
)


def file_metadata(pkg, res) -> dict[str, str]:
    licenses = pkg.descriptor.get("licenses") or []
    return {
        "package.name": pkg.name,
        "package.version": pkg.version,
        "package.licenses": json.dumps(licenses, ensure_ascii=False),
        "package.license": licence_names(pkg),
        "resource.name": res.name,
        "resource.schema": json.dumps(res.schema, ensure_ascii=False),
        "pandas": sch.pandas_metadata(res.schema),
    }


def typed_table(res, table):
    """The table as it goes into Parquet: enums dictionary-encoded, file metadata attached."""
    import pyarrow as pa
    import pyarrow.compute as pc

    schema = sch.arrow_schema(res.schema, dictionary_enums=True)
    arrays = []
    for fdef, field in zip(res.fields, schema, strict=False):
        col = table.column(fdef["name"])
        if pa.types.is_dictionary(field.type) and not pa.types.is_dictionary(col.type):
            enum = lit.strings(str(v) for v in sch.enum_values(fdef))
            # An empty table still carries the enum, so readers see the categories.
            chunks = col.chunks or [lit.strings([])]
            col = pa.chunked_array(
                [pa.DictionaryArray.from_arrays(pc.cast(pc.index_in(c, value_set=enum), pa.int32()), enum)
                 for c in chunks],
                field.type,
            )
        arrays.append(col)
    return pa.Table.from_arrays(arrays, schema=schema)


def write(pkg, tables: dict, out_dir: Path) -> list[Path]:
    import pyarrow.parquet as pq

    folder = out_dir / OUTPUT
    folder.mkdir()
    written = []
    for res in pkg.resources:
        table = typed_table(res, tables[res.name])
        table = table.replace_schema_metadata(file_metadata(pkg, res))
        path = folder / f"{res.name}.parquet"
        pq.write_table(table, path, **WRITER_OPTIONS)
        written.append(path)
    return written
