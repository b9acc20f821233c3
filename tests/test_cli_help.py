"""`sco-data --help` and each command's: every command and option carries help text, and every
command appears in README.md (after sqlite-utils' docs test)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from sco_data import cli

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
