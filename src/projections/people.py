"""Resident ids and phones in read models: a keyed hash to match on, a masked form to show.

Read models never hold a resident id or phone in plain (issue 12): the hash lets lists and
findings match one person across placements without storing who it is; the masked form
(``520524********001X``) is what a list shows. Whoever needs the number itself reads it from the
event store, where it is guarded.

The hash is the one person hash of src/domain/keyed_hash.py, under the key of
src/infrastructure/keys.py (``SecuritySettings.person_keys``): the same value the index ids and
the access log use, so an auditor's query by resident id finds a read through a list row too.

Read models record which key (and hashing scheme) filled them. When the key changes — a store
whose read models were filled by an earlier release, which keyed them from
``POSTLEDGER_CHAIN_KEY``; ``POSTLEDGER_INDEX_KEY`` set later — ``keep_keyed`` empties every read
model and sets it back to position 0, so the next catch-up refills it from the event log under
the new key: no table ever mixes hashes under two keys. The events, the index aggregates and
the access log are never touched (their hashes did not change meaning).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from sqlalchemy import (
    Column,
    Engine,
    MetaData,
    String,
    Table,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError

from postledger.domain.keyed_hash import SCHEME, PersonKeys, normalised
from postledger.projections.follower import ReadModelTables, tracking

__all__ = ["PersonKeys", "keep_keyed", "normalised", "person_key_marker"]

log = logging.getLogger(__name__)

person_key_marker = Table(
    "rm_person_key",
    MetaData(),
    Column("scheme", String(32), primary_key=True),
    Column("fingerprint", String(64), nullable=False),
)


def keep_keyed(engine: Engine, models: Sequence[ReadModelTables], keys: PersonKeys) -> bool:
    """Empty and rewind every read model when ``keys`` is not the key that filled them (True
    then). Call once the models' tables and tracking rows exist (``Follower``)."""
    person_key_marker.create(engine, checkfirst=True)
    names = [m.name for m in models]
    with engine.begin() as conn:
        # Lock the marker row: a second process opening at the same time waits for the first.
        found = conn.execute(select(person_key_marker.c.fingerprint).where(
            person_key_marker.c.scheme == "person").with_for_update()).scalar()
        if found == keys.fingerprint:
            return False
        filled = conn.execute(select(func.max(tracking.c.position)).where(
            tracking.c.projection.in_(names))).scalar() or 0
        if filled:
            for model in models:
                for table in reversed(model.tables):
                    table.drop(conn, checkfirst=True)
                for table in model.tables:
                    table.create(conn)
            conn.execute(update(tracking).where(tracking.c.projection.in_(names))
                         .values(position=0))
            log.warning("read models emptied for a refill: they were keyed with another person "
                        "key or hash scheme than %s", SCHEME)
        if found is None:
            try:
                with conn.begin_nested():
                    conn.execute(insert(person_key_marker).values(
                        scheme="person", fingerprint=keys.fingerprint))
            except IntegrityError:  # another process recorded it first, under the schema lock
                pass
        else:
            conn.execute(update(person_key_marker).where(person_key_marker.c.scheme == "person")
                         .values(fingerprint=keys.fingerprint))
        return bool(filled)
