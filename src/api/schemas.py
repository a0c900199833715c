"""Request (``XCreate``) and response (``XPublic``) shapes of API.md."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Annotated, Any, Literal, Optional
from uuid import UUID

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, create_model
from pydantic.fields import FieldInfo

from postledger.domain.labels import alias_of, labelled
from postledger.domain.placement import Placement
from postledger.domain.placement_flow import allowed_steps
from postledger.domain.policy_terms import PlacementTerms, PolicyTerms
from postledger.domain.post import Post
from postledger.domain.presets import PRESETS
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
from postledger.workflows.history import HistoryEntry


class Strict(BaseModel):
    """A request body: every field one of the value types of src/domain/values.py, read
    strictly (API.md v1.1 "Input, for every endpoint"); an unknown field is a 422."""

    model_config = ConfigDict(extra="forbid", strict=True)


# A 422 whose field is one of these names is decided by the rule (API.md v1.1: a missing
# attendance signature is a 422 with rule R-ATT-1).
RULE_BY_FIELD: dict[str, str] = {"signatures": "R-ATT-1", "resident_id": "R-ELIG-2"}


# ---------------------------------------------------------------- policy
def _optional(field: FieldInfo) -> Any:
    """A policy parameter as a PUT may give it: its type and bounds, or absent."""
    kind: Any = Optional[field.annotation]  # noqa: UP045
    return (Annotated[kind, *field.metadata] if field.metadata else kind, None)


# PUT /policies/{county} (API.md v1.1): a preset and any parameters given beside it; what is
# not given comes from the preset (or the default policy). ``subsidies`` tables merge over the
# preset's and the whole policy is checked by its typed model (src/domain/policy_terms.py):
# a malformed or incomplete table is a 422 naming the claim type's rule and the field.
if TYPE_CHECKING:
    PolicyPut = Strict
else:
    PolicyPut = create_model(
        "PolicyPut",
        __base__=Strict,
        __doc__="A county policy from ``effective_from``: a preset, with the fields given "
                "beside it overriding it. GET /policies/{county}/schema gives the whole schema.",
        effective_from=(BusinessDate, ...),
        preset=(Literal[tuple(PRESETS)] | None, None),
        subsidies=(dict[str, dict[str, Any] | None] | None, None),
        **{name: _optional(field) for name, field in PlacementTerms.model_fields.items()},
    )


class PolicyPublic(BaseModel):
    county: str
    as_of: date
    effective_from: date | None
    terms: PolicyTerms
    versions: list[dict[str, Any]]


# ---------------------------------------------------------------- posts
class PostCreate(Strict):
    county: PlaceSegment
    township: PlaceSegment
    village: PlaceSegment | None = None
    department: Label
    kind: Annotated[Code, BeforeValidator(alias_of("post_kind"))]  # 护路, 护林 … too
    title: Label
    headcount: Count
    monthly_subsidy_fen: Money | None = None
    full_time: Flag = False
    cadre: Flag = False  # R-EXIT-2: women in cadre posts retire at retirement_age_female_cadre


class NoticeCreate(Strict):
    date: BusinessDate
    closes_on: BusinessDate
    conditions: FreeText
    duties: FreeText
    subsidy_fen: Annotated[Money, Field(ge=1)] | None = None  # R-POST-3; default: the post's


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
    cadre: bool = False
    kind_label: dict[str, Any] | None = None
    notices: list[dict[str, Any]]
    version: int

    @classmethod
    def of(cls, post: Post) -> PostPublic:
        return cls(
            id=post.id, county=post.county, township=post.township, village=post.village,
            department=post.department, kind=post.kind, title=post.title,
            headcount=post.headcount, occupied=len(post.occupants),
            monthly_subsidy_fen=post.monthly_subsidy_fen, full_time=post.full_time,
            cadre=post.cadre, kind_label=labelled("post_kind", post.kind),
            notices=post.notices, version=post.version,
        )


# ---------------------------------------------------------------- placements
class ApplicantIn(Strict):
    name: Name
    gender: Annotated[Code, BeforeValidator(alias_of("gender"))] | None = None  # 男/女 too
    resident_id: ResidentIdText
    phone: Phone | None = None
    address: Address | None = None
    health: FreeText | None = None
    labour_ability: FreeText | None = None
    skills: FreeText | None = None
    category: Annotated[Code, BeforeValidator(alias_of("category"))]  # 已脱贫/未脱贫/边缘户 too
    household_id: Label | None = None  # 户编号: the edge cap counts households (R-ELIG-3)


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
    selection: dict[str, Any] | None = None
    clawbacks: list[dict[str, Any]] = Field(default_factory=list)
    labels: dict[str, dict[str, Any]] = Field(
        default_factory=dict, description="each enumerated value with its Chinese label")
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
            selection=p.selection, clawbacks=p.clawbacks, version=p.version,
            labels={"gender": labelled("gender", str(p.applicant["gender"])),
                    "category": labelled("category", p.category)},
            allowed_steps=allowed_steps(p.state),
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


# ---------------------------------------------------------------- v1.1 steps (issue 11)
class ExtensionIn(Dated):
    """R-EXIT-2, by the county employment service centre."""

    basis: Annotated[Literal["near_retirement", "disabled", "zero_employment_family"],
                     BeforeValidator(alias_of("extension_basis"))]
    until: BusinessDate
    evidence: Annotated[FreeText, Field(min_length=1)]
    hardship: Flag
    still_unemployed: Flag
    publicity_started_on: BusinessDate
    publicity_ended_on: BusinessDate


class SelectionIn(Dated):
    """R-FLOW-4, by the township, between township review and publicity."""

    method: Annotated[Literal["written_exam", "interview", "skills_test", "democratic_appraisal"],
                      BeforeValidator(alias_of("selection_method"))]
    passed: Flag
    score: Count | None = None


class PlacementClawbackIn(Dated):
    """R-PAY-3, by the county: a paid month's subsidy recovered."""

    month: Month
    amount_fen: Annotated[Money, Field(ge=1)]
    reason: Annotated[FreeText, Field(min_length=1)]
    ground: Label | None = None
    evidence: FreeText | None = None
