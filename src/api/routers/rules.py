"""``GET /rules``: the rule catalogue (src/domain/rules.py), and the enumerations with their
labels (src/domain/labels.py)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel

from postledger.api.deps import SIGNED_IN_ONLY
from postledger.api.problems import PROBLEM_RESPONSES
from postledger.domain.labels import LABELS, labelled
from postledger.domain.rules import RULES

router = APIRouter(tags=["rules"], responses=PROBLEM_RESPONSES, dependencies=[SIGNED_IN_ONLY])


class RulePublic(BaseModel):
    id: str
    zh: str
    en: str
    parameters: list[str]


@router.get("/rules")
def list_rules() -> list[RulePublic]:
    """Every rule once: its statement in Chinese and English and the parameters it reads."""
    return [RulePublic(id=r.id, zh=r.zh, en=r.en, parameters=list(r.parameters)) for r in RULES]


@router.get("/labels")
def list_labels() -> dict[str, list[dict[str, Any]]]:
    """Each enumeration's codes with their Chinese and English labels; requests may give the
    Chinese label for the code."""
    return {kind: [labelled(kind, code) for code in codes] for kind, codes in LABELS.items()}
