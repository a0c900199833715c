"""Limits that span subsidy claims (RULES.md §6), one ``ClaimLimit`` aggregate per key.

A key names what is limited: ``transport/<resident id>/<year>`` (once a year),
``workshop/<county>/<workshop id>`` (50 000 yuan in all), ``workshop-laborer/<resident id>``
(a named laborer once), ``social_insurance/<resident id>`` (36 months in all, never one month
twice, the scheme of the first approval), ``absorption-employer/<county>/<employer>/<year>``
(the year's head count that chooses the tier), ``training_days/<resident id>`` (a day of training
paid once), … Its id is ``uuid5`` of the key, and it is saved in
the same ``save()`` as the claim whose **approval** it records: two concurrent approvals that
both pass a limit write the same version of it, and the store commits only one (the other
gets ``ConcurrentChange``); an approval that comes after sees the first one recorded and is
refused with ``LimitReached`` naming the claim type's rule.

Only approvals are recorded (what the rules count is "what was already approved"), so a
rejected or withdrawn claim never holds a limit and nothing has to be released. A clawback does
not give the limit back: money recovered for a false claim does not entitle anyone to claim
again. Submission runs the same check against what was approved so far, so a claim that could
never be approved is refused at once (as invalid input naming the fact, src/domain/
subsidies/claim.py); at approval the same check is a ``LimitReached``.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import event
from pydantic import BaseModel, ConfigDict, Field, TypeAdapter

from postledger.domain.base import LedgerAggregate
from postledger.domain.dates import month_index, month_of
from postledger.domain.errors import LimitReached
from postledger.domain.keyed_hash import PersonKeys
from postledger.domain.subsidies.intake import IntakePricing, IntakeRefused, price_intake
from postledger.domain.subsidies.limits_zh import ADVICE_ZH, scheme_zh, what_zh


class _Limit(BaseModel):
    """What one claim falls under: a key, what it limits (for people) and the claim's fact
    that a submission over it is refused for."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    key: str
    what: str
    fact: str


class CountLimit(_Limit):
    """At most ``max`` approvals under the key (once a year, once a person…)."""

    kind: Literal["count"] = "count"
    max: int = 1


class CapLimit(_Limit):
    """R-SUB-WORKSHOP: at most ``cap_fen`` approved under the key in all."""

    kind: Literal["cap"] = "cap"
    cap_fen: int


class MonthsLimit(_Limit):
    """R-SUB-SOCIAL: months subsidised for one person, never twice, within a span."""

    kind: Literal["months"] = "months"
    months: list[str]
    scheme: str | None = None
    max_months: int
    retirement_on: str | None = None
    retirement_month: str | None = None
    near_retirement_years: int = 5


class HeadcountLimit(_Limit):
    """R-SUB-ABSORB: an employer's intake of a year; ``amounts`` is what this claim's workers
    earned by the intake at submission. ``pricing`` is None for claims priced by the former
    tier table (stored before it changed)."""

    kind: Literal["headcount"] = "headcount"
    workers: list[dict[str, Any]]
    pricing: IntakePricing | None = None
    amounts: dict[str, int] = Field(default_factory=dict)


class DatesLimit(_Limit):
    """R-SUB-TRAINDAY: a day of training is paid once."""

    kind: Literal["dates"] = "dates"
    dates: list[str]


Limit = Annotated[
    CountLimit | CapLimit | MonthsLimit | HeadcountLimit | DatesLimit, Field(discriminator="kind")
]
_LIMIT: TypeAdapter[Limit] = TypeAdapter(Limit)


def read_limit(stored: dict[str, Any]) -> Limit:
    """A limit as a claim's ``Submitted`` event stored it. Headcount limits of the former tier
    table (``tiers``, ``tier``) are read without pricing: they can no longer be approved."""
    if stored.get("kind") == "headcount" and "tiers" in stored:
        return HeadcountLimit(key=stored["key"], what=stored["what"], fact=stored["fact"],
                              workers=list(stored["workers"]))
    return _LIMIT.validate_python(stored)


