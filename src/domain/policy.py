"""County policy, versioned by the day each version takes effect.

A later policy applies only from its ``effective_from``: a command is always judged by the
terms in force on its own effective date. A new version is composed (``compose``) from a preset
(or the policy in force, or ``default``) with the fields given beside it, and checked whole
(src/domain/policy_terms.py) before it is recorded; the event stores the complete terms.

Versions recorded before the policy was typed stored only what the county overrode, over the
former defaults. They are read tolerantly (``stored_terms``): merged over a frozen baseline
(src/domain/policy_baseline.py, never today's default, so a change of the default cannot
rewrite a past version), and a table that no longer fits its type's schema is read as the
baseline's table for that type.
"""

from __future__ import annotations

import copy
import json
from datetime import date
from functools import lru_cache
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import event
from pydantic import ValidationError

from postledger.domain.base import LedgerAggregate
from postledger.domain.errors import InvalidInput
from postledger.domain.policy_baseline import BASELINE_2026_12
from postledger.domain.policy_terms import PolicyTerms, parameter_rule
from postledger.domain.presets import DEFAULT_TERMS, PRESETS
from postledger.domain.subsidies.base import field_path
from postledger.domain.subsidies.registry import CLAIM_TYPES


def merged(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    """``override`` over ``base``: objects merge key by key, other values replace."""
    result = copy.deepcopy(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(result.get(key), dict):
            result[key] = merged(result[key], value)
        else:
            result[key] = copy.deepcopy(value)
    return result


def compose(base: PolicyTerms, given: dict[str, Any], preset: str | None = None) -> PolicyTerms:
    """The policy ``given`` states over ``preset`` (or ``base``), checked whole: a malformed or
    incomplete table is a 422 naming the claim type's rule and the field."""
    if preset is not None and preset not in PRESETS:
        raise InvalidInput(f"preset: must be one of {', '.join(PRESETS)}, got {preset!r}",
                           fact="preset")
    start = PRESETS[preset] if preset is not None else base
    try:
        return PolicyTerms.model_validate(merged(start.as_dict(), given))
    except ValidationError as exc:
        first = exc.errors()[0]
        loc = tuple(first["loc"])
        fact = field_path("", loc).lstrip(".")
        if loc and loc[0] == "subsidies":
            kind = CLAIM_TYPES.get(str(loc[1])) if len(loc) > 1 else None
            rule = kind.rule if kind is not None else None
        else:
            rule = parameter_rule(str(loc[0])) if loc else None
        message = str(first["msg"]).removeprefix("Value error, ")
        raise InvalidInput(f"{fact}: {message}", rule=rule, fact=fact) from None


def stored_terms(stored: dict[str, Any]) -> PolicyTerms:
    """Terms as a ``TermsSet`` event stored them, complete or (before typing) partial; read
    once per distinct version (the terms are immutable)."""
    return _read_stored(json.dumps(stored, sort_keys=True, default=str))


@lru_cache(maxsize=256)
def _read_stored(stored_json: str) -> PolicyTerms:
    default = copy.deepcopy(BASELINE_2026_12)
    data = merged(default, json.loads(stored_json))
    for _ in range(len(data) + len(CLAIM_TYPES)):
        try:
            return PolicyTerms.model_validate(data)
        except ValidationError as exc:
            loc = tuple(exc.errors()[0]["loc"])
            if loc[0] == "subsidies" and len(loc) > 1 and loc[1] in default["subsidies"]:
                data["subsidies"][loc[1]] = default["subsidies"][loc[1]]
            elif loc[0] == "subsidies" and len(loc) > 1:
                del data["subsidies"][loc[1]]
            elif loc[0] in default:
                data[str(loc[0])] = default[str(loc[0])]
            else:
                del data[str(loc[0])]
    return PolicyTerms.model_validate(default)


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
    """The terms in force on ``day``; the default policy before the county's first one."""
    if policy is None:
        return DEFAULT_TERMS
    in_force = [terms for start, terms in policy.versions if start <= day]
    if not in_force:
        return DEFAULT_TERMS
    return stored_terms(in_force[-1])
