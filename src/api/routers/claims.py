"""The Subsidy claims part of API.md: submission, review, payment, clawback, withdrawal."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Depends, Request, status
from pydantic import BaseModel, Field

from postledger.api.access_log import AccessReads
from postledger.api.deps import (
    SIGNED_IN_ONLY,
    CurrentActor,
    ReadModels,
    Services,
    get_services,
    taking,
)
from postledger.api.problems import PROBLEM_RESPONSES
from postledger.api.schemas import Dated, HistoryPublic, ReviewIn, Strict
from postledger.domain.subsidies.base import ClaimantIn
from postledger.domain.subsidies.claim import SubsidyClaim
from postledger.domain.subsidies.registry import CLAIM_TYPES
from postledger.domain.values import BusinessDate, Code, FreeText, Money, PlaceSegment
from postledger.workflows.claims import ClaimsService

router = APIRouter(prefix="/claims", tags=["claims"], responses=PROBLEM_RESPONSES,
                   dependencies=[SIGNED_IN_ONLY])


# ---------------------------------------------------------------- dependencies
def get_claims(
    request: Request, services: Annotated[Services, Depends(get_services)]
) -> ClaimsService:
    cached = getattr(request.app.state, "claims_service", None)
    if not isinstance(cached, ClaimsService) or cached.ledger is not services.ledger:
        cached = ClaimsService(services.ledger)  # "today" from the ledger's one clock
        request.app.state.claims_service = cached
    return cached


Claims = Annotated[ClaimsService, Depends(get_claims)]


# ---------------------------------------------------------------- shapes
def _inlined(model: type[BaseModel]) -> dict[str, Any]:
    """``model``'s JSON Schema with its ``$defs`` written in place, to nest it in OpenAPI."""
    schema = model.model_json_schema()
    defs = schema.pop("$defs", {})

    def walk(node: Any) -> Any:
        if isinstance(node, dict):
            if "$ref" in node:
                return walk(defs[str(node["$ref"]).rsplit("/", 1)[-1]])
            return {key: walk(value) for key, value in node.items()}
        if isinstance(node, list):
            return [walk(item) for item in node]
        return node

    walked: dict[str, Any] = walk(schema)
    return walked


# Each claim type's facts, typed (src/domain/subsidies/<type>.py), so that clients see what a
# type needs; the domain reads them and names the type's rule and the fact at fault (422).
FACTS_BY_TYPE = {"oneOf": [
    {**_inlined(kind.facts), "title": f"{name}: {kind.title_en} ({kind.title_zh}), {kind.rule}"}
    for name, kind in CLAIM_TYPES.items()
]}


class ClaimCreate(Strict):
    type: Annotated[Code, Field(json_schema_extra={"enum": list(CLAIM_TYPES)})]
    county: PlaceSegment
    date: BusinessDate
    claimant: Annotated[dict[str, Any], Field(json_schema_extra=_inlined(ClaimantIn))]
    facts: Annotated[dict[str, Any], Field(json_schema_extra=FACTS_BY_TYPE)] = Field(
        default_factory=dict)
    # API.md v1.1: where the claim lies, so that township and village clerks submit claims in
    # their own jurisdiction (the claimant's township and village, when given there).
    township: PlaceSegment | None = None
    village: PlaceSegment | None = None


class ClawbackIn(Dated):
    reason: FreeText
    amount_fen: Money


