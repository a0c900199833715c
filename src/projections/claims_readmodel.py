"""Subsidy claims by type, state and claimant (``GET /claims``), folded from the claim events.

The claimant is held as a keyed hash (src/projections/people.py), never in plain.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import (
    BigInteger,
    Column,
    Connection,
    Date,
    Integer,
    MetaData,
    String,
    Table,
    Text,
)

from postledger.domain.post import jurisdiction_path
from postledger.projections.follower import Applied, ReadModelTables, Rows
from postledger.projections.people import PersonKeys

metadata = MetaData()

# Free text (names, places) is Text and money BigInteger: a row the domain accepted must never
# fail to project, or the follower would stop at it for good.
claims = Table(
    "rm_claims_v3",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("type", String(32), nullable=False, index=True),
    Column("county", Text, nullable=False, index=True),
    Column("township", Text),
    Column("path", Text, nullable=False, index=True),
    Column("state", String(32), nullable=False, index=True),
    Column("claimant_name", Text, nullable=False),
    Column("claimant_key", String(64), nullable=False, index=True),
    Column("amount_fen", BigInteger, nullable=False),
    Column("paid_fen", BigInteger, nullable=False),
    Column("clawed_back_fen", BigInteger, nullable=False),
    Column("submitted_on", Date, nullable=False),
    Column("version", Integer, nullable=False),
)

# The claim's state after each of its events (src/domain/claim_flow.py names them).
_STATES = {"withdrawn": "withdrawn", "paid": "paid"}


class ClaimsReadModel(ReadModelTables):
    name = "claims_v3"
    rebuild_cost = 0.3
    tables = (claims,)
    topic_prefixes = ("postledger:subsidy_claim:",)

    def __init__(self, keys: PersonKeys) -> None:
        self.keys = keys

    def fold(self, conn: Connection, events: Sequence[Applied]) -> None:
        rows = Rows(conn, claims, "id", ["id"], {e.stream for e in events})
        for applied in events:
            e, cid, kind = applied.event, applied.stream, applied.kind
            if kind == "submitted":
                township = e.claimant.get("township") or None
                who = e.claimant.get("resident_id") or e.claimant.get("name", "")
                rows.put({
                    "id": cid, "type": e.claim_type, "county": e.county, "township": township,
                    "path": jurisdiction_path(e.county, township), "state": "submitted",
                    "claimant_name": str(e.claimant.get("name", "")),
                    "claimant_key": self.keys.hash(str(who)) or "",
                    "amount_fen": e.amount_fen, "paid_fen": 0, "clawed_back_fen": 0,
                    "submitted_on": e.date, "version": 0,
                })
            row = rows.get(cid)
            if row is None:
                continue
            if kind == "reviewed":
                row["state"] = "approved" if e.approve else "rejected"
            elif kind == "paid":
                row["paid_fen"] = e.amount_fen
            elif kind == "clawed_back":
                row["clawed_back_fen"] += e.amount_fen
                row["state"] = ("clawed_back" if row["clawed_back_fen"] >= row["paid_fen"]
                                else "partly_clawed_back")
            row["state"] = _STATES.get(kind, row["state"])
            row["version"] = applied.version
        rows.write()
