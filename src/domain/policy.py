"""County policy parameters, versioned by the day they take effect.

A later policy applies only from its ``effective_from``: a command is always judged by the
terms in force on its own effective date. Defaults are those of RULES.md.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from datetime import date
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import event

from postledger.domain.base import LedgerAggregate
from postledger.domain.errors import InvalidInput


@dataclass(frozen=True)
class PolicyTerms:
    age_min: int = 16  # R-ELIG-1
    age_max: int = 65  # R-ELIG-1, R-EXIT-1
    publicity_days: int = 5  # R-PUB-1
    notice_days: int = 7  # R-POST-3
    term_years: int = 3  # R-EXIT-1
    extension_years_max: int = 5  # R-EXIT-2
    monthly_subsidy_fen: int = 50_000  # R-PAY-1
    edge_cap_per_township: int = 5  # R-ELIG-3
    backdating_days: int = 60  # R-FRAUD-9
    # R-EXIT-2 with R-EXIT-1: may a near-retirement extension run past age_max? (assumed: no)
    near_retirement_past_age_max: bool = False
    subsidies: dict[str, Any] = field(default_factory=dict)  # RULES.md §6, by claim type

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> PolicyTerms:
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise InvalidInput(f"unknown policy parameters: {', '.join(unknown)}")
        terms = cls(**data)
        terms.validate()
        return terms

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    def validate(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            if f.name == "subsidies":
                if not isinstance(value, dict):
                    raise InvalidInput("subsidies must be an object keyed by claim type")
                continue
            if f.name == "near_retirement_past_age_max":
                if not isinstance(value, bool):
                    raise InvalidInput(f"{f.name} must be true or false", rule="R-EXIT-2")
                continue
            if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                raise InvalidInput(f"{f.name} must be a whole number ≥ 0, got {value!r}")
        if not 0 < self.age_min < self.age_max:
            raise InvalidInput("age_min must be below age_max", rule="R-ELIG-1")
        if self.publicity_days < 1:
            raise InvalidInput("publicity_days must be at least 1", rule="R-PUB-1")
        if self.term_years < 1:
            raise InvalidInput("term_years must be at least 1", rule="R-EXIT-1")


DEFAULT_TERMS = PolicyTerms()


def policy_id(county: str) -> UUID:
    return uuid5(NAMESPACE_URL, f"postledger:policy:{county}")


class Policy(LedgerAggregate):
    """The policy history of one county: each version applies from its effective date."""

    TOPIC = "postledger:policy"

    @staticmethod
    def create_id(county: str) -> UUID:
        return policy_id(county)

    @event("Created", topic="postledger:policy:created")
    def __init__(self, county: str) -> None:
        self.county = county
        self.versions: list[tuple[date, dict[str, Any]]] = []

    def set_terms(self, effective_from: date, terms: PolicyTerms) -> None:
        terms.validate()
        self._terms_set(effective_from=effective_from, terms=terms.as_dict())

    @event("TermsSet", topic="postledger:policy:terms_set")
    def _terms_set(self, effective_from: date, terms: dict[str, Any]) -> None:
        kept = [v for v in self.versions if v[0] != effective_from]
        self.versions = sorted([*kept, (effective_from, terms)], key=lambda v: v[0])

    def terms_as_of(self, day: date) -> PolicyTerms:
        return terms_as_of(self, day)

    def effective_from_as_of(self, day: date) -> date | None:
        in_force = [v[0] for v in self.versions if v[0] <= day]
        return in_force[-1] if in_force else None


def terms_as_of(policy: Policy | None, day: date) -> PolicyTerms:
    """The terms in force on ``day``; RULES.md defaults before the county's first policy."""
    if policy is None:
        return DEFAULT_TERMS
    in_force = [terms for start, terms in policy.versions if start <= day]
    if not in_force:
        return DEFAULT_TERMS
    return PolicyTerms(**in_force[-1])
