"""Small Arrow arrays and scalars built from Python values without importing pandas.

pyarrow's `pa.array` and `pa.scalar` (and every compute call given a plain Python value) first
ask whether the value is a pandas object, and the first such question imports pandas: 0.3 s and
40 MB for a command that never uses it. The few constants the toolkit needs (enum value sets,
literal strings, bounds, nulls) are built here from buffers instead, which asks nothing.
"""

from __future__ import annotations

from collections.abc import Iterable


def strings(values: Iterable[str | None]):
    """A string array; None becomes null."""
    import numpy as np
    import pyarrow as pa

    values = list(values)
    encoded = [b"" if v is None else str(v).encode("utf-8") for v in values]
    offsets = np.zeros(len(values) + 1, dtype=np.int32)
    np.cumsum([len(e) for e in encoded], out=offsets[1:])
    validity = None
    if any(v is None for v in values):
        validity = pa.py_buffer(np.packbits([v is not None for v in values], bitorder="little").tobytes())
    return pa.Array.from_buffers(
        pa.string(), len(values), [validity, pa.py_buffer(offsets.tobytes()), pa.py_buffer(b"".join(encoded))]
    )


def values(items: Iterable, type_):
    """An array of strings, integers, floats or booleans of the given Arrow type; None, in a
    string or numeric array, becomes null."""
    import numpy as np
    import pyarrow as pa

    items = list(items)
    if pa.types.is_string(type_):
        return strings(items)
    if pa.types.is_boolean(type_):
        bits = np.packbits(np.asarray(items, dtype=bool), bitorder="little")
        return pa.Array.from_buffers(type_, len(items), [None, pa.py_buffer(bits.tobytes())])
    numpy_type = {
        pa.int8(): np.int8, pa.int16(): np.int16, pa.int32(): np.int32, pa.int64(): np.int64,
        pa.float32(): np.float32, pa.float64(): np.float64,
    }.get(type_)
    if numpy_type is None:
        raise TypeError(f"no constant arrays of type {type_}")
    validity = None
    if any(v is None for v in items):
        validity = pa.py_buffer(np.packbits([v is not None for v in items], bitorder="little").tobytes())
        items = [0 if v is None else v for v in items]
    data = np.asarray(items, dtype=numpy_type)
    return pa.Array.from_buffers(type_, len(items), [validity, pa.py_buffer(data.tobytes())])


def text(value: str):
    """A string scalar, for compute functions that take a literal."""
    return strings([value])[0]


def scalar(value, type_):
    """A scalar of the given type; None gives a null of that type."""
    import pyarrow as pa

    if value is None:
        return pa.nulls(1, type_)[0]
    return values([value], type_)[0]


def combined(array):
    """One Array from a ChunkedArray (an empty one too, which combine_chunks builds via pa.array)."""
    import pyarrow as pa

    if not isinstance(array, pa.ChunkedArray):
        return array
    if array.num_chunks == 0:
        return pa.nulls(0, array.type)
    if array.num_chunks == 1:
        return array.chunk(0)
    return array.combine_chunks()


def primitive_numpy(array):
    """The values of a primitive Array without nulls as a numpy view (to_numpy imports pandas)."""
    import numpy as np

    dtype = np.dtype(str(array.type))  # int32, int64, double: names numpy knows too
    return np.frombuffer(array.buffers()[1], dtype=dtype)[array.offset : array.offset + len(array)]
