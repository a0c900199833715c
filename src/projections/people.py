"""Resident ids and phones in read models: a keyed hash to match on, a masked form to show.

Read models never hold a resident id or phone in plain (issue 12): the hash (HMAC-SHA256 under
a key derived from ``POSTLEDGER_CHAIN_KEY``) lets lists and findings match one person across
placements without storing who it is; the masked form (``520524********001X``) is what a list
shows. Whoever needs the number itself reads it from the event store, where it is guarded.
"""

from __future__ import annotations

import hashlib
import hmac
import unicodedata
from dataclasses import dataclass


@dataclass(frozen=True)
class PersonKeys:
    key: bytes

    @classmethod
    def derived_from(cls, chain_key: bytes) -> PersonKeys:
        return cls(hmac.new(chain_key, b"postledger read-model person hash", hashlib.sha256)
                   .digest())

    def hash(self, value: str | None) -> str | None:
        """The keyed hash of a resident id, phone, household id or address (None when empty)."""
        text = normalised(value)
        if not text:
            return None
        return hmac.new(self.key, text.encode("utf-8"), hashlib.sha256).hexdigest()[:40]


def normalised(value: str | None) -> str:
    """Case, width and spacing do not make another person or place."""
    text = unicodedata.normalize("NFKC", value or "").upper()
    return "".join(text.split())
