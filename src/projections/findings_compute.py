"""Findings computed from the recorded steps: ``settle`` keeps rm_findings current for the
subjects the fold marked dirty; ``findings_as_of`` answers the county as it stood at an instant.

Both run the same pure rules (findings_rules.py, findings_groups.py) over the same inputs — a
subject's steps, its county's policy versions, its post's notices and the county's officials —
the second with every input cut at the instant: only what had been recorded by then. So a
finding that was later cleared (a clawback, a late review) shows as of an instant before, and
one raised later does not.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Connection, and_, bindparam, delete, func, select, update

from postledger.domain.policy import stored_terms
from postledger.domain.policy_terms import PolicyTerms
from postledger.domain.presets import DEFAULT_TERMS
from postledger.infrastructure.engine import bulk_insert
from postledger.projections.findings_dossier import month_counts, steps_of
from postledger.projections.findings_groups import person_findings, phone_findings, post_findings
from postledger.projections.findings_rules import (
    Finding,
    Official,
    Register,
    Subject,
    subject_findings,
)
from postledger.projections.findings_tables import (
    audit_notices,
    audit_policies,
    audit_steps,
    audit_subjects,
    findings,
    officials,
)
from postledger.projections.follower import chunks

GROUPS = (("person_hash", "p"), ("phone_hash", "t"), ("post_key", "k"))
Entries = dict[str, list[dict[str, Any]]]


class Context:
    """What the rules read besides a subject's own history: county terms, notices, officials —
    all of them, or (``as_of``) those recorded by that instant."""

    def __init__(self, conn: Connection, counties: set[str], as_of: datetime | None = None) -> None:
        self.conn, self.as_of, self.counties = conn, as_of, set(counties)
        self.versions: dict[str, list[tuple[date, PolicyTerms]]] = {}
        self.officials: dict[str, list[Official]] = {}
        self.registers: dict[str, Register] = {}
        self.notices: dict[str, list[tuple[date, date, tuple[str, int]]]] = {}
        self.subjects: dict[str, Subject] = {}  # each read once, for itself and its groups
        self._load(counties)

    def cover(self, counties: set[str]) -> None:
        """Also read the facts of these counties (a group may span counties)."""
        if counties - self.counties:
            self._load(counties - self.counties)
            self.counties |= counties

    def _load(self, counties: set[str]) -> None:
        conn, as_of = self.conn, self.as_of
        for chunk in chunks(sorted(counties)):
            for county, text in conn.execute(select(audit_policies).where(
                    audit_policies.c.county.in_(chunk))):
                in_force: dict[str, Any] = {}
                for since, terms, at in json.loads(text):
                    if self._known(at):
                        in_force[since] = terms  # a later version of one day replaces it
                self.versions[county] = [(date.fromisoformat(since), stored_terms(terms))
                                         for since, terms in sorted(in_force.items())]
        for chunk in chunks(sorted(counties)):
            for r in conn.execute(select(officials).where(officials.c.county.in_(chunk))
                                  .order_by(officials.c.id)):
                if as_of is None or _aware(r.registered_at) <= as_of:
                    self.officials.setdefault(r.county, []).append(Official(
                        name=r.name, jurisdiction=r.jurisdiction, person_hash=r.person_hash,
                        household_hash=r.household_hash, address_hash=r.address_hash,
                        evidence=(r.id, r.version)))

    def _known(self, at: str) -> bool:
        return self.as_of is None or datetime.fromisoformat(at) <= self.as_of

    def terms(self, county: str) -> Any:
        versions = self.versions.get(county, [])

        def in_force(day: date) -> PolicyTerms:
            found = DEFAULT_TERMS
            for start, terms in versions:
                if start > day:
                    break
                found = terms
            return found

        return in_force

    def post_notices(self, post_key: str) -> list[tuple[date, date, tuple[str, int]]]:
        if post_key not in self.notices:
            self.read_notices([post_key])
        return self.notices[post_key]

    def read_notices(self, post_keys: list[str]) -> None:
        """The recruitment notices of these posts, a query a chunk of them (not one a post:
        a settle of 2,000 subjects asks for as many posts)."""
        wanted = sorted(set(post_keys) - set(self.notices))
        for chunk in chunks(wanted):
            found = dict(self.conn.execute(select(audit_notices.c.post_id, audit_notices.c.notices)
                                           .where(audit_notices.c.post_id.in_(chunk))).all())
            for post_key in chunk:
                self.notices[post_key] = [
                    (date.fromisoformat(n[0]), date.fromisoformat(n[1]), (n[2], n[3]))
                    for n in json.loads(found.get(post_key) or "[]") if self._known(n[4])]

    def subject(self, row: dict[str, Any], entries: list[dict[str, Any]]) -> Subject:
        if row["subject_id"] in self.subjects:
            return self.subjects[row["subject_id"]]
        self.subjects[row["subject_id"]] = subject = Subject(
            subject_id=row["subject_id"], imported=bool(row["imported"]), county=row["county"],
            township=row["township"], path=row["path"], person_hash=row["person_hash"],
            household_hash=row["household_hash"], address_hash=row["address_hash"],
            birth_date=row["birth_date"], steps=steps_of(row["subject_id"], entries),
            terms=self.terms(row["county"]), notices=self.post_notices(row["post_key"]),
            officials=self.register(row["county"]))
        return subject


    def register(self, county: str) -> Register:
        if county not in self.registers:
            self.registers[county] = Register(self.officials.get(county, []))
        return self.registers[county]


def settle(conn: Connection, limit: int) -> int:
    """Recompute the findings of up to ``limit`` dirty subjects and of the groups they belong
    to, and clear their marks; returns how many were settled (0: nothing was dirty)."""
    s = audit_subjects
    # County by county: a chunk then reads the policies and officials of a county or two, not
    # of every county of the province (subject ids are random).
    rows = [dict(r._mapping) for r in conn.execute(
        select(s).where(s.c.dirty.is_(True)).order_by(s.c.county, s.c.subject_id).limit(limit))]
    if not rows:
        return 0
    entries = load_steps(conn, [r["subject_id"] for r in rows])
    for row in rows:
        row["paid_months"], row["attended_months"] = month_counts(entries[row["subject_id"]])
    conn.execute(update(s).where(s.c.subject_id == bindparam("sid")).values(
        paid_months=bindparam("paid"), attended_months=bindparam("attended"), dirty=False),
        [{"sid": r["subject_id"], "paid": r["paid_months"], "attended": r["attended_months"]}
         for r in rows])
    context = Context(conn, {r["county"] for r in rows})
    context.read_notices([r["post_key"] for r in rows])
    new: list[tuple[str, Finding]] = []
    for row in rows:
        if entries[row["subject_id"]]:
            subject = context.subject(row, entries[row["subject_id"]])
            new += [(f"s:{row['subject_id']}", f) for f in subject_findings(subject)]
    groups: list[str] = []
    for column, prefix in GROUPS:
        keys = {r[column] for r in rows if r[column]}
        members = _group_members(conn, column, keys)
        loaded = {**entries, **load_steps(conn, sorted(
            {m["subject_id"] for ms in members.values() for m in ms} - set(entries)))}
        context.cover({m["county"] for ms in members.values() for m in ms})
        for key, group in sorted(members.items()):
            subjects = [context.subject(r, loaded[r["subject_id"]]) for r in group
                        if loaded[r["subject_id"]]]
            new += [(f"{prefix}:{key}", f) for f in group_findings(prefix, key, subjects)]
        groups += [f"{prefix}:{k}" for k in keys]
    for chunk in chunks(sorted([*groups, *(f"s:{r['subject_id']}" for r in rows)])):
        conn.execute(delete(findings).where(findings.c.group_key.in_(chunk)))
    found = {f.finding_id: finding_row(group, f) for group, f in new}
    bulk_insert(conn, findings, list(found.values()))
    return len(rows)


def group_findings(prefix: str, key: str, subjects: list[Subject]) -> list[Finding]:
    """The findings of one person (p), phone (t) or post (k) over its subjects."""
    if prefix == "k":
        return list(post_findings(key, subjects))
    if len(subjects) < 2:
        return []
    if prefix == "p":
        return list(person_findings(key, subjects))
    return list(phone_findings(key, subjects, {m.subject_id: m.steps[0] for m in subjects}))


def load_steps(conn: Connection, subject_ids: list[str],
               as_of: datetime | None = None) -> Entries:
    """Each subject's steps in version order (recorded by ``as_of``, when given)."""
    found: Entries = {sid: [] for sid in subject_ids}
    t = audit_steps
    for chunk in chunks(subject_ids):
        query = select(t.c.subject_id, t.c.step).where(t.c.subject_id.in_(chunk))
        if as_of is not None:
            query = query.where(t.c.recorded_at <= as_of)
        for sid, text in conn.execute(query.order_by(t.c.subject_id, t.c.version)):
            found[sid].append(json.loads(text))
    return found


