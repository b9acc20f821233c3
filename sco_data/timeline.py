"""The membership timeline, docs/membership-timeline.svg: one line per state, coloured by its
status over time (status.spells decides who held what when), with every summit marked.

It is a picture of the members, observers and summits tables, so it knows them by name (the
names status.py defines). The same tables and matplotlib version always give the same bytes.
"""

from __future__ import annotations

import io
import math
from datetime import date

from . import schema as sch
from .descriptor import Package
from .errors import DocsError
from .facts import released, span
from .status import MEMBERS, OBSERVERS, SUMMITS, spells

# Okabe-Ito colours: distinguishable with the common colour-vision deficiencies.
STATUS_STYLE = {
    "shanghai_five": ("Shanghai Five", "#009E73"),
    "dialogue_partner": ("Dialogue partner", "#E69F00"),
    "observer": ("Observer", "#56B4E9"),
    "partner": ("Partner", "#CC79A7"),
    "member": ("Member", "#0072B2"),
}
OTHER_STATUS_COLOUR = "#999999"
MIN_WIDTH = 1 / 12  # years: the narrowest spell drawn

# Fixed settings so that the SVG is the same bytes on every machine with the same matplotlib.
_RC = {
    "svg.hashsalt": "sco-data",
    "svg.fonttype": "path",
    "font.family": ["DejaVu Sans"],
    "font.size": 8,
    "axes.linewidth": 0.6,
    "path.simplify": False,
}
_SVG_METADATA = {"Date": None, "Creator": "sco-data docs", "Title": "SCO membership timeline"}


def _fraction(d: date) -> float:
    """A date as a decimal year, so that spans and summits share one plain numeric axis."""
    days = (date(d.year + 1, 1, 1) - date(d.year, 1, 1)).days
    return d.year + (d - date(d.year, 1, 1)).days / days


def _label_lookup(pkg: Package, tables: dict, res_name: str) -> dict[str, str]:
    """State names, found by following the iso3 foreign key to the table it points at and taking
    that table's first text column outside its key."""
    if res_name not in tables:
        return {}
    res = pkg.resource(res_name)
    for fk in res.foreign_keys:
        if fk["fields"] == ["iso3"] and fk["resource"] in tables:
            target = pkg.resource(fk["resource"])
            key = fk["ref_fields"][0]
            names = [f["name"] for f in target.fields
                     if f["name"] not in target.primary_key and sch.field_type(f) == "string"]
            if names:
                t = tables[fk["resource"]]
                return dict(zip(t.column(key).to_pylist(), t.column(names[0]).to_pylist(), strict=False))
    return {}


def timeline_svg(pkg: Package, tables: dict) -> bytes:
    """One line per state, coloured by status over time, with every summit marked."""
    try:
        import matplotlib
        from matplotlib.figure import Figure
        from matplotlib.lines import Line2D
        from matplotlib.patches import Patch
        from matplotlib.ticker import MultipleLocator
    except ImportError:
        raise DocsError("drawing the timeline needs matplotlib: pip install 'sco-data[docs]'") from None

    # Spells still held run to the release date of this version: the picture is "as of" it.
    try:
        as_of = date.fromisoformat(released(pkg))
    except ValueError:
        as_of = None
    all_spells = spells(tables.get(MEMBERS), tables.get(OBSERVERS), as_of=as_of)
    summits = tables.get(SUMMITS)
    summit_rows = sorted(summits.to_pylist(), key=lambda r: r["start_date"]) if summits is not None else []
    names = _label_lookup(pkg, tables, MEMBERS) or _label_lookup(pkg, tables, OBSERVERS)

    dates = ([s.start for s in all_spells] + [s.end for s in all_spells if s.end]
             + [r["start_date"] for r in summit_rows])
    if dates:
        first, last = min(dates).year, max(dates).year + 1
    else:
        first = int(released(pkg)[:4] or 2000)
        last = first + 1
    x_end = max(float(last), _fraction(as_of) if as_of and dates else 0.0)

    order: dict[str, date] = {}
    for s in all_spells:
        order[s.iso3] = min(order.get(s.iso3, s.start), s.start)
    states = sorted(order, key=lambda k: (order[k], k))

    height = 1.6 + 0.24 * max(len(states), 3)
    with matplotlib.rc_context():
        matplotlib.rcdefaults()
        matplotlib.rcParams.update(_RC)
        fig = Figure(figsize=(10, height))
        ax = fig.add_subplot()
        for s in all_spells:
            y = states.index(s.iso3)
            start, end = _fraction(s.start), _fraction(s.end) if s.end else x_end
            colour = STATUS_STYLE.get(s.status, (s.status, OTHER_STATUS_COLOUR))[1]
            # A spell shorter than a month (Uzbekistan's one day in the Shanghai Five) is drawn a month
            # wide, on top of the spell that follows, so that it can be seen at all.
            short = end - start < MIN_WIDTH
            ax.broken_barh([(start, max(end - start, MIN_WIDTH))], (y - 0.35, 0.7), facecolors=colour,
                           edgecolor="none", zorder=3 if short else 2)
        for r in summit_rows:
            x = _fraction(r["start_date"])
            ax.axvline(x, color="#777777", linewidth=0.4, linestyle=(0, (2, 2)), zorder=0)
            ax.annotate(
                f"{r['start_date'].year} {r.get('city') or ''}".strip(),
                (x, 1.0), xycoords=("data", "axes fraction"), xytext=(0, 3), textcoords="offset points",
                rotation=90, ha="center", va="bottom", fontsize=6, color="#444444",
            )
            ax.plot([x], [1.0], marker="v", markersize=4, color="#444444", transform=ax.get_xaxis_transform(),
                    clip_on=False)
        ax.set_xlim(float(first), x_end)
        ax.set_ylim(max(len(states), 1) - 0.5, -0.5)
        ax.set_yticks(range(len(states)))
        ax.set_yticklabels([f"{names.get(k, k)} ({k})" if names.get(k) else k for k in states])
        ax.xaxis.set_major_locator(MultipleLocator(5))
        ax.xaxis.set_minor_locator(MultipleLocator(1))
        ax.grid(axis="x", which="major", color="#dddddd", linewidth=0.5, zorder=0)
        ax.set_axisbelow(True)
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
        if not states:
            ax.text(0.5, 0.5, "No membership or observer rows yet", transform=ax.transAxes, ha="center", va="center")
        handles = [Patch(facecolor=c, label=label) for label, c in STATUS_STYLE.values()]
        handles.append(Line2D([], [], color="#444444", marker="v", linestyle="none", markersize=4,
                              label="Heads of State summit"))
        ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.06), ncol=len(handles), frameon=False)
        # Above the summit labels, whose height grows with the longest city name.
        longest = max((len(f"{r['start_date'].year} {r.get('city') or ''}") for r in summit_rows), default=0)
        ax.set_title(
            f"SCO membership, observers and partners{', ' + span((first, math.ceil(x_end) - 1)) if dates else ''} "
            f"(version {pkg.version}{', as of ' + released(pkg) if as_of else ''})",
            loc="left", fontsize=10, pad=10 + 3.6 * longest,
        )
        buf = io.BytesIO()
        fig.savefig(buf, format="svg", bbox_inches="tight", metadata=_SVG_METADATA)
    return buf.getvalue()
