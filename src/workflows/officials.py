"""Registering officials (API.md v1.1 "Officials"), so R-FRAUD-5 can compare them with the
people they approve or sign for."""

from __future__ import annotations

from typing import Any

from eventsourcing.persistence import IntegrityError

from postledger.domain.errors import LimitReached
from postledger.domain.official import Official, official_id
from postledger.domain.resident_id import ResidentId
from postledger.workflows.permissions import authorize


def register_official(
    app: Any,
    *,
    county: str,
    name: str,
    role: str,
    jurisdiction: str,
    resident_id: str,
    household_id: str | None = None,
    address: str | None = None,
) -> Official:
    jurisdiction = jurisdiction.strip("/")
    authorize("register_official", jurisdiction)
    person = ResidentId.parse(resident_id)
    official = Official.register(county=county, name=name, role=role, jurisdiction=jurisdiction,
                                 resident_id=person, household_id=household_id, address=address)
    if official_id(jurisdiction, person.value) in app.repository:
        raise LimitReached(f"{name} is already registered as an official of {jurisdiction}",
                           rule="R-FRAUD-5", fact="resident_id")
    try:
        app.save(official)
    except IntegrityError:
        raise LimitReached(f"{name} is already registered as an official of {jurisdiction}",
                           rule="R-FRAUD-5", fact="resident_id") from None
    return official
