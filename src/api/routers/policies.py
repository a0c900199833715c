from __future__ import annotations

from datetime import date

from fastapi import APIRouter

from postledger.api.deps import CurrentActor, Ledger
from postledger.api.schemas import PolicyPublic, PolicyPut
from postledger.workflows.clock import business_today
from postledger.workflows.permissions import authorize_read

router = APIRouter(prefix="/policies", tags=["policy"])


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


@router.put("/{county}")
def put_policy(county: str, body: PolicyPut, actor: CurrentActor, ledger: Ledger) -> PolicyPublic:
    terms = body.model_dump(exclude={"effective_from"})
    ledger.set_policy(county, body.effective_from, terms)
    return _public(ledger, county, body.effective_from)


@router.get("/{county}")
def get_policy(
    county: str, actor: CurrentActor, ledger: Ledger, as_of: date | None = None
) -> PolicyPublic:
    authorize_read(county)
    today = business_today()
    return _public(ledger, county, as_of or today)
