"""The access log: every read of a person's record — who, when, what, from where.

PIPL and the Cybersecurity Law ask a county to know who looked at a poor household's data, and
to keep that record at least six months. Each read a router serves (a placement, its history, a
claim, a list row) appends one row per subject read, in the same database as the read models;
people are found by the one keyed hash of their resident id (src/domain/keyed_hash.py, the
read models' ``person_hash``), never by the id itself: a list row read is found by the resident
id of the person it showed, though the row showed a masked id. The table is append-only:
triggers refuse any UPDATE, and any DELETE of a row younger than ``RETENTION_DAYS``, whoever
runs it — the service, a script or an operator.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any
from uuid import UUID

from fastapi import Depends, Request
from sqlalchemy import (
    BigInteger,
    Column,
    DateTime,
    Engine,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    delete,
    insert,
    or_,
    select,
    text,
)

from postledger.api.deps import CurrentActor, Services, get_services
from postledger.domain.actor import Actor
from postledger.domain.keyed_hash import PersonKeys
from postledger.domain.placement import Placement
from postledger.domain.subsidies.claim import SubsidyClaim

RETENTION_DAYS = 183  # six months and then some: Cybersecurity Law art. 21 (≥ 6 months)

metadata = MetaData()

access_log = Table(
    "access_log",
    metadata,
    Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True,
           autoincrement=True),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("actor_role", String(16), nullable=False),
    Column("actor_jurisdiction", Text, nullable=False),
    Column("actor_name", Text, nullable=False),
    Column("client", String(64), nullable=False),
    Column("what", String(32), nullable=False),
    Column("subject", String(36), nullable=False),
    Column("path", Text, nullable=False),
    Column("person", String(64)),  # keyed hash of the resident id, where one was read
    Index("access_log_subject", "subject"),
    Index("access_log_person", "person"),
)

_SQLITE_GUARDS = [
    f"""CREATE TRIGGER IF NOT EXISTS access_log_kept BEFORE DELETE ON access_log
        WHEN julianday(OLD.at) > julianday('now', '-{RETENTION_DAYS} days')
        BEGIN SELECT RAISE(ABORT, 'access log rows are kept {RETENTION_DAYS} days'); END""",
    """CREATE TRIGGER IF NOT EXISTS access_log_unchanged BEFORE UPDATE ON access_log
        BEGIN SELECT RAISE(ABORT, 'access log rows are never changed'); END""",
]
_POSTGRES_GUARDS = [
    f"""CREATE OR REPLACE FUNCTION access_log_guard() RETURNS trigger AS $$
        BEGIN
          IF TG_OP = 'UPDATE' THEN
            RAISE EXCEPTION 'access log rows are never changed';
          END IF;
          IF OLD.at > now() - interval '{RETENTION_DAYS} days' THEN
            RAISE EXCEPTION 'access log rows are kept {RETENTION_DAYS} days';
          END IF;
          RETURN OLD;
        END $$ LANGUAGE plpgsql""",
    """CREATE OR REPLACE TRIGGER access_log_guard BEFORE UPDATE OR DELETE ON access_log
        FOR EACH ROW EXECUTE FUNCTION access_log_guard()""",
]


def create_access_log(engine: Engine) -> None:
    """Create the table and its guards (call under the schema lock, src/api/main.py)."""
    with engine.begin() as conn:
        metadata.create_all(conn)
        for statement in (_SQLITE_GUARDS if engine.dialect.name == "sqlite"
                          else _POSTGRES_GUARDS):
            conn.execute(text(statement))


@dataclass(frozen=True)
class Read:
    """One subject read: its id, its jurisdiction path, the resident ids it showed, and the
    person hashes of those a read model row showed masked."""

    subject: str
    path: str
    resident_ids: tuple[str, ...] = ()
    person_hashes: tuple[str, ...] = ()


class AccessLog:
    def __init__(self, engine: Engine, keys: PersonKeys) -> None:
        self.engine = engine
        # Without a configured key (a demo store) the hash is unkeyed but still not the id.
        self.keys = keys

    def person(self, resident_id: str) -> str:
        return self.keys.hash(resident_id) or ""

    def record(self, actor: Actor, client: str, what: str, reads: Iterable[Read],
               at: datetime | None = None) -> int:
        stamp = at or datetime.now(UTC)
        rows: list[dict[str, Any]] = []
        for read in reads:
            base = {"at": stamp, "actor_role": actor.role,
                    "actor_jurisdiction": actor.jurisdiction, "actor_name": actor.name,
                    "client": client[:64], "what": what, "subject": read.subject,
                    "path": read.path}
            people: list[str | None] = [*sorted({self.person(r) for r in read.resident_ids
                                                 if r} | set(read.person_hashes))]
            rows.extend({**base, "person": person} for person in people or [None])
        if rows:
            with self.engine.begin() as conn:
                conn.execute(insert(access_log), rows)
        return len(rows)

    def query(self, subject: str, within: str) -> list[dict[str, Any]]:
        """Reads of ``subject`` (a placement or claim id, or a resident id) inside ``within``,
        oldest first."""
        try:
            wanted = access_log.c.subject == str(UUID(subject))
        except ValueError:
            wanted = access_log.c.person == self.person(subject)
        query = select(access_log).where(wanted).order_by(access_log.c.at, access_log.c.id)
        if within not in ("", "*"):
            query = query.where(or_(access_log.c.path == within,
                                    access_log.c.path.startswith(f"{within}/", autoescape=True)))
        with self.engine.connect() as conn:
            found = [dict(r._mapping) for r in conn.execute(query)]
        return [{
            "at": _utc(row["at"]),
            "actor": {"role": row["actor_role"], "jurisdiction": row["actor_jurisdiction"],
                      "name": row["actor_name"]},
            "what": row["what"],
            "subject": row["subject"],
            "client": row["client"],
        } for row in found]

    def prune(self, now: datetime | None = None) -> int:
        """Delete what is older than the retention period; nothing younger can be deleted."""
        cutoff = (now or datetime.now(UTC)) - timedelta(days=RETENTION_DAYS + 1)
        with self.engine.begin() as conn:
            return int(conn.execute(delete(access_log).where(access_log.c.at < cutoff)).rowcount)


def _utc(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value


# ---------------------------------------------------------------- what routers call
class Reads:
    """The access log bound to one request's actor and client address."""

    def __init__(self, log: AccessLog, actor: Actor, client: str) -> None:
        self.log = log
        self.actor = actor
        self.client = client

    def placements(self, what: str, placements: Sequence[Placement]) -> None:
        self.log.record(self.actor, self.client, what, [
            Read(str(p.id), p.path, (str(p.applicant.get("resident_id", "")),))
            for p in placements])

    def claims(self, what: str, claims: Sequence[SubsidyClaim]) -> None:
        self.log.record(self.actor, self.client, what, [
            Read(str(c.id), c.path, claim_resident_ids(c.claimant, c.facts)) for c in claims])

    def rows(self, what: str, rows: Sequence[dict[str, Any]]) -> None:
        """List rows: ``id`` and ``path``; ``resident_id`` where the row shows a whole one, and
        the read model's ``person_hash`` or ``claimant_key`` (the same hash) where it shows a
        masked one."""
        self.log.record(self.actor, self.client, what, [
            Read(str(r["id"]), str(r["path"]),
                 # a read model shows a masked id: only a whole id names the person
                 (str(r["resident_id"]),) if "*" not in str(r.get("resident_id") or "*")
                 else (),
                 tuple(str(r[k]) for k in ("person_hash", "claimant_key") if r.get(k)))
            for r in rows])


def claim_resident_ids(claimant: dict[str, Any], facts: dict[str, Any]) -> tuple[str, ...]:
    """The people a claim shows: its claimant and any named workers (labour export,
    absorption)."""
    found = [claimant.get("resident_id")]
    workers = facts.get("workers")
    if isinstance(workers, list):
        found.extend(w.get("resident_id") for w in workers if isinstance(w, dict))
    return tuple(str(rid) for rid in found if isinstance(rid, str) and rid)


def reads_for(request: Request, actor: Actor, services: Services) -> Reads:
    """The access log of this request's reads, for routers and pages alike."""
    client = request.client.host if request.client else "unknown"
    return Reads(AccessLog(services.read_model.engine, services.read_model.keys), actor, client)


def get_reads(
    request: Request, actor: CurrentActor,
    services: Annotated[Services, Depends(get_services)],
) -> Reads:
    return reads_for(request, actor, services)


AccessReads = Annotated[Reads, Depends(get_reads)]
