"""R-SUB-TRANSPORT 交通补助: min(ticket, cap by destination), once per person per year.

Hekou (``002``): "对跨省务工的…每人每年可享受一次交通补助,补助标准最高不超过500元" — other
province only. Yunnan (``004``): "稳定就业三个月以上的…最高不超过500元/人的一次性交通费补助".
Huize (``004`` art. 16): 省外 500, 县外省内 300, 县内 100. Zhijin (``000``) pays none.
A destination whose cap is ``None`` is not subsidised.
"""

from __future__ import annotations

from pydantic import Field

from postledger.domain.labels import label_of
from postledger.domain.subsidies.base import (
    REGISTERED_POOR,
    Category,
    ClaimType,
    Computed,
    Context,
    Destination,
    Facts,
    Fen,
    Flag,
    Months,
    PositiveFen,
    Refuse,
    Table,
    eligible,
    person,
)
from postledger.domain.subsidies.limits import CountLimit

RULE = "R-SUB-TRANSPORT"


class DestinationCaps(Table):
    other_province: Fen | None
    other_county: Fen | None
    in_county: Fen | None


class TransportTable(Table):
    caps_fen: DestinationCaps
    months_stable_min: Months
    claims_per_year: int = Field(ge=1, le=12)
    eligible_categories: list[Category] = Field(default=list(REGISTERED_POOR), min_length=1)


class TransportFacts(Facts):
    destination: Destination
    ticket_price_fen: PositiveFen
    months_stable: Months
    real_name_ticket: Flag


def calculate(f: TransportFacts, table: TransportTable, ctx: Context) -> Computed:
    rid = person(ctx.claimant, RULE)
    eligible(ctx.claimant.category, table.eligible_categories, RULE, "claimant.category")
    refuse = Refuse(RULE)
    cap = getattr(table.caps_fen, f.destination)
    refuse.unless(cap is not None, "destination",
                  f"the county pays no transport subsidy for work {f.destination}",
                  zh=f"本县不补贴到“{label_of('destination', f.destination)}”务工的交通费")
    refuse.unless(
        f.months_stable >= table.months_stable_min, "months_stable",
        f"stable work of at least {table.months_stable_min} months is required, "
        f"got {f.months_stable}",
        zh=f"稳定就业须满 {table.months_stable_min} 个月，实为 {f.months_stable} 个月",
    )
    refuse.unless(f.real_name_ticket, "real_name_ticket", "a real-name ticket is required",
                  zh="须有实名制车票")
    amount = min(f.ticket_price_fen, int(cap))
    return Computed(
        amount_fen=amount,
        facts=f.model_dump(mode="json"),
        breakdown=[{"item": f"ticket to {f.destination}", "ticket_price_fen": f.ticket_price_fen,
                    "cap_fen": cap, "amount_fen": amount}],
        limits=[CountLimit(
            key=f"transport/{rid}/{ctx.on.year}", what=f"transport subsidy of {rid} in "
            f"{ctx.on.year}", fact="claimant.resident_id", max=table.claims_per_year,
        )],
    )



CLAIM_TYPE = ClaimType(
    name="transport", rule=RULE, title_zh="交通补助", title_en="transport subsidy",
    table=TransportTable, facts=TransportFacts, calculate=calculate,
)
