"""The checks of single placement steps that read the placement's own record: publicity,
objections, payment and clawback, the automatic end (RULES.md §4). Each raises the error that
names its rule; none records anything. Rules about the person and the post are in
src/domain/placement_rules.py; the order of steps is src/domain/placement_flow.py."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from postledger.domain.errors import InvalidInput, StepNotAllowed
from postledger.domain.placement_flow import PlacementState, next_state
from postledger.domain.placement_rules import AUTOMATIC_EXIT_REASONS
from postledger.domain.policy_terms import PlacementTerms


def publicity_end(*, on: date, ends_on: date | None, terms: PlacementTerms,
                  state: PlacementState) -> date:
    """R-PUB-1: at least ``publicity_days``; R-FLOW-4: after the selection the county requires."""
    if terms.selection_required and state is PlacementState.TOWNSHIP_APPROVED:
        raise StepNotAllowed(
            "the county requires a selection (考试环节) before the publicity",
            rule="R-FLOW-4", state=state.value,
        )
    earliest_end = on + timedelta(days=terms.publicity_days)
    ends = ends_on or earliest_end
    if ends < earliest_end:
        raise InvalidInput(
            f"publicity must last at least {terms.publicity_days} days: "
            f"from {on} it ends on {earliest_end} at the earliest, not {ends}",
            rule="R-PUB-1",
        )
    return ends


def check_objection(*, on: date, publicity_ends_on: date, raised_by: str, text: str) -> None:
    """R-PUB-2: raised during the publicity, naming who and what."""
    if on > publicity_ends_on:
        raise InvalidInput(
            f"publicity ended on {publicity_ends_on}; objections are raised during it",
            rule="R-PUB-2",
        )
    if not raised_by.strip() or not text.strip():
        raise InvalidInput("an objection names who raised it and what it says", rule="R-PUB-2")


def check_open_objection(objections: dict[str, dict[str, Any]], objection_id: str, *,
                         state: str) -> None:
    """R-PUB-2: only an objection of this placement, and only once, is resolved."""
    if objection_id not in objections:
        raise InvalidInput(f"no objection {objection_id} on this placement", rule="R-PUB-2")
    if objections[objection_id]["resolution"] is not None:
        raise StepNotAllowed(f"objection {objection_id} is already resolved", rule="R-PUB-2",
                             state=state)


def check_unpaid_with_attendance(month: str, attendance: dict[str, Any],
                                 payments: dict[str, dict[str, Any]], *, state: str) -> None:
    """R-PAY-2: a month is paid once, and only against its signed attendance."""
    if month not in attendance:
        raise StepNotAllowed(f"no signed attendance for {month}: a month is paid only against it",
                             rule="R-PAY-2", state=state)
    if month in payments:
        raise StepNotAllowed(f"{month} was already paid on {payments[month]['date']}",
                             rule="R-PAY-2", state=state)


def check_clawback(*, month: str, amount_fen: int, reason: str, paid: dict[str, Any] | None,
                   recovered_fen: int, state: str) -> None:
    """R-PAY-3: recover at most what was paid for the month and not yet recovered, with a
    reason."""
    if paid is None:
        raise StepNotAllowed(f"{month} was not paid: there is nothing to recover",
                             rule="R-PAY-3", state=state)
    if not reason.strip():
        raise InvalidInput("a clawback states its reason", rule="R-PAY-3")
    outstanding = int(paid["amount_fen"]) - recovered_fen
    if not 1 <= amount_fen <= outstanding:
        raise InvalidInput(
            f"a clawback of {month} is 1 to {outstanding} fen (paid {paid['amount_fen']}, "
            f"recovered {recovered_fen}), got {amount_fen}",
            rule="R-PAY-3",
        )


def check_automatic_end(state: PlacementState, reason: str) -> None:
    """R-EXIT-1: only an active placement ends by itself, at term expiry or the age limit."""
    if next_state(state, "end_automatically") is None:
        raise StepNotAllowed(
            f"only an active placement ends by itself; this one is {state.value}",
            rule="R-EXIT-1", state=state.value,
        )
    if reason not in AUTOMATIC_EXIT_REASONS:
        raise InvalidInput(f"automatic exit reason {reason!r} unknown", rule="R-EXIT-1")
