"""`sco-data --help` and each command's: every command and option carries help text, and every
command appears in README.md (after sqlite-utils' docs test)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from sco_data import cli
from sco_data.cli_reference import commands_markdown

README = Path(__file__).resolve().parent.parent / "README.md"


@pytest.fixture(scope="session")
def documented_commands() -> set[str]:
    return set(re.findall(r"sco-data ([a-z][a-z-]*)", README.read_text(encoding="utf-8")))


@pytest.mark.parametrize("command", cli.cli.commands.keys())
def test_commands_are_documented(documented_commands, command):
    assert command in documented_commands


@pytest.mark.parametrize("command", cli.cli.commands.values(), ids=lambda c: c.name)
def test_commands_have_help(command):
    assert command.help, f"{command.name} is missing its help"


@pytest.mark.parametrize("command", cli.cli.commands.values(), ids=lambda c: c.name)
def test_options_have_help(command):
    for param in command.params:
        if param.param_type_name == "option":
            assert param.help, f"{command.name} {param.opts[0]} is missing its help"


@pytest.mark.parametrize("command", cli.cli.commands.keys())
def test_the_readme_reference_is_what_help_prints(command):
    """The README's generated reference holds, for each command, exactly what `--help` prints on a
    terminal of 80 columns or more (that the README holds the rendered block, `docs --check` and
    test_cli_docs check)."""
    sco = Path(sys.executable).parent / "sco-data"
    result = subprocess.run([sco, command, "--help"], capture_output=True, text=True,
                            env={**os.environ, "COLUMNS": "200"})
    assert result.returncode == 0, result.stderr
    shown = "\n".join(f"    {line}" if line.strip() else "" for line in result.stdout.rstrip("\n").split("\n"))
    assert f"### sco-data {command}\n\n{shown}\n" in commands_markdown(cli.cli) + "\n"
    assert shown in README.read_text(encoding="utf-8")


def test_the_export_reference_names_every_format():
    from sco_data.export import FORMATS

    assert f"--format [{'|'.join(FORMATS)}]" in commands_markdown(cli.cli)
