"""The monthly real-name ledger per township (实名台账, R-ATT-2): one row per placement-month
with its attendance, the three signatures and the amount paid net of clawbacks — from the
placements kept in this service and from the history imported from county ledger files alike.

Each part of a row remembers when it was recorded, so the ledger can be read as it stood at any
instant (``as_of``).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
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
    or_,
    select,
)

from postledger.domain.post import jurisdiction_path
from postledger.domain.values import mask_phone, mask_resident_id
from postledger.projections.follower import Applied, ReadModelTables, Rows
from postledger.projections.people import PersonKeys

metadata = MetaData()

ledger_posts = Table(
    "rm_ledger_posts_v1",
    metadata,
    Column("post_id", String(36), primary_key=True),
    Column("title", Text, nullable=False),
    Column("kind", String(32), nullable=False),
)

ledger_subjects = Table(
    "rm_ledger_subjects_v1",
    metadata,
    Column("subject_id", String(36), primary_key=True),
    Column("subject_kind", String(16), nullable=False),  # placement | imported
    Column("county", Text, nullable=False),
    Column("township", Text, nullable=False),
    Column("village", Text),
    Column("path", Text, nullable=False, index=True),
    Column("post_id", String(36)),
    Column("post_title", Text),
    Column("post_kind", String(32)),
    Column("name", Text, nullable=False),
    Column("person_hash", String(64)),
    Column("resident_id_masked", String(32), nullable=False),
    Column("phone_masked", String(32), nullable=False),
    Column("onboarded_on", Date),
    Column("exited_on", Date),
    Column("exited_at", DateTime(timezone=True)),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

ledger_months = Table(
    "rm_ledger_months_v1",
    metadata,
    Column("subject_id", String(36), primary_key=True),
    Column("month", String(7), primary_key=True),
    Column("township_path", Text, nullable=False, index=True),
    Column("days_worked", Integer),
    Column("secretary", Text),
    Column("member", Text),
    Column("worker", Text),
    Column("attendance_at", DateTime(timezone=True)),
    Column("paid_fen", BigInteger, nullable=False),
    Column("paid_at", DateTime(timezone=True)),
    Column("clawed_back_fen", BigInteger, nullable=False),
    Column("clawed_at", DateTime(timezone=True)),
    Column("source_file", Text),
    Column("source_sheet", Text),
    Column("source_row", Integer),
)


class LedgerReadModel(ReadModelTables):
    name = "ledger_v1"
    tables = (ledger_posts, ledger_subjects, ledger_months)
    topic_prefixes = ("postledger:post:created", "postledger:placement:",
                      "postledger:legacy_placement:")

    def __init__(self, keys: PersonKeys) -> None:
        self.keys = keys

    def fold(self, conn: Connection, events: Sequence[Applied]) -> None:
        ids = {e.stream for e in events}
        post_rows = Rows(conn, ledger_posts, "post_id", ["post_id"], set())
        subjects = Rows(conn, ledger_subjects, "subject_id", ["subject_id"], ids)
        months = Rows(conn, ledger_months, "subject_id", ["subject_id", "month"], ids)
        titles = self._post_titles(conn, events)
        for applied in events:
            e, sid, kind = applied.event, applied.stream, applied.kind
            if applied.topic == "postledger:post:created":
                post_rows.put({"post_id": sid, "title": e.title, "kind": e.kind})
                titles[sid] = (e.title, e.kind)
                continue
            if kind in ("applied", "imported"):
                subjects.put(self._subject(applied, titles))
                continue
            subject = subjects.get(sid)
            if subject is None:
                continue
            if kind == "onboarded":
                subject["onboarded_on"] = e.date
            elif kind in ("exited", "ended_automatically", "exit_reported") or (
                    kind == "annually_reviewed" and not e.passed):
                subject["exited_on"], subject["exited_at"] = e.date, applied.recorded_at
            elif kind in ("attendance_recorded", "paid", "clawed_back", "month_reported"):
                self._fold_month(months, subject, applied)
        for rows in (post_rows, subjects, months):
            rows.write()

    @staticmethod
    def _post_titles(conn: Connection, events: Sequence[Applied]) -> dict[str, tuple[str, str]]:
        wanted = {str(e.event.post_id) for e in events if e.topic == "postledger:placement:applied"}
        if not wanted:
            return {}
        found = conn.execute(select(ledger_posts).where(ledger_posts.c.post_id.in_(wanted)))
        return {r.post_id: (r.title, r.kind) for r in found}

    def _subject(self, applied: Applied, titles: dict[str, tuple[str, str]]) -> dict[str, Any]:
        e = applied.event
        if applied.kind == "applied":
            person, post_id = e.applicant, str(e.post_id)
            title, kind = titles.get(post_id, (None, None))
            name, resident_id, phone = person["name"], person["resident_id"], person.get("phone")
            subject_kind, onboarded = "placement", None
        else:
            post_id, title, kind = None, e.post, e.kind
            name, resident_id, phone = e.name, e.resident_id, e.phone
            subject_kind, onboarded = "imported", e.date
        return {
            "subject_id": applied.stream, "subject_kind": subject_kind,
            "county": e.county, "township": e.township, "village": e.village,
            "path": jurisdiction_path(e.county, e.township, e.village), "post_id": post_id,
            "post_title": title, "post_kind": kind, "name": name,
            "person_hash": self.keys.hash(resident_id),
            "resident_id_masked": mask_resident_id(resident_id),
            "phone_masked": mask_phone(phone) if phone else "", "onboarded_on": onboarded,
            "exited_on": None,
            "exited_at": None, "created_at": applied.recorded_at,
        }

    @staticmethod
    def _fold_month(months: Rows, subject: dict[str, Any], applied: Applied) -> None:
        e, kind, at = applied.event, applied.kind, applied.recorded_at
        row = months.get(subject["subject_id"], e.month) or months.put({
            "subject_id": subject["subject_id"], "month": e.month,
            "township_path": jurisdiction_path(subject["county"], subject["township"]),
            "days_worked": None, "secretary": None, "member": None, "worker": None,
            "attendance_at": None, "paid_fen": 0, "paid_at": None, "clawed_back_fen": 0,
            "clawed_at": None, "source_file": None, "source_sheet": None, "source_row": None,
        })
        if kind in ("attendance_recorded", "month_reported"):
            signed = e.signatures or {}
            row.update(days_worked=e.days_worked, secretary=signed.get("secretary") or None,
                       member=signed.get("member") or None, worker=signed.get("worker") or None,
                       attendance_at=at)
        if kind == "paid" or (kind == "month_reported" and e.amount_fen):
            row.update(paid_fen=e.amount_fen, paid_at=at)
        elif kind == "clawed_back":
            row.update(clawed_back_fen=row["clawed_back_fen"] + e.amount_fen, clawed_at=at)
        source = getattr(e, "source", None)  # read from a ledger file (none before v1.1)
        if source:
            row.update(source_file=source.get("file"), source_sheet=source.get("sheet"),
                       source_row=source.get("row"))


def ledger_rows(conn: Connection, township_path: str, month: str,
                as_of: datetime | None = None) -> list[dict[str, Any]]:
    """The ledger of one township and month, as it stood at ``as_of`` (None: now)."""
    as_of = utc(as_of)
    m, s, p = ledger_months, ledger_subjects, ledger_posts
    query = (
        select(s, m.c.month, m.c.days_worked, m.c.secretary, m.c.member, m.c.worker,
               m.c.attendance_at, m.c.paid_fen, m.c.paid_at, m.c.clawed_back_fen, m.c.clawed_at,
               m.c.source_file, m.c.source_sheet, m.c.source_row,
               p.c.title.label("current_post_title"), p.c.kind.label("current_post_kind"))
        .join(s, s.c.subject_id == m.c.subject_id)
        .outerjoin(p, p.c.post_id == s.c.post_id)
        .where(and_(m.c.township_path == township_path, m.c.month == month))
    )
    if as_of is not None:
        query = query.where(and_(s.c.created_at <= as_of, or_(
            m.c.attendance_at <= as_of, m.c.paid_at <= as_of)))
    rows = []
    for found in conn.execute(query.order_by(s.c.village, s.c.name, s.c.subject_id)):
        row = dict(found._mapping)
        _as_it_stood(row, as_of)
        row["post_title"] = row.pop("current_post_title") or row["post_title"]
        row["post_kind"] = row.pop("current_post_kind") or row["post_kind"]
        row["net_paid_fen"] = row["paid_fen"] - row["clawed_back_fen"]
        rows.append(row)
    return rows


def _as_it_stood(row: dict[str, Any], as_of: datetime | None) -> None:
    if as_of is None:
        return
    if row["attendance_at"] is None or _later(row["attendance_at"], as_of):
        row.update(days_worked=None, secretary=None, member=None, worker=None)
    if row["paid_at"] is None or _later(row["paid_at"], as_of):
        row["paid_fen"] = 0
    if row["clawed_at"] is None or _later(row["clawed_at"], as_of):
        row["clawed_back_fen"] = 0
    if row["exited_at"] is None or _later(row["exited_at"], as_of):
        row["exited_on"] = None


def _later(stored: datetime, as_of: datetime) -> bool:
    """SQLite hands instants back without their offset (they are stored in UTC)."""
    if stored.tzinfo is None:
        stored = stored.replace(tzinfo=UTC)
    return stored > as_of


def utc(instant: datetime | None) -> datetime | None:
    """Instants are compared in UTC: SQLite keeps them as UTC wall-clock text."""
    return instant.astimezone(UTC) if instant is not None else None
