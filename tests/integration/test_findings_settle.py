"""The findings read model folds a batch by recording steps and marking subjects dirty, in the
batch's transaction, and settles the findings once the log is caught up
(src/projections/findings_rm.py, findings_compute.py). A crash between the two leaves the marks:
the next catch-up settles them, and the read models equal a fresh rebuild — on both stores."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from postledger.api.deps import Services
from postledger.domain.actor import acting_as
from postledger.projections import findings_rm
from postledger.projections.findings_tables import audit_subjects, findings
from tests.integration.test_projection_crash import contents
from tests.scenario import ADMIN, SIGNED, County


class Crash(Exception):
    pass


def dirty(services: Services) -> int:
    with services.read_model.engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(audit_subjects)
                                .where(audit_subjects.c.dirty.is_(True))).scalar_one())


def finding_count(services: Services) -> int:
    with services.read_model.engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(findings)).scalar_one())


def test_findings_left_unsettled_by_a_crash_are_settled_by_the_next_catch_up(
    services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given placements whose attendance is recorded months late (R-FRAUD-9)
    county = County(services.ledger, headcount=10)
    for n in range(1, 6):
        placement = county.placement_in("active", n=n)
        with acting_as(ADMIN):
            services.ledger.record_attendance(placement.id, date=date(2024, 2, 2),
                                              month="2024-01", days_worked=20, signatures=SIGNED)
    # When the follower folds every batch, then dies as it settles the findings
    def crash(conn: object, limit: int) -> int:
        raise Crash

    monkeypatch.setattr(findings_rm, "settle", crash)
    with pytest.raises(Crash):
        services.read_model.catch_up(services.ledger)
    # then the batches are recorded, every subject is marked, and no finding was written yet
    assert dirty(services) == 5
    assert finding_count(services) == 0

    # When the follower starts again
    monkeypatch.undo()
    services.read_model.catch_up(services.ledger)
    # then nothing is left to settle, the findings are there, and all equals a fresh rebuild
    assert dirty(services) == 0
    assert finding_count(services) > 0
    resumed = contents(services)
    services.read_model.rebuild(services.ledger)
    assert contents(services) == resumed
