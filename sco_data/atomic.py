"""Replacing a file or a folder in one step: a reader sees the old one or the new one, never half.

`write_atomic` replaces one file (temp file + rename). `staged_folder` is the one way a folder is
built and put in place, by the export (exports/latest), the release (exports/VERSION) and the
copy `sco-data serve` caches: the files are written into a temporary folder beside the target,
which is renamed into place only when everything has been written. `sha256_file` is the one
checksum of a file, for snapshots and for the copy serve keeps.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path


def write_atomic(path: Path, content: str | bytes) -> None:
    """Write content (text as UTF-8, line ends as given) beside path, then move it into place,
    keeping the file's permissions. On failure the old file is untouched and no temp file stays."""
    data = content.encode("utf-8") if isinstance(content, str) else content
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.chmod(tmp, path.stat().st_mode & 0o777 if path.exists() else 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _make_parents(parent: Path) -> list[Path]:
    """Create parent and the folders above it that are missing; return those created, deepest
    first, so that a failure can remove them."""
    missing = []
    p = parent
    while not p.exists():
        missing.append(p)
        if p.parent == p:
            break
        p = p.parent
    parent.mkdir(parents=True, exist_ok=True)
    return missing


def _swap(tmp: Path, target: Path) -> None:
    """Put tmp where target is; the previous target is kept until the new one is in place."""
    if not target.exists():
        os.rename(tmp, target)
        return
    old = tmp.with_name(tmp.name + "-old")
    os.rename(target, old)
    try:
        os.rename(tmp, target)
    except BaseException:
        os.rename(old, target)
        raise
    shutil.rmtree(old, ignore_errors=True)


@contextmanager
def staged_folder(target: Path, prefix: str, *, replace: bool = True, mode: int | None = 0o755,
                  what: str = "the folder", error: Callable[[str], Exception] | None = None) -> Iterator[Path]:
    """Yield an empty temporary folder in target's parent (created, with any missing folders above
    it), readable by all (mode; None keeps it private); when the block ends without an error,
    rename it to target.

    replace=True replaces an existing target whole, keeping it until the new folder stands (and
    putting it back if that fails); replace=False never touches an existing target: the rename
    fails instead. If the block or the rename fails, the temporary folder and the parent folders
    created here are removed and the error goes on. `error` turns a failure of these steps
    (creating the parent, the temporary folder, the rename) into the caller's error, with a
    message that names the folder (`what`); without it the OSError goes on as it is."""
    target = Path(target)
    parent = target.parent
    try:
        created = _make_parents(parent)
    except OSError as exc:
        if error is None:
            raise
        raise error(f"cannot create {parent}: {exc.strerror or exc}") from None
    tmp = None
    try:
        try:
            tmp = Path(tempfile.mkdtemp(prefix=prefix, dir=parent))
            # mkdtemp makes a private folder; what is published is meant to be read by anyone.
            if mode is not None:
                tmp.chmod(mode)
        except OSError as exc:
            if error is None:
                raise
            raise error(f"cannot write into {parent}: {exc.strerror or exc}") from None
        yield tmp
        try:
            if replace:
                _swap(tmp, target)
            else:
                os.rename(tmp, target)
        except OSError as exc:
            if error is None:
                raise
            raise error(f"cannot put {what} in place at {target}: {exc.strerror or exc}") from None
        tmp = None
    except BaseException:
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)
        for folder in created:
            try:
                folder.rmdir()
            except OSError:
                pass
        raise


def sha256_file(path: Path) -> str:
    """The SHA-256 of a file, read in blocks so that a large one is never held whole."""
    import hashlib

    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()
