"""Events stored before issue 11 still replay: a county policy that stored only its overrides
(over the former defaults), and a claim priced by the former absorption tiers."""

from __future__ import annotations

import hashlib
import json
from datetime import date
from typing import Any
from uuid import uuid4

import pytest

from postledger.domain import policy as policy_module
from postledger.domain import presets as presets_module
from postledger.domain.actor import Actor, acting_as
from postledger.domain.errors import LimitReached
from postledger.domain.policy import Policy, terms_as_of
from postledger.domain.policy_baseline import BASELINE_2026_12
from postledger.domain.policy_terms import PolicyTerms
from postledger.domain.presets import DEFAULT_TERMS
from postledger.domain.subsidies.limits import ClaimLimit, HeadcountLimit, read_limit
from postledger.workflows.application import PostLedger

BASELINE_DIGEST = "de91e7a98ce3200bdc7888a8380fe76af115a7498da0c1b66b1476417e69066b"

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
    # Parameters stored then are kept; those added since take the frozen baseline's.
    assert (terms.age_max, terms.publicity_days, terms.monthly_subsidy_fen) == (60, 7, 40_000)
    assert terms.review_grace_days == BASELINE_2026_12["review_grace_days"]
    # An override that still fits merges over the default table …
    transport = terms.subsidies.table("transport")
    assert transport is not None and transport.model_dump()["caps_fen"]["other_province"] == 60_000
    # … one in a former shape is read as the default's table for its type.
    assert terms.subsidies.table("absorption") == DEFAULT_TERMS.subsidies.table("absorption")
    ledger.close()


def test_a_change_of_todays_default_does_not_rewrite_a_stored_version(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Replay never asks today's tables what a past event meant: a stored version that lacks a
    parameter reads it from the frozen baseline, whatever the default says now."""
    stored = {k: v for k, v in FORMER_TERMS.items() if k != "subsidies"}
    before = policy_module.stored_terms(stored)
    changed = DEFAULT_TERMS.model_copy(update={"review_grace_days": 90, "minimum_wage_fen": 1})
    monkeypatch.setattr(policy_module, "DEFAULT_TERMS", changed)
    monkeypatch.setattr(presets_module, "DEFAULT_TERMS", changed)
    policy_module._read_stored.cache_clear()
    after = policy_module.stored_terms(stored)
    assert after == before
    assert (after.review_grace_days, after.minimum_wage_fen) == (30, 0)


def test_the_baseline_is_frozen() -> None:
    """Editing the baseline would rewrite every stored version read over it: add a new one."""
    digest = hashlib.sha256(json.dumps(BASELINE_2026_12, sort_keys=True).encode()).hexdigest()
    assert digest == BASELINE_DIGEST
    assert PolicyTerms.model_validate(BASELINE_2026_12).as_dict() == BASELINE_2026_12


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
