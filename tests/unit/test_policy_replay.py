"""Events stored before issue 11 still replay: a county policy that stored only its overrides
(over the former defaults), and a claim priced by the former absorption tiers."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import uuid4

import pytest

from postledger.domain.actor import Actor, acting_as
from postledger.domain.errors import LimitReached
from postledger.domain.policy import Policy, terms_as_of
from postledger.domain.presets import DEFAULT_TERMS
from postledger.domain.subsidies.limits import ClaimLimit, HeadcountLimit, read_limit
from postledger.workflows.application import PostLedger

# What PUT /policies stored before the policy was typed: every parameter then known and the
# subsidy overrides only, in the former table shapes.
FORMER_TERMS: dict[str, Any] = {
    "age_min": 16, "age_max": 60, "publicity_days": 7, "notice_days": 7, "term_years": 3,
    "extension_years_max": 5, "monthly_subsidy_fen": 40_000, "edge_cap_per_township": 5,
    "backdating_days": 60, "near_retirement_past_age_max": False,
    "subsidies": {
        "transport": {"caps_fen": {"other_province": 60_000}},
        "absorption": {"tiers": [{"min_workers": 1, "max_workers": None,
                                  "per_worker_fen": 50_000}]},
    },
}


def test_a_policy_stored_before_typing_replays_and_reads(tmp_path: Any) -> None:
    ledger = PostLedger(env={"PERSISTENCE_MODULE": "eventsourcing.sqlite",
                             "SQLITE_DBNAME": str(tmp_path / "old.db")})
    with acting_as(Actor("admin", "", "root")):
        policy = Policy(county="520524")
        policy._terms_set(effective_from=date(2023, 1, 1), terms=FORMER_TERMS)
        ledger.save(policy)
    replayed = ledger.repository.get(policy.id)
    assert isinstance(replayed, Policy)
    terms = terms_as_of(replayed, date(2024, 1, 1))
    # Parameters stored then are kept; those added since take today's defaults.
    assert (terms.age_max, terms.publicity_days, terms.monthly_subsidy_fen) == (60, 7, 40_000)
    assert terms.review_grace_days == DEFAULT_TERMS.review_grace_days
    # An override that still fits merges over the default table …
    transport = terms.subsidies.table("transport")
    assert transport is not None and transport.model_dump()["caps_fen"]["other_province"] == 60_000
    # … one in a former shape is read as the default's table for its type.
    assert terms.subsidies.table("absorption") == DEFAULT_TERMS.subsidies.table("absorption")
    ledger.close()


def test_a_claim_priced_by_the_former_tiers_is_refused_at_approval_not_mispriced() -> None:
    stored = {"key": "absorption-employer/530326/X/2023", "kind": "headcount",
              "what": "workers taken on by X in 2023", "fact": "facts.workers",
              "workers": [{"resident_id": "11010519491231002X", "relocated": False}],
              "tiers": [{"min_workers": 1, "max_workers": 10, "per_worker_fen": 200_000}],
              "tier": 0}
    limit = read_limit(stored)
    assert isinstance(limit, HeadcountLimit) and limit.pricing is None
    with acting_as(Actor("county", "530326", "zhang")), pytest.raises(LimitReached) as refused:
        ClaimLimit(key=limit.key).check(limit=limit, claim_id=uuid4(), amount_fen=200_000,
                                        on=date(2024, 6, 1), rule="R-SUB-ABSORB")
    assert "former tier table" in refused.value.detail
