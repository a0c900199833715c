"""R-SUB-SOCIAL 社会保险补贴: a share of premiums actually paid, each month floored to the fen,
the claim's amount the sum of its months.

Zhijin (``000``): firms hiring 建档立卡 workers, 2/3 of pension, medical and unemployment
premiums; 建档立卡 flexible workers up to 2/3; both at most 3 years, "除对距法定退休年龄不足5年的
可延长至退休外…以初次核定其享受社会保险补贴时年龄为准"; 建档立卡-family graduates flexible within a
year of leaving school up to 2/3 for at most 2 years; small and micro firms hiring 建档立卡-family
fresh graduates on a contract of at least a year: "基本养老保险、基本医疗保险、失业保险、生育保险和工伤
保险单位及个人缴纳部分…补贴期限为企业吸纳高校毕业生就业当月起的12个月" — no share given, so all of it
(*assumed*). Hekou and the national notices (``002``, ``004``): firms hiring poor 就业困难人员,
"补贴期限不超过三年", no share given. Retirement ages are the policy's (R-EXIT-2 parameters).
"""

from __future__ import annotations

from datetime import date
from typing import Self

from pydantic import Field, model_validator

from postledger.domain.dates import add_months, month_index, month_of
from postledger.domain.resident_id import ResidentId, birthday_at_age
from postledger.domain.subsidies.base import (
    REGISTERED_POOR,
    Category,
    ClaimType,
    Computed,
    Context,
    Day,
    Facts,
    Flag,
    Month,
    Months,
    PositiveFen,
    Refuse,
    ResidentIdText,
    Table,
    eligible,
    months_zh,
    refused,
)
from postledger.domain.subsidies.limits import MonthsLimit

RULE = "R-SUB-SOCIAL"


class Share(Table):
    share_numerator: int = Field(ge=1)
    share_denominator: int = Field(ge=1)

    @model_validator(mode="after")
    def _at_most_all(self) -> Self:
        if self.share_numerator > self.share_denominator:
            raise ValueError("share_numerator must not exceed share_denominator")
        return self


class SmallFirmGraduate(Share):
    months: int = Field(ge=1, le=120)
    contract_months_min: Months


class SocialInsuranceTable(Share):
    max_months: int = Field(ge=1, le=600)
    graduate_max_months: int | None = Field(ge=1, le=600)
    small_firm_graduate: SmallFirmGraduate | None
    near_retirement_years: int | None = Field(ge=1, le=50)
    eligible_categories: list[Category] = Field(default=list(REGISTERED_POOR), min_length=1)


class PremiumMonth(Facts):
    month: Month
    premiums_paid_fen: PositiveFen


class SocialInsuranceFacts(Facts):
    months: list[PremiumMonth] = Field(min_length=1, max_length=600)
    graduate: Flag
    small_firm: Flag
    insured_resident_id: ResidentIdText | None = None
    insured_category: Category | None = None
    hired_on: Day | None = None
    contract_months: Months | None = None


