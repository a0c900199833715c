"""A step order declared as data: a ``transitions`` machine used as a table to consult.

No model is attached (``model=None``): the state lives only in the aggregate, rebuilt from its
events; the table answers which steps may happen in a state and which state follows.
"""

from __future__ import annotations

from enum import Enum
from typing import Any, Generic, TypeVar

from transitions import Machine

E = TypeVar("E", bound=Enum)


class StepTable(Generic[E]):
    def __init__(self, states: type[E], transitions: list[dict[str, Any]], initial: E) -> None:
        self._states = states
        self._machine = Machine(
            model=None,
            states=states,
            transitions=transitions,
            initial=initial,
            auto_transitions=False,
        )

    def triggers(self, state: E) -> list[str]:
        return list(self._machine.get_triggers(state))

    def next_state(self, state: E, trigger: str) -> E | None:
        """The state after ``trigger`` from ``state``, or None when the step may not happen."""
        found = self._machine.get_transitions(trigger=trigger, source=state)
        if not found:
            return None
        return self._states[str(found[0].dest)]
