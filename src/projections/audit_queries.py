"""What inspectors and staff read: findings (with the tamper check's R-FRAUD-8 links), the
register of officials, and the work queues — what each role must act on next."""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    Column,
    Connection,
    DateTime,
    Integer,
    MetaData,
    String,
    Table,
    delete,
    insert,
    or_,
    select,
)

from postledger.domain.dates import add_months, month_index, month_of
from postledger.domain.values import parse_month
from postledger.projections.claims_readmodel import claims
from postledger.projections.findings_compute import findings_as_of
from postledger.projections.findings_tables import findings, officials
from postledger.projections.placements_rm import placements

metadata = MetaData()

# The links the last tamper check found broken (R-FRAUD-8). Not folded from events: the check
# reads the event table itself (src/workflows/verify.py) and records what it found here.
tamper_links = Table(
    "audit_tamper_links_v1",
    metadata,
    Column("scope", String(200), nullable=False, index=True),
    Column("county", String(200)),
    Column("stream_id", String(64), nullable=False),
    Column("version", Integer, nullable=False),
    Column("problem", String(16), nullable=False),
    Column("subject_kind", String(16), nullable=False),
    Column("checked_at", DateTime(timezone=True), nullable=False),
)

_KIND_BY_TOPIC = {"postledger:placement": "placement", "postledger:legacy_placement": "placement",
                  "postledger:subsidy_claim": "claim", "postledger:post": "post"}
_PROBLEM_ZH = {"changed": "被修改", "missing": "被删除", "inserted": "被插入",
               "head_mismatch": "与锚定的链头不符"}


def record_tamper_links(conn: Connection, scope: str, broken: list[Any], at: datetime) -> None:
    conn.execute(delete(tamper_links).where(tamper_links.c.scope == scope))
    rows = [{"scope": scope, "stream_id": b.stream_id, "version": b.version,
             "problem": b.problem, "checked_at": at, "county": b.county,
             "subject_kind": _KIND_BY_TOPIC.get(b.topic.rsplit(":", 1)[0], "person")}
            for b in broken]
    if rows:
        conn.execute(insert(tamper_links), rows)


def list_findings(conn: Connection, *, county: str | None, township: str | None,
                  rule: str | None, as_of: datetime | None) -> list[dict[str, Any]]:
    """The findings of a county from the read model; ``as_of``: as they stood at that instant,
    computed from what had been recorded by then (src/projections/findings_compute.py)."""
    if as_of is not None:
        found = [_public(f.rule, f.subject_id, f.subject_kind, f.county, f.township, f.detail,
                         f.detail_zh, [{"stream_id": s, "version": v} for s, v in f.events],
                         f.finding_id)
                 for f in {f.finding_id: f for f in findings_as_of(conn, county, as_of)}.values()
                 if (not county or f.county == county) and (not township or f.township == township)
                 and (not rule or f.rule == rule)]
        found.sort(key=lambda f: (f["rule"], f["county"], f["township"] or "", f["id"]))
    else:
        f = findings
        query = select(f)
        for column, value in (("county", county), ("township", township), ("rule", rule)):
            if value:
                query = query.where(f.c[column] == value)
        found = [_public(r.rule, r.subject_id, r.subject_kind, r.county, r.township, r.detail,
                         r.detail_zh, json.loads(r.events), r.id)
                 for r in conn.execute(query.order_by(f.c.rule, f.c.county, f.c.township, f.c.id))]
    for row in found:
        del row["id"]
    if rule in (None, "", "R-FRAUD-8") and not township:
        found += _tamper_findings(conn, county)
    return found


def _public(rule: str, subject_id: str, kind: str, county: str, township: str | None,
            detail: str, detail_zh: str, events: list[dict[str, Any]],
            finding_id: str = "") -> dict[str, Any]:
    return {"rule": rule, "subject_id": subject_id, "subject_kind": kind, "township": township,
            "detail": detail, "detail_zh": detail_zh, "events": events, "county": county,
            "id": finding_id}


