"""The register of officials (API.md v1.1 "Officials"): people who review placements or sign
attendance in a county, so that R-FRAUD-5 (优亲厚友) can compare them with the people they approve
or sign for — the same person, the same household, the same address."""

from __future__ import annotations

from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import event

from postledger.domain.base import LedgerAggregate
from postledger.domain.errors import InvalidInput
from postledger.domain.resident_id import ResidentId

# Who signs or reviews: the village party secretary or committee director, a committee member
# (R-ATT-1), and the staff of each level who review (API.md roles).
OFFICIAL_ROLES = ("secretary", "director", "member", "clerk", "village", "township", "county")


def official_id(jurisdiction: str, resident_id: str) -> UUID:
    return uuid5(NAMESPACE_URL, f"postledger:official:{jurisdiction}:{resident_id}")


class Official(LedgerAggregate):
    TOPIC = "postledger:official"

    class Created(LedgerAggregate.Created):
        """Never triggered (an official begins with ``Registered``); explicit topics need it."""

        TOPIC = "postledger:official:created"

    @staticmethod
    def create_id(jurisdiction: str, resident_id: str) -> UUID:
        return official_id(jurisdiction, resident_id)

    @classmethod
    def register(
        cls,
        *,
        county: str,
        name: str,
        role: str,
        jurisdiction: str,
        resident_id: ResidentId,
        household_id: str | None,
        address: str | None,
    ) -> Official:
        if role not in OFFICIAL_ROLES:
            raise InvalidInput(f"role must be one of {', '.join(OFFICIAL_ROLES)}, got {role!r}",
                               rule="R-FRAUD-5", fact="role")
        if jurisdiction.split("/")[0] != county:
            raise InvalidInput(f"jurisdiction {jurisdiction} is not inside county {county}",
                               rule="R-FRAUD-5", fact="jurisdiction")
        if not name.strip():
            raise InvalidInput("an official has a name", rule="R-FRAUD-5", fact="name")
        return cls(county=county, name=name.strip(), role=role, jurisdiction=jurisdiction,
                   resident_id=resident_id.value, household_id=household_id or None,
                   address=address or None)

    @event("Registered", topic="postledger:official:registered")
    def __init__(
        self,
        county: str,
        name: str,
        role: str,
        jurisdiction: str,
        resident_id: str,
        household_id: str | None,
        address: str | None,
    ) -> None:
        self.county = county
        self.name = name
        self.role = role
        self.jurisdiction = jurisdiction
        self.resident_id = resident_id
        self.household_id = household_id
        self.address = address

    @property
    def path(self) -> str:
        return self.jurisdiction
