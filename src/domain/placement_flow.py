"""The order of a placement's steps (RULES.md §4), declared once, as data.

A command asks this table whether a step may happen in the placement's current state; the
state itself lives only in the aggregate, and each event sets the state it records, so replay
never consults today's table to decide what a past event meant. No ``Machine`` is attached to
the aggregate: it is a table to consult.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Any

from postledger.domain.errors import InvalidInput, StepNotAllowed
from postledger.domain.labels import LABELS, label_of
from postledger.domain.step_table import StepTable


class PlacementState(StrEnum):
    APPLIED = "applied"
    VILLAGE_APPROVED = "village_approved"
    TOWNSHIP_APPROVED = "township_approved"
    SELECTED = "selected"
    IN_PUBLICITY = "in_publicity"
    OBJECTION_PENDING = "objection_pending"
    APPROVED = "approved"
    TRAINED = "trained"
    ACTIVE = "active"
    EXITED = "exited"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"


S = PlacementState

TERMINAL_STATES: frozenset[PlacementState] = frozenset({S.EXITED, S.REJECTED, S.WITHDRAWN})
# Steps on the money of an ended placement (R-PAY-3), not steps of its life (R-FLOW-1).
AFTER_END_STEPS = frozenset({"claw_back"})
BEFORE_ONBOARDING: list[PlacementState] = [
    S.APPLIED,
    S.VILLAGE_APPROVED,
    S.TOWNSHIP_APPROVED,
    S.SELECTED,
    S.IN_PUBLICITY,
    S.OBJECTION_PENDING,
    S.APPROVED,
    S.TRAINED,
]

TRANSITIONS: list[dict[str, Any]] = [
    # R-FLOW-1/2: village, then township review; either may reject.
    {"trigger": "village_approve", "source": S.APPLIED, "dest": S.VILLAGE_APPROVED},
    {"trigger": "village_reject", "source": S.APPLIED, "dest": S.REJECTED},
    {"trigger": "township_approve", "source": S.VILLAGE_APPROVED, "dest": S.TOWNSHIP_APPROVED},
    {"trigger": "township_reject", "source": S.VILLAGE_APPROVED, "dest": S.REJECTED},
    # R-FLOW-4: an optional selection; a county may require it before publicity.
    {"trigger": "select_pass", "source": S.TOWNSHIP_APPROVED, "dest": S.SELECTED},
    {"trigger": "select_fail", "source": S.TOWNSHIP_APPROVED, "dest": S.REJECTED},
    # R-PUB-1/2: publicity, objections suspend it until resolved.
    {"trigger": "start_publicity", "source": [S.TOWNSHIP_APPROVED, S.SELECTED],
     "dest": S.IN_PUBLICITY},
    {
        "trigger": "raise_objection",
        "source": [S.IN_PUBLICITY, S.OBJECTION_PENDING],
        "dest": S.OBJECTION_PENDING,
    },
    {"trigger": "uphold_objection", "source": S.OBJECTION_PENDING, "dest": S.REJECTED},
    {"trigger": "dismiss_last_objection", "source": S.OBJECTION_PENDING, "dest": S.IN_PUBLICITY},
    {"trigger": "dismiss_objection", "source": S.OBJECTION_PENDING, "dest": S.OBJECTION_PENDING},
    {"trigger": "approve", "source": S.IN_PUBLICITY, "dest": S.APPROVED},
    {"trigger": "train", "source": S.APPROVED, "dest": S.TRAINED},
    {"trigger": "onboard", "source": S.TRAINED, "dest": S.ACTIVE},
    # R-ATT, R-PAY, R-REV, R-EXIT: the active life of the placement.
    {"trigger": "record_attendance", "source": S.ACTIVE, "dest": S.ACTIVE},
    {"trigger": "pay", "source": S.ACTIVE, "dest": S.ACTIVE},
    {"trigger": "warn", "source": S.ACTIVE, "dest": S.ACTIVE},
    {"trigger": "pass_review", "source": S.ACTIVE, "dest": S.ACTIVE},
    {"trigger": "fail_review", "source": S.ACTIVE, "dest": S.EXITED},
    {"trigger": "extend", "source": S.ACTIVE, "dest": S.ACTIVE},
    {"trigger": "exit", "source": S.ACTIVE, "dest": S.EXITED},
    {"trigger": "end_automatically", "source": S.ACTIVE, "dest": S.EXITED},
    # R-PAY-3: pay obtained by fraud is recovered, during the placement or after its exit.
    {"trigger": "claw_back", "source": [S.ACTIVE, S.EXITED], "dest": "="},
    # R-FLOW-3: the applicant may withdraw before onboarding.
    {"trigger": "withdraw", "source": BEFORE_ONBOARDING, "dest": S.WITHDRAWN},
]

# The rule a refusal names when a step is asked for in a state that does not allow it;
# R-FLOW-1 where nothing more specific applies.
REFUSAL_RULES: dict[tuple[PlacementState | None, str], str] = {
    (S.OBJECTION_PENDING, "approve"): "R-PUB-2",
    (None, "pay"): "R-PAY-2",
    (None, "withdraw"): "R-FLOW-3",
    (None, "claw_back"): "R-PAY-3",
    (None, "select_pass"): "R-FLOW-4",
    (None, "select_fail"): "R-FLOW-4",
}

# How each trigger is called in API.md (and in Chinese: src/domain/labels.py), for refusals a
# person reads.
STEP_NAMES: dict[str, str] = {code: en for code, (_, en, _) in LABELS["placement_step"].items()}

_TABLE = StepTable(PlacementState, TRANSITIONS, initial=S.APPLIED)


def allowed_steps(state: PlacementState) -> list[str]:
    return _TABLE.triggers(state)


def next_state(state: PlacementState, trigger: str) -> PlacementState | None:
    """The state after ``trigger`` from ``state``, or None when the step may not happen."""
    return _TABLE.next_state(state, trigger)


def refusal_rule(state: PlacementState, trigger: str) -> str:
    if state in TERMINAL_STATES and trigger not in AFTER_END_STEPS:
        return "R-FLOW-1"
    return REFUSAL_RULES.get((state, trigger)) or REFUSAL_RULES.get((None, trigger)) or "R-FLOW-1"


def require_step(state: PlacementState, trigger: str, day: date, last_date: date) -> PlacementState:
    """R-FLOW-1: the step must be allowed in this state and not dated before the last one;
    returns the state it leads to."""
    dest = next_state(state, trigger)
    if dest is None:
        possible = ", ".join(sorted({STEP_NAMES[t] for t in allowed_steps(state)}))
        possible_zh = "、".join(sorted({_step_zh(t) for t in allowed_steps(state)}))
        raise StepNotAllowed(
            f"step {STEP_NAMES[trigger]} is not allowed while the placement is "
            f"{state.value}; possible now: {possible or 'none (ended)'}",
            rule=refusal_rule(state, trigger),
            state=state.value,
            zh=f"岗位安置当前为“{label_of('state', state.value)}”，不能进行“{_step_zh(trigger)}”；"
               f"现在可以进行：{possible_zh or '无（已结束）'}",
        )
    if day < last_date:
        raise InvalidInput(
            f"date {day} is before the previous step of this placement ({last_date}); "
            "steps are recorded in order",
            rule="R-FLOW-1",
            zh=f"日期 {day} 早于本安置上一步骤的日期（{last_date}）；各步骤须按顺序记录",
        )
    return dest


def _step_zh(trigger: str) -> str:
    return label_of("placement_step", trigger) or trigger


def resolution_trigger(upheld: bool, others_open: bool) -> str:
    """R-PUB-2: an upheld objection rejects; the last one dismissed resumes the publicity."""
    if upheld:
        return "uphold_objection"
    return "dismiss_objection" if others_open else "dismiss_last_objection"
