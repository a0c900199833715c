"""Findings (R-FRAUD-1…7, 9) kept up to date as events arrive, with the register of officials.

Each placement — and each placement imported from a ledger file — keeps a condensed history
(its ``dossier``: the facts the rules read, never a resident id) beside the keyed hashes that
tie it to a person, phone, household and address. A batch of events updates the dossiers it
touches, then recomputes the findings of those placements (findings_rules.py) and of the
persons, phones and posts they belong to (findings_groups.py); a new policy or official
re-examines the county. R-FRAUD-8 comes from the tamper check (src/workflows/verify.py).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    Connection,
    Date,
    DateTime,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    and_,
    delete,
    func,
    insert,
    select,
)

from postledger.domain.errors import InvalidInput
from postledger.domain.policy import stored_terms
from postledger.domain.policy_terms import PolicyTerms
from postledger.domain.post import jurisdiction_path
from postledger.domain.presets import DEFAULT_TERMS
from postledger.domain.resident_id import ResidentId
from postledger.domain.values import mask_resident_id
from postledger.projections.findings_dossier import (
    day_text,
    month_counts,
    plain,
    step_data,
    steps_of,
)
from postledger.projections.findings_groups import person_findings, phone_findings, post_findings
from postledger.projections.findings_rules import Finding, Official, Subject, subject_findings
from postledger.projections.follower import Applied, ReadModelTables, Rows, chunks
from postledger.projections.people import PersonKeys
from postledger.projections.placements_rm import event_name

metadata = MetaData()

audit_subjects = Table(
    "rm_audit_subjects_v1",
    metadata,
    Column("subject_id", String(36), primary_key=True),
    Column("imported", Boolean, nullable=False),
    Column("county", Text, nullable=False, index=True),
    Column("township", Text, nullable=False),
    Column("path", Text, nullable=False),
    Column("post_key", Text, nullable=False, index=True),
    Column("person_hash", String(64), index=True),
    Column("phone_hash", String(64), index=True),
    Column("household_hash", String(64)),
    Column("address_hash", String(64)),
    Column("birth_date", Date),
    Column("dossier", Text, nullable=False),
    Column("paid_months", Integer, nullable=False),  # for the empty-post signal (R-FRAUD-7)
    Column("attended_months", Integer, nullable=False),
)

audit_policies = Table(
    "rm_audit_policies_v1",
    metadata,
    Column("county", String(200), primary_key=True),
    Column("versions", Text, nullable=False),
)

# Which county a policy or post stream belongs to (their later events do not repeat it).
audit_streams = Table(
    "rm_audit_streams_v1",
    metadata,
    Column("stream_id", String(36), primary_key=True),
    Column("county", String(200), nullable=False),
)

audit_notices = Table(
    "rm_audit_notices_v1",
    metadata,
    Column("post_id", String(36), primary_key=True),
    Column("notices", Text, nullable=False),
)

officials = Table(
    "rm_officials_v1",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("county", String(200), nullable=False, index=True),
    Column("jurisdiction", Text, nullable=False),
    Column("role", String(32), nullable=False),
    Column("name", Text, nullable=False),
    Column("person_hash", String(64)),
    Column("resident_id_masked", String(32), nullable=False),
    Column("household_hash", String(64)),
    Column("address_hash", String(64)),
    Column("version", Integer, nullable=False),
    Column("registered_at", DateTime(timezone=True), nullable=False),
)

findings = Table(
    "rm_findings_v1",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("group_key", Text, nullable=False, index=True),
    Column("rule", String(16), nullable=False, index=True),
    Column("subject_id", Text, nullable=False),
    Column("subject_kind", String(16), nullable=False),
    Column("county", String(200), nullable=False, index=True),
    Column("township", Text),
    Column("detail", Text, nullable=False),
    Column("detail_zh", Text, nullable=False),
    Column("events", Text, nullable=False),
    Column("recorded_at", DateTime(timezone=True), nullable=False),
)

SUBJECT_TOPICS = ("postledger:placement:", "postledger:legacy_placement:")


class FindingsReadModel(ReadModelTables):
    name = "findings_v1"
    tables = (audit_subjects, audit_policies, audit_streams, audit_notices, officials, findings)
    topic_prefixes = (*SUBJECT_TOPICS, "postledger:policy:",
                      "postledger:post:notice_published", "postledger:post:created",
                      "postledger:official:")

    def __init__(self, keys: PersonKeys) -> None:
        self.keys = keys

    def fold(self, conn: Connection, events: Sequence[Applied]) -> None:
        subject_ids = {str(e.stream_id) for e in events if e.topic.startswith(SUBJECT_TOPICS)}
        counties = self._fold_county_facts(conn, events)
        if counties:
            subject_ids |= set(conn.execute(select(audit_subjects.c.subject_id)
                                            .where(audit_subjects.c.county.in_(counties))
                                            ).scalars())
        subjects = Rows(conn, audit_subjects, "subject_id", ["subject_id"], subject_ids)
        # Each dossier is parsed once and written once per batch, however many events it takes.
        entries = {sid: json.loads(row["dossier"]) for sid, row in
                   ((k[0], r) for k, r in subjects.rows.items())}
        for applied in events:
            if applied.topic.startswith(SUBJECT_TOPICS):
                self._fold_subject(subjects, entries, applied)
        for sid, listed in entries.items():
            row = subjects.get(sid)
            if row is not None:
                row["dossier"] = json.dumps(listed, ensure_ascii=False, default=str)
                row["paid_months"], row["attended_months"] = month_counts(listed)
        subjects.write()
        self._recompute(conn, list(subjects.rows.values()), entries)

    # ------------------------------------------------------------------ county facts
    def _fold_county_facts(self, conn: Connection, events: Sequence[Applied]) -> set[str]:
        """Policies, notices and officials; returns the counties whose placements to re-examine."""
        counties: set[str] = set()
        for applied in events:
            e, kind = applied.event, event_name(applied.topic)
            if applied.topic in ("postledger:policy:created", "postledger:post:created"):
                _upsert(conn, audit_streams, "stream_id", str(applied.stream_id),
                        {"county": e.county})
            elif applied.topic == "postledger:policy:terms_set":
                county = _county_of(conn, str(applied.stream_id))
                found = conn.execute(select(audit_policies.c.versions)
                                     .where(audit_policies.c.county == county)).scalar()
                since = e.effective_from.isoformat()
                versions = [v for v in json.loads(found or "[]") if v[0] != since]
                versions = sorted([*versions, [since, e.terms]], key=lambda v: str(v[0]))
                _upsert(conn, audit_policies, "county", county,
                        {"versions": json.dumps(versions, default=str)})
                counties.add(county)
            elif kind == "notice_published":
                pid = str(applied.stream_id)
                found = conn.execute(select(audit_notices.c.notices)
                                     .where(audit_notices.c.post_id == pid)).scalar()
                notices = [*json.loads(found or "[]"),
                           [e.date.isoformat(), e.closes_on.isoformat(), pid, applied.version]]
                _upsert(conn, audit_notices, "post_id", pid, {"notices": json.dumps(notices)})
                counties.add(_county_of(conn, pid))
            elif kind == "registered":
                self._fold_official(conn, applied)
                counties.add(e.county)
        return counties

    def _fold_official(self, conn: Connection, applied: Applied) -> None:
        e = applied.event
        _upsert(conn, officials, "id", str(applied.stream_id), {
            "county": e.county, "jurisdiction": e.jurisdiction, "role": e.role, "name": e.name,
            "person_hash": self.keys.hash(e.resident_id),
            "resident_id_masked": mask_resident_id(e.resident_id),
            "household_hash": self.keys.hash(e.household_id),
            "address_hash": self.keys.hash(e.address), "version": applied.version,
            "registered_at": applied.recorded_at,
        })

    # ------------------------------------------------------------------ subjects
    def _fold_subject(self, subjects: Rows, entries: dict[str, list[dict[str, Any]]],
                      applied: Applied) -> None:
        e, sid, kind = applied.event, str(applied.stream_id), event_name(applied.topic)
        if kind in ("applied", "imported"):
            subjects.put(self._new_subject(sid, kind, e))
            entries[sid] = []
        if sid not in entries:
            return
        entries[sid].append({
            "v": applied.version, "k": kind, "d": day_text(getattr(e, "date", None)),
            "at": applied.recorded_at.isoformat(), "a": dict(getattr(e, "actor", {}) or {}),
            "x": {key: plain(value) for key, value in step_data(kind, e).items()},
        })

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
            "dossier": "[]", "paid_months": 0, "attended_months": 0,
        }

    # ------------------------------------------------------------------ findings
    def _recompute(self, conn: Connection, touched: list[dict[str, Any]],
                   entries: dict[str, list[dict[str, Any]]]) -> None:
        if not touched:
            return
        context = _Context(conn, {r["county"] for r in touched})
        new: list[tuple[str, Finding]] = []
        for row in touched:
            subject = context.subject(row, entries.get(row["subject_id"]))
            new += [(f"s:{row['subject_id']}", f) for f in subject_findings(subject)]
        for column, prefix in (("person_hash", "p"), ("phone_hash", "t"), ("post_key", "k")):
            keys = {r[column] for r in touched if r[column]}
            for key, group in _groups(conn, column, keys):
                members = [context.subject(r, entries.get(r["subject_id"])) for r in group]
                if prefix == "p":
                    found: Iterable[Finding] = person_findings(key, members)
                elif prefix == "t":
                    found = phone_findings(key, members, {m.subject_id: m.steps[0] for m in members})
                else:
                    found = post_findings(key, members)
                new += [(f"{prefix}:{key}", f) for f in found]
            for chunk in chunks([f"{prefix}:{k}" for k in keys]):
                conn.execute(delete(findings).where(findings.c.group_key.in_(chunk)))
        for chunk in chunks([f"s:{r['subject_id']}" for r in touched]):
            conn.execute(delete(findings).where(findings.c.group_key.in_(chunk)))
        rows = {f.finding_id: finding_row(group, f) for group, f in new}
        if rows:
            conn.execute(insert(findings), list(rows.values()))


class _Context:
    """What the rules read besides a subject's own history: county terms, notices, officials."""

    def __init__(self, conn: Connection, counties: set[str]) -> None:
        self.conn = conn
        self.versions: dict[str, list[tuple[date, PolicyTerms]]] = {}
        for county, text in conn.execute(select(audit_policies).where(
                audit_policies.c.county.in_(counties))):
            self.versions[county] = [(date.fromisoformat(v[0]), stored_terms(v[1]))
                                     for v in json.loads(text)]
        self.officials: dict[str, list[Official]] = {}
        for r in conn.execute(select(officials).where(officials.c.county.in_(counties))):
            self.officials.setdefault(r.county, []).append(Official(
                name=r.name, jurisdiction=r.jurisdiction, person_hash=r.person_hash,
                household_hash=r.household_hash, address_hash=r.address_hash,
                evidence=(r.id, r.version)))
        self.notices: dict[str, list[tuple[date, date, tuple[str, int]]]] = {}

    def terms(self, county: str) -> Any:
        versions = self.versions.get(county, [])

        def in_force(day: date) -> PolicyTerms:
            found = [t for start, t in versions if start <= day]
            return found[-1] if found else DEFAULT_TERMS

        return in_force

    def post_notices(self, post_key: str) -> list[tuple[date, date, tuple[str, int]]]:
        if post_key not in self.notices:
            text = self.conn.execute(select(audit_notices.c.notices)
                                     .where(audit_notices.c.post_id == post_key)).scalar()
            self.notices[post_key] = [
                (date.fromisoformat(n[0]), date.fromisoformat(n[1]), (n[2], n[3]))
                for n in json.loads(text or "[]")]
        return self.notices[post_key]

    def subject(self, row: dict[str, Any], entries: list[dict[str, Any]] | None = None) -> Subject:
        if row["county"] not in self.versions:
            self.versions[row["county"]] = []
        return Subject(
            subject_id=row["subject_id"], imported=bool(row["imported"]), county=row["county"],
            township=row["township"], path=row["path"], person_hash=row["person_hash"],
            household_hash=row["household_hash"], address_hash=row["address_hash"],
            birth_date=row["birth_date"],
            steps=steps_of(row["subject_id"], entries if entries is not None
                         else json.loads(row["dossier"])),
            terms=self.terms(row["county"]), notices=self.post_notices(row["post_key"]),
            officials=self.officials.get(row["county"], []))


