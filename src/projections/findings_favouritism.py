"""R-FRAUD-5 (优亲厚友) read from one placement's history: one person signing as worker and
as a signatory, or an official approving or signing for someone of the official's own person,
household or address (the register of officials, API.md v1.1 "Officials")."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from postledger.projections.findings_rules import Finding, Official, Step, Subject


def signatures_of(step: Step) -> dict[str, str]:
    signed = step.data.get("sig") or {}
    return {role: str(signed.get(role) or "").strip() for role in ("secretary", "member", "worker")}


APPROVING = ("village_reviewed", "township_reviewed", "approved", "onboarded")


def favouritism(subject: Subject) -> Iterator[Finding]:
    """R-FRAUD-5: one person signs as worker and signatory; an official approves or signs for
    someone of their own person, household or address (优亲厚友)."""
    for step in subject.of("attendance_recorded", "month_reported"):
        signed = signatures_of(step)
        for role in ("secretary", "member"):
            if signed["worker"] and signed[role] == signed["worker"]:
                yield subject.found("R-FRAUD-5", [step],
                                    f"{step.data['month']}: {signed['worker']} signed both as "
                                    f"worker and as {role}",
                                    f"{step.data['month']}：{signed['worker']} 既作为本人又作为"
                                    f"{'村支书' if role == 'secretary' else '村委'}签字")
    for step in subject.steps:
        for official, acting in _officials_acting(subject, step):
            ties = _ties(subject, official)
            if ties:
                what = " and ".join(t[0] for t in ties)
                yield subject.found(
                    "R-FRAUD-5", [step],
                    f"{official.name} ({acting}) acted for a person of {what}",
                    f"{official.name}（{acting}）为{'、'.join(t[1] for t in ties)}的人员办理",
                    also=(official.evidence,))


def _officials_acting(subject: Subject, step: Step) -> Iterator[tuple[Official, str]]:
    if step.kind in APPROVING and (step.data.get("approve") is not False):
        key = (step.actor.get("name"), step.actor.get("jurisdiction"))
        for official in subject.officials.by_seat.get(key, ()):
            yield official, step.kind
    if step.kind in ("attendance_recorded", "month_reported"):
        signed = signatures_of(step)
        names = {signed[role] for role in ("secretary", "member") if signed[role]}
        covering = subject.officials.covering(subject.path)
        for _, official in sorted(o for n in names for o in covering.get(n, ())):
            for role in ("secretary", "member"):
                if signed[role] == official.name:
                    yield official, f"{role} for {step.data['month']}"


def _ties(subject: Subject, official: Official) -> list[tuple[str, str]]:
    ties = []
    for mine, theirs, en, zh in (
            (subject.person_hash, official.person_hash, "the same person", "本人"),
            (subject.household_hash, official.household_hash, "the same household", "同一户"),
            (subject.address_hash, official.address_hash, "the same address", "同一住址")):
        if mine and mine == theirs:
            ties.append((en, zh))
    return ties
