"""Request (``XCreate``) and response (``XPublic``) shapes of API.md."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from postledger.domain.placement import Placement
from postledger.domain.post import Post
from postledger.domain.values import (
    Address,
    BusinessDate,
    Code,
    Count,
    Flag,
    FreeText,
    Label,
    Money,
    Month,
    Name,
    Phone,
    PlaceSegment,
    ResidentIdText,
    SubjectId,
    Year,
)
from postledger.workflows.application import HistoryEntry
from postledger.workflows.placement_flow import allowed_steps


class Strict(BaseModel):
    """A request body: every field one of the value types of src/domain/values.py, read
    strictly (API.md v1.1 "Input, for every endpoint"); an unknown field is a 422."""

    model_config = ConfigDict(extra="forbid", strict=True)


# A 422 whose field is one of these names is decided by the rule (API.md v1.1: a missing
# attendance signature is a 422 with rule R-ATT-1).
RULE_BY_FIELD: dict[str, str] = {"signatures": "R-ATT-1", "resident_id": "R-ELIG-2"}


# ---------------------------------------------------------------- policy
class PolicyPut(Strict):
    effective_from: BusinessDate
    age_min: Count = 16
    age_max: Count = 65
    publicity_days: Count = 5
    notice_days: Count = 7
    term_years: Count = 3
    extension_years_max: Count = 5
    monthly_subsidy_fen: Money = 50_000
    edge_cap_per_township: Count = 5
    backdating_days: Count = 60
    near_retirement_past_age_max: Flag = False
    subsidies: dict[str, Any] = Field(default_factory=dict)


class PolicyPublic(BaseModel):
    county: str
    as_of: date
    effective_from: date | None
    terms: dict[str, Any]
    versions: list[dict[str, Any]]


# ---------------------------------------------------------------- posts
class PostCreate(Strict):
    county: PlaceSegment
    township: PlaceSegment
    village: PlaceSegment | None = None
    department: Label
    kind: Code
    title: Label
    headcount: Count
    monthly_subsidy_fen: Money | None = None
    full_time: Flag = False


class NoticeCreate(Strict):
    date: BusinessDate
    closes_on: BusinessDate
    conditions: FreeText
    duties: FreeText


class PostPublic(BaseModel):
    id: UUID
    county: str
    township: str
    village: str | None
    department: str
    kind: str
    title: str
    headcount: int
    occupied: int
    monthly_subsidy_fen: int | None
    full_time: bool
    notices: list[dict[str, Any]]
    version: int

    @classmethod
    def of(cls, post: Post) -> PostPublic:
        return cls(
            id=post.id, county=post.county, township=post.township, village=post.village,
            department=post.department, kind=post.kind, title=post.title,
            headcount=post.headcount, occupied=len(post.occupants),
            monthly_subsidy_fen=post.monthly_subsidy_fen, full_time=post.full_time,
            notices=post.notices, version=post.version,
        )


# ---------------------------------------------------------------- placements
class ApplicantIn(Strict):
    name: Name
    gender: Code | None = None
    resident_id: ResidentIdText
    phone: Phone | None = None
    address: Address | None = None
    health: FreeText | None = None
    labour_ability: FreeText | None = None
    skills: FreeText | None = None
    category: Code


class PlacementCreate(Strict):
    post_id: SubjectId
    date: BusinessDate
    applicant: ApplicantIn


class Dated(Strict):
    date: BusinessDate


class ReviewIn(Dated):
    approve: Flag
    reason: FreeText | None = None


class PublicityIn(Dated):
    ends_on: BusinessDate | None = None


class ObjectionIn(Dated):
    raised_by: Name
    text: FreeText


class ResolutionIn(Dated):
    upheld: Flag
    reason: FreeText


class TrainingIn(Dated):
    hours: Count | None = None
    topic: FreeText | None = None


class OnboardingIn(Dated):
    agreement_end: BusinessDate | None = None


class Signatures(Strict):
    secretary: Name
    member: Name
    worker: Name


class AttendanceIn(Dated):
    month: Month
    days_worked: Count
    signatures: Signatures


class PaymentIn(Dated):
    month: Month
    amount_fen: Money | None = None


class WarningIn(Dated):
    reason: FreeText


class AnnualReviewIn(Dated):
    year: Year
    passed: Flag
    worker_signed: Flag


class ExtensionIn(Dated):
    basis: Code
    until: BusinessDate


class ExitIn(Dated):
    reason: Code
    ground: Count | None = None


class ObjectionRaised(BaseModel):
    objection_id: str
    id: UUID
    state: str


class PlacementPublic(BaseModel):
    id: UUID
    state: str
    post_id: UUID
    county: str
    township: str
    village: str | None
    applicant: dict[str, Any]
    applied_on: date
    reviews: dict[str, Any]
    publicity: dict[str, Any] | None
    objections: dict[str, Any]
    approved_on: date | None
    training: dict[str, Any] | None
    onboarded_on: date | None
    agreement_end: date | None
    attendance: dict[str, Any]
    payments: dict[str, Any]
    warnings: list[dict[str, Any]]
    annual_reviews: dict[str, Any]
    extensions: list[dict[str, Any]]
    exit: dict[str, Any] | None
    withdrawn_on: date | None
    version: int
    allowed_steps: list[str]

    @classmethod
    def of(cls, p: Placement) -> PlacementPublic:
        return cls(
            id=p.id, state=p.state.value, post_id=p.post_id, county=p.county,
            township=p.township, village=p.village, applicant=p.applicant,
            applied_on=p.applied_on, reviews=p.reviews, publicity=p.publicity,
            objections=p.objections, approved_on=p.approved_on, training=p.training,
            onboarded_on=p.onboarded_on, agreement_end=p.agreement_end,
            attendance=p.attendance, payments=p.payments, warnings=p.warnings,
            annual_reviews={str(y): r for y, r in p.annual_reviews.items()},
            extensions=p.extensions, exit=p.exit, withdrawn_on=p.withdrawn_on,
            version=p.version, allowed_steps=allowed_steps(p.state),
        )


class PlacementSummary(BaseModel):
    id: UUID
    post_id: UUID
    county: str
    township: str
    village: str | None
    state: str
    resident_id: str
    name: str
    category: str
    applied_on: date
    onboarded_on: date | None
    agreement_end: date | None
    exited_on: date | None
    exit_reason: str | None


# A history entry is served as the service's own dataclass (one definition of its fields).
HistoryPublic = HistoryEntry
