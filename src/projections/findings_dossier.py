"""A placement's condensed history — its dossier — as the findings read model keeps it: the
facts of each event that the fraud rules read (src/projections/findings_rules.py), in JSON,
never a resident id."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from postledger.projections.findings_rules import Step

DATE_KEYS = ("ends_on", "agreement_end", "until")


# The facts of each kind of event the rules read: {key in the step: attribute of the event}.
PICKS: dict[str, dict[str, str]] = {
    "village_reviewed": {"approve": "approve"}, "township_reviewed": {"approve": "approve"},
    "publicity_started": {"ends_on": "ends_on"}, "onboarded": {"agreement_end": "agreement_end"},
    "extended": {"until": "until"},
    "attendance_recorded": {"month": "month", "days": "days_worked", "sig": "signatures"},
    "paid": {"month": "month", "amount": "amount_fen"},
    "clawed_back": {"month": "month", "amount": "amount_fen"},
    "annually_reviewed": {"year": "year", "passed": "passed"},
    "exited": {"reason": "reason"}, "ended_automatically": {"reason": "reason"},
    "month_reported": {"month": "month", "days": "days_worked", "sig": "signatures",
                       "amount": "amount_fen"},
}
NOTHING: dict[str, str] = {}


def step_data(kind: str, e: Any) -> dict[str, Any]:
    """The facts of an event the rules read."""
    return {key: getattr(e, attr, None) for key, attr in PICKS.get(kind, NOTHING).items()}


def steps_of(subject_id: str, dossier: list[dict[str, Any]]) -> list[Step]:
    steps = []
    for entry in dossier:
        data = dict(entry["x"])
        for key in DATE_KEYS:
            if isinstance(data.get(key), str):
                data[key] = date.fromisoformat(data[key])
        steps.append(Step(stream_id=subject_id, version=entry["v"], kind=entry["k"],
                          day=date.fromisoformat(entry["d"]) if entry["d"] else None,
                          recorded_at=datetime.fromisoformat(entry["at"]), actor=entry["a"],
                          data=data))
    return steps


def month_counts(entries: list[dict[str, Any]]) -> tuple[int, int]:
    """(months paid, months attended), a payment clawed back in full not counted as paid
    (as ``Subject.months`` reads them: the empty-post signal, R-FRAUD-7)."""
    paid, attended = set(), set()
    amounts: dict[str, int] = {}
    for entry in entries:
        x = entry["x"]
        if entry["k"] == "paid" or (entry["k"] == "month_reported" and x.get("amount")):
            paid.add(x["month"])
            amounts[x["month"]] = int(x.get("amount") or 0) if entry["k"] == "paid" else -1
        if entry["k"] == "clawed_back" and amounts.get(x["month"], -1) > 0:
            amounts[x["month"]] -= int(x.get("amount") or 0)
            if amounts[x["month"]] <= 0:
                paid.discard(x["month"])
        if entry["k"] == "attendance_recorded" or (entry["k"] == "month_reported" and (
                x.get("days") is not None or any((x.get("sig") or {}).values()))):
            attended.add(x["month"])
    return len(paid), len(attended)


def plain(value: Any) -> Any:
    """A fact as JSON holds it (dates as ISO text), without a round trip through JSON."""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    return value


def day_text(value: Any) -> str | None:
    return value.isoformat() if isinstance(value, date) else None
