"""Every read model, listed once: what the follower keeps up to date and what
``postledger projections rebuild`` rebuilds. A read model missing here is missing everywhere."""

from __future__ import annotations

from postledger.projections.claims_readmodel import ClaimsReadModel
from postledger.projections.findings_rm import FindingsReadModel
from postledger.projections.follower import ReadModelTables
from postledger.projections.ledger_rm import LedgerReadModel
from postledger.projections.people import PersonKeys
from postledger.projections.placements_rm import PlacementsReadModel


def read_models(keys: PersonKeys) -> tuple[ReadModelTables, ...]:
    return (
        PlacementsReadModel(keys),  # posts, placements, their states over time; work queues
        ClaimsReadModel(keys),  # subsidy claims; claims to review and pay
        LedgerReadModel(keys),  # the monthly real-name ledger (R-ATT-2)
        FindingsReadModel(keys),  # R-FRAUD-1…7, 9 and the register of officials
    )
