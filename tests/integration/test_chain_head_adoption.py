"""A store written before chain heads existed (R-FRAUD-8): no `chain_heads` rows, so the tamper
check reports every stream as head_mismatch. `postledger audit adopt-chain-heads` (admin only,
logged and recorded) anchors the streams whose chain is intact and refuses those whose chain is
broken — on both stores."""

from __future__ import annotations

import json
import logging
from uuid import UUID

import pytest

from postledger.api.cli import main
from postledger.api.deps import Services
from postledger.domain.actor import Actor, acting_as
from postledger.domain.errors import Forbidden
from postledger.infrastructure.settings import Settings
from postledger.workflows.verify import adopt_chain_heads, verify_chains
from tests.integration.test_tamper_check import RawEvents, worked  # noqa: F401  (the fixture)
from tests.scenario import County


def problems(services: Services) -> set[tuple[str, str]]:
    return {(b.stream_id, b.problem) for b in verify_chains(services.ledger).broken}


def forget_heads(settings: Settings, stream: UUID) -> None:
    """The store as it was before heads existed: the heads table empty."""
    raw = RawEvents(settings, stream)
    raw.run(f"DELETE FROM {raw.heads}")


def test_heads_are_adopted_for_intact_streams_and_then_the_store_verifies(
    services: Services, settings: Settings, worked: tuple[County, UUID],  # noqa: F811
    caplog: pytest.LogCaptureFixture,
) -> None:
    # Given a store whose events carry no anchored head
    forget_heads(settings, worked[1])
    streams = verify_chains(services.ledger).checked_streams
    assert {p for _, p in problems(services)} == {"head_mismatch"}
    assert len(problems(services)) == streams

    # When an admin adopts the heads
    with caplog.at_level(logging.WARNING, logger="postledger.audit"), \
            acting_as(Actor("admin", "", "运维")):
        report = adopt_chain_heads(services.ledger)

    # Then every stream got one, the store verifies, and the adoption was logged by name
    assert report.ok and len(report.adopted) == streams and report.anchored == 0
    assert verify_chains(services.ledger).ok
    assert any("运维" in r.getMessage() and f"{streams} streams adopted" in r.getMessage()
               for r in caplog.records)
    # and adopting again changes nothing
    with acting_as(Actor("admin", "", "运维")):
        again = adopt_chain_heads(services.ledger)
    assert again.adopted == [] and again.anchored == streams


def test_a_stream_whose_chain_is_broken_is_refused_and_stays_reported(
    services: Services, settings: Settings, worked: tuple[County, UUID],  # noqa: F811
) -> None:
    # Given a store without heads where one placement's attendance was changed in the database
    forget_heads(settings, worked[1])
    RawEvents(settings, worked[1]).rewrite(8, lambda s: s.update(days_worked=25))

    with acting_as(Actor("admin", "", "运维")):
        report = adopt_chain_heads(services.ledger)

    # Then that stream is refused with the broken link, the others are adopted
    assert not report.ok
    assert [(b.stream_id, b.version, b.problem) for b in report.refused] == [
        (str(worked[1]), 8, "changed")]
    assert str(worked[1]) not in report.adopted and report.adopted
    # and the check still reports it, unanchored, and nothing else
    assert problems(services) == {(str(worked[1]), "changed"), (str(worked[1]), "head_mismatch")}


def test_only_an_admin_adopts_heads(services: Services, settings: Settings,
                                    worked: tuple[County, UUID]) -> None:  # noqa: F811
    forget_heads(settings, worked[1])
    for role, jurisdiction in (("inspector", "520524"), ("county", "520524")):
        with acting_as(Actor(role, jurisdiction, "某人")), pytest.raises(Forbidden) as refused:
            adopt_chain_heads(services.ledger)
        assert refused.value.rule == "R-FRAUD-8"
    assert {p for _, p in problems(services)} == {"head_mismatch"}


def test_postledger_audit_adopt_chain_heads_prints_what_it_did(
    services: Services, settings: Settings, worked: tuple[County, UUID],  # noqa: F811
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("POSTLEDGER_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("POSTLEDGER_MODE", settings.mode)
    forget_heads(settings, worked[1])
    assert main(["verify"]) == 1
    capsys.readouterr()

    assert main(["audit", "adopt-chain-heads"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed["ok"] is True and printed["refused"] == []
    assert printed["adopted"] == verify_chains(services.ledger).checked_streams
    assert main(["verify"]) == 0
