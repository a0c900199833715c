"""One person placed in one post, from application to exit (RULES.md §4).

Each public method is a command: it checks the step against the placement flow
(src/domain/placement_flow.py) and the rules (src/domain/placement_rules.py), computes dates
and amounts, then calls a private ``@event`` method that only records. Event bodies never
validate (they re-run on every replay), and each sets the state it records: replay never asks
today's flow table what a past event meant.
"""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID, uuid4

from eventsourcing.domain import event

from postledger.domain.base import LedgerAggregate
from postledger.domain.placement_checks import (
    check_automatic_end,
    check_clawback,
    check_month_unrecorded,
    check_objection,
    check_open_objection,
    check_selection_method,
    check_training_hours,
    check_unpaid_with_attendance,
    check_year_unreviewed,
    publicity_end,
    require_reason,
)
from postledger.domain.placement_facts import PlacementFacts
from postledger.domain.placement_flow import PlacementState, require_step, resolution_trigger
from postledger.domain.placement_rules import (
    agreement_end_within_term,
    check_age,
    check_approval,
    check_attendance,
    check_exit,
    check_extension,
    check_review,
    payable,
    refuse_months_after_end,
    validated_applicant,
)
from postledger.domain.policy_terms import PlacementTerms
from postledger.domain.post import Post
from postledger.domain.values import parse_month

S = PlacementState


