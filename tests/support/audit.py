"""The files a block of code opens and the network calls it makes, from Python's audit hooks."""

from __future__ import annotations

import sys
from contextlib import contextmanager
from pathlib import Path

_events: list | None = None


RECORDED = ("open", "os.listdir", "socket.connect", "socket.getaddrinfo", "urllib.Request")


def _audit(event: str, args: tuple) -> None:
    if _events is not None and event in RECORDED:
        _events.append((event, args))


# Audit hooks cannot be removed, so this one only records inside `recording()`.
sys.addaudithook(_audit)


@contextmanager
def recording():
    """Record the files opened and the network calls made inside the block."""
    global _events
    _events = []
    try:
        yield _events
    finally:
        _events = None


def opened(events: list) -> set[Path]:
    return {Path(args[0]).resolve() for event, args in events if event == "open" and isinstance(args[0], (str, Path))}


def network(events: list) -> list:
    return [e for e in events if e[0] not in ("open", "os.listdir")]