def claim_limit_id(key: str, secret: bytes | None = None) -> UUID:
    """Keys name resident ids: with a secret (production) the id is a keyed hash of the key."""
    return uuid5(NAMESPACE_URL, f"postledger:claim-limit:{PersonKeys(secret).subject(key)}")


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return date(day.year - years, 2, 28)


class ClaimLimit(LedgerAggregate):
    """What has been approved under one limit key, claim by claim."""

    TOPIC = "postledger:claim_limit"

    @staticmethod
    def create_id(key: str) -> UUID:
        return claim_limit_id(key)

    @event("Created", topic="postledger:claim_limit:created")
    def __init__(self, key: str) -> None:
        self.key = key
        self.entries: list[dict[str, Any]] = []
        # R-SUB-SOCIAL: the first approval decides whether the person is subsidised up to
        # retirement (fewer than `near_retirement_years` from it then) or for `max_months`.
        self.first_approved_on: date | None = None
        self.until_retirement = False
        # R-SUB-SOCIAL: the scheme (ordinary 36 months, graduate 24, small firm hiring a
        # graduate 12) of the first approval governs the person's later claims.
        self.scheme: str | None = None
        self.scheme_max_months: int | None = None

    # ------------------------------------------------------------------ what is held
    @property
    def claim_ids(self) -> list[str]:
        return [str(e["claim_id"]) for e in self.entries]

    @property
    def total_fen(self) -> int:
        return sum(int(e["amount_fen"]) for e in self.entries)

    @property
    def months(self) -> set[str]:
        return {m for e in self.entries for m in e.get("months", [])}

    @property
    def dates(self) -> set[str]:
        """R-SUB-TRAINDAY: the days of training already paid for."""
        return {d for e in self.entries for d in e.get("dates", [])}

    @property
    def workers(self) -> list[dict[str, Any]]:
        """R-SUB-ABSORB: the workers approved under an employer-year head count."""
        return [dict(w) for e in self.entries for w in e.get("workers", [])]

    def remaining_fen(self, cap_fen: int) -> int:
        return max(0, cap_fen - self.total_fen)

    # ------------------------------------------------------------------ the checks
    def check(self, *, limit: Limit, claim_id: UUID, amount_fen: int, on: date, rule: str) -> None:
        """Refuse (LimitReached, ``rule``) when approving this claim would pass the limit.

        ``on`` is the day of the approval (at submission: the claim's date, as a forecast).
        Each refusal names the limit by its stored ``what``, and in Chinese by its key.
        """
        if str(claim_id) in self.claim_ids:
            return
        what = what_zh(limit.key, limit.fact)
        if isinstance(limit, CountLimit):
            if len(self.entries) >= limit.max:
                raise LimitReached(
                    f"{limit.what}: {len(self.entries)} of {limit.max} already approved "
                    f"(claim {', '.join(self.claim_ids)})",
                    rule=rule,
                    zh=f"{what}：至多批准 {limit.max} 次，已批准 {len(self.entries)} 次"
                       f"（申请 {'、'.join(self.claim_ids)}）",
                )
        elif isinstance(limit, CapLimit):
            if self.total_fen + amount_fen > limit.cap_fen:
                raise LimitReached(
                    f"{limit.what}: {self.total_fen} fen of the {limit.cap_fen} fen cap already "
                    f"approved; {amount_fen} fen more would pass it "
                    f"(remaining {self.remaining_fen(limit.cap_fen)} fen)",
                    rule=rule,
                    zh=f"{what}：封顶 {limit.cap_fen} 分，已批准 {self.total_fen} 分；再批准 "
                       f"{amount_fen} 分将超过封顶（尚余 {self.remaining_fen(limit.cap_fen)} 分）",
                )
        elif isinstance(limit, MonthsLimit):
            self._check_months(limit, on=on, rule=rule, what=what)
        elif isinstance(limit, HeadcountLimit):
            self._check_headcount(limit, rule=rule, what=what)
        else:
            twice = sorted(set(limit.dates) & self.dates)
            if twice:
                raise LimitReached(
                    f"{limit.what}: already paid for {twice[0]}"
                    f"{f' to {twice[-1]}' if len(twice) > 1 else ''} ({len(twice)} days); a day "
                    "of training is paid once",
                    rule=rule,
                    zh=f"{what}：{twice[0]}{f' 至 {twice[-1]}' if len(twice) > 1 else ''} 已发放"
                       f"（{len(twice)} 天）；每个培训日只补贴一次",
                )

    def _check_headcount(self, limit: HeadcountLimit, *, rule: str, what: str) -> None:
        """R-SUB-ABSORB: the claim was priced by its employer's intake of the year at
        submission; approvals since may have changed what its workers earn (or made the
        intake too large), and then this claim cannot be approved as computed."""
        year = self.workers + list(limit.workers)
        advice = ("Reject it and submit it again to compute it by the year's workers as they "
                  "are now")
        if limit.pricing is None:
            raise LimitReached(
                f"{limit.what}: the claim was priced by the former tier table; {advice}",
                rule=rule, zh=f"{what}：本申请按原先的档次表计算；{ADVICE_ZH}",
            )
        try:
            prices = price_intake(year, limit.pricing)
        except IntakeRefused as exc:
            raise LimitReached(
                f"{limit.what}: {len(self.workers)} already approved and {len(limit.workers)} "
                f"in this claim make {len(year)}: {exc}; {advice}", rule=rule,
                zh=f"{what}：已批准 {len(self.workers)} 人，本申请 {len(limit.workers)} 人，合计 "
                   f"{len(year)} 人：{exc.zh}；{ADVICE_ZH}") from None
        now = {rid: prices[rid] for rid in limit.amounts}
        if now != limit.amounts:
            raise LimitReached(
                f"{limit.what}: {len(self.workers)} already approved and {len(limit.workers)} "
                f"in this claim make {len(year)}, which changes what this claim's workers "
                f"earn ({now} instead of {limit.amounts}); {advice}",
                rule=rule,
                zh=f"{what}：已批准 {len(self.workers)} 人，本申请 {len(limit.workers)} 人，合计 "
                   f"{len(year)} 人，本申请劳动力的补贴（分）因此变为 {now}，而非 {limit.amounts}；"
                   f"{ADVICE_ZH}",
            )

    def _check_months(self, limit: MonthsLimit, *, on: date, rule: str, what: str) -> None:
        if self.scheme is not None and limit.scheme not in (None, self.scheme):
            raise LimitReached(
                f"{limit.what}: first approved on {self.first_approved_on} under the "
                f"{self.scheme} scheme ({self.scheme_max_months} months); every later claim "
                f"for the person follows it, this one is claimed as {limit.scheme}",
                rule=rule,
                fact="facts.graduate",
                zh=f"{what}：于 {self.first_approved_on} 首次按“{scheme_zh(self.scheme)}”方案"
                   f"（{self.scheme_max_months} 个月）批准，此人以后的申请均按此方案；本申请按"
                   f"“{scheme_zh(limit.scheme)}”方案申请",
            )
        new = set(limit.months)
        twice = sorted(new & self.months)
        if twice:
            raise LimitReached(
                f"{limit.what}: already subsidised for {', '.join(twice)}; the same person "
                "is not subsidised twice for one month",
                rule=rule,
                zh=f"{what}：{'、'.join(twice)} 已补贴；同一人同一月份不重复补贴",
            )
        every = sorted(self.months | new, key=month_index)
        cap = self.scheme_max_months or limit.max_months
        if self.until_retirement_from(limit, on):
            last_allowed = str(limit.retirement_month)
            late = [m for m in every if month_index(m) > month_index(last_allowed)]
            if late:
                raise LimitReached(
                    f"{limit.what}: subsidised up to retirement ({last_allowed}); "
                    f"{', '.join(late)} come after it",
                    rule=rule,
                    zh=f"{what}：补贴至退休（{last_allowed}）；{'、'.join(late)} 在其之后",
                )
            # Up to retirement, not from any time before: months reach back no further than
            # the ordinary span before the first approval.
            first = month_index(month_of(self.first_approved_on or on))
            early = [m for m in every if month_index(m) <= first - cap]
            if early:
                raise LimitReached(
                    f"{limit.what}: {', '.join(early[:3])}{'…' if len(early) > 3 else ''} "
                    f"lie more than {cap} months before the first approval",
                    rule=rule,
                    zh=f"{what}：{'、'.join(early[:3])}{'…' if len(early) > 3 else ''} 早于首次"
                       f"批准 {cap} 个月以上",
                )
            return
        span = month_index(every[-1]) - month_index(every[0]) + 1
        if span > cap:
            raise LimitReached(
                f"{limit.what}: the months subsidised would run from {every[0]} to "
                f"{every[-1]}, {span} months; at most {cap} in all",
                rule=rule,
                zh=f"{what}：补贴月份将从 {every[0]} 至 {every[-1]}，共 {span} 个月；合计至多 "
                   f"{cap} 个月",
            )

    def until_retirement_from(self, limit: MonthsLimit, on: date) -> bool:
        """R-SUB-SOCIAL: decided at the first approval, kept for every later claim."""
        if self.first_approved_on is not None:
            return self.until_retirement
        if not limit.retirement_on:
            return False
        retires = date.fromisoformat(limit.retirement_on)
        return _years_before(retires, limit.near_retirement_years) < on

    # ------------------------------------------------------------------ recording
    def record(
        self, *, date: date, claim_id: UUID, amount_fen: int, limit: Limit, rule: str
    ) -> None:
        """Check, then record an approval under this limit (idempotent per claim)."""
        if str(claim_id) in self.claim_ids:
            return
        self.check(limit=limit, claim_id=claim_id, amount_fen=amount_fen, on=date, rule=rule)
        months = limit.months if isinstance(limit, MonthsLimit) else []
        self._approval_recorded(
            date=date,
            claim_id=str(claim_id),
            amount_fen=amount_fen,
            months=sorted(months, key=month_index),
            until_retirement=(isinstance(limit, MonthsLimit)
                              and self.until_retirement_from(limit, date)),
            workers=[dict(w) for w in limit.workers] if isinstance(limit, HeadcountLimit) else [],
            dates=list(limit.dates) if isinstance(limit, DatesLimit) else [],
            scheme=limit.scheme if isinstance(limit, MonthsLimit) else None,
            scheme_max_months=(limit.max_months
                               if isinstance(limit, MonthsLimit) and limit.scheme else None),
        )

    # The last four fields came after the first events of this topic were stored; their
    # defaults are what those events meant (no workers, no scheme fixed).
    @event("ApprovalRecorded", topic="postledger:claim_limit:approval_recorded")
    def _approval_recorded(
        self, date: date, claim_id: str, amount_fen: int, months: list[str],
        until_retirement: bool, workers: list[dict[str, Any]] | None = None,
        scheme: str | None = None, scheme_max_months: int | None = None,
        dates: list[str] | None = None,
    ) -> None:
        if self.first_approved_on is None:
            self.first_approved_on = date
            self.until_retirement = until_retirement
            self.scheme = scheme
            self.scheme_max_months = scheme_max_months
        self.entries.append(
            {"claim_id": claim_id, "date": date, "amount_fen": amount_fen, "months": months,
             "workers": workers or [], "dates": dates or []}
        )
