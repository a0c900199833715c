"""History imported from a county's own monthly ledger file (实名台账), recorded as reported.

A placement kept on paper before this service has no steps to replay through the placement's
state machine, and its rows may break every rule: they are evidence, not commands. So each such
placement is an aggregate of its own — one per person, post and onboarding date of a township —
whose events say what the file reported, row by row, with the file, sheet and row they came
from. Nothing is refused or corrected here; the findings (R-FRAUD-*) read them like any history.
"""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import event

from postledger.domain.base import LedgerAggregate
from postledger.domain.post import jurisdiction_path

Day = date  # for annotations inside methods whose parameter is called ``date``


def legacy_placement_id(path: str, resident_id: str, post: str, onboarded_on: date | None) -> UUID:
    on = onboarded_on.isoformat() if onboarded_on else ""
    return uuid5(NAMESPACE_URL, f"postledger:legacy-placement:{path}:{resident_id}:{post}:{on}")


class LegacyPlacement(LedgerAggregate):
    TOPIC = "postledger:legacy_placement"

    class Created(LedgerAggregate.Created):
        """Never triggered (history begins with ``Imported``); explicit topics need it."""

        TOPIC = "postledger:legacy_placement:created"

    @staticmethod
    def create_id(county: str, township: str, village: str | None, resident_id: str, post: str,
                  date: Day | None) -> UUID:
        path = jurisdiction_path(county, township, village)
        return legacy_placement_id(path, resident_id, post, date)

    @event("Imported", topic="postledger:legacy_placement:imported")
    def __init__(
        self,
        county: str,
        township: str,
        village: str | None,
        name: str,
        resident_id: str,
        phone: str,
        post: str,
        kind: str,
        date: date | None,
        source: dict[str, Any],
    ) -> None:
        self.county = county
        self.township = township
        self.village = village
        self.name = name
        self.resident_id = resident_id
        self.phone = phone
        self.post = post
        self.kind = kind
        self.onboarded_on = date
        self.months: dict[str, dict[str, Any]] = {}
        self.exited_on: Day | None = None

    @property
    def path(self) -> str:
        return jurisdiction_path(self.county, self.township, self.village)

    def report_month(self, *, month: str, first_day: date, days_worked: int | None,
                     signatures: dict[str, str], amount_fen: int | None,
                     source: dict[str, Any]) -> None:
        """A ledger row's month, as the file states it (``date`` is the month's first day)."""
        self._month_reported(date=first_day, month=month, days_worked=days_worked,
                             signatures=signatures, amount_fen=amount_fen, source=source)

    @event("MonthReported", topic="postledger:legacy_placement:month_reported")
    def _month_reported(self, date: date, month: str, days_worked: int | None,
                        signatures: dict[str, str], amount_fen: int | None,
                        source: dict[str, Any]) -> None:
        self.months[month] = {"days_worked": days_worked, "signatures": signatures,
                              "amount_fen": amount_fen, "source": source}

    def report_exit(self, *, exited_on: date, source: dict[str, Any]) -> None:
        if self.exited_on != exited_on:
            self._exit_reported(date=exited_on, source=source)

    @event("ExitReported", topic="postledger:legacy_placement:exit_reported")
    def _exit_reported(self, date: date, source: dict[str, Any]) -> None:
        self.exited_on = date
