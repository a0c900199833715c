"""R-SUB-JOBTRAIN 岗位技能培训 (Yunnan, ``004``): "签订1年以上期限劳动合同、并于签订劳动合同之日
起1年内参加…岗位技能培训的，取得职业资格证书后给予不超过800元…职业技能等级证书或专项职业能力证书
…不超过600元…培训合格证书后…不超过400元" (the cap is paid, *assumed*). Claimants: 农村贫困劳动力.
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
    Months,
    Refuse,
    Table,
    Text,
    eligible,
    person,
)
from postledger.domain.subsidies.limits import CountLimit

RULE = "R-SUB-JOBTRAIN"


class JobTrainingTable(Table):
    amounts_fen: dict[str, Fen] = Field(min_length=1)
    contract_months_min: Months
    trained_within_months: Months
    eligible_categories: list[Category] = Field(default=list(REGISTERED_POOR), min_length=1)


class JobTrainingFacts(Facts):
    certificate_level: Text
    contract_signed_on: Day
    contract_months: Months
    trained_on: Day


def calculate(f: JobTrainingFacts, table: JobTrainingTable, ctx: Context) -> Computed:
    rid = person(ctx.claimant, RULE)
    eligible(ctx.claimant.category, table.eligible_categories, RULE, "claimant.category")
    refuse = Refuse(RULE)
    level = f.certificate_level
    refuse.unless(level in table.amounts_fen, "certificate_level",
                  f"must be one of {', '.join(table.amounts_fen)}, got {level!r}",
                  zh=f"须为 {'、'.join(table.amounts_fen)} 之一，实为“{level}”")
    signed, trained = f.contract_signed_on, f.trained_on
    refuse.unless(
        f.contract_months >= table.contract_months_min, "contract_months",
        f"a contract of at least {table.contract_months_min} months is required, "
        f"got {f.contract_months}",
        zh=f"劳动合同须不少于 {table.contract_months_min} 个月，实为 {f.contract_months} 个月",
    )
    within = table.trained_within_months
    refuse.unless(trained >= signed, "trained_on",
                  f"training on {trained} came before the contract was signed on {signed}",
                  zh=f"培训日期 {trained} 早于劳动合同签订日期 {signed}")
    refuse.unless(trained <= add_months(signed, within), "trained_on",
                  f"training must be within {within} months of signing ({signed}), not {trained}",
                  zh=f"培训须在签订劳动合同（{signed}）后 {within} 个月内，实为 {trained}")
    refuse.unless(trained <= ctx.on, "trained_on",
                  f"training on {trained} is after the claim date {ctx.on}",
                  zh=f"培训日期 {trained} 晚于申请日期 {ctx.on}")
    amount = table.amounts_fen[level]
    return Computed(
        amount_fen=amount,
        facts=f.model_dump(mode="json"),
        breakdown=[{"item": f"{level} certificate", "amount_fen": amount}],
        # Once per certificate level, and once per contract whatever the level: the same
        # training is not paid again under another certificate, nor under another contract date.
        limits=[CountLimit(key=f"job_training/{rid}/{level}",
                           what=f"{level} training subsidy of {rid}",
                           fact="facts.certificate_level"),
                CountLimit(key=f"job_training/{rid}/{signed.isoformat()}",
                           what=f"post-hire training subsidy of {rid} for the contract signed "
                                f"{signed}", fact="facts.contract_signed_on")],
    )


CLAIM_TYPE = ClaimType(
    name="job_training", rule=RULE, title_zh="岗位技能培训补贴", title_en="post-hire skill training subsidy",
    table=JobTrainingTable, facts=JobTrainingFacts, calculate=calculate,
)
