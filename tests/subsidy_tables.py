"""Subsidy tables for claim scenarios, built from the seed counties' presets: ``ALL_TYPES``
pays every claim type (Zhijin's certificate, labour export, absorption and social insurance;
Yunnan's job training and workshop; Huize's transport and start-up; Changli's training days),
so that each type can be exercised in one county."""

from __future__ import annotations

from typing import Any

from postledger.domain.policy import merged
from postledger.domain.presets import PRESETS

_TABLES = {name: terms.as_dict()["subsidies"] for name, terms in PRESETS.items()}

ALL_TYPES: dict[str, Any] = {
    "transport": _TABLES["huize"]["transport"],
    "certificate": _TABLES["zhijin"]["certificate"],
    "job_training": _TABLES["yunnan"]["job_training"],
    "labour_export": merged(_TABLES["zhijin"]["labour_export"],
                            {"organiser_kinds": ["agency", "village_committee", "broker"]}),
    "absorption": _TABLES["zhijin"]["absorption"],
    "social_insurance": _TABLES["zhijin"]["social_insurance"],
    "workshop": _TABLES["yunnan"]["workshop"],
    "training_days": _TABLES["changli"]["training_days"],
    "startup": _TABLES["huize"]["startup"],
}
HUIZE_SUBSIDIES: dict[str, Any] = {
    "labour_export": _TABLES["huize"]["labour_export"],
    "absorption": _TABLES["huize"]["absorption"],
}
YUNNAN_SUBSIDIES: dict[str, Any] = {
    "labour_export": _TABLES["hekou"]["labour_export"],
    "transport": _TABLES["hekou"]["transport"],
}


__all__ = ["ALL_TYPES", "HUIZE_SUBSIDIES", "YUNNAN_SUBSIDIES", "merged", "table_for"]


def table_for(claim_type: str, overrides: dict[str, Any]) -> dict[str, Any]:
    """The table a claim of ``claim_type`` records under ``ALL_TYPES`` with ``overrides``."""
    table: dict[str, Any] = merged(ALL_TYPES, overrides)[claim_type]
    return table
