"""Browser tests: a real ``postledger serve`` on a free port over a temporary SQLite store with
the demo county, driven by Debian's Chromium (/usr/bin/chromium, installed by ``make test``)
through Playwright. No browser is downloaded."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest
from playwright.sync_api import BrowserContext, Page, Playwright, sync_playwright

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts"
CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    home = tmp_path_factory.mktemp("served")
    env = {**os.environ, "POSTLEDGER_DATABASE_URL": f"sqlite:///{home}/postledger.db",
           "POSTLEDGER_MODE": "demo", "POSTLEDGER_HOST": "127.0.0.1",
           "POSTLEDGER_PORT": str(_free_port())}
    command = [sys.executable, "-m", "postledger.api.cli"]
    subprocess.run([*command, "demo", "load"], env=env, check=True, capture_output=True)
    log = (home / "serve.log").open("w")
    process = subprocess.Popen([*command, "serve"], env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{env['POSTLEDGER_PORT']}"
    try:
        for _ in range(100):
            try:
                if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        else:
            raise RuntimeError((home / "serve.log").read_text())
        yield base
    finally:
        process.terminate()
        process.wait(timeout=10)
        log.close()


# Package scope, not session: Playwright's sync API keeps an event loop running in this thread
# until it stops, and later tests that call asyncio.run would find it.
@pytest.fixture(scope="package")
def playwright() -> Iterator[Playwright]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: `make test` installs Debian's chromium")
    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="package")
def browser(playwright: Playwright, tmp_path_factory: pytest.TempPathFactory,
            server: str) -> Iterator[BrowserContext]:
    """One browser with a fresh profile."""
    context = playwright.chromium.launch_persistent_context(
        str(tmp_path_factory.mktemp("profile")), executable_path=CHROMIUM, headless=True,
        args=CHROMIUM_FLAGS, locale="zh-CN", viewport={"width": 1200, "height": 900},
        accept_downloads=True)
    yield context
    context.close()


@pytest.fixture
def page(browser: BrowserContext) -> Iterator[Page]:
    """A new tab with no session: each test signs in as its own person."""
    browser.clear_cookies()
    tab = browser.new_page()
    yield tab
    tab.close()


def sign_in(page: Page, server: str, role: str, jurisdiction: str, name: str = "测试") -> None:
    page.goto(f"{server}/signin")
    page.select_option("#role", role)
    page.select_option("#jurisdiction", jurisdiction)
    page.fill("#name", name)
    page.click("form.narrow button[type=submit]")
    page.wait_for_load_state()


def hosts_asked(page: Page) -> set[str]:
    """Start recording the hosts this tab asks for; the set fills as it browses."""
    hosts: set[str] = set()
    page.on("request", lambda request: hosts.add(urlsplit(request.url).netloc))
    return hosts


def shoot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
