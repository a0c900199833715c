"""The one-off subsidy tables of RULES.md §6, as data.

A county's table for a claim type is ``DEFAULT_SUBSIDIES[type]`` with the county's
``PolicyTerms.subsidies[type]`` merged over it (``table_for``): nested objects merge key by key,
anything else (numbers, lists, strings) is replaced whole. Policies are versioned by
``effective_from`` (src/domain/policy.py), so a claim is always computed with the table in
force on its own date, and Zhijin's and Huize's different amounts for one type are two
policies, not two code paths.

The defaults follow Zhijin (``000``) where the documents differ; ``HUIZE_SUBSIDIES`` and
``YUNNAN_SUBSIDIES`` are the documented alternatives (``004``, ``002``), ready to be sent as the
``subsidies`` of ``PUT /policies/{county}``. Money is integer fen (1 yuan = 100 fen).
"""

from __future__ import annotations

import copy
from typing import Any

from postledger.domain.errors import InvalidInput

CLAIM_TYPES: tuple[str, ...] = (
    "transport",
    "certificate",
    "job_training",
    "labour_export",
    "absorption",
    "social_insurance",
    "workshop",
    "training_days",
    "startup",
)

# The rule each claim type enforces; every refusal of a claim of that type names it.
RULE_BY_TYPE: dict[str, str] = {
    "transport": "R-SUB-TRANSPORT",
    "certificate": "R-SUB-CERT",
    "job_training": "R-SUB-JOBTRAIN",
    "labour_export": "R-SUB-EXPORT",
    "absorption": "R-SUB-ABSORB",
    "social_insurance": "R-SUB-SOCIAL",
    "workshop": "R-SUB-WORKSHOP",
    "training_days": "R-SUB-TRAINDAY",
    "startup": "R-SUB-STARTUP",
}

REGISTERED_POOR = ["lifted", "not_lifted", "edge"]  # R-ELIG-3 categories

DEFAULT_SUBSIDIES: dict[str, dict[str, Any]] = {
    # R-SUB-TRANSPORT (002, 004): min(ticket, cap by destination); once per person per year.
    "transport": {
        "caps_fen": {"other_province": 50_000, "other_county": 30_000, "in_county": 10_000},
        "months_stable_min": 3,
        "claims_per_year": 1,
        "eligible_categories": REGISTERED_POOR,
    },
    # R-SUB-CERT (000): self-paid training, certificate obtained and employed (the clause
    # "自费培训后取得相应技能水平证书并实现就业的" governs every kind); a county may narrow
    # ``employed_required_for``. "B2及以上准驾大型货车（客车）驾驶证": B2 and every class above it
    # (B1, A3, A2, A1) is one subsidy, so ``limit_groups`` counts them together: once per
    # person and group (a certificate outside any group is its own group).
    "certificate": {
        "amounts_fen": {
            "excavator": 300_000,
            "driving_a1": 300_000,
            "driving_a2": 300_000,
            "driving_a3": 300_000,
            "driving_b1": 300_000,
            "driving_b2": 300_000,
            "driving_c": 200_000,
            "security_guard": 200_000,
            "beauty": 300_000,
            "chef": 300_000,
            "electrician": 300_000,
            "welder": 300_000,
        },
        "employed_required_for": [
            "excavator", "driving_a1", "driving_a2", "driving_a3", "driving_b1", "driving_b2",
            "driving_c", "security_guard", "beauty", "chef", "electrician", "welder",
        ],
        "limit_groups": {
            "driving_a1": "driving_b2_or_higher",
            "driving_a2": "driving_b2_or_higher",
            "driving_a3": "driving_b2_or_higher",
            "driving_b1": "driving_b2_or_higher",
            "driving_b2": "driving_b2_or_higher",
        },
        "eligible_categories": REGISTERED_POOR,
    },
    # R-SUB-JOBTRAIN (004, Yunnan): by certificate level; ≥ 1-year contract; trained within
    # 12 months of signing. Once per person and level.
    "job_training": {
        "amounts_fen": {
            "vocational_qualification": 80_000,
            "skill_level": 60_000,
            "special_ability": 60_000,
            "training_pass": 40_000,
        },
        "contract_months_min": 12,
        "trained_within_months": 12,
    },
    # R-SUB-EXPORT: Zhijin (000) pays a flat 400 per person after ≥ 6 months stable work and
    # 1 year of follow-up, "一次性": once per worker, whoever organised it.
    "labour_export": {
        "mode": "flat",
        "flat_fen": 40_000,
        "amounts_fen": {"other_province": 30_000, "other_county": 20_000, "in_county": 10_000},
        "months_stable_min": 6,
        "follow_up_months_min": 12,
        "organiser_kinds": ["agency", "village_committee", "broker"],
    },
    # R-SUB-ABSORB: Zhijin (000) 500 per person, ≥ 6 months stable, ≥ 1-year contract.
    # Tiers are tried in order (``choose_tier``); the first whose head-count bounds (and "all
    # relocated", where asked) fit the employer's intake of the worker's year of hire applies:
    # those already approved for that year with this claim's ("当年新吸纳", 004), so splitting
    # one year's intake into several claims never reaches a better tier. Every worker listed
    # must meet the tier's conditions. "一次性": once per worker, whichever employer.
    "absorption": {
        "tiers": [
            {
                "min_workers": 1,
                "max_workers": None,
                "relocated_only": False,
                "months_stable_min": 6,
                "contract_months_min": 12,
                "per_worker_fen": 50_000,
            }
        ],
    },
    # R-SUB-SOCIAL (000, 002): 2/3 of premiums actually paid, each month floored to the fen.
    # All months a person is subsidised lie within ``max_months`` of the first (24 for
    # graduates, 12 when a small firm hires a graduate), except that a person fewer than
    # ``near_retirement_years`` from retirement at the first approval is subsidised up to the
    # month of retirement. Retirement ages are policy data (statutory ages, 2016–2023 texts).
    "social_insurance": {
        "share_numerator": 2,
        "share_denominator": 3,
        "max_months": 36,
        "graduate_max_months": 24,
        "small_firm_graduate_months": 12,
        "near_retirement_years": 5,
        "retirement_age": {"male": 60, "female": 50},
    },
    # R-SUB-WORKSHOP (004, Yunnan): 1000 per poor laborer, ≥ 5 of them, ≥ 6-month contracts,
    # wage ≥ minimum; at most 50 000 per workshop across all its claims. ``poor_laborers`` is a
    # count (API.md) or the laborers' resident ids; named laborers are each subsidised once,
    # whichever workshop claims them. A county that sets ``laborer_ids_required`` accepts
    # named laborers only.
    "workshop": {
        "per_laborer_fen": 100_000,
        "min_laborers": 5,
        "contract_months_min": 6,
        "cap_fen": 5_000_000,
        "laborer_ids_required": False,
    },
    # R-SUB-TRAINDAY (001): min(daily cost, 100) per day, outside the home township, passed.
    # Once per person and course (``course`` fact; the claim's year when not given), and, when
    # the claim names its first day (``trained_from``), no day paid twice. A county that sets
    # ``period_required`` accepts claims with a stated period only.
    "training_days": {
        "daily_cap_fen": 10_000,
        "period_required": False,
    },
    # R-SUB-STARTUP (004, Huize): 3000 once, registered and running ≥ 12 months.
    "startup": {
        "amount_fen": 300_000,
        "running_months_min": 12,
    },
}