class ClaimPublic(BaseModel):
    id: UUID
    type: str
    rule: str
    type_label: dict[str, str] = Field(default_factory=dict)
    county: str
    township: str | None
    state: str
    amount_fen: int
    claimant: dict[str, Any]
    facts: dict[str, Any]
    breakdown: list[dict[str, Any]]
    table: dict[str, Any]
    submitted_on: date
    submitted_by: dict[str, str]
    review: dict[str, Any] | None
    payment: dict[str, Any] | None
    clawbacks: list[dict[str, Any]]
    paid_fen: int
    clawed_back_fen: int
    withdrawn_on: date | None
    version: int
    allowed_steps: list[str]

    @classmethod
    def of(cls, c: SubsidyClaim) -> ClaimPublic:
        return cls(
            id=c.id, type=c.claim_type, rule=c.rule, county=c.county, township=c.township,
            type_label={"code": c.claim_type, "label": CLAIM_TYPES[c.claim_type].title_zh,
                        "label_en": CLAIM_TYPES[c.claim_type].title_en},
            state=c.state.value, amount_fen=c.amount_fen, claimant=c.claimant, facts=c.facts,
            breakdown=c.breakdown, table=c.table, submitted_on=c.submitted_on,
            submitted_by=c.submitted_by, review=c.review, payment=c.payment,
            clawbacks=c.clawbacks, paid_fen=c.paid_fen, clawed_back_fen=c.clawed_back_fen,
            withdrawn_on=c.withdrawn_on, version=c.version, allowed_steps=c.allowed_steps,
        )


class ClaimSummary(BaseModel):
    id: UUID
    type: str
    county: str
    township: str | None
    state: str
    claimant_name: str
    amount_fen: int
    paid_fen: int
    clawed_back_fen: int
    submitted_on: date


# ---------------------------------------------------------------- endpoints
@router.post("", dependencies=[taking("submit_claim")], status_code=status.HTTP_201_CREATED)
def submit(body: ClaimCreate, actor: CurrentActor, claims: Claims) -> ClaimPublic:
    """201 with the computed amount, or 422 naming the rule broken and the ``fact`` at fault."""
    where = {k: v for k, v in (("township", body.township), ("village", body.village)) if v}
    claim = claims.submit(
        claim_type=body.type, county=body.county, date=body.date,
        claimant={**where, **body.claimant}, facts=body.facts,
    )
    return ClaimPublic.of(claim)


@router.get("")
def list_claims(
    actor: CurrentActor,
    claims: Claims,
    read_model: ReadModels,
    reads: AccessReads,
    county: PlaceSegment | None = None,
    type: Code | None = None,
    state: Code | None = None,
) -> list[ClaimSummary]:
    read_model.catch_up(claims.ledger)
    rows = read_model.list_claims(
        within=actor.jurisdiction, county=county, claim_type=type, state=state
    )
    reads.rows("claims.list", rows)
    return [ClaimSummary(**row) for row in rows]


@router.get("/{claim_id}")
def get_claim(
    claim_id: UUID, actor: CurrentActor, claims: Claims, reads: AccessReads
) -> ClaimPublic:
    claim = claims.get(claim_id)
    reads.claims("claim", [claim])
    return ClaimPublic.of(claim)


@router.get("/{claim_id}/history")
def history(
    claim_id: UUID, actor: CurrentActor, claims: Claims, reads: AccessReads
) -> list[HistoryPublic]:
    reads.claims("claim.history", [claims.get(claim_id)])
    return claims.history(claim_id)


@router.post("/{claim_id}/review", dependencies=[taking("review_claim")])
def review(claim_id: UUID, body: ReviewIn, actor: CurrentActor, claims: Claims) -> ClaimPublic:
    return ClaimPublic.of(
        claims.review(claim_id, date=body.date, approve=body.approve, reason=body.reason)
    )


@router.post("/{claim_id}/payment", dependencies=[taking("pay_claim")])
def payment(claim_id: UUID, body: Dated, actor: CurrentActor, claims: Claims) -> ClaimPublic:
    return ClaimPublic.of(claims.pay(claim_id, date=body.date))


@router.post("/{claim_id}/clawback", dependencies=[taking("claw_back")])
def clawback(claim_id: UUID, body: ClawbackIn, actor: CurrentActor, claims: Claims) -> ClaimPublic:
    return ClaimPublic.of(
        claims.claw_back(claim_id, date=body.date, amount_fen=body.amount_fen, reason=body.reason)
    )


@router.post("/{claim_id}/withdrawal", dependencies=[taking("submit_claim")])
def withdrawal(claim_id: UUID, body: Dated, actor: CurrentActor, claims: Claims) -> ClaimPublic:
    return ClaimPublic.of(claims.withdraw(claim_id, date=body.date))

