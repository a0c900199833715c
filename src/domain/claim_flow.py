"""The order of a subsidy claim's steps (RULES.md §6, R-FLOW-1), declared once, as data.

submitted → approved | rejected (review) | withdrawn (before review);
approved → paid; paid → partly_clawed_back | clawed_back; partly_clawed_back → … → clawed_back.

Like ``placement_flow``, the machine is a table to consult (``model=None``): the state lives
only in the ``SubsidyClaim`` aggregate, rebuilt from its events.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from postledger.domain.labels import LABELS
from postledger.domain.step_table import StepTable


class ClaimState(StrEnum):
    SUBMITTED = "submitted"
    APPROVED = "approved"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"
    PAID = "paid"
    PARTLY_CLAWED_BACK = "partly_clawed_back"
    CLAWED_BACK = "clawed_back"


S = ClaimState

TERMINAL_STATES: frozenset[ClaimState] = frozenset({S.REJECTED, S.WITHDRAWN, S.CLAWED_BACK})

TRANSITIONS: list[dict[str, Any]] = [
    {"trigger": "approve", "source": S.SUBMITTED, "dest": S.APPROVED},
    {"trigger": "reject", "source": S.SUBMITTED, "dest": S.REJECTED},
    {"trigger": "withdraw", "source": S.SUBMITTED, "dest": S.WITHDRAWN},
    # Payment only after approval.
    {"trigger": "pay", "source": S.APPROVED, "dest": S.PAID},
    # Clawback, partly (more may follow) or of all that is still unrecovered.
    {"trigger": "claw_back_part", "source": [S.PAID, S.PARTLY_CLAWED_BACK],
     "dest": S.PARTLY_CLAWED_BACK},
    {"trigger": "claw_back_rest", "source": [S.PAID, S.PARTLY_CLAWED_BACK],
     "dest": S.CLAWED_BACK},
]

_TABLE = StepTable(ClaimState, TRANSITIONS, initial=S.SUBMITTED)

# The API's names for the triggers, for ``allowed_steps`` in responses (src/domain/labels.py).
STEP_NAMES: dict[str, str] = {code: en for code, (_, en, _) in LABELS["claim_step"].items()}


def next_state(state: ClaimState, trigger: str) -> ClaimState | None:
    """The state after ``trigger`` from ``state``, or None when the step may not happen."""
    return _TABLE.next_state(state, trigger)


def allowed_steps(state: ClaimState) -> list[str]:
    """The API steps (``review``, ``payment``…) that may be taken now, without repeats."""
    steps: list[str] = []
    for trigger in _TABLE.triggers(state):
        name = STEP_NAMES.get(trigger, trigger)
        if name not in steps:
            steps.append(name)
    return steps
