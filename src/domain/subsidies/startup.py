"""R-SUB-STARTUP 创业补贴 (Huize, ``004``): "对首次创办小微企业或从事个体经营，且所创办企业或个体
工商户自工商登记注册之日起正常运营1年以上的就业困难人员…给予一次性3000元创业补贴".

The founder is 就业困难人员: poverty status is not required, and a registered poor person
counts as one (§6); anyone else states ``employment_difficult``. Once per founder: keyed on the
person's resident id, so the same founder cannot claim again under another business name.
"""

from __future__ import annotations

from pydantic import Field

from postledger.domain.dates import add_months
from postledger.domain.subsidies.base import (
    REGISTERED_POOR,
    Category,
    ClaimType,
    Computed,
    Context,
    Day,
    Facts,
    Fen,
    Flag,
    Months,
    Refuse,
    Table,
    category_zh,
    person,
)
from postledger.domain.subsidies.limits import CountLimit

RULE = "R-SUB-STARTUP"


class StartupTable(Table):
    amount_fen: Fen
    running_months_min: Months
    eligible_categories: list[Category] = Field(default=list(REGISTERED_POOR), min_length=1)


class StartupFacts(Facts):
    registered_on: Day
    running: Flag
    first_business: Flag
    employment_difficult: Flag = False


def calculate(f: StartupFacts, table: StartupTable, ctx: Context) -> Computed:
    founder = person(ctx.claimant, RULE)
    refuse = Refuse(RULE)
    refuse.unless(
        f.employment_difficult or ctx.claimant.category in table.eligible_categories,
        "employment_difficult",
        f"the founder is a person with employment difficulty (就业困难人员): a registered poor "
        f"laborer ({', '.join(table.eligible_categories)}) or one the centre recognised as such",
        zh=f"创业者须为就业困难人员：建档立卡劳动力（"
           f"{'、'.join(category_zh(c) for c in table.eligible_categories)}）或经认定的就业困难人员",
    )
    refuse.unless(f.first_business, "first_business",
                  "the subsidy is for a first business or self-employment (首次创办)",
                  zh="此项补贴只给首次创办小微企业或从事个体经营的人")
    refuse.unless(f.running, "running", "the business must still be running",
                  zh="所创办的企业或个体工商户须仍在正常运营")
    registered = f.registered_on
    reached = add_months(registered, table.running_months_min)
    refuse.unless(reached <= ctx.on, "registered_on",
                  f"registered on {registered}: running {table.running_months_min} months is "
                  f"reached on {reached}, after the claim date {ctx.on}",
                  zh=f"于 {registered} 登记注册：正常运营满 {table.running_months_min} 个月之日为 "
                     f"{reached}，晚于申请日期 {ctx.on}")
    return Computed(
        amount_fen=table.amount_fen,
        facts=f.model_dump(mode="json"),
        breakdown=[{"item": "start-up subsidy", "amount_fen": table.amount_fen}],
        limits=[CountLimit(key=f"startup/{founder}", what=f"start-up subsidy of {founder}",
                           fact="claimant.resident_id")],
    )


CLAIM_TYPE = ClaimType(
    name="startup", rule=RULE, title_zh="创业补贴", title_en="start-up subsidy",
    table=StartupTable, facts=StartupFacts, calculate=calculate,
)
