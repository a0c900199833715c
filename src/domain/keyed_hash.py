"""The one keyed hash of personal identifiers: resident ids (and phones, household ids and
addresses where read models match on them).

A plain hash of an 18-digit resident id is reversed by trying every birth date and sequence
number; an HMAC with a key from configuration (passed in, never read here: the key comes from
src/infrastructure/keys.py, ``SecuritySettings.person_keys``) is not. Everything that finds a
person without holding who it is uses this one function under this one key:

- the index aggregates (R-ELIG-4's ``PersonIndex``, claim limits): their ids are the uuid5 of
  ``PersonKeys.subject``;
- the read models' ``person_hash`` columns and the access log's ``person`` column:
  ``PersonKeys.hash``, so an auditor's query by resident id finds reads made through list rows
  as well as reads of one record.

For a resident id as the service stores it (canonical: 17 ASCII digits and a digit or ``X``,
R-INPUT-1) ``hash`` and ``subject`` are the same 64 hex digits. ``subject`` hashes the value
exactly as given, as every release did, so index ids written by earlier releases keep their
meaning; ``hash`` first folds width, case and spacing (``normalised``), so that free text
(phones, addresses) that differs only in how it was typed matches.

A store without keys (demo mode) keeps the plain index ids of earlier releases, and its hashes
are unkeyed (HMAC under the empty key): still never the identifier itself, but reversible, which
is why production mode refuses to start without keys.
"""

from __future__ import annotations

import hashlib
import hmac
import unicodedata
from dataclasses import dataclass

# Bump when what ``hash`` computes changes: read models keyed otherwise are emptied and refilled
# (src/projections/people.py).
SCHEME = "hmac-sha256-v2"


def keyed_hash(value: str, key: bytes) -> str:
    """HMAC-SHA256 of ``value`` under ``key``, as 64 hex digits."""
    return hmac.new(key, value.encode("utf-8"), hashlib.sha256).hexdigest()


def normalised(value: str | None) -> str:
    """Case, width and spacing do not make another person or place."""
    text = unicodedata.normalize("NFKC", value or "").upper()
    return "".join(text.split())


@dataclass(frozen=True)
class PersonKeys:
    """The key of the one person hash; ``None`` in a store without keys (demo)."""

    key: bytes | None = None

    def hash(self, value: str | None) -> str | None:
        """The keyed hash of a resident id, phone, household id or address (None when empty)."""
        text = normalised(value)
        if not text:
            return None
        return keyed_hash(text, self.key or b"")

    def subject(self, value: str) -> str:
        """What an index id is derived from: the keyed hash of ``value`` as given, or, in a
        store without keys, ``value`` itself (the plain ids of earlier releases)."""
        return keyed_hash(value, self.key) if self.key else value

    @property
    def fingerprint(self) -> str:
        """Names the key and the scheme without revealing the key (read models record it)."""
        return keyed_hash(f"postledger person-hash fingerprint {SCHEME}", self.key or b"")[:32]
