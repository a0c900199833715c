"""Index aggregates that make cross-aggregate rules race-free.

Each has a ``uuid5`` id derived from its key and is saved in the same transaction as the
placement it guards (as eventsourcing's slug index does): two concurrent requests that both
try to claim it write the same version, and the store lets only one commit.
"""

from __future__ import annotations

from datetime import date
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import event

from postledger.domain.base import LedgerAggregate
from postledger.domain.errors import LimitReached
from postledger.domain.keyed_hash import PersonKeys


def person_index_id(resident_id: str, key: bytes | None = None) -> UUID:
    """With a key (production), the id hides the resident id behind a keyed hash; without one
    (a demo store) it is the plain uuid5 of earlier releases."""
    return uuid5(NAMESPACE_URL, f"postledger:person:{PersonKeys(key).subject(resident_id)}")


def edge_quota_id(county: str, township: str) -> UUID:
    return uuid5(NAMESPACE_URL, f"postledger:edge-quota:{county}/{township}")


class PersonIndex(LedgerAggregate):
    """R-ELIG-4: the one open placement (applied and not yet ended) of a person."""

    TOPIC = "postledger:person_index"

    @staticmethod
    def create_id(resident_id: str) -> UUID:
        return person_index_id(resident_id)

    @event("Created", topic="postledger:person_index:created")
    def __init__(self, resident_id: str) -> None:
        self.resident_id = resident_id
        self.open_placement: UUID | None = None
        self.placements: list[UUID] = []

    def claim(self, *, date: date, placement_id: UUID) -> None:
        if self.open_placement is not None and self.open_placement != placement_id:
            raise LimitReached(
                f"resident {self.resident_id} already holds placement {self.open_placement}; "
                "a person holds at most one placement at a time",
                rule="R-ELIG-4",
            )
        if self.open_placement != placement_id:
            self._claimed(date=date, placement_id=placement_id)

    @event("Claimed", topic="postledger:person_index:claimed")
    def _claimed(self, date: date, placement_id: UUID) -> None:
        self.open_placement = placement_id
        self.placements.append(placement_id)

    def release(self, *, date: date, placement_id: UUID) -> None:
        if self.open_placement == placement_id:
            self._released(date=date, placement_id=placement_id)

    @event("Released", topic="postledger:person_index:released")
    def _released(self, date: date, placement_id: UUID) -> None:
        self.open_placement = None


class EdgeQuota(LedgerAggregate):
    """R-ELIG-3: edge households (边缘户) with a placement approved and not ended, per township.
    "边缘户每乡镇原则上不超过5户" counts households (户): two placements of one household count
    once. Reservations stored before households were counted are households of one."""

    TOPIC = "postledger:edge_quota"

    @staticmethod
    def create_id(county: str, township: str) -> UUID:
        return edge_quota_id(county, township)

    @event("Created", topic="postledger:edge_quota:created")
    def __init__(self, county: str, township: str) -> None:
        self.county = county
        self.township = township
        self.holders: list[UUID] = []
        self.household_of: dict[UUID, str] = {}

    @property
    def households(self) -> set[str]:
        return {self.household_of.get(p, f"placement:{p}") for p in self.holders}

    def has_room_for(self, household: str, cap: int) -> bool:
        return household in self.households or len(self.households) < cap

    def refusal(self, household: str, cap: int) -> str:
        return (f"township {self.township} already has {len(self.households)} edge households "
                f"with a placement, the cap is {cap}; household {household} would be one more")

    def refusal_zh(self, cap: int) -> str:
        return (f"{self.township} 已有 {len(self.households)} 户边缘户在岗，名额为 {cap} 户；"
                "再增加此户将超出名额")

    def reserve(self, *, date: date, placement_id: UUID, household: str, cap: int) -> None:
        if placement_id in self.holders:
            return
        if not self.has_room_for(household, cap):
            raise LimitReached(self.refusal(household, cap), rule="R-ELIG-3",
                               zh=self.refusal_zh(cap))
        self._reserved(date=date, placement_id=placement_id, household=household)

    @event("Reserved", topic="postledger:edge_quota:reserved")
    def _reserved(self, date: date, placement_id: UUID, household: str | None = None) -> None:
        self.holders.append(placement_id)
        if household is not None:
            self.household_of[placement_id] = household

    def release(self, *, date: date, placement_id: UUID) -> None:
        if placement_id in self.holders:
            self._released(date=date, placement_id=placement_id)

    @event("Released", topic="postledger:edge_quota:released")
    def _released(self, date: date, placement_id: UUID) -> None:
        self.holders.remove(placement_id)
        self.household_of.pop(placement_id, None)