def _group_members(conn: Connection, column: str,
                   keys: set[str]) -> dict[str, list[dict[str, Any]]]:
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
    return _members(conn, column, wanted)


def _members(conn: Connection, column: str, keys: set[str]) -> dict[str, list[dict[str, Any]]]:
    by_key: dict[str, list[dict[str, Any]]] = {}
    for chunk in chunks(sorted(keys)):
        for r in conn.execute(select(audit_subjects).where(audit_subjects.c[column].in_(chunk))
                              .order_by(audit_subjects.c.subject_id)):
            by_key.setdefault(r._mapping[column], []).append(dict(r._mapping))
    return by_key


def findings_as_of(conn: Connection, county: str | None, as_of: datetime) -> Iterator[Finding]:
    """The findings of ``county`` (None: every county) as they stood at ``as_of``: the rules
    over what had been recorded by then."""
    as_of = as_of.astimezone(UTC)
    s = audit_subjects
    query = select(s).order_by(s.c.subject_id)
    rows = [dict(r._mapping) for r in conn.execute(
        query.where(s.c.county == county) if county else query)]
    entries = load_steps(conn, [r["subject_id"] for r in rows], as_of)
    rows = [r for r in rows if entries[r["subject_id"]]]
    context = Context(conn, {r["county"] for r in rows}, as_of)
    for row in rows:
        yield from subject_findings(context.subject(row, entries[row["subject_id"]]))
    for column, prefix in GROUPS:
        members = _members(conn, column, {r[column] for r in rows if r[column]})
        loaded = {**entries, **load_steps(conn, sorted(
            {m["subject_id"] for ms in members.values() for m in ms} - set(entries)), as_of)}
        context.cover({m["county"] for ms in members.values() for m in ms})
        for key, group in sorted(members.items()):
            subjects = [context.subject(r, loaded[r["subject_id"]]) for r in group
                        if loaded[r["subject_id"]]]
            yield from group_findings(prefix, key, subjects)


def finding_row(group: str, f: Finding) -> dict[str, Any]:
    return {
        "id": f.finding_id, "group_key": group, "rule": f.rule, "subject_id": f.subject_id,
        "subject_kind": f.subject_kind, "county": f.county, "township": f.township,
        "detail": f.detail, "detail_zh": f.detail_zh,
        "events": json.dumps([{"stream_id": s, "version": v} for s, v in f.events]),
        "recorded_at": f.recorded_at,
    }


def _aware(instant: datetime) -> datetime:
    """SQLite gives back UTC wall-clock time without its zone."""
    return instant if instant.tzinfo is not None else instant.replace(tzinfo=UTC)
