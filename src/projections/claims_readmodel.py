"""The claims list (``GET /claims``): one row per subsidy claim, fed from the event log.

A ``LogFollower`` (src/projections/readmodel.py) with its own position, ``claims``, in
``rm_tracking``. A row is the claim's latest state.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import (
    BigInteger,
    Column,
    Date,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    select,
)

from postledger.domain.subsidies.claim import SubsidyClaim
from postledger.projections.readmodel import LogFollower, inside, matching

metadata = MetaData()

# Free text (names, places) is Text and money BigInteger: a row the domain accepted must never
# fail to project, or the follower would stop at it for good.

claims = Table(
    "rm_claims_v2",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("type", String(32), nullable=False, index=True),
    Column("county", Text, nullable=False, index=True),
    Column("township", Text),
    Column("path", Text, nullable=False, index=True),
    Column("state", String(32), nullable=False, index=True),
    Column("claimant_name", Text, nullable=False),
    Column("claimant_key", Text, nullable=False, index=True),
    Column("amount_fen", BigInteger, nullable=False),
    Column("paid_fen", BigInteger, nullable=False),
    Column("clawed_back_fen", BigInteger, nullable=False),
    Column("submitted_on", Date, nullable=False),
    Column("version", Integer, nullable=False),
)

class ClaimsReadModel(LogFollower):
    projection = "claims_v2"  # the schema version: see src/projections/readmodel.py
    tables = (claims,)
    watched = (SubsidyClaim,)

    def project(self, conn: Any, aggregate: Any) -> None:
        if isinstance(aggregate, SubsidyClaim):
            self.replace_row(conn, claims, claim_row(aggregate))

    def list_claims(
        self,
        *,
        within: str,
        county: str | None = None,
        claim_type: str | None = None,
        state: str | None = None,
        limit: int = 1000,
        offset: int = 0,
    ) -> list[dict[str, Any]]:
        query = matching(select(claims).where(inside(claims.c.path, within)), claims,
                         county=county, type=claim_type, state=state)
        query = query.order_by(claims.c.submitted_on, claims.c.id).limit(limit).offset(offset)
        with self.engine.connect() as conn:
            return [dict(r._mapping) for r in conn.execute(query)]


def claim_row(c: SubsidyClaim) -> dict[str, Any]:
    submitted_on: date = c.submitted_on
    return {
        "id": str(c.id),
        "type": c.claim_type,
        "county": c.county,
        "township": c.township,
        "path": c.path,
        "state": c.state.value,
        "claimant_name": str(c.claimant.get("name", "")),
        "claimant_key": str(c.claimant.get("resident_id") or c.claimant.get("name", "")),
        "amount_fen": c.amount_fen,
        "paid_fen": c.paid_fen,
        "clawed_back_fen": c.clawed_back_fen,
        "submitted_on": submitted_on,
        "version": c.version,
    }
