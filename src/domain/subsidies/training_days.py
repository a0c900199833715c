"""R-SUB-TRAINDAY 食宿交通补贴 (Changli, ``001``): min(daily cost, 100 yuan) per day, for training
"离开户籍地到乡镇以外", passed. Changli names 边缘户 beside 贫困劳动力, so edge households qualify.

Each course is paid once; a claim naming no course counts as the person's one unnamed training
of that year. With the first day named (``trained_from``) no day is paid twice, whatever the
course is called; a county may require it (``period_required``).
"""

from __future__ import annotations

from datetime import timedelta

from pydantic import Field

from postledger.domain.subsidies.base import (
    Category,
    ClaimType,
    Computed,
    Context,
    Day,
    Facts,
    Fen,
    Flag,
    Refuse,
    Table,
    Text,
    eligible,
    normalised_name,
    person,
)
from postledger.domain.subsidies.limits import CountLimit, DatesLimit, Limit

RULE = "R-SUB-TRAINDAY"


class TrainingDaysTable(Table):
    daily_cap_fen: Fen
    period_required: bool = False
    eligible_categories: list[Category] = Field(
        default=["lifted", "not_lifted", "edge"], min_length=1)


class TrainingDaysFacts(Facts):
    days: int = Field(ge=1, le=366, strict=True)
    daily_cost_fen: Fen
    outside_home_township: Flag
    passed: Flag
    course: Text | None = None
    trained_from: Day | None = None


def calculate(f: TrainingDaysFacts, table: TrainingDaysTable, ctx: Context) -> Computed:
    rid = person(ctx.claimant, RULE)
    eligible(ctx.claimant.category, table.eligible_categories, RULE, "claimant.category")
    refuse = Refuse(RULE)
    course = normalised_name(f.course) if f.course else f"unnamed-{ctx.on.year}"
    refuse.unless(f.outside_home_township, "outside_home_township",
                  "board and travel are paid for training outside the home township only",
                  zh="只补贴离开户籍地到乡镇以外参加的培训")
    refuse.unless(f.passed, "passed", "paid once the training is passed",
                  zh="培训合格后才予补贴")
    limits: list[Limit] = [CountLimit(
        key=f"training_days/{rid}/{course}", fact="facts.course",
        what=f"training board and travel of {rid} for course {course}")]
    understood = {**f.model_dump(mode="json", exclude_none=True), "course": course}
    if f.trained_from is not None:
        first = f.trained_from
        last = first + timedelta(days=f.days - 1)
        refuse.unless(last <= ctx.on, "trained_from",
                      f"{f.days} days from {first} end on {last}, after the claim date {ctx.on}",
                      zh=f"自 {first} 起 {f.days} 天至 {last} 结束，晚于申请日期 {ctx.on}")
        limits.append(DatesLimit(
            key=f"training_days/{rid}", fact="facts.trained_from",
            what=f"training board and travel of {rid}",
            dates=[(first + timedelta(days=i)).isoformat() for i in range(f.days)]))
    else:
        refuse.unless(not table.period_required, "trained_from",
                      "the county pays board and travel for a stated period: give trained_from, "
                      "the first day of training",
                      zh="本县按写明的培训期间补贴食宿交通：须填写 trained_from（培训第一天）")
    per_day = min(f.daily_cost_fen, table.daily_cap_fen)
    return Computed(
        amount_fen=per_day * f.days,
        facts=understood,
        breakdown=[{"item": f"{f.days} days × {per_day}", "amount_fen": per_day * f.days}],
        limits=limits,
    )


CLAIM_TYPE = ClaimType(
    name="training_days", rule=RULE, title_zh="培训食宿交通补贴",
    title_en="training board and travel subsidy",
    table=TrainingDaysTable, facts=TrainingDaysFacts, calculate=calculate,
)
