"""R-SUB-WORKSHOP 就业扶贫车间 (Yunnan, ``004``): "吸纳5人（含5人）以上贫困劳动力…签订6个月（含6个月）
以上劳动合同…工资待遇不低于当地最低工资标准。每吸纳1名贫困劳动力…给予1000元一次性奖补，奖补金额最高不超过
5万元" — capped per workshop across its claims (the claim is clipped to what remains).

``poor_laborers`` is a count (API.md) or the laborers named with their category; named laborers
are each subsidised once, whichever workshop claims them. A county that sets
``laborer_ids_required`` accepts named laborers only.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Discriminator, Field, Tag

from postledger.domain.subsidies.base import (
    REGISTERED_POOR,
    UNION_TAG,
    Category,
    ClaimType,
    Computed,
    Context,
    Count,
    Facts,
    Fen,
    Flag,
    Months,
    Refuse,
    ResidentIdText,
    Table,
    Text,
    distinct,
    eligible,
    normalised_name,
)
from postledger.domain.subsidies.limits import CapLimit, CountLimit, Limit

RULE = "R-SUB-WORKSHOP"


class WorkshopTable(Table):
    per_laborer_fen: Fen
    min_laborers: int = Field(ge=1, le=10_000)
    contract_months_min: Months
    cap_fen: Fen
    laborer_ids_required: bool = False
    eligible_categories: list[Category] = Field(default=list(REGISTERED_POOR), min_length=1)


class WorkshopLaborer(Facts):
    resident_id: ResidentIdText
    category: Category


class WorkshopFacts(Facts):
    workshop_id: Text
    poor_laborers: Annotated[
        Annotated[list[WorkshopLaborer], Tag(f"{UNION_TAG}list")]
        | Annotated[Count, Tag(f"{UNION_TAG}count")],
        Discriminator(lambda v: f"{UNION_TAG}count" if isinstance(v, int) else f"{UNION_TAG}list"),
    ]
    contract_months: Months
    wage_at_least_minimum: Flag


def calculate(f: WorkshopFacts, table: WorkshopTable, ctx: Context) -> Computed:
    refuse = Refuse(RULE)
    workshop_id = normalised_name(f.workshop_id)
    named = f.poor_laborers if isinstance(f.poor_laborers, list) else None
    if named is None:
        refuse.unless(not table.laborer_ids_required, "poor_laborers",
                      "the county pays workshops for laborers named by resident id: give "
                      "poor_laborers as a list of {resident_id, category}",
                      zh="本县按身份证号逐一列明的劳动力给车间奖补：poor_laborers 须为 "
                         "{resident_id, category} 的列表")
        laborers = int(f.poor_laborers)  # type: ignore[arg-type]
    else:
        distinct([w.resident_id for w in named], refuse, "poor_laborers")
        for i, w in enumerate(named):
            eligible(w.category, table.eligible_categories, RULE,
                     f"facts.poor_laborers[{i}].category")
        laborers = len(named)
    refuse.unless(laborers >= table.min_laborers, "poor_laborers",
                  f"a workshop absorbs at least {table.min_laborers} poor laborers, got {laborers}",
                  zh=f"车间须吸纳贫困劳动力 {table.min_laborers} 人以上，实为 {laborers} 人")
    refuse.unless(f.contract_months >= table.contract_months_min, "contract_months",
                  f"contracts of at least {table.contract_months_min} months, "
                  f"got {f.contract_months}",
                  zh=f"劳动合同须不少于 {table.contract_months_min} 个月，实为 "
                     f"{f.contract_months} 个月")
    refuse.unless(f.wage_at_least_minimum, "wage_at_least_minimum",
                  "wages must be at least the minimum wage",
                  zh="工资待遇须不低于当地最低工资标准")
    per = table.per_laborer_fen
    # A named laborer is subsidised once, whichever workshop claims them.
    limits: list[Limit] = [CapLimit(key=f"workshop/{ctx.county}/{workshop_id}",
                                    cap_fen=table.cap_fen, fact="facts.workshop_id",
                                    what=f"workshop {workshop_id} of {ctx.county}")]
    limits += [CountLimit(key=f"workshop-laborer/{w.resident_id}",
                          what=f"workshop subsidy for laborer {w.resident_id}",
                          fact=f"facts.poor_laborers[{i}]")
               for i, w in enumerate(named or [])]
    return Computed(
        amount_fen=per * laborers,
        facts={**f.model_dump(mode="json"), "workshop_id": workshop_id},
        breakdown=[{"item": f"{laborers} poor laborers × {per}", "amount_fen": per * laborers}],
        limits=limits,
    )


CLAIM_TYPE = ClaimType(
    name="workshop", rule=RULE, title_zh="就业扶贫车间奖补", title_en="poverty-alleviation workshop subsidy",
    table=WorkshopTable, facts=WorkshopFacts, calculate=calculate,
)