# Huize County (004): labour export by destination after 3 months; absorption 2000/person for
# up to 10 people stable ≥ 1 year, 3000/person for 10 or more relocated people stable ≥ 1 year,
# counted by the employer's intake of a year ("当年新吸纳"): the employer is identified by its
# credit code and each worker's hire by ``hired_on`` (``intake_identified``).
HUIZE_SUBSIDIES: dict[str, dict[str, Any]] = {
    "labour_export": {"mode": "by_destination", "months_stable_min": 3, "follow_up_months_min": 0},
    "absorption": {
        "intake_identified": True,
        "tiers": [
            {
                "min_workers": 10,
                "max_workers": None,
                "relocated_only": True,
                "months_stable_min": 12,
                "contract_months_min": 0,
                "per_worker_fen": 300_000,
            },
            {
                "min_workers": 1,
                "max_workers": 10,
                "relocated_only": False,
                "months_stable_min": 12,
                "contract_months_min": 0,
                "per_worker_fen": 200_000,
            },
        ]
    },
}

# Yunnan province and Hekou County (002, 004): labour export by destination, 300 to another
# province and 200 to another county of the province (nothing within the county), after 3
# months of stable work on a contract of at least a year; the transport subsidy is for work in
# another province only ("对跨省务工的…每人每年可享受一次交通补助…最高不超过500元"). A destination
# whose amount is ``None`` is not subsidised.
YUNNAN_SUBSIDIES: dict[str, dict[str, Any]] = {
    "labour_export": {"mode": "by_destination", "months_stable_min": 3, "follow_up_months_min": 0,
                      "contract_months_min": 12, "amounts_fen": {"in_county": None}},
    "transport": {"caps_fen": {"other_county": None, "in_county": None}},
}


def merged(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    """``override`` over ``base``: objects merge key by key, other values replace."""
    result = copy.deepcopy(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(result.get(key), dict):
            result[key] = merged(result[key], value)
        else:
            result[key] = copy.deepcopy(value)
    return result


def table_for(claim_type: str, county_subsidies: dict[str, Any]) -> dict[str, Any]:
    """The table a county applies to ``claim_type``: its override merged over the default."""
    override = county_subsidies.get(claim_type) or {}
    if not isinstance(override, dict):
        raise InvalidInput(
            f"the county policy's subsidies.{claim_type} must be an object",
            rule=RULE_BY_TYPE[claim_type],
        )
    return merged(DEFAULT_SUBSIDIES[claim_type], override)


def choose_tier(
    workers: list[dict[str, Any]], tiers: list[dict[str, Any]]
) -> tuple[int, dict[str, Any]] | None:
    """R-SUB-ABSORB: the first tier (its index and itself) whose head-count bounds fit
    ``workers`` and, where it asks for relocated people only, finds every one relocated."""
    n = len(workers)
    for index, tier in enumerate(tiers):
        top = tier.get("max_workers")
        if n < int(tier.get("min_workers") or 1) or (top is not None and n > int(top)):
            continue
        if tier.get("relocated_only") and not all(w["relocated"] for w in workers):
            continue
        return index, tier
    return None
