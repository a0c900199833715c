"""The terms a stored policy version is read over when it lacks a parameter: the default
policy as it stood when the policy became typed (December 2026), frozen here.

A version recorded before then stored only what the county overrode; a parameter added later is
missing from versions recorded before it. Reading either over today's default would let a
change of the default rewrite what a past version meant, so they are read over this baseline,
which is never edited (tests/unit/test_policy_replay.py holds its digest). A parameter added
later gets its entry in a new baseline with the value that keeps the former behaviour.
"""

from __future__ import annotations

from typing import Any

BASELINE_2026_12: dict[str, Any] = {
    "age_max": 65,
    "age_min": 16,
    "backdating_days": 60,
    "edge_cap_per_township": 5,
    "eligible_categories": ["lifted", "not_lifted", "edge"],
    "extension_years_max": 5,
    "minimum_wage_fen": 0,
    "monthly_subsidy_fen": 50000,
    "near_retirement_past_age_max": False,
    "notice_days": 7,
    "pay_pro_rata": False,
    "publicity_days": 5,
    "retirement_age_female": 50,
    "retirement_age_female_cadre": 55,
    "retirement_age_male": 60,
    "review_grace_days": 30,
    "selection_required": False,
    "subsidies": {
        "absorption": {
            "contract_months_min": 0,
            "eligible_categories": ["lifted", "not_lifted"],
            "intake_identified": True,
            "max_workers": 10,
            "months_stable_min": 12,
            "per_worker_fen": 200000,
            "relocated_min_workers": 10,
            "relocated_per_worker_fen": 300000
        },
        "certificate": None,
        "job_training": {
            "amounts_fen": {
                "skill_level": 60000,
                "special_ability": 60000,
                "training_pass": 40000,
                "vocational_qualification": 80000
            },
            "contract_months_min": 12,
            "eligible_categories": ["lifted", "not_lifted"],
            "trained_within_months": 12
        },
        "labour_export": {
            "amounts_fen": {
                "in_county": 10000,
                "other_county": 20000,
                "other_province": 30000
            },
            "contract_months_min": 0,
            "eligible_categories": ["lifted", "not_lifted"],
            "flat_fen": None,
            "follow_up_months_min": 0,
            "mode": "by_destination",
            "months_stable_min": 3,
            "organiser_kinds": ["agency", "village_committee", "broker"]
        },
        "social_insurance": {
            "eligible_categories": ["lifted", "not_lifted"],
            "graduate_max_months": None,
            "max_months": 36,
            "near_retirement_years": None,
            "share_denominator": 1,
            "share_numerator": 1,
            "small_firm_graduate": None
        },
        "startup": {
            "amount_fen": 300000,
            "eligible_categories": ["lifted", "not_lifted"],
            "running_months_min": 12
        },
        "training_days": None,
        "transport": {
            "caps_fen": {
                "in_county": 10000,
                "other_county": 30000,
                "other_province": 50000
            },
            "claims_per_year": 1,
            "eligible_categories": ["lifted", "not_lifted"],
            "months_stable_min": 3
        },
        "workshop": {
            "cap_fen": 5000000,
            "contract_months_min": 6,
            "eligible_categories": ["lifted", "not_lifted"],
            "laborer_ids_required": False,
            "min_laborers": 5,
            "per_laborer_fen": 100000
        }
    },
    "term_years": 3
}
