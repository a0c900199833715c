from __future__ import annotations

from datetime import date

from fastapi import APIRouter

from postledger.api.deps import SIGNED_IN_ONLY, CurrentActor, Ledger, taking
from postledger.api.problems import PROBLEM_RESPONSES
from postledger.api.schemas import PolicyPublic, PolicyPut
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
        terms=ledger.terms(county, as_of).as_dict(),
        versions=[{"effective_from": start, "terms": terms}
                  for start, terms in (policy.versions if policy else [])],
    )


@router.put("/{county}", dependencies=[taking("set_policy")])
def put_policy(county: PlaceSegment, body: PolicyPut, actor: CurrentActor, ledger: Ledger) -> PolicyPublic:
    terms = body.model_dump(exclude={"effective_from"})
    ledger.set_policy(county, body.effective_from, terms)
    return _public(ledger, county, body.effective_from)


@router.get("/{county}")
def get_policy(
    county: PlaceSegment, actor: CurrentActor, ledger: Ledger, as_of: BusinessDate | None = None
) -> PolicyPublic:
    authorize_read(county)
    return _public(ledger, county, as_of or ledger.clock.today())
