"""The aggregate cache (settings.AGGREGATE_CACHE) keeps aggregates in memory between commands;
these scenarios show it never hides what another process recorded, and that a refused
command leaves nothing of itself in the cache."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest

from postledger.api.deps import Services
from postledger.api.main import open_services
from postledger.domain.actor import acting_as
from postledger.domain.errors import StepNotAllowed
from postledger.workflows.settings import Settings
from tests.scenario import ADMIN, SIGNED, County


@pytest.fixture
def other_process(settings: Settings, services: Services) -> Iterator[Services]:
    """A second service on the same store, as another server process would be."""
    opened = open_services(settings)
    yield opened
    opened.close()


def test_a_cached_placement_takes_in_steps_another_process_recorded(
    services: Services, other_process: Services
) -> None:
    county = County(services.ledger)
    p = county.placement_in("applied")
    assert services.ledger.repository.cache is not None
    with acting_as(ADMIN):
        services.ledger.get_placement(p.id)  # now cached here
        # when another process takes the village review
        other_process.ledger.village_review(p.id, date=date(2024, 1, 6), approve=True,
                                            reason=None)
        # then this one sees it, and takes the next step on top of it (no conflict)
        assert services.ledger.get_placement(p.id).state.value == "village_approved"
        services.ledger.township_review(p.id, date=date(2024, 1, 7), approve=True, reason=None)
    assert county.event_types(p.id) == ["Applied", "VillageReviewed", "TownshipReviewed"]
    with acting_as(ADMIN):
        assert other_process.ledger.get_placement(p.id).state.value == "township_approved"


def test_a_refused_command_leaves_the_cached_placement_as_stored(services: Services) -> None:
    county = County(services.ledger)
    p = county.placement_in("active")
    with acting_as(ADMIN):
        services.ledger.record_attendance(p.id, date=date(2024, 2, 1), month="2024-01",
                                          days_worked=20, signatures=SIGNED)
        # when the same month's attendance is recorded twice (R-ATT-1), the second is refused
        with pytest.raises(StepNotAllowed):
            services.ledger.record_attendance(p.id, date=date(2024, 2, 2), month="2024-01",
                                              days_worked=3, signatures=SIGNED)
        # then the cached placement still holds the first record only
        cached = services.ledger.get_placement(p.id)
    assert cached.attendance["2024-01"]["days_worked"] == 20
    assert cached.version == len(county.event_types(p.id))
