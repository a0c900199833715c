"""A real ``postledger serve`` process on a free loopback port, and clients that take
placements through their steps over HTTP (httpx), one request per step, as users do."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import httpx

from postledger.domain.resident_id import ResidentId

HTTP_COUNTY = "529901"  # a county of its own, so HTTP placements never meet generated ones
TOWNSHIP, VILLAGE = "t0", "v0"
PLACE = f"{HTTP_COUNTY}/{TOWNSHIP}/{VILLAGE}"
TOKENS = {
    "clerk": f"dev:clerk:{PLACE}:bench",
    "village": f"dev:village:{PLACE}:bench",
    "county": f"dev:county:{HTTP_COUNTY}:bench",
}
SIGNED = {"secretary": "村支书", "member": "村委委员", "worker": "本人"}
# (step path, who, body beyond the date, date): application 2026-10-01 … paid 2026-12-01.
STEPS: list[tuple[str, str, dict[str, Any], str]] = [
    ("village-review", "village", {"approve": True}, "2026-10-02"),
    ("township-review", "county", {"approve": True}, "2026-10-03"),
    ("publicity", "county", {}, "2026-10-04"),
    ("approval", "county", {}, "2026-10-12"),
    ("training", "county", {"hours": 8}, "2026-10-14"),
    ("onboarding", "county", {}, "2026-11-01"),
    ("attendance", "village", {"month": "2026-11", "days_worked": 20, "signatures": SIGNED},
     "2026-12-01"),
    ("payments", "county", {"month": "2026-11"}, "2026-12-01"),
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def peak_rss_mb(pid: int) -> float:
    """The process's peak resident memory so far (Linux ``VmHWM``), in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def children_of(pid: int) -> list[int]:
    """The process's children (``postledger serve`` starts its read-model follower as one)."""
    return [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]


@dataclass
class Server:
    url: str
    process: subprocess.Popen[bytes]

    def get(self, path: str, token: str, **params: str) -> tuple[float, int]:
        """(seconds, status) of one GET."""
        with httpx.Client(base_url=self.url, timeout=600) as client:
            started = time.perf_counter()
            response = client.get(path, params=params, headers=_auth(token))
            return time.perf_counter() - started, response.status_code


@contextmanager
def serve(database_url: str, follower: str = "process", workers: int = 1) -> Iterator[Server]:
    port = free_port()
    env = {**os.environ, "POSTLEDGER_DATABASE_URL": database_url, "POSTLEDGER_MODE": "demo"}
    binary = Path(sys.executable).with_name("postledger")
    process = subprocess.Popen(
        [str(binary), "serve", "--demo", "--host", "127.0.0.1", "--port", str(port),
         "--follower", follower, "--workers", str(workers)],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(url, process)
        yield Server(url=url, process=process)
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _wait_until_up(url: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            err = process.stderr.read().decode() if process.stderr else ""
            raise RuntimeError(f"postledger serve exited: {err[-2000:]}")
        try:
            if httpx.get(f"{url}/health", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise RuntimeError("postledger serve did not answer /health within 60 s")


def _auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@dataclass
class Load:
    steps: int = 0
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)

    def summary(self) -> dict[str, Any]:
        return {"steps": self.steps, "seconds": self.seconds, "latencies": self.latencies,
                "failures": self.failures[:5], "failed": len(self.failures)}


def create_posts(server: Server, count: int, headcount: int) -> list[str]:
    with httpx.Client(base_url=server.url, timeout=60, headers=_auth(TOKENS["county"])) as c:
        posts = []
        for n in range(count):
            post = c.post("/posts", json={
                "county": HTTP_COUNTY, "township": TOWNSHIP, "village": VILLAGE,
                "department": "交通局", "kind": "road", "title": f"护路员 http {n}",
                "headcount": headcount, "full_time": False})
            post.raise_for_status()
            c.post(f"/posts/{post.json()['id']}/notice", json={
                "date": "2026-09-01", "closes_on": "2026-09-15", "conditions": "脱贫劳动力",
                "duties": "道路巡查"}).raise_for_status()
            posts.append(post.json()["id"])
        return posts


def run_clients(servers: list[Server], clients: int, placements_each: int,
                first_person: int) -> Load:
    """``clients`` threads, each taking ``placements_each`` new placements through every step
    (its own post, so clients contend only for the store, not for one post's seats); client
    ``i`` talks to ``servers[i % len(servers)]``."""
    posts = create_posts(servers[0], clients, headcount=placements_each)
    load = Load()
    lock = threading.Lock()

    def client(index: int) -> None:
        mine = Load()
        with httpx.Client(base_url=servers[index % len(servers)].url, timeout=120) as http:
            for n in range(placements_each):
                person = first_person + index * placements_each + n
                _one_placement(http, posts[index], person, mine)
        with lock:
            load.steps += mine.steps
            load.latencies += mine.latencies
            load.failures += mine.failures

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    load.seconds = time.perf_counter() - started
    return load


def _one_placement(http: httpx.Client, post_id: str, person: int, load: Load) -> None:
    birth = date(1970, 1, 1).toordinal() + person % 9000
    resident = ResidentId.compose(HTTP_COUNTY, date.fromordinal(birth), person // 9000).value
    placement = _timed(http, load, "/placements", "clerk", {
        "post_id": post_id, "date": "2026-10-01",
        "applicant": {"name": f"工人{person}", "resident_id": resident, "category": "lifted"}})
    if placement is None:
        return
    for step, who, body, day in STEPS:
        if _timed(http, load, f"/placements/{placement['id']}/{step}", who,
                  {"date": day, **body}) is None:
            return


def _timed(http: httpx.Client, load: Load, path: str, who: str,
           body: dict[str, Any]) -> dict[str, Any] | None:
    started = time.perf_counter()
    response = http.post(path, json=body, headers=_auth(TOKENS[who]))
    load.latencies.append(time.perf_counter() - started)
    load.steps += 1
    if response.status_code >= 300:
        load.failures.append(f"{path.rsplit('/', 1)[-1]}: {response.status_code} "
                             f"{response.text[:200]}")
        return None
    result: dict[str, Any] = response.json()
    return result