def finding_row(group: str, f: Finding) -> dict[str, Any]:
    return {
        "id": f.finding_id, "group_key": group, "rule": f.rule, "subject_id": f.subject_id,
        "subject_kind": f.subject_kind, "county": f.county, "township": f.township,
        "detail": f.detail, "detail_zh": f.detail_zh,
        "events": json.dumps([{"stream_id": s, "version": v} for s, v in f.events]),
        "recorded_at": f.recorded_at,
    }


def _groups(conn: Connection, column: str, keys: set[str]) -> list[tuple[str, list[dict[str, Any]]]]:
    """The subjects of each group that may hold a finding: persons and phones shared by two
    subjects or more, posts paid with no attendance at all (R-FRAUD-3, R-FRAUD-7)."""
    s = audit_subjects
    wanted: set[str] = set()
    for chunk in chunks(sorted(keys)):
        grouped = select(s.c[column]).where(s.c[column].in_(chunk)).group_by(s.c[column])
        if column == "post_key":
            grouped = grouped.having(and_(func.sum(s.c.paid_months) > 0,
                                          func.sum(s.c.attended_months) == 0))
        else:
            grouped = grouped.having(func.count() > 1)
        wanted |= set(conn.execute(grouped).scalars())
    by_key: dict[str, list[dict[str, Any]]] = {}
    for chunk in chunks(sorted(wanted)):
        for r in conn.execute(select(audit_subjects).where(audit_subjects.c[column].in_(chunk))):
            by_key.setdefault(r._mapping[column], []).append(dict(r._mapping))
    return sorted(by_key.items())


def _upsert(conn: Connection, table: Table, key: str, value: str, row: dict[str, Any]) -> None:
    conn.execute(delete(table).where(table.c[key] == value))
    conn.execute(insert(table).values({key: value, **row}))


def _county_of(conn: Connection, stream_id: str) -> str:
    found = conn.execute(select(audit_streams.c.county)
                         .where(audit_streams.c.stream_id == stream_id)).scalar()
    return str(found or "")
