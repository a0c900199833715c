"""A one-off subsidy claim (RULES.md §6): submitted as computed, reviewed, paid, clawed back.

The calculation lives with each claim type (``registry.py``); the aggregate records. Its commands
check the step against the claim flow (src/domain/claim_flow.py) and the rules, then call a
private ``@event`` method that only records: each event sets the state it records, so replay
never asks today's flow table what a past event meant.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Sequence
from datetime import date
from typing import Any
from uuid import UUID, uuid4

from eventsourcing.domain import event

from postledger.domain.actor import Actor
from postledger.domain.base import LedgerAggregate
from postledger.domain.claim_flow import ClaimState, allowed_steps, next_state
from postledger.domain.errors import Forbidden, InvalidInput, LimitReached, StepNotAllowed
from postledger.domain.labels import label_of
from postledger.domain.post import jurisdiction_path, place_name_problem
from postledger.domain.subsidies.base import (
    FIRST_YEAR,
    LAST_YEAR,
    PLACE_ZH,
    Retirement,
    refused,
)
from postledger.domain.subsidies.limits import CapLimit, ClaimLimit, Limit, read_limit
from postledger.domain.subsidies.registry import CLAIM_TYPES, SubsidyTables, calculate, find_claim_type


class SubsidyClaim(LedgerAggregate):
    TOPIC = "postledger:subsidy_claim"

    class Created(LedgerAggregate.Created):
        """Never triggered (a claim begins with ``Submitted``); explicit topics require it."""

        TOPIC = "postledger:subsidy_claim:created"

    class Submitted(Created):
        """Records the claim as computed; the submitter is the event's actor."""

        TOPIC = "postledger:subsidy_claim:submitted"
        claim_type: str
        county: str
        date: datetime.date
        claimant: dict[str, Any]
        facts: dict[str, Any]
        table: dict[str, Any]
        amount_fen: int
        breakdown: list[dict[str, Any]]
        limits: list[dict[str, Any]]

        def mutate(self, aggregate: Any) -> Any:
            result = super().mutate(aggregate)
            if result is not None:
                result.submitted_by = dict(vars(self)["actor"])
            return result

    @staticmethod
    def create_id() -> UUID:
        return uuid4()

    # ------------------------------------------------------------------ submission
    @classmethod
    def submit(
        cls,
        *,
        claim_type: str,
        county: str,
        date: date,
        claimant: dict[str, Any],
        facts: Any,
        tables: SubsidyTables,
        retirement: Retirement,
        limit_for: Callable[[str], ClaimLimit],
    ) -> SubsidyClaim:
        """Compute the claim by the county's ``tables`` (in force on ``date``) and check it
        against what was already approved under its limits (``limit_for(key)``)."""
        problem = place_name_problem(county) if isinstance(county, str) else "must be a name"
        if problem:
            raise refused(None, "county", problem, zh=PLACE_ZH)
        if not FIRST_YEAR <= date.year <= LAST_YEAR:
            raise refused(None, "date", f"must be a date in {FIRST_YEAR}–{LAST_YEAR}, got {date}",
                          zh=f"日期须在 {FIRST_YEAR}–{LAST_YEAR} 年之间，实为 {date}")
        kind = find_claim_type(claim_type)
        who, table, computed = calculate(
            kind, on=date, county=county, claimant=claimant, facts=facts, tables=tables,
            context={"retirement": retirement,
                     "approved_workers": lambda key: limit_for(key).workers},
        )
        amount = computed.amount_fen
        not_yet_saved = uuid4()
        for limit in computed.limits:
            held = limit_for(limit.key)
            if isinstance(limit, CapLimit):  # R-SUB-WORKSHOP: clipped to what the cap leaves
                remaining = held.remaining_fen(limit.cap_fen)
                if 0 < remaining < amount:
                    computed.breakdown.append(
                        {"item": f"clipped to the {remaining} fen left of the "
                                 f"{limit.cap_fen} fen cap",
                         "amount_fen": remaining - amount}
                    )
                    amount = remaining
            # Over a limit already at submission: the claim as stated cannot be granted, a 422
            # naming the fact (at approval the same limit is a 409, LimitReached).
            try:
                held.check(limit=limit, claim_id=not_yet_saved, amount_fen=amount, on=date,
                           rule=kind.rule)
            except LimitReached as exc:
                raise refused(kind.rule, exc.fact or limit.fact, exc.detail,
                              zh=exc.detail_zh) from None
        return cls(
            claim_type=kind.name,
            county=county,
            date=date,
            claimant=who.as_dict(),
            facts=computed.facts,
            table=table.model_dump(mode="json"),
            amount_fen=amount,
            breakdown=computed.breakdown,
            limits=[limit.model_dump(mode="json") for limit in computed.limits],
        )

    @event(Submitted)
    def __init__(
        self,
        claim_type: str,
        county: str,
        date: date,
        claimant: dict[str, Any],
        facts: dict[str, Any],
        table: dict[str, Any],
        amount_fen: int,
        breakdown: list[dict[str, Any]],
        limits: list[dict[str, Any]],
    ) -> None:
        self.claim_type = claim_type
        self.county = county
        self.claimant = claimant
        self.facts = facts
        self.table = table
        self.amount_fen = amount_fen
        self.breakdown = breakdown
        self.limits = limits
        self.submitted_on = date
        self.submitted_by: dict[str, str] = {}  # set from the event's actor (Submitted.mutate)
        self.last_date = date
        self.state = ClaimState.SUBMITTED
        self.review: dict[str, Any] | None = None
        self.payment: dict[str, Any] | None = None
        self.clawbacks: list[dict[str, Any]] = []
        self.withdrawn_on: datetime.date | None = None

    # ------------------------------------------------------------------ facts
    @property
    def rule(self) -> str:
        return CLAIM_TYPES[self.claim_type].rule

    @property
    def typed_limits(self) -> list[Limit]:
        return [read_limit(limit) for limit in self.limits]

    @property
    def township(self) -> str | None:
        value = self.claimant.get("township")
        return str(value) if value else None

    @property
    def path(self) -> str:
        """Whose jurisdiction the claim lies in: the county, or the claimant's township."""
        return jurisdiction_path(self.county, self.township)

    @property
    def paid_fen(self) -> int:
        return int(self.payment["amount_fen"]) if self.payment else 0

    @property
    def clawed_back_fen(self) -> int:
        return sum(int(c["amount_fen"]) for c in self.clawbacks)

    @property
    def allowed_steps(self) -> list[str]:
        return allowed_steps(self.state)

    # ------------------------------------------------------------------ guards
    def _require(self, trigger: str, day: date) -> None:
        """R-FLOW-1: the step must be allowed now and not dated before the previous one."""
        if next_state(self.state, trigger) is None:
            raise StepNotAllowed(
                f"step {trigger!r} is not allowed while the claim is {self.state.value}",
                rule="R-FLOW-1",
                state=self.state.value,
                zh=f"补贴申请当前为“{label_of('state', self.state.value)}”，不能进行"
                   f"“{label_of('claim_step', trigger) or trigger}”",
            )
        if day < self.last_date:
            raise InvalidInput(
                f"date {day} is before the previous step of this claim ({self.last_date}); "
                "steps are recorded in order",
                rule="R-FLOW-1",
                zh=f"日期 {day} 早于本申请上一步骤的日期（{self.last_date}）；各步骤须按顺序记录",
            )

    # ------------------------------------------------------------------ review
    def review_by(
        self,
        *,
        date: date,
        approve: bool,
        reason: str | None,
        reviewer: Actor,
        limits: Sequence[ClaimLimit] = (),
    ) -> None:
        """Approve or reject. Approval records the claim under each of its limits (the
        ``ClaimLimit`` aggregates, to be saved with the claim), refusing when one is reached."""
        self._require("approve" if approve else "reject", date)
        # A claim's reviewer is never its submitter: the same person under another role or
        # jurisdiction is still the same person.
        if reviewer.name == self.submitted_by.get("name"):
            raise Forbidden(
                f"{reviewer.name} ({reviewer.role}, {reviewer.jurisdiction}) submitted this "
                "claim and may not review it",
                rule=self.rule,
                zh=f"{reviewer.name} 提交了本申请，不得审核（同一人以其他角色或辖区审核亦不可）",
            )
        if not approve and not (reason and reason.strip()):
            raise InvalidInput("a rejection states its reason", rule=self.rule,
                               zh="不予通过须写明理由")
        if approve:
            by_key = {held.key: held for held in limits}
            typed = self.typed_limits
            missing = [lim.key for lim in typed if lim.key not in by_key]
            assert not missing, f"limits not given: {missing}"
            for limit in typed:  # check them all before recording any
                by_key[limit.key].check(
                    limit=limit, claim_id=self.id, amount_fen=self.amount_fen, on=date,
                    rule=self.rule,
                )
            for limit in typed:
                by_key[limit.key].record(
                    date=date, claim_id=self.id, amount_fen=self.amount_fen, limit=limit,
                    rule=self.rule,
                )
        self._reviewed(date=date, approve=approve, reason=reason)

    @event("Reviewed", topic="postledger:subsidy_claim:reviewed")
    def _reviewed(self, date: date, approve: bool, reason: str | None) -> None:
        self.review = {"date": date, "approve": approve, "reason": reason}
        self.state = ClaimState.APPROVED if approve else ClaimState.REJECTED
        self.last_date = date

    def withdraw(self, *, date: date) -> None:
        self._require("withdraw", date)
        self._withdrawn(date=date)

    @event("Withdrawn", topic="postledger:subsidy_claim:withdrawn")
    def _withdrawn(self, date: date) -> None:
        self.withdrawn_on = date
        self.state = ClaimState.WITHDRAWN
        self.last_date = date

    # ------------------------------------------------------------------ payment, clawback
    def pay(self, *, date: date) -> None:
        """Pay the approved amount, once, and only after approval."""
        self._require("pay", date)
        self._paid(date=date, amount_fen=self.amount_fen)

    @event("Paid", topic="postledger:subsidy_claim:paid")
    def _paid(self, date: date, amount_fen: int) -> None:
        self.payment = {"date": date, "amount_fen": amount_fen}
        self.state = ClaimState.PAID
        self.last_date = date

    def claw_back(self, *, date: date, amount_fen: int, reason: str) -> None:
        """Recover money paid on false grounds; never more than was paid, less what has been
        recovered already."""
        outstanding = self.paid_fen - self.clawed_back_fen
        trigger = "claw_back_rest" if amount_fen == outstanding else "claw_back_part"
        self._require(trigger, date)
        if not reason or not reason.strip():
            raise refused(self.rule, "reason", "a clawback states its reason",
                          zh="追回须写明理由")
        if isinstance(amount_fen, bool) or amount_fen < 1:
            raise refused(self.rule, "amount_fen", "must be at least 1 fen", zh="至少为 1 分")
        if amount_fen > outstanding:
            raise refused(
                self.rule, "amount_fen",
                f"{amount_fen} fen is more than remains to recover: paid {self.paid_fen}, "
                f"recovered {self.clawed_back_fen}, outstanding {outstanding}",
                zh=f"{amount_fen} 分超过尚待追回的金额：已发放 {self.paid_fen} 分，已追回 "
                   f"{self.clawed_back_fen} 分，尚待追回 {outstanding} 分",
            )
        self._clawed_back(date=date, amount_fen=amount_fen, reason=reason.strip())

    @event("ClawedBack", topic="postledger:subsidy_claim:clawed_back")
    def _clawed_back(self, date: date, amount_fen: int, reason: str) -> None:
        outstanding = self.paid_fen - self.clawed_back_fen
        self.clawbacks.append({"date": date, "amount_fen": amount_fen, "reason": reason})
        self.state = (ClaimState.CLAWED_BACK if amount_fen == outstanding
                      else ClaimState.PARTLY_CLAWED_BACK)
        self.last_date = date
