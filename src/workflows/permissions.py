"""Who may take which step (API.md, "Who may take a step"), always inside their jurisdiction."""

from __future__ import annotations

from postledger.domain.actor import Actor, acting
from postledger.domain.errors import Forbidden
from postledger.domain.labels import label_of

TOWNSHIP_STEPS = frozenset(
    {
        "township_review",
        "start_publicity",
        "resolve_objection",
        "approve",
        "train",
        "onboard",
        "warn",
        "annual_review",
        "select",
        "exit",
        "withdraw",
    }
)

STEPS_BY_ROLE: dict[str, frozenset[str]] = {
    "clerk": frozenset({"apply", "raise_objection", "record_attendance", "submit_claim"}),
    "village": frozenset({"village_review", "record_attendance"}),
    "township": TOWNSHIP_STEPS,
    "county": TOWNSHIP_STEPS
    # R-EXIT-2: extension by the county employment service centre; R-PAY-3: clawback.
    | frozenset({"create_post", "publish_notice", "pay", "review_claim", "pay_claim",
                 "claw_back", "import_ledger", "extend", "register_official", "read_audit"}),
    # Inspectors act on nothing; they read, the audit and the access log (PIPL) included.
    "inspector": frozenset({"read_audit", "read_access_log"}),
    # The automatic process; an admin starts it by hand (API.md, "Automatic process").
    "system": frozenset({"end_automatically", "run_scheduler"}),
}


def authorize(step: str, path: str, actor: Actor | None = None) -> Actor:
    """Refuse (403) unless the actor's role takes ``step`` and ``path`` is in its jurisdiction."""
    who = actor or acting()
    if who.role != "admin" and step not in STEPS_BY_ROLE.get(who.role, frozenset()):
        raise Forbidden(f"role {who.role} may not take the step {step!r}",
                        zh=f"“{label_of('role', who.role) or who.role}”不能进行此步骤（{step}）")
    if not covers(who, path):
        raise _outside(who, path)
    return who


def authorize_read(path: str, actor: Actor | None = None) -> Actor:
    who = actor or acting()
    if not covers(who, path):
        raise _outside(who, path)
    return who


def _outside(who: Actor, path: str) -> Forbidden:
    return Forbidden(
        f"{path} is outside the jurisdiction {who.jurisdiction or '(none)'} of {who.name}",
        zh=f"{path} 不在 {who.name} 的辖区（{who.jurisdiction or '无'}）内",
    )


def covers(actor: Actor, path: str) -> bool:
    if actor.role in ("admin", "system") and actor.jurisdiction == "":
        return True
    if not actor.jurisdiction:
        return False
    return actor.covers(path)
