"""What a placement's recorded events say about it, read without changing it: where it is,
whose it is, when it ends (R-EXIT-1) and what it paid back (R-PAY-3). ``Placement`` (the
aggregate, src/domain/placement.py) records; this reads."""

from __future__ import annotations

from datetime import date
from typing import Any

from postledger.domain.age import age_exit_day
from postledger.domain.placement_flow import TERMINAL_STATES, PlacementState
from postledger.domain.placement_rules import household_key
from postledger.domain.policy_terms import PlacementTerms
from postledger.domain.post import jurisdiction_path
from postledger.domain.resident_id import ResidentId

S = PlacementState


class PlacementFacts:
    """Read-only views of a placement's state, as its events set it."""

    county: str
    township: str
    village: str | None
    applicant: dict[str, Any]
    state: PlacementState
    objections: dict[str, dict[str, Any]]
    extensions: list[dict[str, Any]]
    agreement_end: date | None
    annual_reviews: dict[int, dict[str, Any]]
    clawbacks: list[dict[str, Any]]

    def start_empty_record(self) -> None:
        """Every step's record empty, as on application (set by ``Applied`` alone)."""
        self.reviews: dict[str, dict[str, Any]] = {}
        self.selection: dict[str, Any] | None = None
        self.clawbacks = []
        self.publicity: dict[str, Any] | None = None
        self.objections = {}
        self.approved_on: date | None = None
        self.training: dict[str, Any] | None = None
        self.onboarded_on: date | None = None
        self.agreement_end = None
        self.attendance: dict[str, dict[str, Any]] = {}
        self.payments: dict[str, dict[str, Any]] = {}
        self.warnings: list[dict[str, Any]] = []
        self.annual_reviews = {}
        self.extensions = []
        self.exit: dict[str, Any] | None = None
        self.withdrawn_on: date | None = None

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
    def household(self) -> str:
        """R-ELIG-3: the household the edge cap counts this placement under."""
        return household_key(self.applicant)

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
        """R-ELIG-1, R-EXIT-1: the first day the worker is over ``age_max`` (66th birthday)."""
        return age_exit_day(self.resident_id.birth_date, age_max)

    def automatic_end(self, terms: PlacementTerms) -> tuple[date, str] | None:
        """R-EXIT-1: the day an active agreement ends by itself, and why; None if not active.

        The agreement end (after any extension, R-EXIT-2) or the day the worker reaches
        ``age_max`` ends, whichever comes first. A near-retirement extension carries the worker
        past ``age_max`` only where the county allows it (``near_retirement_past_age_max``).
        """
        if self.agreement_end is None or self.state is not S.ACTIVE:
            return None
        term_end = self.agreement_end
        age_day = self.age_limit_day(terms.age_max)
        near_retirement = any(e["basis"] == "near_retirement" for e in self.extensions)
        if near_retirement and terms.near_retirement_past_age_max:
            return term_end, "term_expired"
        if term_end <= age_day:
            return term_end, "term_expired"
        return age_day, "age_limit"

    @property
    def last_review_on(self) -> date | None:
        """The date of the latest annual review, or None."""
        if not self.annual_reviews:
            return None
        latest: date = max(r["date"] for r in self.annual_reviews.values())
        return latest


    def clawed_back_fen(self, month: str) -> int:
        return sum(int(c["amount_fen"]) for c in self.clawbacks if c["month"] == month)