class Placement(PlacementFacts, LedgerAggregate):
    TOPIC = "postledger:placement"

    class Created(LedgerAggregate.Created):
        """Never triggered (a placement begins with ``Applied``); explicit topics require it."""
        TOPIC = "postledger:placement:created"

    @staticmethod
    def create_id() -> UUID:
        return uuid4()

    # ------------------------------------------------------------------ application
    @classmethod
    def apply_for(
        cls, *, post: Post, date: date, applicant: dict[str, Any], terms: PlacementTerms
    ) -> Placement:
        person = validated_applicant(applicant, on=date, terms=terms)
        return cls(
            post_id=post.id,
            county=post.county,
            township=post.township,
            village=post.village,
            date=date,
            applicant=person,
        )

    @event("Applied", topic="postledger:placement:applied")
    def __init__(
        self,
        post_id: UUID,
        county: str,
        township: str,
        village: str | None,
        date: date,
        applicant: dict[str, Any],
    ) -> None:
        self.post_id = post_id
        self.county = county
        self.township = township
        self.village = village
        self.applicant = applicant
        self.applied_on = date
        self.last_date = date
        self.state = S.APPLIED
        self.start_empty_record()

    # ------------------------------------------------------------------ guards
    def _require(self, trigger: str, day: date) -> PlacementState:
        return require_step(self.state, trigger, day, self.last_date)

    # ------------------------------------------------------------------ reviews
    def village_review(self, *, date: date, approve: bool, reason: str | None) -> None:
        self._review("village", date=date, approve=approve, reason=reason)

    def township_review(self, *, date: date, approve: bool, reason: str | None) -> None:
        self._review("township", date=date, approve=approve, reason=reason)

    def _review(self, level: str, *, date: date, approve: bool, reason: str | None) -> None:
        trigger = f"{level}_{'approve' if approve else 'reject'}"
        self._require(trigger, date)
        if not approve:
            require_reason(reason, "a rejection", "不通过", "R-FLOW-2")
        if level == "village":
            self._village_reviewed(date=date, approve=approve, reason=reason)
        else:
            self._township_reviewed(date=date, approve=approve, reason=reason)

    @event("VillageReviewed", topic="postledger:placement:village_reviewed")
    def _village_reviewed(self, date: date, approve: bool, reason: str | None) -> None:
        self._record_review("village", date, approve, reason)

    @event("TownshipReviewed", topic="postledger:placement:township_reviewed")
    def _township_reviewed(self, date: date, approve: bool, reason: str | None) -> None:
        self._record_review("township", date, approve, reason)

    def _record_review(self, level: str, day: date, approve: bool, reason: str | None) -> None:
        self.reviews[level] = {"date": day, "approve": approve, "reason": reason}
        passed = S.VILLAGE_APPROVED if level == "village" else S.TOWNSHIP_APPROVED
        self.state = passed if approve else S.REJECTED
        self.last_date = day

    # ------------------------------------------------------------------ selection
    def select(self, *, date: date, method: str, passed: bool, score: int | None) -> None:
        """R-FLOW-4: the selection (考试环节) between township review and publicity."""
        self._require("select_pass" if passed else "select_fail", date)
        check_selection_method(method)
        self._selected(date=date, method=method, passed=passed, score=score)

    @event("Selected", topic="postledger:placement:selected")
    def _selected(self, date: date, method: str, passed: bool, score: int | None) -> None:
        self.selection = {"date": date, "method": method, "passed": passed, "score": score}
        self.state = S.SELECTED if passed else S.REJECTED
        self.last_date = date

    # ------------------------------------------------------------------ publicity
    def start_publicity(self, *, date: date, ends_on: date | None, terms: PlacementTerms) -> None:
        self._require("start_publicity", date)
        ends = publicity_end(on=date, ends_on=ends_on, terms=terms, state=self.state)
        self._publicity_started(date=date, ends_on=ends)

    @event("PublicityStarted", topic="postledger:placement:publicity_started")
    def _publicity_started(self, date: date, ends_on: date) -> None:
        self.publicity = {"date": date, "ends_on": ends_on}
        self.state = S.IN_PUBLICITY
        self.last_date = date

    def raise_objection(self, *, date: date, raised_by: str, text: str) -> str:
        self._require("raise_objection", date)
        assert self.publicity is not None
        check_objection(on=date, publicity_ends_on=self.publicity["ends_on"],
                        raised_by=raised_by, text=text)
        objection_id = str(uuid4())
        self._objection_raised(date=date, objection_id=objection_id, raised_by=raised_by, text=text)
        return objection_id

    @event("ObjectionRaised", topic="postledger:placement:objection_raised")
    def _objection_raised(self, date: date, objection_id: str, raised_by: str, text: str) -> None:
        self.objections[objection_id] = {"date": date, "raised_by": raised_by, "text": text,
                                         "resolution": None}
        self.state = S.OBJECTION_PENDING
        self.last_date = date

    def resolve_objection(
        self, *, date: date, objection_id: str, upheld: bool, reason: str
    ) -> None:
        check_open_objection(self.objections, objection_id, state=self.state.value)
        self._require(self._resolution_trigger(objection_id, upheld), date)
        require_reason(reason, "a resolution", "异议处理", "R-PUB-2")
        self._objection_resolved(date=date, objection_id=objection_id, upheld=upheld, reason=reason)

    def _resolution_trigger(self, objection_id: str, upheld: bool) -> str:
        others_open = any(oid != objection_id for oid in self.open_objections)
        return resolution_trigger(upheld, others_open)

    @event("ObjectionResolved", topic="postledger:placement:objection_resolved")
    def _objection_resolved(self, date: date, objection_id: str, upheld: bool, reason: str) -> None:
        self.objections[objection_id]["resolution"] = {"date": date, "upheld": upheld,
                                                       "reason": reason}
        # R-PUB-2: upheld rejects; the last one dismissed resumes the publicity.
        if upheld:
            self.state = S.REJECTED
        elif not self.open_objections:
            self.state = S.IN_PUBLICITY
        self.last_date = date

    # ------------------------------------------------------------------ approval
    def approve(self, *, date: date, post: Post, terms: PlacementTerms) -> None:
        self._require("approve", date)
        assert self.publicity is not None
        check_approval(on=date, publicity_ends_on=self.publicity["ends_on"], post=post,
                       notice_days=terms.notice_days, state=self.state.value)
        self._approved(date=date)

    @event("Approved", topic="postledger:placement:approved")
    def _approved(self, date: date) -> None:
        self.approved_on = date
        self.state = S.APPROVED
        self.last_date = date

    # ------------------------------------------------------------------ training, onboarding
    def train(self, *, date: date, hours: int | None, topic: str | None) -> None:
        self._require("train", date)
        check_training_hours(hours)
        self._trained(date=date, hours=hours, topic=topic)

    @event("Trained", topic="postledger:placement:trained")
    def _trained(self, date: date, hours: int | None, topic: str | None) -> None:
        self.training = {"date": date, "hours": hours, "topic": topic}
        self.state = S.TRAINED
        self.last_date = date

    def onboard(self, *, date: date, agreement_end: date | None, terms: PlacementTerms) -> None:
        self._require("onboard", date)
        end = agreement_end_within_term(date, agreement_end, terms.term_years)
        check_age(self.resident_id, date, terms, "onboarding")
        self._onboarded(date=date, agreement_end=end)

    @event("Onboarded", topic="postledger:placement:onboarded")
    def _onboarded(self, date: date, agreement_end: date) -> None:
        self.onboarded_on = date
        self.agreement_end = agreement_end
        self.state = S.ACTIVE
        self.last_date = date

    # ------------------------------------------------------------------ attendance and pay
    def record_attendance(self, *, date: date, month: str, days_worked: int,
                          signatures: dict[str, str], ends: tuple[date, str] | None = None,
                          source: dict[str, Any] | None = None) -> None:
        """``source``: the ledger file, sheet and row the month was read from (API.md v1.1:
        history marks what was imported); None when entered here."""
        self._require("record_attendance", date)
        assert self.onboarded_on is not None
        refuse_months_after_end(month, parse_month(month), ends)
        signed = check_attendance(month=month, on=date, days_worked=days_worked,
                                  signatures=signatures, onboarded_on=self.onboarded_on)
        check_month_unrecorded(month, self.attendance, state=self.state.value)
        self._attendance_recorded(date=date, month=month, days_worked=days_worked,
                                  signatures=signed, source=source)

    @event("AttendanceRecorded", topic="postledger:placement:attendance_recorded")
    def _attendance_recorded(
        self, date: date, month: str, days_worked: int, signatures: dict[str, str],
        source: dict[str, Any] | None = None,
    ) -> None:
        self.attendance[month] = {"date": date, "days_worked": days_worked,
                                  "signatures": signatures}
        self.last_date = date

    def pay(self, *, date: date, month: str, amount_fen: int | None, standard_fen: int,
            terms: PlacementTerms, ends: tuple[date, str] | None = None,
            source: dict[str, Any] | None = None) -> int:
        """R-PAY-1/2, R-REV-1: pay a month's subsidy against its signed attendance; returns
        the amount.

        ``ends`` is when the agreement ends by itself (``automatic_end``): no month after it
        is paid, even before the scheduler has recorded the exit (R-EXIT-1, R-FRAUD-2)."""
        self._require("pay", date)
        first = parse_month(month)
        refuse_months_after_end(month, first, ends)
        check_unpaid_with_attendance(month, self.attendance, self.payments,
                                     state=self.state.value)
        assert self.onboarded_on is not None
        amount = payable(month=month, first=first, amount_fen=amount_fen,
                         days_worked=int(self.attendance[month]["days_worked"]),
                         standard_fen=standard_fen, terms=terms,
                         onboarded_on=self.onboarded_on, reviewed=set(self.annual_reviews),
                         state=self.state.value)
        self._paid(date=date, month=month, amount_fen=amount, source=source)
        return amount

    @event("Paid", topic="postledger:placement:paid")
    def _paid(self, date: date, month: str, amount_fen: int,
              source: dict[str, Any] | None = None) -> None:
        self.payments[month] = {"date": date, "amount_fen": amount_fen}
        self.last_date = date

    def claw_back(self, *, date: date, month: str, amount_fen: int, reason: str,
                  ground: str | None, evidence: str | None) -> None:
        """R-PAY-3: recover a paid month's subsidy obtained on false grounds; the payment
        stays in history, the clawback is a new event."""
        self._require("claw_back", date)
        check_clawback(month=month, amount_fen=amount_fen, reason=reason,
                       paid=self.payments.get(month), recovered_fen=self.clawed_back_fen(month),
                       state=self.state.value)
        self._clawed_back(date=date, month=month, amount_fen=amount_fen, reason=reason.strip(),
                          ground=ground, evidence=evidence)

    @event("ClawedBack", topic="postledger:placement:clawed_back")
    def _clawed_back(self, date: date, month: str, amount_fen: int, reason: str,
                     ground: str | None, evidence: str | None) -> None:
        self.clawbacks.append({"date": date, "month": month, "amount_fen": amount_fen,
                               "reason": reason, "ground": ground, "evidence": evidence})
        self.last_date = max(self.last_date, date)

    # ------------------------------------------------------------------ warnings, reviews
    def warn(self, *, date: date, reason: str) -> None:
        self._require("warn", date)
        require_reason(reason, "a warning", "警告", "R-EXIT-3")
        self._warned(date=date, reason=reason)

    @event("Warned", topic="postledger:placement:warned")
    def _warned(self, date: date, reason: str) -> None:
        self.warnings.append({"date": date, "reason": reason})
        self.last_date = date

    def annual_review(self, *, date: date, year: int, passed: bool, worker_signed: bool) -> None:
        trigger = "pass_review" if passed else "fail_review"
        self._require(trigger, date)
        assert self.onboarded_on is not None
        check_review(self.onboarded_on, year, date, worker_signed)
        check_year_unreviewed(year, self.annual_reviews, state=self.state.value)
        self._annually_reviewed(date=date, year=year, passed=passed, worker_signed=worker_signed)

    @event("AnnuallyReviewed", topic="postledger:placement:annually_reviewed")
    def _annually_reviewed(self, date: date, year: int, passed: bool, worker_signed: bool) -> None:
        self.annual_reviews[year] = {"date": date, "passed": passed, "worker_signed": worker_signed}
        if not passed:
            self.state = S.EXITED
            self.exit = {"date": date, "reason": "review_failed", "ground": None}
        self.last_date = date

    # ------------------------------------------------------------------ extension
    def extend(
        self, *, date: date, basis: str, until: date, evidence: str, hardship: bool,
        still_unemployed: bool, publicity: tuple[date, date], terms: PlacementTerms,
        cadre: bool = False,
    ) -> None:
        """R-EXIT-2: extension by the county centre, when its conditions hold on ``date``."""
        self._require("extend", date)
        assert self.agreement_end is not None
        original_end = self.original_term_end
        assert original_end is not None
        check_extension(
            resident_id=self.resident_id, on=date, basis=basis, until=until,
            agreement_end=self.agreement_end, original_end=original_end, evidence=evidence,
            hardship=hardship, still_unemployed=still_unemployed, publicity=publicity,
            terms=terms, cadre=cadre,
        )
        self._extended(date=date, basis=basis, until=until, previous_end=self.agreement_end,
                       evidence=evidence.strip(), publicity_started_on=publicity[0],
                       publicity_ended_on=publicity[1])

    # Events stored before R-EXIT-2 was checked carry no evidence and no publicity.
    @event("Extended", topic="postledger:placement:extended")
    def _extended(self, date: date, basis: str, until: date, previous_end: date,
                  evidence: str | None = None, publicity_started_on: date | None = None,
                  publicity_ended_on: date | None = None) -> None:
        self.extensions.append(
            {"date": date, "basis": basis, "until": until, "previous_end": previous_end,
             "evidence": evidence, "publicity_started_on": publicity_started_on,
             "publicity_ended_on": publicity_ended_on}
        )
        self.agreement_end = until
        self.last_date = date

    # ------------------------------------------------------------------ exit
    def leave(self, *, date: date, reason: str, ground: int | None) -> None:
        self._require("exit", date)
        check_exit(reason, ground, warned=bool(self.warnings), state=self.state.value)
        self._exited(date=date, reason=reason, ground=ground)

    @event("Exited", topic="postledger:placement:exited")
    def _exited(self, date: date, reason: str, ground: int | None) -> None:
        self.exit = {"date": date, "reason": reason, "ground": ground}
        self.state = S.EXITED
        self.last_date = date

    def end_automatically(self, *, day: date, reason: str) -> None:
        """R-EXIT-1: the agreement ends by itself on ``day`` (term expiry or age limit)."""
        check_automatic_end(self.state, reason)
        self._ended_automatically(date=day, reason=reason)

    @event("EndedAutomatically", topic="postledger:placement:ended_automatically")
    def _ended_automatically(self, date: date, reason: str) -> None:
        self.exit = {"date": date, "reason": reason, "ground": None}
        self.state = S.EXITED
        self.last_date = max(self.last_date, date)

    def withdraw(self, *, date: date) -> None:
        self._require("withdraw", date)
        self._withdrawn(date=date)

    @event("Withdrawn", topic="postledger:placement:withdrawn")
    def _withdrawn(self, date: date) -> None:
        self.withdrawn_on = date
        self.state = S.WITHDRAWN
        self.last_date = date

