"""Bad inputs for `sco-data validate`: each breaks a copy of the sample package in one way and
names the exact problems a person must see. Shared by the library, CLI and Frictionless tests.
What the cases are made with (Case, edit, write_bytes) is in support/."""

from __future__ import annotations

from pathlib import Path

from support import Case, edit, write_bytes


def _countries(pkg: Path, old: str, new: str) -> None:
    edit(pkg, "countries", old, new)


CSV_CASES = [
    Case(
        "unclosed-quote",
        lambda p: _countries(p, "KAZ,Kazakhstan", 'KAZ,"Kazakhstan'),
        ["data/countries.csv:3: [malformed-csv] malformed CSV: a quoted cell is never closed; add the missing '\"'"],
        True,
    ),
    Case(
        "too-many-cells",
        lambda p: _countries(p, "KAZ,Kazakhstan", "KAZ,Kazakhstan,Astana"),
        ["data/countries.csv:3: [malformed-csv] row has 3 cells but the header has 2 (too many); "
         "check for a missing or extra comma or an unquoted comma in a cell"],
        True,
    ),
    Case(
        "too-few-cells",
        lambda p: _countries(p, "KAZ,Kazakhstan", "KAZ"),
        ["data/countries.csv:3: [malformed-csv] row has 1 cell but the header has 2 (too few); "
         "check for a missing or extra comma or an unquoted comma in a cell"],
        True,
    ),
    Case(
        "header-mismatch",
        lambda p: _countries(p, "iso3,name", "iso3,country_name"),
        ["data/countries.csv:1: [header] header does not match the schema (missing name; unknown 'country_name'); "
         "expected: iso3,name"],
        True,
    ),
    Case(
        "wrong-type",
        lambda p: edit(p, "military_exercises", "Urumqi\",6000", "Urumqi\",6 000"),
        ["data/military_exercises.csv:2:troops_total: [type] '6 000' is not a valid integer; "
         "write a whole number with digits only, no separators"],
        True,
    ),
    Case(
        "wrong-date",
        lambda p: edit(p, "military_exercises", "2007-08-17", "2007-08-32"),
        ["data/military_exercises.csv:2:end_date: [type] '2007-08-32' is not a valid date; write the date as "
         "YYYY-MM-DD (a real calendar day); if only the year is known, leave the date empty"],
        True,
    ),
    Case(
        "enum",
        lambda p: edit(p, "sources", ",essay", ",blog"),
        ["data/sources.csv:2:kind: [enum] 'blog' is not allowed; use one of: official, news, think_tank, academic, "
         "reference, database, essay"],
        True,
    ),
    Case(
        "pattern",
        lambda p: edit(p, "sources", "Mark N. Katz,2008,", "Mark N. Katz,May 2008,"),
        ["data/sources.csv:2:published: [pattern] 'May 2008' does not match the pattern "
         "^[0-9]{4}(-[0-9]{2}-[0-9]{2})?$"],
        True,
    ),
    Case(
        "duplicate-primary-key",
        lambda p: _countries(p, "KAZ,Kazakhstan\n", "KAZ,Kazakhstan\nKAZ,Qazaqstan\n"),
        ["data/countries.csv:4:iso3: [primary-key] duplicate key (KAZ); line 3 has it already; "
         "each key must be unique"],
        True,
    ),
    Case(
        "broken-foreign-key",
        lambda p: edit(p, "members", "KAZ,2001", "KAX,2001"),
        ["data/members.csv:3:iso3: [foreign-key] 'KAX' is not in data/countries.csv (iso3); "
         "add it there or fix the value"],
        True,
    ),
    Case(
        "missing-file",
        lambda p: (p / "data" / "countries.csv").unlink(),
        ["data/countries.csv: [file-missing] file not found; create it with its header row"],
        True,
    ),
    Case(
        "empty-file",
        lambda p: write_bytes(p, "countries", b""),
        ["data/countries.csv: [file-empty] file is empty; it needs at least the header row"],
        True,
    ),
    Case(
        "not-utf8",
        lambda p: write_bytes(p, "countries",
                              "iso3,name\nCHN,China\nKAZ,Kazakhstan\n".encode() + "MNG,Mongólia\n".encode("latin-1")),
        ["data/countries.csv:4: [encoding] byte 0xf3 at offset 43 is not UTF-8; save the file as UTF-8"],
        True,
    ),
    Case(
        "utf8-bom",
        lambda p: write_bytes(p, "countries", b"\xef\xbb\xbf" + (p / "data" / "countries.csv").read_bytes()),
        ["data/countries.csv:1: [utf8-bom] file starts with a UTF-8 byte order mark; save as UTF-8 without BOM"],
    ),
    Case(
        "blank-row",
        lambda p: _countries(p, "KAZ,Kazakhstan\n", "KAZ,Kazakhstan\n\n"),
        ["data/countries.csv:4: [blank-row] blank line; delete it"],
        True,
    ),
]

