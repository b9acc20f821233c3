"""No input ends in a traceback, an abort or a signal: every bad-input case (those of the checks,
of reading, and the inputs that once crashed) is fed to every path a person takes (`validate`,
`validate --fast`, `export`, `sco_data.load`), each in a process of its own and several at once,
as on a busy machine. A path may refuse (exit 1) but must say why in words; a traceback, "Exception
ignored", an abort (SIGABRT, "terminate called") or any other signal fails the test."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from support import Case, edit, write_bytes
from validate_cases import CSV_CASES, RULE_CASES

from sco_data import checks

ROOT = Path(__file__).resolve().parent.parent
SCO_DATA = [sys.executable, "-c", "from sco_data.cli import main; main()"]
LOAD = [sys.executable, "-c",
        "import sys, sco_data\n"
        "from sco_data.errors import ScoDataError\n"
        "try:\n"
        "    sco_data.load_all(sys.argv[1])\n"
        "except ScoDataError as exc:\n"
        "    print(exc, file=sys.stderr); sys.exit(1)\n"]
CRASH_SIGNS = ("Traceback (most recent call last)", "Exception ignored", "terminate called", "Fatal Python error",
               "Segmentation fault")


def _descriptor(pkg: Path, change) -> None:
    path = pkg / "datapackage.json"
    descriptor = json.loads(path.read_text(encoding="utf-8"))
    change(descriptor)
    path.write_text(json.dumps(descriptor, indent=2), encoding="utf-8")


def _resource(descriptor: dict, name: str) -> dict:
    return next(r for r in descriptor["resources"] if r["name"] == name)


def _field(descriptor: dict, table: str, name: str) -> dict:
    return next(f for f in _resource(descriptor, table)["schema"]["fields"] if f["name"] == name)


def _large_cell_then(tail: str):
    def breaks(pkg: Path) -> None:
        edit(pkg, "countries", "KAZ,Kazakhstan\n", f"KAZ,{'x' * 140_000}\n{tail}")
    return breaks


def _typed(ftype: str, cell: str):
    """The countries table's name becomes a field of another type, every cell of it `cell`."""
    def breaks(pkg: Path) -> None:
        _descriptor(pkg, lambda d: _field(d, "countries", "name").update(type=ftype))
        text = (pkg / "data" / "countries.csv").read_text(encoding="utf-8").splitlines()
        rows = [text[0]] + [f"{line.split(',')[0]},{cell}" for line in text[1:]]
        (pkg / "data" / "countries.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    return breaks


def _folder_as_path(pkg: Path) -> None:
    (pkg / "data" / "countries.csv").unlink()
    (pkg / "data" / "countries.csv").mkdir()


# The inputs that once ended in a traceback or an abort, and the new refusals.
CRASH_CASES = [
    Case("large-cell-then-bad-cell", _large_cell_then("MNG\n"), []),
    Case("large-cell-then-extra-cell", _large_cell_then("MNG,Mongolia,extra\n"), []),
    Case("large-quoted-cell-then-bad-row", lambda p: edit(p, "countries", "KAZ,Kazakhstan\n",
                                                          f'KAZ,"{"y" * 140_000}"\nMNG\n'), []),
    Case("datetime-past-9999-in-utc", _typed("datetime", "9999-12-31T23:30:00-01:00"), []),
    Case("datetime-before-0001-in-utc", _typed("datetime", "0001-01-01T00:30:00+01:00"), []),
    Case("datetime-nanoseconds", _typed("datetime", "2008-08-28T10:00:00.123456789Z"), []),
    Case("not-utf8-in-a-malformed-row",
         lambda p: write_bytes(p, "countries", b"iso3,name\nCHN,China\nKAZ,Kaz\xffakhstan,extra\nMNG,Mongolia\n"), []),
    Case("not-utf8-in-every-row",
         lambda p: write_bytes(p, "countries", b"iso3,name\n" + b"A\xff,B,C\n" * 5000), []),
    Case("underflow", _typed("number", "1e-400"), []),
    Case("folder-as-path", _folder_as_path, []),
    Case("semicolon-dialect-declared-not-used",
         lambda p: _descriptor(p, lambda d: _resource(d, "countries").update(dialect={"delimiter": ";"})), []),
    Case("no-header-dialect",
         lambda p: _descriptor(p, lambda d: _resource(d, "countries").update(dialect={"header": False})), []),
    Case("primary-key-names-nothing",
         lambda p: _descriptor(p, lambda d: _resource(d, "countries")["schema"].update(primaryKey=["nope"])), []),
    Case("required-written-as-a-string",
         lambda p: _descriptor(p, lambda d: _field(d, "countries", "name").update(constraints={"required": "false"})),
         []),
    Case("look-ahead-pattern",
         lambda p: _descriptor(p, lambda d: _field(d, "countries", "name").update(
             constraints={"pattern": "(?!Kaz)[A-Za-z]+"})), []),
]

CASES = CSV_CASES + RULE_CASES + checks.cases(checks.DESCRIPTOR) + CRASH_CASES


def _paths(pkg: Path, out: Path) -> dict[str, list[str]]:
    return {
        "validate": [*SCO_DATA, "validate", str(pkg)],
        "validate --fast": [*SCO_DATA, "validate", "--fast", str(pkg)],
        "export": [*SCO_DATA, "export", "--package", str(pkg), "--out", str(out)],
        "load": [*LOAD, str(pkg)],
    }


def _run(command: list[str]) -> tuple[int, str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(command, capture_output=True, text=True, errors="replace", env=env, timeout=600)
    return done.returncode, done.stdout + done.stderr


def _crashes(code: int, output: str) -> str | None:
    if code < 0:
        return f"killed by signal {-code}"
    if code not in (0, 1):
        return f"exit {code}"
    signs = [s for s in CRASH_SIGNS if s in output]
    return f"printed {signs[0]!r}" if signs else None


def test_no_bad_input_crashes_any_path(tmp_path, sample):
    import shutil

    jobs = []
    for i, case in enumerate(CASES):
        folder = tmp_path / f"{i:03d}-{case.id}"
        shutil.copytree(sample, folder / "pkg")
        case.breaks(folder / "pkg")
        for path, command in _paths(folder / "pkg", folder / "out").items():
            jobs.append((case.id, path, command))
    with ThreadPoolExecutor(max_workers=6) as pool:
        results = list(pool.map(lambda job: _run(job[2]), jobs))
    failures = []
    for (case_id, path, _), (code, output) in zip(jobs, results, strict=True):
        why = _crashes(code, output)
        if why:
            failures.append(f"{case_id} / {path}: {why}\n{output[-1500:]}")
    assert failures == []


def test_a_refused_load_never_aborts_at_exit(tmp_path, sample):
    """Arrow's threads must be done when the interpreter exits after a refusal: run it many times
    at once, on a table large enough that the reader reads ahead when the refusal comes."""
    rows = "".join(f"X{i:05d},Name {i}\n" for i in range(60_000))
    write_bytes(sample, "countries", f"iso3,name\nbad,Bad\n{rows}".encode())
    command = [*LOAD, str(sample)]
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(lambda _: _run(command), range(32)))
    crashed = [why for code, output in results if (why := _crashes(code, output))]
    assert crashed == []
    assert all(code == 1 for code, _ in results)


@pytest.mark.parametrize("case", CRASH_CASES, ids=lambda c: c.id)
def test_the_inputs_that_crashed_are_refused_in_words(sample, case):
    from sco_data.descriptor import load_package
    from sco_data.validate import validate_package

    case.breaks(sample)
    report = validate_package(load_package(sample))
    assert not report.valid, case.id
    assert all(p.message for p in report.problems)
