"""CHANGELOG.md at a release: the version's section, planned in memory before anything is written.

The data's changes are computed from the diff against the previous release (diff_render gives
the entries); what the maintainers wrote under [Unreleased] is kept, in two parts, Data and
Toolkit, each in the Keep a Changelog subsections.
"""

from __future__ import annotations

import re

from ..diff import PackageDiff

CHANGELOG = "CHANGELOG.md"
SECTION_ORDER = ("Added", "Changed", "Deprecated", "Removed", "Fixed", "Security")


def _split_sections(lines: list[str], level: str) -> tuple[list[str], dict[str, list[str]]]:
    """Lines before the first heading of `level` ("###"), and the lines under each such heading."""
    preamble: list[str] = []
    sections: dict[str, list[str]] = {}
    current = None
    for ln in lines:
        m = re.match(rf"^{level}\s+(.+?)\s*$", ln)
        if m:
            current = m[1]
            sections.setdefault(current, [])
        elif current is None:
            preamble.append(ln)
        else:
            sections[current].append(ln)
    return preamble, sections


def _render_part(title: str, preamble: list[str], sections: dict[str, list[str]]) -> list[str]:
    """`### Data` or `### Toolkit`, its prose, then its Keep a Changelog subsections in order."""
    order = [h for h in SECTION_ORDER if h in sections] + [h for h in sections if h not in SECTION_ORDER]
    out: list[str] = []
    pre = "\n".join(preamble).strip()
    if pre:
        out += [pre, ""]
    for heading in order:
        items = "\n".join(sections[heading]).strip("\n")
        if items.strip():
            out += [f"#### {heading}", items, ""]
    return [f"### {title}", ""] + out if out else []


def plan_changelog(text: str | None, version: str, day: str, diff: PackageDiff) -> str:
    """CHANGELOG.md with a `## [VERSION] - DATE` section in two parts: `### Data` (what the
    maintainers wrote under it in [Unreleased], then the rows and schema changes computed from the
    diff) and `### Toolkit` (what [Unreleased] says of the software). [Unreleased] is left empty,
    as Keep a Changelog has it. Subsections of [Unreleased] written the older way (`### Added`
    directly under it) describe the toolkit, since the data's changes are generated."""
    if not text:
        text = "# Changelog\n\nAll notable changes to this project are documented here.\n\n## [Unreleased]\n"
    lines = text.splitlines()
    start = next((i for i, ln in enumerate(lines) if re.match(r"^##\s+\[?unreleased\]?\s*$", ln, re.I)), None)
    if start is None:
        first = next((i for i, ln in enumerate(lines) if ln.startswith("## ")), len(lines))
        lines[first:first] = ["## [Unreleased]", ""]
        start = first
    end = next((i for i in range(start + 1, len(lines))
                if lines[i].startswith("## ") or re.match(r"^\[[^\]]+\]:\s", lines[i])), len(lines))
    preamble, parts = _split_sections(lines[start + 1:end], "###")

    data_pre, data_sections = _split_sections(parts.pop("Data", []), "####")
    tool_pre, tool_sections = _split_sections(parts.pop("Toolkit", []), "####")
    for heading, body in parts.items():  # the older form: ### Added etc. directly under the version
        tool_sections.setdefault(heading, []).extend(body)
    for heading, items in diff.changelog_entries().items():
        block = data_sections.setdefault(heading, [])
        while block and not block[-1].strip():
            block.pop()
        block.extend(f"- {item}" for item in items)

    section = [f"## [{version}] - {day}", ""]
    pre = "\n".join(preamble).strip()
    if pre:
        section += [pre, ""]
    section += _render_part("Data", data_pre, data_sections)
    section += _render_part("Toolkit", tool_pre, tool_sections)
    if len(section) == 2:
        section += ["No changes.", ""]
    new = lines[:start + 1] + [""] + section + lines[end:]
    return "\n".join(new).rstrip("\n") + "\n"
