"""Findings (R-FRAUD-1…7, 9) kept up to date as events arrive, with the register of officials.

Each placement — and each placement imported from a ledger file — keeps a condensed history
(its steps: the facts the rules read, never a resident id) beside the keyed hashes that tie it
to a person, phone, household and address. Folding a batch only records: it appends the new
steps and marks the subjects they touch as ``dirty`` (a new policy, notice or official marks the
whole county), in the batch's transaction. When the follower has caught up it *settles* the
dirty subjects (src/projections/findings_compute.py): their findings and those of the persons,
phones and posts they belong to are recomputed once, and the marks cleared, in one transaction
per chunk. A crash between the two leaves the marks, so the next catch-up settles them: the
findings always equal those of a fresh rebuild, and a rebuild evaluates each subject once
instead of once per batch. R-FRAUD-8 comes from the tamper check (src/workflows/verify.py).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import Connection, Table, delete, select, update

from postledger.domain.errors import InvalidInput
from postledger.domain.post import jurisdiction_path
from postledger.domain.resident_id import ResidentId
from postledger.domain.values import mask_resident_id
from postledger.infrastructure.engine import bulk_insert
from postledger.projections.findings_compute import settle
from postledger.projections.findings_dossier import day_text, plain, step_data
from postledger.projections.findings_tables import (
    audit_notices,
    audit_policies,
    audit_steps,
    audit_streams,
    audit_subjects,
    findings,
    officials,
)
from postledger.projections.follower import Applied, ReadModelTables, chunks
from postledger.projections.people import PersonKeys

SUBJECT_TOPICS = ("postledger:placement:", "postledger:legacy_placement:")
SETTLE = 2000  # dirty subjects settled per transaction
# One encoder for every step: json.dumps with options builds a new encoder on each call.
_step_json = json.JSONEncoder(ensure_ascii=False, default=str).encode


class FindingsReadModel(ReadModelTables):
    name = "findings_v2"
    rebuild_cost = 3.0  # settling the findings is most of a rebuild
    tables = (audit_subjects, audit_steps, audit_policies, audit_streams, audit_notices,
              officials, findings)
    topic_prefixes = (*SUBJECT_TOPICS, "postledger:policy:",
                      "postledger:post:notice_published", "postledger:post:created",
                      "postledger:official:")

    def __init__(self, keys: PersonKeys) -> None:
        self.keys = keys

    def fold(self, conn: Connection, events: Sequence[Applied]) -> None:
        """Record the batch's steps and mark what they touch; findings wait for ``settle``."""
        counties = self._fold_county_facts(conn, events)
        mine = [e for e in events if e.topic.startswith(SUBJECT_TOPICS)]
        new = {e.stream: self._new_subject(e.stream, e.kind, e.event)
               for e in mine if e.kind in ("applied", "imported")}
        touched = sorted({e.stream for e in mine} - set(new))
        known = set(new)
        for chunk in chunks(touched):
            known |= set(conn.execute(select(audit_subjects.c.subject_id).where(
                audit_subjects.c.subject_id.in_(chunk))).scalars())
            conn.execute(update(audit_subjects).where(audit_subjects.c.subject_id.in_(chunk))
                         .values(dirty=True))
        bulk_insert(conn, audit_subjects, list(new.values()))
        bulk_insert(conn, audit_steps, [_step_row(e) for e in mine if e.stream in known])
        if counties:  # a new policy, notice or official: the county is examined again
            conn.execute(update(audit_subjects).where(audit_subjects.c.county.in_(sorted(counties)))
                         .values(dirty=True))

    def settle(self, conn: Connection) -> int:
        return settle(conn, SETTLE)

    # ------------------------------------------------------------------ county facts
    def _fold_county_facts(self, conn: Connection, events: Sequence[Applied]) -> set[str]:
        """Policies, notices and officials, each table read and written once per batch;
        returns the counties whose placements to re-examine."""
        counties: set[str] = set()
        streams = _Keyed(conn, audit_streams, "stream_id", "county")
        policies = _Keyed(conn, audit_policies, "county", "versions")
        notices = _Keyed(conn, audit_notices, "post_id", "notices")
        registered: dict[str, dict[str, Any]] = {}  # by id: a later registration replaces it
        facts = [a for a in events if not a.topic.startswith(SUBJECT_TOPICS)]
        streams.prefetch({a.stream for a in facts if a.kind in ("terms_set", "notice_published")})
        notices.prefetch({a.stream for a in facts if a.kind == "notice_published"})
        for applied in facts:
            e, kind = applied.event, applied.kind
            at = applied.recorded_at.isoformat()
            if applied.topic in ("postledger:policy:created", "postledger:post:created"):
                streams.put(applied.stream, e.county)
            elif applied.topic == "postledger:policy:terms_set":
                county = str(streams.get(applied.stream) or "")
                versions = json.loads(policies.get(county) or "[]")
                versions.append([e.effective_from.isoformat(), e.terms, at])
                policies.put(county, json.dumps(versions, default=str))
                counties.add(county)
            elif kind == "notice_published":
                pid = applied.stream
                listed = json.loads(notices.get(pid) or "[]")
                listed.append([e.date.isoformat(), e.closes_on.isoformat(), pid,
                               applied.version, at])
                notices.put(pid, json.dumps(listed))
                counties.add(str(streams.get(pid) or ""))
            elif kind == "registered":
                registered[applied.stream] = self._official(applied)
                counties.add(e.county)
        for keyed in (streams, policies, notices):
            keyed.write()
        for chunk in chunks(sorted(registered)):
            conn.execute(delete(officials).where(officials.c.id.in_(chunk)))
        bulk_insert(conn, officials, list(registered.values()))
        return counties

    def _official(self, applied: Applied) -> dict[str, Any]:
        e = applied.event
        return {
            "id": applied.stream, "county": e.county, "jurisdiction": e.jurisdiction,
            "role": e.role, "name": e.name, "person_hash": self.keys.hash(e.resident_id),
            "resident_id_masked": mask_resident_id(e.resident_id),
            "household_hash": self.keys.hash(e.household_id),
            "address_hash": self.keys.hash(e.address), "version": applied.version,
            "registered_at": applied.recorded_at,
        }

    # ------------------------------------------------------------------ subjects
    def _new_subject(self, sid: str, kind: str, e: Any) -> dict[str, Any]:
        person = e.applicant if kind == "applied" else {
            "resident_id": e.resident_id, "phone": e.phone}
        try:
            birth: date | None = ResidentId.parse(str(person.get("resident_id", ""))).birth_date
        except InvalidInput:
            birth = None
        post_key = (str(e.post_id) if kind == "applied"
                    else f"imported:{jurisdiction_path(e.county, e.township, e.village)}:{e.post}")
        return {
            "subject_id": sid, "imported": kind == "imported", "county": e.county,
            "township": e.township, "path": jurisdiction_path(e.county, e.township, e.village),
            "post_key": post_key, "person_hash": self.keys.hash(person.get("resident_id")),
            "phone_hash": self.keys.hash(person.get("phone")),
            "household_hash": self.keys.hash(person.get("household_id")),
            "address_hash": self.keys.hash(person.get("address")), "birth_date": birth,
            "paid_months": 0, "attended_months": 0, "dirty": True,
        }


