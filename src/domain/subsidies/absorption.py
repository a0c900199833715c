"""R-SUB-ABSORB 吸纳就业: per worker absorbed, priced by the employer's intake of the worker's
year of hire ("当年新吸纳", ``004``): the workers of that year already approved together with
this claim's (``intake.py``), so splitting one year's intake into several claims never reaches
a better amount. "一次性": once per worker, whichever employer.

Zhijin (``000``): "吸纳建档立卡贫困家庭劳动力稳定就业6个月以上，并签订1年以上劳动合同的各类企业…按每人
500元". Huize (``004``): 2000 per worker up to 10 a year, 3000 per relocated worker when 10 or
more relocated (county finance), stable ≥ 1 year; the intake is identified by the employer's
credit code and each worker's ``hired_on`` (``intake_identified``).
"""

from __future__ import annotations

from typing import Any

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
    Table,
    Text,
    Worker,
    checked_workers,
    normalised_name,
    refused,
)
from postledger.domain.subsidies.intake import IntakePricing, IntakeRefused, price_intake
from postledger.domain.subsidies.limits import CountLimit, HeadcountLimit, Limit

RULE = "R-SUB-ABSORB"


class AbsorptionTable(Table):
    per_worker_fen: Fen
    max_workers: int | None = Field(ge=1)
    relocated_per_worker_fen: Fen | None = None
    relocated_min_workers: int | None = Field(default=None, ge=1)
    months_stable_min: Months
    contract_months_min: Months
    intake_identified: bool = False
    eligible_categories: list[Category] = Field(default=list(REGISTERED_POOR), min_length=1)

    @property
    def pricing(self) -> IntakePricing:
        return IntakePricing(
            per_worker_fen=self.per_worker_fen, max_workers=self.max_workers,
            relocated_per_worker_fen=self.relocated_per_worker_fen,
            relocated_min_workers=self.relocated_min_workers,
        )


class AbsorbedWorker(Worker):
    contract_months: Months
    relocated: Flag
    hired_on: Day | None = None


class AbsorptionFacts(Facts):
    employer: Text
    workers: list[AbsorbedWorker] = Field(min_length=1, max_length=1000)


def calculate(f: AbsorptionFacts, table: AbsorptionTable, ctx: Context) -> Computed:
    # Where the intake is counted, it is identified: the employer by its unified social
    # credit code, each worker's hire by its date (``intake_identified``).
    if table.intake_identified and not ctx.claimant.credit_code:
        raise refused(RULE, "claimant.credit_code",
                      "the county counts each employer's yearly intake: the employer claims with "
                      "its unified social credit code",
                      zh="本县按用人单位统计每年吸纳人数：用人单位须以统一社会信用代码申请")
    employer_key = normalised_name(ctx.claimant.credit_code or f.employer)
    ids = [w.resident_id for w in f.workers]
    intake_year: dict[str, int] = {}
    intake_size: dict[int, int] = {}
    for at, w in checked_workers(f.workers, rule=RULE, categories=table.eligible_categories,
                                 months_stable_min=table.months_stable_min):
        at.unless(w.contract_months >= table.contract_months_min, "contract_months",
                  f"{w.resident_id}: a contract of at least {table.contract_months_min} months, "
                  f"got {w.contract_months}",
                  zh=f"{w.resident_id}：劳动合同须不少于 {table.contract_months_min} 个月，实为 "
                     f"{w.contract_months} 个月")
        at.unless(w.hired_on is not None or not table.intake_identified, "hired_on",
                  "is required: the county counts each employer's intake by the year of hire",
                  zh="须填写：本县按招用年份统计用人单位的吸纳人数")
        hired = w.hired_on
        if hired is not None:
            reached = add_months(hired, w.months_stable)
            at.unless(reached <= ctx.on, "hired_on",
                      f"{w.resident_id}: hired on {hired}, {w.months_stable} months of stable "
                      f"work are reached on {reached}, after the claim date {ctx.on}",
                      zh=f"{w.resident_id}：于 {hired} 招用，稳定就业满 {w.months_stable} 个月"
                         f"之日为 {reached}，晚于申请日期 {ctx.on}")
        intake_year[w.resident_id] = (hired or add_months(ctx.on, -w.months_stable)).year
    limits: list[Limit] = []
    prices: dict[str, int] = {}
    for year in sorted(set(intake_year.values())):
        group = [{"resident_id": w.resident_id, "relocated": w.relocated}
                 for w in f.workers if intake_year[w.resident_id] == year]
        key = f"absorption-employer/{ctx.county}/{employer_key}/{year}"
        earlier = ctx.approved_workers(key)
        try:
            year_prices = price_intake(earlier + group, table.pricing)
        except IntakeRefused as exc:
            intake = earlier + group
            raise refused(RULE, "facts.workers",
                          f"{f.employer}'s intake of {year}: {len(intake)} workers "
                          f"({len(earlier)} already approved, {len(group)} in this claim; "
                          f"{sum(1 for w in intake if w['relocated'])} relocated): {exc}",
                          zh=f"{f.employer} {year} 年吸纳 {len(intake)} 人（已批准 {len(earlier)} "
                             f"人，本申请 {len(group)} 人；搬迁群众 "
                             f"{sum(1 for w in intake if w['relocated'])} 人）：{exc.zh}"
                          ) from None
        amounts = {str(w["resident_id"]): year_prices[str(w["resident_id"])] for w in group}
        intake_size[year] = len(earlier) + len(group)
        prices.update(amounts)
        limits.append(HeadcountLimit(
            key=key, what=f"workers taken on by {f.employer} in {year}", fact="facts.workers",
            workers=group, pricing=table.pricing, amounts=amounts,
        ))
    limits += [CountLimit(key=f"absorption/{rid}", what=f"absorption subsidy for {rid} (one-off)",
                          fact=f"facts.workers[{i}].resident_id") for i, rid in enumerate(ids)]
    understood: dict[str, Any] = f.model_dump(mode="json", exclude_none=True)
    for worker in understood["workers"]:
        worker["intake_year"] = intake_year[worker["resident_id"]]
    return Computed(
        amount_fen=sum(prices.values()),
        facts=understood,
        breakdown=[{"item": f"{rid} absorbed", "amount_fen": prices[rid],
                    "intake_year": intake_year[rid], "intake_size": intake_size[intake_year[rid]]}
                   for rid in ids],
        limits=limits,
    )


CLAIM_TYPE = ClaimType(
    name="absorption", rule=RULE, title_zh="吸纳就业补贴", title_en="employer absorption subsidy",
    table=AbsorptionTable, facts=AbsorptionFacts, calculate=calculate,
)
