"""Make trade-register-sco.csv from a full export of the SIPRI trade register.

    python reference/sipri/extract.py path/to/trade-register.csv > reference/sipri/trade-register-sco.csv

The export is the CSV that the SIPRI Arms Transfers Database writes for "All countries to All
countries" (ten lines of preamble, then one row per deal, in Windows-1252). The extract keeps the
deals ordered from 1991 whose supplier and recipient are both among the ten SCO members, and the
Soviet Union's deals of 1991 with them (our tables date such deals to Russia). It drops SIPRI's
trend-indicator values, which this package never uses, and writes UTF-8. Each row gets a
`sipri_ref`, made from supplier, recipient, order year and designation, numbered where those repeat,
so that reference/sipri/matches.csv can name it.
"""

from __future__ import annotations

import csv
import re
import sys

MEMBERS = {"Belarus": "BLR", "China": "CHN", "India": "IND", "Iran": "IRN", "Kazakhstan": "KAZ",
           "Kyrgyzstan": "KGZ", "Pakistan": "PAK", "Russia": "RUS", "Tajikistan": "TJK", "Uzbekistan": "UZB"}
FORMER = {"Soviet Union": "SUN"}  # ISO 3166-3 code of the former state
FIRST_YEAR = 1991
HEADER = ["sipri_ref", "supplier_iso3", "recipient_iso3", "supplier", "recipient", "order_year",
          "order_year_uncertain", "number_ordered", "number_ordered_uncertain", "designation", "description",
          "number_delivered", "number_delivered_uncertain", "delivery_years", "condition", "comments"]


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def read_export(path: str) -> tuple[str, list[list[str]]]:
    with open(path, encoding="cp1252", newline="") as f:
        lines = f.read().splitlines()
    generated = next((ln.split(":", 1)[1].strip() for ln in lines if ln.startswith("Data generated:")), "")
    start = next(n for n, ln in enumerate(lines) if ln.startswith("Recipient,Supplier,"))
    return generated, [r for r in csv.reader(lines[start + 1:]) if r]


def keep(row: list[str]) -> bool:
    recipient, supplier, year = row[0], row[1], row[2]
    if recipient not in MEMBERS or not year.isdigit():
        return False
    if supplier in MEMBERS:
        return int(year) >= FIRST_YEAR
    return supplier in FORMER and int(year) == FIRST_YEAR


def extract(rows: list[list[str]]) -> list[list[str]]:
    codes = {**MEMBERS, **FORMER}
    out = []
    for r in filter(keep, rows):
        (recipient, supplier, year, year_q, ordered, ordered_q, designation, description, delivered,
         delivered_q, years, condition, comments) = (c.strip() for c in r[:13])
        out.append([codes[supplier], codes[recipient], supplier, recipient, year, str(year_q == "?").lower(),
                    ordered, str(ordered_q == "?").lower(), designation, description, delivered,
                    str(delivered_q == "?").lower(), re.sub(r"\s*;\s*", "; ", years), condition, comments])
    out.sort(key=lambda r: (r[0], r[1], int(r[4]), r[8].lower(), r[6], r[13], r[14]))
    seen: dict[str, int] = {}
    for r in out:
        base = f"{r[0]}-{r[1]}-{r[4]}-{slug(r[8])}".lower()
        seen[base] = seen.get(base, 0) + 1
        r.insert(0, base if seen[base] == 1 else f"{base}-{seen[base]}")
    return out


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__.strip().splitlines()[2].strip(), file=sys.stderr)
        return 2
    generated, rows = read_export(argv[1])
    print(f"SIPRI export generated {generated}: {len(rows)} rows", file=sys.stderr)
    w = csv.writer(sys.stdout, lineterminator="\n")
    w.writerow(HEADER)
    w.writerows(extract(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
