"""One person placed in one post, from application to exit (RULES.md §4).

Each public method is a command: it checks the step against the placement flow
(src/workflows/placement_flow.py) and the rules, computes dates and amounts, then calls a
private ``@event`` method that only records. Event bodies never validate: they re-run on
every replay.
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta
from typing import Any
from uuid import UUID, uuid4

from eventsourcing.domain import event

from postledger.domain.base import LedgerAggregate
from postledger.domain.dates import add_years
from postledger.domain.errors import InvalidInput, StepNotAllowed
from postledger.domain.policy import PolicyTerms
from postledger.domain.post import Post, jurisdiction_path
from postledger.domain.resident_id import ResidentId, birthday_at_age
from postledger.domain.values import parse_month
from postledger.workflows.placement_flow import (
    STEP_NAMES,
    TERMINAL_STATES,
    PlacementState,
    allowed_steps,
    next_state,
    refusal_rule,
)

CATEGORIES = ("lifted", "not_lifted", "edge")  # R-ELIG-3
GENDERS = ("male", "female")
EXIT_REASONS = ("dismissed", "resigned", "died", "ineligible")  # R-EXIT-3, R-EXIT-4
AUTOMATIC_EXIT_REASONS = ("term_expired", "age_limit")  # R-EXIT-1
EXTENSION_BASES = ("near_retirement", "disabled", "zero_employment_family")  # R-EXIT-2
DISMISSAL_GROUNDS = {
    1: "shown not to meet the conditions",
    2: "over the age limit or unable to keep working",
    3: "dereliction or violations endangering people or property",
    4: "disobeying arrangements and not correcting after being told",
    5: "other unsuitability",
}


Day = date  # for annotations inside methods whose parameter is called ``date``


class Placement(LedgerAggregate):
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
        cls, *, post: Post, date: date, applicant: dict[str, Any], terms: PolicyTerms
    ) -> Placement:
        person = _validated_applicant(applicant, on=date, terms=terms)
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
        self.state = PlacementState.APPLIED
        self.reviews: dict[str, dict[str, Any]] = {}
        self.publicity: dict[str, Any] | None = None
        self.objections: dict[str, dict[str, Any]] = {}
        self.approved_on: Day | None = None
        self.training: dict[str, Any] | None = None
        self.onboarded_on: Day | None = None
        self.agreement_end: Day | None = None
        self.attendance: dict[str, dict[str, Any]] = {}
        self.payments: dict[str, dict[str, Any]] = {}
        self.warnings: list[dict[str, Any]] = []
        self.annual_reviews: dict[int, dict[str, Any]] = {}
        self.extensions: list[dict[str, Any]] = []
        self.exit: dict[str, Any] | None = None
        self.withdrawn_on: Day | None = None

    # ------------------------------------------------------------------ facts
    @property
    def path(self) -> str:
        return jurisdiction_path(self.county, self.township, self.village)

    @property
    def resident_id(self) -> ResidentId:
        return ResidentId(self.applicant["resident_id"])

    @property
    def category(self) -> str:
        return str(self.applicant["category"])

    @property
    def is_ended(self) -> bool:
        return self.state in TERMINAL_STATES

    @property
    def open_objections(self) -> list[str]:
        return [oid for oid, o in self.objections.items() if o["resolution"] is None]

    @property
    def original_term_end(self) -> date | None:
        """The agreement end before any extension (R-EXIT-2 counts extensions from it)."""
        if self.extensions:
            first: date = self.extensions[0]["previous_end"]
            return first
        return self.agreement_end

    def age_limit_day(self, age_max: int) -> date:
        """The day the worker reaches ``age_max`` (R-EXIT-1)."""
        return birthday_at_age(self.resident_id.birth_date, age_max)

    def automatic_end(self, terms: PolicyTerms) -> tuple[date, str] | None:
        """R-EXIT-1: the day an active agreement ends by itself, and why; None if not active.

        The agreement end (after any extension, R-EXIT-2) or the day the worker reaches
        ``age_max``, whichever comes first. A near-retirement extension carries the worker
        past ``age_max`` only where the county allows it (``near_retirement_past_age_max``).
        """
        if self.agreement_end is None or self.state is not PlacementState.ACTIVE:
            return None
        term_end = self.agreement_end
        age_day = self.age_limit_day(terms.age_max)
        near_retirement = any(e["basis"] == "near_retirement" for e in self.extensions)
        if near_retirement and terms.near_retirement_past_age_max:
            return term_end, "term_expired"
        if term_end <= age_day:
            return term_end, "term_expired"
        return age_day, "age_limit"

    # ------------------------------------------------------------------ guards
    def _require(self, trigger: str, day: date) -> PlacementState:
        """R-FLOW-1: the step must be allowed in this state and not dated before the last one."""
        dest = next_state(self.state, trigger)
        if dest is None:
            possible = ", ".join(sorted({STEP_NAMES[t] for t in allowed_steps(self.state)}))
            raise StepNotAllowed(
                f"step {STEP_NAMES[trigger]} is not allowed while the placement is "
                f"{self.state.value}; possible now: {possible or 'none (ended)'}",
                rule=refusal_rule(self.state, trigger),
                state=self.state.value,
            )
        if day < self.last_date:
            raise InvalidInput(
                f"date {day} is before the previous step of this placement ({self.last_date}); "
                "steps are recorded in order",
                rule="R-FLOW-1",
            )
        return dest

    def _advance(self, trigger: str) -> None:
        dest = next_state(self.state, trigger)
        assert dest is not None, f"recorded step {trigger} from {self.state}"
        self.state = dest

    # ------------------------------------------------------------------ reviews
    def village_review(self, *, date: date, approve: bool, reason: str | None) -> None:
        self._review("village", date=date, approve=approve, reason=reason)

    def township_review(self, *, date: date, approve: bool, reason: str | None) -> None:
        self._review("township", date=date, approve=approve, reason=reason)

    def _review(self, level: str, *, date: date, approve: bool, reason: str | None) -> None:
        trigger = f"{level}_{'approve' if approve else 'reject'}"
        self._require(trigger, date)
        if not approve and not (reason and reason.strip()):
            raise InvalidInput("a rejection states its reason", rule="R-FLOW-2")
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
        self._advance(f"{level}_{'approve' if approve else 'reject'}")
        self.last_date = day

    # ------------------------------------------------------------------ publicity
    def start_publicity(self, *, date: date, ends_on: date | None, terms: PolicyTerms) -> None:
        self._require("start_publicity", date)
        earliest_end = date + timedelta(days=terms.publicity_days)
        ends = ends_on or earliest_end
        if ends < earliest_end:
            raise InvalidInput(
                f"publicity must last at least {terms.publicity_days} days: "
                f"from {date} it ends on {earliest_end} at the earliest, not {ends}",
                rule="R-PUB-1",
            )
        self._publicity_started(date=date, ends_on=ends)

    @event("PublicityStarted", topic="postledger:placement:publicity_started")
    def _publicity_started(self, date: date, ends_on: date) -> None:
        self.publicity = {"date": date, "ends_on": ends_on}
        self._advance("start_publicity")
        self.last_date = date

    def raise_objection(self, *, date: date, raised_by: str, text: str) -> str:
        self._require("raise_objection", date)
        assert self.publicity is not None
        if date > self.publicity["ends_on"]:
            raise InvalidInput(
                f"publicity ended on {self.publicity['ends_on']}; objections are raised during it",
                rule="R-PUB-2",
            )
        if not raised_by.strip() or not text.strip():
            raise InvalidInput("an objection names who raised it and what it says", rule="R-PUB-2")
        objection_id = str(uuid4())
        self._objection_raised(date=date, objection_id=objection_id, raised_by=raised_by, text=text)
        return objection_id

    @event("ObjectionRaised", topic="postledger:placement:objection_raised")
    def _objection_raised(self, date: date, objection_id: str, raised_by: str, text: str) -> None:
        self.objections[objection_id] = {
            "date": date,
            "raised_by": raised_by,
            "text": text,
            "resolution": None,
        }
        self._advance("raise_objection")
        self.last_date = date

    def resolve_objection(
        self, *, date: date, objection_id: str, upheld: bool, reason: str
    ) -> None:
        if objection_id not in self.objections:
            raise InvalidInput(f"no objection {objection_id} on this placement", rule="R-PUB-2")
        if self.objections[objection_id]["resolution"] is not None:
            raise StepNotAllowed(
                f"objection {objection_id} is already resolved",
                rule="R-PUB-2",
                state=self.state.value,
            )
        self._require(self._resolution_trigger(objection_id, upheld), date)
        if not reason.strip():
            raise InvalidInput("a resolution states its reason", rule="R-PUB-2")
        self._objection_resolved(date=date, objection_id=objection_id, upheld=upheld, reason=reason)

    def _resolution_trigger(self, objection_id: str, upheld: bool) -> str:
        if upheld:
            return "uphold_objection"
        others_open = [oid for oid in self.open_objections if oid != objection_id]
        return "dismiss_objection" if others_open else "dismiss_last_objection"

    @event("ObjectionResolved", topic="postledger:placement:objection_resolved")
    def _objection_resolved(self, date: date, objection_id: str, upheld: bool, reason: str) -> None:
        trigger = self._resolution_trigger(objection_id, upheld)
        self.objections[objection_id]["resolution"] = {
            "date": date,
            "upheld": upheld,
            "reason": reason,
        }
        self._advance(trigger)
        self.last_date = date

    # ------------------------------------------------------------------ approval
    def approve(self, *, date: date, post: Post, terms: PolicyTerms) -> None:
        self._require("approve", date)
        assert self.publicity is not None
        # R-PUB-1: the publicity period must have run its full length.
        if date < self.publicity["ends_on"]:
            raise StepNotAllowed(
                f"publicity runs until {self.publicity['ends_on']}; approval on {date} is too early",
                rule="R-PUB-1",
                state=self.state.value,
            )
        # R-POST-3: the post's recruitment notice must have run at least notice_days.
        ran = post.notice_days_run_by(date)
        if ran is None or ran < terms.notice_days:
            said = "no recruitment notice was published" if ran is None else f"it ran {ran} days"
            raise StepNotAllowed(
                f"post {post.title}: the recruitment notice must run at least "
                f"{terms.notice_days} days before approval; {said}",
                rule="R-POST-3",
                state=self.state.value,
            )
        self._approved(date=date)

    @event("Approved", topic="postledger:placement:approved")
    def _approved(self, date: date) -> None:
        self.approved_on = date
        self._advance("approve")
        self.last_date = date

    # ------------------------------------------------------------------ training, onboarding
    def train(self, *, date: date, hours: int | None, topic: str | None) -> None:
        self._require("train", date)
        if hours is not None and hours <= 0:
            raise InvalidInput("training hours must be positive", rule="R-FLOW-1")
        self._trained(date=date, hours=hours, topic=topic)

    @event("Trained", topic="postledger:placement:trained")
    def _trained(self, date: date, hours: int | None, topic: str | None) -> None:
        self.training = {"date": date, "hours": hours, "topic": topic}
        self._advance("train")
        self.last_date = date

    def onboard(self, *, date: date, agreement_end: date | None, terms: PolicyTerms) -> None:
        self._require("onboard", date)
        longest = add_years(date, terms.term_years)
        end = agreement_end or longest
        if end <= date:
            raise InvalidInput(f"agreement end {end} must be after {date}", rule="R-EXIT-1")
        if end > longest:
            raise InvalidInput(
                f"a placement lasts at most {terms.term_years} years: the agreement may end "
                f"on {longest} at the latest, not {end}",
                rule="R-EXIT-1",
            )
        age = self.resident_id.age_on(date)
        if age >= terms.age_max:
            raise InvalidInput(
                f"the worker is {age} on {date}, at or over the age limit {terms.age_max}",
                rule="R-EXIT-1",
            )
        self._onboarded(date=date, agreement_end=end)

    @event("Onboarded", topic="postledger:placement:onboarded")
    def _onboarded(self, date: date, agreement_end: date) -> None:
        self.onboarded_on = date
        self.agreement_end = agreement_end
        self._advance("onboard")
        self.last_date = date

    # ------------------------------------------------------------------ attendance and pay
    def record_attendance(
        self,
        *,
        date: date,
        month: str,
        days_worked: int,
        signatures: dict[str, str],
        ends: tuple[date, str] | None = None,
    ) -> None:
        self._require("record_attendance", date)
        first = parse_month(month)
        _refuse_months_after_end(month, first, ends)
        assert self.onboarded_on is not None
        if first < self.onboarded_on.replace(day=1):
            raise InvalidInput(
                f"attendance for {month} is before onboarding on {self.onboarded_on}",
                rule="R-PAY-2",
            )
        if first > date.replace(day=1):
            raise InvalidInput(
                f"attendance for {month} cannot be signed on {date}, before the month",
                rule="R-ATT-1",
            )
        days_in_month = calendar.monthrange(first.year, first.month)[1]
        if not 0 <= days_worked <= days_in_month:
            raise InvalidInput(
                f"days_worked must be 0 to {days_in_month} for {month}", rule="R-ATT-1"
            )
        signed = _validated_signatures(signatures)
        if month in self.attendance:
            raise StepNotAllowed(
                f"attendance for {month} is already recorded", rule="R-ATT-1",
                state=self.state.value,
            )
        self._attendance_recorded(
            date=date, month=month, days_worked=days_worked, signatures=signed
        )

    @event("AttendanceRecorded", topic="postledger:placement:attendance_recorded")
    def _attendance_recorded(
        self, date: date, month: str, days_worked: int, signatures: dict[str, str]
    ) -> None:
        self.attendance[month] = {
            "date": date,
            "days_worked": days_worked,
            "signatures": signatures,
        }
        self.last_date = date

    def pay(
        self,
        *,
        date: date,
        month: str,
        amount_fen: int | None,
        standard_fen: int,
        ends: tuple[date, str] | None = None,
    ) -> int:
        """R-PAY-1/2: pay a month's subsidy against its signed attendance; returns the amount.

        ``ends`` is when the agreement ends by itself (``automatic_end``): no month after it
        is paid, even before the scheduler has recorded the exit (R-EXIT-1, R-FRAUD-2)."""
        self._require("pay", date)
        _refuse_months_after_end(month, parse_month(month), ends)
        if month not in self.attendance:
            raise StepNotAllowed(
                f"no signed attendance for {month}: a month is paid only against it",
                rule="R-PAY-2",
                state=self.state.value,
            )
        if month in self.payments:
            raise StepNotAllowed(
                f"{month} was already paid on {self.payments[month]['date']}",
                rule="R-PAY-2",
                state=self.state.value,
            )
        amount = standard_fen if amount_fen is None else amount_fen
        if amount <= 0 or amount > standard_fen:
            raise InvalidInput(
                f"monthly subsidy must be between 1 and {standard_fen} fen, got {amount}",
                rule="R-PAY-1",
            )
        self._paid(date=date, month=month, amount_fen=amount)
        return amount

    @event("Paid", topic="postledger:placement:paid")
    def _paid(self, date: date, month: str, amount_fen: int) -> None:
        self.payments[month] = {"date": date, "amount_fen": amount_fen}
        self.last_date = date

    # ------------------------------------------------------------------ warnings, reviews
    def warn(self, *, date: date, reason: str) -> None:
        self._require("warn", date)
        if not reason.strip():
            raise InvalidInput("a warning states its reason", rule="R-EXIT-3")
        self._warned(date=date, reason=reason)

    @event("Warned", topic="postledger:placement:warned")
    def _warned(self, date: date, reason: str) -> None:
        self.warnings.append({"date": date, "reason": reason})
        self.last_date = date

    def annual_review(self, *, date: date, year: int, passed: bool, worker_signed: bool) -> None:
        trigger = "pass_review" if passed else "fail_review"
        self._require(trigger, date)
        assert self.onboarded_on is not None
        if not worker_signed:
            raise InvalidInput(
                "the annual review result is signed by the person reviewed", rule="R-REV-1"
            )
        if not self.onboarded_on.year <= year <= date.year:
            raise InvalidInput(
                f"review year must be from {self.onboarded_on.year} to {date.year}, got {year}",
                rule="R-REV-1",
            )
        if year in self.annual_reviews:
            raise StepNotAllowed(
                f"the {year} annual review is already recorded", rule="R-REV-1",
                state=self.state.value,
            )
        self._annually_reviewed(date=date, year=year, passed=passed, worker_signed=worker_signed)

    @event("AnnuallyReviewed", topic="postledger:placement:annually_reviewed")
    def _annually_reviewed(self, date: date, year: int, passed: bool, worker_signed: bool) -> None:
        self.annual_reviews[year] = {"date": date, "passed": passed, "worker_signed": worker_signed}
        self._advance("pass_review" if passed else "fail_review")
        if not passed:
            self.exit = {"date": date, "reason": "review_failed", "ground": None}
        self.last_date = date

    @property
    def last_review_on(self) -> date | None:
        """The date of the latest annual review, or None."""
        if not self.annual_reviews:
            return None
        latest: date = max(r["date"] for r in self.annual_reviews.values())
        return latest

    # ------------------------------------------------------------------ extension
    def extend(self, *, date: date, basis: str, until: date, terms: PolicyTerms) -> None:
        self._require("extend", date)
        if basis not in EXTENSION_BASES:
            raise InvalidInput(
                f"basis must be one of {', '.join(EXTENSION_BASES)}, got {basis!r}",
                rule="R-EXIT-2",
            )
        assert self.agreement_end is not None
        original_end = self.original_term_end
        assert original_end is not None
        if until <= self.agreement_end:
            raise InvalidInput(
                f"extension must move the agreement end past {self.agreement_end}",
                rule="R-EXIT-2",
            )
        latest = add_years(original_end, terms.extension_years_max)
        if until > latest:
            raise InvalidInput(
                f"extensions add at most {terms.extension_years_max} years in all: "
                f"the agreement may run until {latest}, not {until}",
                rule="R-EXIT-2",
            )
        self._extended(date=date, basis=basis, until=until, previous_end=self.agreement_end)

    @event("Extended", topic="postledger:placement:extended")
    def _extended(self, date: date, basis: str, until: date, previous_end: date) -> None:
        self.extensions.append(
            {"date": date, "basis": basis, "until": until, "previous_end": previous_end}
        )
        self.agreement_end = until
        self.last_date = date

    # ------------------------------------------------------------------ exit
    def leave(self, *, date: date, reason: str, ground: int | None) -> None:
        self._require("exit", date)
        if reason not in EXIT_REASONS:
            raise InvalidInput(
                f"reason must be one of {', '.join(EXIT_REASONS)}, got {reason!r}",
                rule="R-EXIT-3",
            )
        if reason == "dismissed":
            if ground not in DISMISSAL_GROUNDS:
                raise InvalidInput(
                    "a dismissal names its ground, 1 to 5 (R-EXIT-3)", rule="R-EXIT-3"
                )
            # Ground 4 is "not correcting after being told": the telling is a recorded warning.
            if ground == 4 and not self.warnings:
                raise StepNotAllowed(
                    "dismissal on ground 4 needs an earlier recorded warning",
                    rule="R-EXIT-3",
                    state=self.state.value,
                )
        elif ground is not None and ground not in DISMISSAL_GROUNDS:
            raise InvalidInput("ground must be 1 to 5", rule="R-EXIT-3")
        self._exited(date=date, reason=reason, ground=ground)

    @event("Exited", topic="postledger:placement:exited")
    def _exited(self, date: date, reason: str, ground: int | None) -> None:
        self.exit = {"date": date, "reason": reason, "ground": ground}
        self._advance("exit")
        self.last_date = date

    def end_automatically(self, *, day: date, reason: str) -> None:
        """R-EXIT-1: the agreement ends by itself on ``day`` (term expiry or age limit)."""
        dest = next_state(self.state, "end_automatically")
        if dest is None:
            raise StepNotAllowed(
                f"only an active placement ends by itself; this one is {self.state.value}",
                rule="R-EXIT-1",
                state=self.state.value,
            )
        if reason not in AUTOMATIC_EXIT_REASONS:
            raise InvalidInput(f"automatic exit reason {reason!r} unknown", rule="R-EXIT-1")
        self._ended_automatically(date=day, reason=reason)

    @event("EndedAutomatically", topic="postledger:placement:ended_automatically")
    def _ended_automatically(self, date: date, reason: str) -> None:
        self.exit = {"date": date, "reason": reason, "ground": None}
        self._advance("end_automatically")
        self.last_date = max(self.last_date, date)

    def withdraw(self, *, date: date) -> None:
        self._require("withdraw", date)
        self._withdrawn(date=date)

    @event("Withdrawn", topic="postledger:placement:withdrawn")
    def _withdrawn(self, date: date) -> None:
        self.withdrawn_on = date
        self._advance("withdraw")
        self.last_date = date


def _validated_applicant(raw: dict[str, Any], *, on: date, terms: PolicyTerms) -> dict[str, Any]:
    resident_id = ResidentId.parse(str(raw.get("resident_id", "")))  # R-ELIG-2
    name = str(raw.get("name") or "").strip()
    if not name:
        raise InvalidInput("the applicant's name is required", rule="R-ELIG-2")
    category = raw.get("category")
    if category not in CATEGORIES:
        raise InvalidInput(
            f"category must be one of {', '.join(CATEGORIES)}, got {category!r}; posts are only "
            "for registered poor laborers and edge households",
            rule="R-POST-5",
        )
    gender = raw.get("gender") or resident_id.gender
    if gender not in GENDERS:
        raise InvalidInput(f"gender must be male or female, got {gender!r}", rule="R-ELIG-2")
    if gender != resident_id.gender:
        raise InvalidInput(
            f"gender {gender} does not match the resident id, whose 17th digit says "
            f"{resident_id.gender}",
            rule="R-ELIG-2",
        )
    age = resident_id.age_on(on)
    if not terms.age_min <= age <= terms.age_max:  # R-ELIG-1
        raise InvalidInput(
            f"applicant is {age} on {on}; the county accepts {terms.age_min} to {terms.age_max}",
            rule="R-ELIG-1",
        )
    return {
        "name": name,
        "gender": gender,
        "resident_id": resident_id.value,
        "birth_date": resident_id.birth_date.isoformat(),
        "phone": str(raw.get("phone") or ""),
        "address": str(raw.get("address") or ""),
        "health": str(raw.get("health") or ""),
        "labour_ability": str(raw.get("labour_ability") or ""),
        "skills": str(raw.get("skills") or ""),
        "category": category,
    }


def _refuse_months_after_end(month: str, first: date, ends: tuple[date, str] | None) -> None:
    if ends is not None and first > ends[0]:
        why = "the agreement's term" if ends[1] == "term_expired" else "the age limit"
        raise StepNotAllowed(
            f"{month} begins after {why} ended the placement on {ends[0]}",
            rule="R-EXIT-1",
            state=PlacementState.ACTIVE.value,
        )


def _validated_signatures(signatures: dict[str, str]) -> dict[str, str]:
    """R-ATT-1: secretary (or director), another committee member and the worker, three people."""
    signed = {role: str(signatures.get(role) or "").strip() for role in ("secretary", "member", "worker")}
    missing = [role for role, name in signed.items() if not name]
    if missing:
        raise InvalidInput(
            f"attendance needs three signatures; missing: {', '.join(missing)}", rule="R-ATT-1"
        )
    if len(set(signed.values())) < 3:
        raise InvalidInput(
            "attendance is signed by three different people; one name appears twice",
            rule="R-ATT-1",
        )
    return signed
