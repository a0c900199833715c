"""The aggregate cache (settings.AGGREGATE_CACHE) keeps aggregates in memory between commands;
these scenarios show it never hides what another process recorded, and that a refused
command leaves nothing of itself in the cache."""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator
from datetime import date

import pytest
from eventsourcing.application import project_aggregate

from postledger.api.deps import Services
from postledger.api.main import open_services
from postledger.domain.actor import acting_as
from postledger.domain.errors import StepNotAllowed
from postledger.infrastructure.settings import Settings
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



class _SlowToCopy:
    """Planted in a cached aggregate: copying it blocks until released."""

    def __init__(self) -> None:
        self.copying, self.release = threading.Event(), threading.Event()

    def __deepcopy__(self, memo: dict[int, object]) -> _SlowToCopy:
        self.copying.set()
        self.release.wait(timeout=30)
        return self


def test_a_cached_placement_is_never_changed_while_another_request_copies_it(
    services: Services,
) -> None:
    """The library copies a cached aggregate after releasing its fast-forward lock, so another
    request's fast-forward could change it mid-copy: a half-applied copy (an attendance month
    lost under load, once in CI). While one request copies a placement, another waits."""
    county = County(services.ledger)
    p = county.placement_in("applied")
    repository = services.ledger.repository
    with acting_as(ADMIN):
        services.ledger.get_placement(p.id)  # cached
    assert repository.cache is not None
    probe = _SlowToCopy()
    repository.cache.get(p.id).probe = probe
    copier = threading.Thread(target=lambda: repository.get(p.id))
    copier.start()
    assert probe.copying.wait(timeout=30)  # given one request copying the cached placement
    fast_forwarding = threading.Event()

    def projector(aggregate: object, events: Iterable[object]) -> object:
        fast_forwarding.set()
        return project_aggregate(aggregate, events)  # type: ignore[arg-type]

    reader = threading.Thread(target=lambda: repository.get(p.id, projector_func=projector))
    reader.start()  # when another reads it
    # then the other does not touch the cached placement until the copy is done
    assert not fast_forwarding.wait(timeout=0.5)
    probe.release.set()
    copier.join(timeout=30)
    assert fast_forwarding.wait(timeout=30)
    reader.join(timeout=30)
