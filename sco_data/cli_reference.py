"""The README's command reference, rendered from the click commands themselves (the way
sqlite-utils renders its CLI reference), so that it cannot drift from them: each command's usage
line, help text and options, exactly as its `--help` prints them. `sco-data docs` writes it into
README.md between `<!-- generated:commands -->` and `<!-- /generated:commands -->`, and
`sco-data docs --check` fails when it is out of date.

The command group is given, not imported: the docs that hold this reference must not depend on
the command line that writes them (cli passes itself in)."""

from __future__ import annotations

import click

# click wraps help to the terminal, but never wider than 80 columns less a margin of 2: the
# reference is wrapped as a terminal of 80 columns or more shows it, whatever the terminal here.
WIDTH = 78


def command_help(cli: click.Group, name: str) -> str:
    """What `sco-data NAME --help` prints."""
    command = cli.commands[name]
    parent = click.Context(cli, info_name="sco-data", terminal_width=WIDTH, **cli.context_settings)
    ctx = click.Context(command, info_name=name, parent=parent, terminal_width=WIDTH, **command.context_settings)
    return command.get_help(ctx)


def _indented(text: str) -> str:
    """A Markdown code block by indentation (the README's fenced blocks are all run as code)."""
    return "\n".join(f"    {line}" if line.strip() else "" for line in text.splitlines())


def commands_markdown(cli: click.Group) -> str:
    """Every command of `sco-data`, in the order `sco-data --help` lists them, with its help."""
    names = cli.list_commands(click.Context(cli, info_name="sco-data"))
    return "\n\n".join(f"### sco-data {name}\n\n{_indented(command_help(cli, name))}" for name in names)