def calculate(f: SocialInsuranceFacts, table: SocialInsuranceTable, ctx: Context) -> Computed:
    refuse = Refuse(RULE)
    if f.insured_resident_id is not None:
        insured = ResidentId(f.insured_resident_id)
        category = f.insured_category or (
            ctx.claimant.category if ctx.claimant.resident_id == insured.value else None)
        eligible(category, table.eligible_categories, RULE, "facts.insured_category")
    elif ctx.claimant.resident_id is not None:
        insured = ResidentId(ctx.claimant.resident_id)
        eligible(ctx.claimant.category, table.eligible_categories, RULE, "claimant.category")
    else:
        raise refused(RULE, "facts.insured_resident_id", "name the insured person when a firm "
                                                         "claims",
                      zh="单位申请时须写明参保人的身份证号")
    share: Share = table
    if f.small_firm and f.graduate:
        scheme, share = "small_firm_graduate", _small_firm_graduate(f, table, refuse)
        max_months = share.months
    elif f.graduate:
        refuse.unless(table.graduate_max_months is not None, "graduate",
                      "the county's table has no graduate scheme",
                      zh="本县补贴表没有高校毕业生方案")
        scheme, max_months = "graduate", int(table.graduate_max_months or 0)
    else:
        scheme, max_months = "ordinary", table.max_months
    lines: list[dict[str, object]] = []
    for i, m in enumerate(f.months):
        at = Refuse(RULE, f"facts.months[{i}].")
        at.unless(m.month not in [line["month"] for line in lines], "month",
                  f"{m.month} is listed twice", zh=f"{m.month} 重复列出")
        at.unless(month_index(m.month) <= month_index(month_of(ctx.on)), "month",
                  f"{m.month} is after the claim date {ctx.on}: only premiums actually paid count",
                  zh=f"{m.month} 晚于申请日期 {ctx.on}：只计已实际缴纳的保险费")
        lines.append({"month": m.month, "premiums_paid_fen": m.premiums_paid_fen,
                      "amount_fen": m.premiums_paid_fen * share.share_numerator
                      // share.share_denominator})
    if isinstance(share, SmallFirmGraduate):
        assert f.hired_on is not None
        first = month_of(f.hired_on)
        last = month_of(add_months(date.fromisoformat(first + "-01"), share.months - 1))
        for i, m in enumerate(f.months):
            Refuse(RULE, f"facts.months[{i}].").unless(
                month_index(first) <= month_index(m.month) <= month_index(last), "month",
                f"{m.month} is outside the {share.months} months from the hiring month "
                f"{first} ({first} to {last})",
                zh=f"{m.month} 不在自招用当月 {first} 起的 {share.months} 个月内（{first} 至 "
                   f"{last}）")
    ages = {"male": ctx.retirement.male, "female": ctx.retirement.female}
    retirement_on = birthday_at_age(insured.birth_date, ages[insured.gender])
    lines.sort(key=lambda line: month_index(str(line["month"])))
    return Computed(
        amount_fen=sum(int(str(line["amount_fen"])) for line in lines),
        facts={**f.model_dump(mode="json", exclude_none=True),
               "months": [{"month": x["month"], "premiums_paid_fen": x["premiums_paid_fen"]}
                          for x in lines],
               "insured_resident_id": insured.value},
        breakdown=lines,
        limits=[MonthsLimit(
            key=f"social_insurance/{insured.value}", what=f"social-insurance subsidy of "
            f"{insured.value}", fact="facts.months", months=[str(x["month"]) for x in lines],
            scheme=scheme, max_months=max_months,
            retirement_on=retirement_on.isoformat() if table.near_retirement_years else None,
            retirement_month=month_of(retirement_on),
            near_retirement_years=table.near_retirement_years or 0,
        )],
    )


def _small_firm_graduate(
    f: SocialInsuranceFacts, table: SocialInsuranceTable, refuse: Refuse
) -> SmallFirmGraduate:
    scheme = table.small_firm_graduate
    refuse.unless(scheme is not None, "small_firm",
                  "the county's table has no scheme for small firms hiring graduates",
                  zh="本县补贴表没有小微企业吸纳高校毕业生方案")
    assert scheme is not None
    refuse.unless(f.hired_on is not None, "hired_on",
                  "is required: the subsidy runs 12 months from the hiring month",
                  zh=f"须填写：补贴自招用当月起计 {scheme.months} 个月")
    refuse.unless((f.contract_months or 0) >= scheme.contract_months_min, "contract_months",
                  f"a contract of at least {scheme.contract_months_min} months, got "
                  f"{f.contract_months}",
                  zh=f"劳动合同须不少于 {scheme.contract_months_min} 个月，实为 "
                     f"{months_zh(f.contract_months)}")
    return scheme


CLAIM_TYPE = ClaimType(
    name="social_insurance", rule=RULE, title_zh="社会保险补贴", title_en="social-insurance subsidy",
    table=SocialInsuranceTable, facts=SocialInsuranceFacts, calculate=calculate,
)
