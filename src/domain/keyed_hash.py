"""One keyed hash for personal identifiers (resident ids) used as lookup keys.

A plain hash of an 18-digit resident id is reversed by trying every birth date and sequence
number; an HMAC with a key from configuration (passed in, never read here) is not. Indexes and
read models look people up by ``keyed_hash(resident_id, key)`` instead of the id itself.
"""

from __future__ import annotations

import hashlib
import hmac


def keyed_hash(value: str, key: bytes) -> str:
    """HMAC-SHA256 of ``value`` under ``key``, as 64 hex digits."""
    return hmac.new(key, value.encode("utf-8"), hashlib.sha256).hexdigest()
