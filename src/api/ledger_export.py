"""The ledger file as a reader may take it away: access-logged, and masked unless the reader's
role needs the full numbers (API.md "Production mode": "logs, errors and exports show a masked
id or phone unless the reader's role needs the full one").

Who needs them: the county, which pays the monthly subsidy from the real-name ledger that the
townships report to it (R-ATT-2) and imports ledger files (``POST /ledger/import``, county and
admin only), whose rows are found by resident id — an exported file must import again — and the
admin. Everyone else who may read a ledger (clerk, village, township, inspector) gets
``520524********001X`` and ``138****0001``, as the JSON ledger and the lists show them; whoever
needs one number reads that person's record, which is logged.

One function for every way out — ``GET /ledger`` as .xlsx and ``postledger ledger export`` —
so that a way out cannot forget the log or the mask.
"""

from __future__ import annotations

from typing import Any

from postledger.api.access_log import Reads
from postledger.domain.actor import Actor
from postledger.workflows.ledger_io import export_ledger

# The roles that take the ledger with resident ids and phones in full (see above).
FULL_IDS_IN_EXPORTS = frozenset({"county", "admin"})


def sees_full_ids(actor: Actor) -> bool:
    return actor.role in FULL_IDS_IN_EXPORTS


def logged_rows(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Ledger rows as the access log takes them: the placement read and its person's hash."""
    return [{"id": row["subject_id"], "path": row["path"], "person_hash": row.get("person_hash")}
            for row in rows]


def ledger_file(app: Any, rows: list[dict[str, Any]], reads: Reads) -> bytes:
    """The .xlsx of ``rows`` for ``reads.actor``; every row logged once the file exists (a
    refused export read nothing)."""
    data = export_ledger(app, rows, full_ids=sees_full_ids(reads.actor))
    reads.rows("ledger.xlsx", logged_rows(rows))
    return data
