"""The read models' follower as a process of its own (src/api/following.py): ``postledger
projections follow`` folds what other processes record without any read asking it to, and
stops on SIGTERM; ``postledger serve`` starts one as its child by default, which ends with the
server even when the server is killed outright. On both stores."""

from __future__ import annotations

import signal
import subprocess
import time
from pathlib import Path

import httpx

from postledger.api.deps import Services
from postledger.infrastructure.settings import Settings
from tests.faults import POSTLEDGER, Server, free_port, process_env
from tests.scenario import County


def wait_until(condition: object, seconds: float = 60) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():  # type: ignore[operator]
            return True
        time.sleep(0.1)
    return False


def caught_up(services: Services) -> bool:
    """Every read model has applied every notification recorded so far (tracking rows only:
    reading a list would catch up by itself and prove nothing)."""
    last = services.ledger.recorder.max_notification_id() or 0
    positions = services.read_model.follower.positions()
    names = [m.name for m in services.read_model.follower.read_models]
    return all(positions.get(name, 0) >= last for name in names)


def children(pid: int) -> list[int]:
    found = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    return [int(child) for child in found]


def alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/status").read_text().split("State:")[1].split()[0] != "Z"
    except (FileNotFoundError, IndexError):
        return False


def test_follow_folds_what_others_record_and_stops_on_sigterm(
        services: Services, settings: Settings) -> None:
    follower = subprocess.Popen([POSTLEDGER, "projections", "follow", "--every", "0.2"],
                                env=process_env(settings), stdout=subprocess.DEVNULL,
                                stderr=subprocess.PIPE)
    try:
        County(services.ledger).placement_in("active", n=3)
        assert wait_until(lambda: caught_up(services)), "the follower did not fold the events"
    finally:
        follower.send_signal(signal.SIGTERM)
        assert follower.wait(timeout=60) == 0, follower.stderr.read() if follower.stderr else ""


def test_serve_follows_in_a_child_process_that_ends_with_the_server(
        services: Services, settings: Settings) -> None:
    server = Server(settings)
    try:
        assert wait_until(lambda: len(children(server.process.pid)) == 1, 30)
        (follower,) = children(server.process.pid)
        County(services.ledger).placement_in("active", n=2)
        assert wait_until(lambda: caught_up(services)), "the server's follower did not fold"
    finally:
        server.kill()
    assert wait_until(lambda: not alive(follower), 30), "the follower outlived its server"


def command_line(pid: int) -> str:
    return Path(f"/proc/{pid}/cmdline").read_text().replace("\0", " ")


def test_serve_with_two_workers_runs_one_follower_for_both_and_stops_them_all(
        services: Services, settings: Settings) -> None:
    port = free_port()
    server = subprocess.Popen([POSTLEDGER, "serve", "--port", str(port), "--workers", "2"],
                              env=process_env(settings), stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    try:
        assert wait_until(lambda: answers(f"http://127.0.0.1:{port}/health"), 60)
        kids = children(server.pid)
        followers = [k for k in kids if "projections follow" in command_line(k)]
        workers = [k for k in kids if "multiprocessing" in command_line(k)]
        assert len(followers) == 1 and len(workers) >= 2, [command_line(k) for k in kids]
        County(services.ledger).placement_in("active", n=2)
        assert wait_until(lambda: caught_up(services)), "the one follower did not fold"
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=60)
    assert wait_until(lambda: not any(alive(k) for k in kids), 30), "a process outlived serve"


def answers(url: str) -> bool:
    try:
        return httpx.get(url, timeout=1).status_code == 200
    except httpx.TransportError:
        return False