def _step_row(applied: Applied) -> dict[str, Any]:
    e, kind = applied.event, applied.kind
    step = {
        "v": applied.version, "k": kind, "d": day_text(getattr(e, "date", None)),
        "at": applied.recorded_at.isoformat(), "a": dict(getattr(e, "actor", {}) or {}),
        "x": {key: plain(value) for key, value in step_data(kind, e).items()},
    }
    return {"subject_id": applied.stream, "version": applied.version,
            "recorded_at": applied.recorded_at,
            "step": _step_json(step)}


class _Keyed:
    """One text value per key of a small table, read on first use and written back once."""

    def __init__(self, conn: Connection, table: Table, key: str, value: str) -> None:
        self.conn, self.table, self.key, self.value = conn, table, key, value
        self.values: dict[str, str | None] = {}
        self.changed: set[str] = set()

    def prefetch(self, keys: set[str]) -> None:
        """Read these keys' values, a query a chunk of them (not one a key)."""
        wanted = sorted(keys - set(self.values))
        for chunk in chunks(wanted):
            self.values.update(dict.fromkeys(chunk))
            found = self.conn.execute(select(self.table.c[self.key], self.table.c[self.value])
                                      .where(self.table.c[self.key].in_(chunk)))
            self.values.update((key, value) for key, value in found)

    def get(self, key: str) -> str | None:
        if key not in self.values:
            self.values[key] = self.conn.execute(select(self.table.c[self.value]).where(
                self.table.c[self.key] == key)).scalar()
        return self.values[key]

    def put(self, key: str, value: str) -> None:
        self.values[key] = value
        self.changed.add(key)

    def write(self) -> None:
        changed = sorted(self.changed)
        for chunk in chunks(changed):
            self.conn.execute(delete(self.table).where(self.table.c[self.key].in_(chunk)))
        bulk_insert(self.conn, self.table,
                    [{self.key: k, self.value: self.values[k]} for k in changed])
