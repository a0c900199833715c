from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter

from postledger.api.deps import SIGNED_IN_ONLY, CurrentActor, Ledger, taking
from postledger.api.problems import PROBLEM_RESPONSES
from postledger.api.schemas import PolicyPublic, PolicyPut
from postledger.domain.policy_terms import policy_schema
from postledger.domain.values import BusinessDate, PlaceSegment
from postledger.workflows.permissions import authorize_read

router = APIRouter(prefix="/policies", tags=["policy"], responses=PROBLEM_RESPONSES,
                   dependencies=[SIGNED_IN_ONLY])


def _public(ledger: Ledger, county: str, as_of: date) -> PolicyPublic:
    policy = ledger.policy(county)
    return PolicyPublic(
        county=county,
        as_of=as_of,
        effective_from=policy.effective_from_as_of(as_of) if policy else None,
        terms=ledger.terms(county, as_of),
        versions=[{"effective_from": start, "terms": terms}
                  for start, terms in (policy.versions if policy else [])],
    )


@router.put("/{county}", dependencies=[taking("set_policy")])
def put_policy(county: PlaceSegment, body: PolicyPut, actor: CurrentActor, ledger: Ledger) -> PolicyPublic:
    """A new version from ``effective_from``: ``preset`` (zhijin, changli, hekou, yunnan,
    huize; else the default policy) with the fields given beside it, checked whole (422
    naming the claim type's rule and the field of a malformed or incomplete table)."""
    given = body.model_dump(exclude_unset=True)
    effective_from = given.pop("effective_from")
    preset = given.pop("preset", None)
    ledger.set_policy(county, effective_from, given, preset=preset)
    return _public(ledger, county, effective_from)


@router.get("/{county}/schema")
def policy_json_schema(county: PlaceSegment, actor: CurrentActor) -> dict[str, Any]:
    """The JSON Schema of a whole county policy: placement parameters and one table per claim
    type (RULES.md §6), each parameter naming the rule that reads it (``x-rule``)."""
    authorize_read(county)
    return policy_schema()


@router.get("/{county}")
def get_policy(
    county: PlaceSegment, actor: CurrentActor, ledger: Ledger, as_of: BusinessDate | None = None
) -> PolicyPublic:
    authorize_read(county)
    return _public(ledger, county, as_of or ledger.clock.today())