def _tamper_findings(conn: Connection, county: str | None) -> list[dict[str, Any]]:
    t = tamper_links
    query = select(t)
    if county:  # the links of this county's streams, and of streams deleted whole
        query = query.where(or_(t.c.county == county, t.c.county.is_(None)))
    seen, found = set(), []
    for r in conn.execute(query.order_by(t.c.stream_id, t.c.version)):
        if (r.stream_id, r.version) in seen:
            continue
        seen.add((r.stream_id, r.version))
        found.append({
            "rule": "R-FRAUD-8", "subject_id": r.stream_id, "subject_kind": r.subject_kind,
            "township": None, "county": r.county,
            "detail": f"event {r.version} of stream {r.stream_id} was {r.problem.replace('_', ' ')}"
                      " after it was recorded",
            "detail_zh": f"记录 {r.stream_id} 的第 {r.version} 个事件{_PROBLEM_ZH[r.problem]}",
            "events": [{"stream_id": r.stream_id, "version": r.version}],
        })
    return found


def list_officials(conn: Connection, county: str) -> list[dict[str, Any]]:
    query = select(officials).where(officials.c.county == county).order_by(
        officials.c.jurisdiction, officials.c.name)
    return [{"id": r.id, "county": r.county, "name": r.name, "role": r.role,
             "jurisdiction": r.jurisdiction, "resident_id": r.resident_id_masked,
             "registered_at": r.registered_at} for r in conn.execute(query)]


# ---------------------------------------------------------------- work queues
# task → the roles that take it (API.md "Who may take a step"); county may take township steps.
TASK_ROLES: dict[str, tuple[str, ...]] = {
    "village_review": ("village",),
    "township_review": ("township", "county"),
    "publicity": ("township", "county"),
    "objection_resolution": ("township", "county"),
    "approval": ("township", "county"),
    "training": ("township", "county"),
    "onboarding": ("township", "county"),
    "attendance": ("village", "clerk"),
    "payment": ("county",),
    "annual_review": ("township", "county"),
    "claim_review": ("county",),
    "claim_payment": ("county",),
}
_NEXT_BY_STATE = {
    "applied": "village_review", "village_approved": "township_review",
    "township_approved": "publicity", "in_publicity": "approval",
    "objection_pending": "objection_resolution", "approved": "training",
    "trained": "onboarding",
}
REVIEW_NOTICE_DAYS = 30


def work_queue(conn: Connection, *, within_clause: Any, role: str, today: date) -> list[dict[str, Any]]:
    """What ``role`` must act on next inside a jurisdiction, soonest due first."""
    p = placements
    items: list[dict[str, Any]] = []
    open_states = [*_NEXT_BY_STATE, "active"]
    for r in conn.execute(select(p).where(within_clause(p.c.path), p.c.state.in_(open_states))):
        items += _placement_tasks(dict(r._mapping), today)
    c = claims
    for r in conn.execute(select(c).where(within_clause(c.c.path),
                                          c.c.state.in_(["submitted", "approved"]))):
        items.append(_item("claim", r.id, r.path, r.claimant_name,
                           "claim_review" if r.state == "submitted" else "claim_payment",
                           r.submitted_on))
    mine = [i for i in items if role in ("admin", "inspector") or role in TASK_ROLES[i["task"]]]
    return sorted(mine, key=lambda i: (i["due_on"] or date.max, i["task"], i["subject_id"]))


def _placement_tasks(row: dict[str, Any], today: date) -> list[dict[str, Any]]:
    def task(name: str, due: date | None, **extra: Any) -> dict[str, Any]:
        return _item("placement", row["id"], row["path"], row["name"], name, due, **extra)

    if row["state"] in _NEXT_BY_STATE:
        due = row["publicity_ends_on"] if row["state"] == "in_publicity" else row["applied_on"]
        return [task(_NEXT_BY_STATE[row["state"]], due)]
    tasks = []
    onboarded: date = row["onboarded_on"]
    signed = row["last_attended_month"]
    next_month = (month_of(add_months(parse_month(signed), 1)) if signed
                  else month_of(onboarded))
    if month_index(next_month) < month_index(month_of(today)):  # R-ATT-2: a month ended
        tasks.append(task("attendance", add_months(parse_month(next_month), 1), month=next_month))
    if row["unpaid_months"]:
        tasks.append(task("payment", None, months=row["unpaid_months"]))
    review_due = row["review_due_on"] or onboarded  # R-REV-1, read by the domain's rule
    if (review_due - today).days <= REVIEW_NOTICE_DAYS:
        tasks.append(task("annual_review", review_due))
    return tasks


def _item(kind: str, subject_id: str, path: str, name: str, task: str, due: date | None,
          **extra: Any) -> dict[str, Any]:
    return {"subject_kind": kind, "subject_id": subject_id, "path": path, "name": name,
            "task": task, "roles": list(TASK_ROLES[task]), "due_on": due, **extra}