FORMULA_CASES = [
    Case(
        f"formula-prefix-{name}",
        lambda p, c=char: edit(p, "summits", "in_person,Test outcome", f"in_person,{c}Test outcome"),
        [f"data/summits.csv:2:outcomes: [formula-prefix] '{char}Test outcome' begins with '{char}', which spreadsheets "
         "run as a formula; reword it so it starts with a letter or digit"],
    )
    for name, char in (("equals", "="), ("plus", "+"), ("minus", "-"), ("at", "@"))
]

RULE_CASES = [
    Case(
        "source-exists",
        lambda p: edit(p, "summits", "Test outcome,,test-ref", "Test outcome,,test-ref;nope-2020"),
        ["data/summits.csv:2:source_ids: [source-exists] 'nope-2020' not in data/sources.csv (source_id); "
         "add the source there or fix the id"],
    ),
    Case(
        "year-matches-date",
        lambda p: edit(p, "summits", "shanghai_five,1996,", "shanghai_five,1997,"),
        ["data/summits.csv:2:year, start_date: [year-matches-date] year is 1997 but start_date 1996-04-26 is in 1996; "
         "make them agree"],
    ),
    Case(
        "year-matches-date-exercise",
        lambda p: edit(p, "military_exercises", "2007,2007-08-09", "2008,2007-08-09"),
        ["data/military_exercises.csv:2:year, start_date: [year-matches-date] year is 2008 but start_date 2007-08-09 "
         "is in 2007; make them agree"],
    ),
    Case(
        "year-matches-date-observer-end",
        lambda p: edit(p, "observers", "2025,,merged_into_partner", "2025,2024-06-15,merged_into_partner"),
        ["data/observers.csv:2:end_year, end_date: [year-matches-date] end_year is 2025 but end_date 2024-06-15 is in "
         "2024; make them agree"],
    ),
    Case(
        "end-after-start",
        lambda p: edit(p, "summits", "1996-04-26,1996-04-26", "1996-04-26,1996-04-25"),
        ["data/summits.csv:2:start_date, end_date: [end-after-start] end_date 1996-04-25 is before start_date "
         "1996-04-26; an end cannot precede its start"],
    ),
    Case(
        "end-after-start-delivery",
        lambda p: edit(p, "arms_deals", "1998,2007", "1998,1997"),
        ["data/arms_deals.csv:2:delivery_start_year, delivery_end_year: [end-after-start] delivery_end_year 1997 is "
         "before delivery_start_year 1998; an end cannot precede its start"],
    ),
    Case(
        "end-after-start-observer-years",
        lambda p: edit(p, "observers", "2004-tashkent,2025,", "2004-tashkent,2003,"),
        ["data/observers.csv:2:start_year, end_year: [end-after-start] end_year 2003 is before start_year 2004; an end "
         "cannot precede its start"],
    ),
    Case(
        "summit-host-member",
        lambda p: edit(p, "summits", "Tashkent,UZB", "Tashkent,MNG"),
        ["data/summits.csv:4:host_iso3, start_date: [summit-host-member] the host of a sco summit on 2004-06-17 must "
         "be a member then, but MNG is not in data/members.csv"],
    ),
    Case(
        "summit-host-member-shanghai-five",
        lambda p: edit(p, "summits", "Shanghai,CHN,in_person,Test outcome", "Shanghai,UZB,in_person,Test outcome"),
        ["data/summits.csv:2:host_iso3, start_date: [summit-host-member] the host of a shanghai_five summit on "
         "1996-04-26 must be a member then, but UZB is not a Shanghai Five member in data/members.csv"],
    ),
    Case(
        "summit-host-member-before-joining",
        lambda p: edit(p, "members", "UZB,2001-06-15", "UZB,2005-06-15"),
        ["data/summits.csv:4:host_iso3, start_date: [summit-host-member] the host of a sco summit on 2004-06-17 must "
         "be a member then, but UZB joined on 2005-06-15"],
    ),
    Case(
        "summit-host-member-before-shanghai-five",
        lambda p: edit(p, "members", "CHN,2001-06-15,2001-shanghai,true,true,1996-04-26",
                       "CHN,2001-06-15,2001-shanghai,true,true,1997-01-01"),
        ["data/summits.csv:2:host_iso3, start_date: [summit-host-member] the host of a shanghai_five summit on "
         "1996-04-26 must be a member then, but CHN became a Shanghai Five member on 1997-01-01"],
    ),
    Case(
        "shanghai-five-date-missing",
        lambda p: edit(p, "members", "KAZ,2001-06-15,2001-shanghai,true,true,1996-04-26",
                       "KAZ,2001-06-15,2001-shanghai,true,true,"),
        ["data/members.csv:3:shanghai_five_member, shanghai_five_date: [shanghai-five-date] shanghai_five_member is "
         "true, so shanghai_five_date must be set: the day the state became a Shanghai Five member"],
    ),
    Case(
        "shanghai-five-date-without-flag",
        lambda p: edit(p, "members", "UZB,2001-06-15,2001-shanghai,true,false,",
                       "UZB,2001-06-15,2001-shanghai,true,false,2001-06-14"),
        ["data/members.csv:5:shanghai_five_member, shanghai_five_date: [shanghai-five-date] shanghai_five_date is "
         "2001-06-14 but shanghai_five_member is false; set the flag or empty the date"],
    ),
    Case(
        "shanghai-five-date-not-before-joining",
        lambda p: edit(p, "members", "KAZ,2001-06-15,2001-shanghai,true,true,1996-04-26",
                       "KAZ,2001-06-15,2001-shanghai,true,true,2001-06-15"),
        ["data/members.csv:3:shanghai_five_date, joined_date: [shanghai-five-date] shanghai_five_date 2001-06-15 is "
         "not before joined_date 2001-06-15; a state was in the Shanghai Five before it joined the SCO"],
    ),
    Case(
        "observer-before-member",
        lambda p: edit(p, "observers", "source_ids\n",
                       "source_ids\nKAZ,observer,1999,,,2001,,status_changed,,test-ref\n"),
        ["data/observers.csv:2:end_reason: [observer-before-member] KAZ joined on 2001-06-15, so its last spell before "
         "that must end with end_reason became_member, not status_changed"],
    ),
    Case(
        "observer-before-member-ends-late",
        lambda p: edit(p, "observers", "source_ids\n",
                       "source_ids\nKAZ,observer,1999,,,2002,,became_member,,test-ref\n"),
        ["data/observers.csv:2:end_year, end_date: [observer-before-member] KAZ joined on 2001-06-15, but its last "
         "spell before that ends in 2002; it must end no later than joined_date"],
    ),
    Case(
        "observer-before-member-not-a-member",
        lambda p: edit(p, "observers", "merged_into_partner", "became_member"),
        ["data/observers.csv:2:iso3, end_reason: [observer-before-member] the spell ends because MNG became a member, "
         "but MNG is not in data/members.csv; add the membership or fix end_reason"],
    ),
    Case(
        "spells-do-not-overlap",
        lambda p: edit(p, "observers", "2004-tashkent,2025,", "2004-tashkent,2026,"),
        ["data/observers.csv:3:start_year, start_date: [spells-do-not-overlap] MNG's partner spell starts in 2025 "
         "while its observer spell of line 2 lasts until 2026; end the earlier spell first"],
    ),
    Case(
        "recognition-date-missing",
        lambda p: edit(p, "georgia_positions", "true,true,2008-08-26,", "true,true,,"),
        ["data/georgia_positions.csv:3:recognized_abkhazia, recognized_south_ossetia, recognition_date: "
         "[recognition-date] the state recognised Abkhazia or South Ossetia, so recognition_date must be set"],
    ),
    Case(
        "recognition-date-without-recognition",
        lambda p: edit(p, "georgia_positions", "false,false,,", "false,false,2008-08-26,"),
        ["data/georgia_positions.csv:2:recognized_abkhazia, recognized_south_ossetia, recognition_date: "
         "[recognition-date] recognition_date is 2008-08-26 but neither recognized_abkhazia nor "
         "recognized_south_ossetia is true; set the one recognised or empty the date"],
    ),
    Case(
        "recognition-withdrawn-before-recognition",
        lambda p: edit(p, "georgia_positions", "2008-08-26,,", "2008-08-26,2008-08-01,"),
        ["data/georgia_positions.csv:3:recognition_date, recognition_withdrawn_date: [recognition-date] "
         "recognition_withdrawn_date 2008-08-01 is before recognition_date 2008-08-26"],
    ),
    Case(
        "recognition-withdrawn-without-recognition",
        lambda p: edit(p, "georgia_positions", "false,false,,", "false,false,,2009-01-01"),
        ["data/georgia_positions.csv:2:recognition_date, recognition_withdrawn_date: [recognition-date] "
         "recognition_withdrawn_date is 2009-01-01 but recognition_date is empty; a recognition must be dated "
         "before its withdrawal"],
    ),
    Case(
        "deal-quantities",
        lambda p: edit(p, "arms_deals", "2007,105,", "2007,300,"),
        ["data/arms_deals.csv:2:quantity_ordered, quantity_delivered: [deal-quantities] quantity_delivered 300 exceeds "
         "quantity_ordered 200"],
    ),
    Case(
        "deal-years",
        lambda p: edit(p, "arms_deals", "1995,200,1998", "1995,200,1990"),
        ["data/arms_deals.csv:2:order_year, delivery_start_year: [deal-years] delivery_start_year 1990 is before "
         "order_year 1995; deliveries follow the order"],
    ),
    Case(
        "deal-parties",
        lambda p: edit(p, "arms_deals", "RUS,CHN", "RUS,RUS"),
        ["data/arms_deals.csv:2:supplier_iso3, recipient_iso3: [deal-parties] RUS is both supplier and recipient; "
         "a deal needs two states"],
    ),
    Case(
        "deliveries-within-deal-year",
        lambda p: edit(p, "arms_deliveries", "s300,2010,5", "s300,2009,5"),
        ["data/arms_deliveries.csv:2:deal_id, year: [deliveries-within-deal] rus-kaz-s300 delivers in 2009, "
         "outside its delivery years 2010 .. 2015 in data/arms_deals.csv; fix the year or the deal's "
         "delivery_start_year/delivery_end_year"],
    ),
    Case(
        "deliveries-within-deal-sum",
        lambda p: edit(p, "arms_deliveries", "s300,2010,5", "s300,2010,11"),
        ["data/arms_deliveries.csv:2:deal_id, quantity: [deliveries-within-deal] rus-kaz-s300's yearly "
         "deliveries add up to 11, more than its quantity_delivered (10) in data/arms_deals.csv"],
    ),
]

DATA_CASES = CSV_CASES + FORMULA_CASES + RULE_CASES
