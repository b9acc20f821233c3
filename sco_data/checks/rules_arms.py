"""The cross-table rules of the arms deals and their yearly deliveries (see rules.py for how a
rule is written; these use its helpers). Together with rules.py, the only module besides the tests
that names tables and columns."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from ..errors import Problem
from .registry import PACKAGE, Case, ReplaceText, check
from .rules import Tables, _fmt, _rows

# --- arms deals --------------------------------------------------------------------------------

DEALS = "arms_deals"


@check("deal-quantities", PACKAGE, cases=[
    Case("deal-quantities", ReplaceText("arms_deals", "2007,105,", "2007,300,"),
         ["data/arms_deals.csv:2:quantity_ordered, quantity_delivered: [deal-quantities] quantity_delivered 300 "
          "exceeds quantity_ordered 200"]),
])
def deal_quantities(tables: Tables) -> Iterator[Problem]:
    """No more delivered than ordered: quantity_delivered <= quantity_ordered where both are
    known. Both count the same units (aircraft, ships, battalions: the deal's description says
    which where it is not plain), so more delivered than ordered is a slip in one of them, or an
    order enlarged later that the row does not record."""
    deals = _rows(tables, DEALS, "quantity_ordered", "quantity_delivered")
    if deals is None:
        return
    for i, row in deals:
        ordered, delivered = row["quantity_ordered"], row["quantity_delivered"]
        if ordered is not None and delivered is not None and delivered > ordered:
            yield deals.problem(i, ("quantity_ordered", "quantity_delivered"), "deal-quantities",
                                f"quantity_delivered {delivered} exceeds quantity_ordered {ordered}")


@check("deal-years", PACKAGE, cases=[
    Case("deal-years", ReplaceText("arms_deals", "1995,200,1998", "1995,200,1990"),
         ["data/arms_deals.csv:2:order_year, delivery_start_year: [deal-years] delivery_start_year 1990 is before "
          "order_year 1995; deliveries follow the order"]),
])
def deal_years(tables: Tables) -> Iterator[Problem]:
    """Deliveries do not begin before the order: delivery_start_year (and delivery_end_year) >=
    order_year. Where no source gives the signing year, order_year holds the year the deal was
    first reported (its notes say so), the latest the order can have been placed; a delivery
    before it means that one of the years is wrong."""
    deals = _rows(tables, DEALS, "order_year", "delivery_start_year", "delivery_end_year")
    if deals is None:
        return
    for i, row in deals:
        order = row["order_year"]
        for col in ("delivery_start_year", "delivery_end_year"):
            year = row[col]
            if order is not None and year is not None and year < order:
                yield deals.problem(i, ("order_year", col), "deal-years",
                                    f"{col} {year} is before order_year {order}; deliveries follow the order")
                break


@check("deal-parties", PACKAGE, cases=[
    Case("deal-parties", ReplaceText("arms_deals", "RUS,CHN", "RUS,RUS"),
         ["data/arms_deals.csv:2:supplier_iso3, recipient_iso3: [deal-parties] RUS is both supplier and recipient; "
          "a deal needs two states"]),
])
def deal_parties(tables: Tables) -> Iterator[Problem]:
    """A deal is between two states: supplier_iso3 differs from recipient_iso3. The table records
    transfers of arms from one state to another (orders, licences and leases); what a state makes
    for its own forces is not one."""
    deals = _rows(tables, DEALS, "supplier_iso3", "recipient_iso3")
    if deals is None:
        return
    for i, row in deals:
        if row["supplier_iso3"] is not None and row["supplier_iso3"] == row["recipient_iso3"]:
            yield deals.problem(i, ("supplier_iso3", "recipient_iso3"), "deal-parties",
                                f"{row['supplier_iso3']} is both supplier and recipient; a deal needs two states")


@check("deliveries-within-deal", PACKAGE, cases=[
    Case("deliveries-within-deal-year", ReplaceText("arms_deliveries", "s300,2010,5", "s300,2009,5"),
         ["data/arms_deliveries.csv:2:deal_id, year: [deliveries-within-deal] rus-kaz-s300 delivers in 2009, "
          "outside its delivery years 2010 .. 2015 in data/arms_deals.csv; fix the year or the deal's "
          "delivery_start_year/delivery_end_year"]),
    Case("deliveries-within-deal-sum", ReplaceText("arms_deliveries", "s300,2010,5", "s300,2010,11"),
         ["data/arms_deliveries.csv:2:deal_id, quantity: [deliveries-within-deal] rus-kaz-s300's yearly "
          "deliveries add up to 11, more than its quantity_delivered (10) in data/arms_deals.csv"]),
])
def deliveries_within_deal(tables: Tables) -> Iterator[Problem]:
    """A deal's yearly deliveries (arms_deliveries) fall within its delivery_start_year ..
    delivery_end_year, and their quantities add up to no more than its quantity_delivered (when
    that total is known). An empty delivery_start_year or delivery_end_year is unknown, not a
    bound: a deal still in delivery has no last year yet. The yearly rows break a deal down, so
    each falls within the deal's span and together they are no more than the whole. A deal whose
    delivery years are reversed is left to end-after-start."""
    deliveries = _rows(tables, "arms_deliveries", "deal_id", "year", "quantity")
    deals = _rows(tables, DEALS, "deal_id", "delivery_start_year", "delivery_end_year", "quantity_delivered")
    if deliveries is None or deals is None:
        return
    by_id = {row["deal_id"]: row for _, row in deals if row["deal_id"] is not None}
    totals: dict[str, list] = defaultdict(lambda: [0, None])  # deal -> [sum so far, last line index]
    for i, row in deliveries:
        deal = by_id.get(row["deal_id"])
        if deal is None:
            continue  # the foreign key says so
        start, end, year = deal["delivery_start_year"], deal["delivery_end_year"], row["year"]
        if start is not None and end is not None and end < start:
            continue  # end-after-start reports the deal; its years cannot judge the deliveries
        if year is not None and ((start is not None and year < start) or (end is not None and year > end)):
            span = f"{_fmt(start)} .. {_fmt(end)}"
            yield deliveries.problem(i, ("deal_id", "year"), "deliveries-within-deal",
                                     f"{row['deal_id']} delivers in {year}, outside its delivery years {span} in "
                                     f"{deals.file}; fix the year or the deal's delivery_start_year/delivery_end_year")
        if row["quantity"] is not None:
            totals[row["deal_id"]][0] += row["quantity"]
            totals[row["deal_id"]][1] = i
    for deal_id, (total, last) in totals.items():
        delivered = by_id[deal_id]["quantity_delivered"]
        if delivered is not None and total > delivered:
            yield deliveries.problem(last, ("deal_id", "quantity"), "deliveries-within-deal",
                                     f"{deal_id}'s yearly deliveries add up to {total}, more than its "
                                     f"quantity_delivered ({delivered}) in {deals.file}")

