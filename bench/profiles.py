"""Profiles for ``bench/run.py --profile``: where the time of a slow row goes.

In-process rows are profiled with cProfile; the HTTP server (another process) with py-spy
(``pip install py-spy``; skipped when it is not installed). Each writes the top entries to
``bench/results/profile-<name>.txt``.
"""

from __future__ import annotations

import cProfile
import io
import pstats
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import Any

TOP = 25


@contextmanager
def cprofiled(folder: Path | None, name: str) -> Iterator[None]:
    if folder is None:
        yield
        return
    profile = cProfile.Profile()
    profile.enable()
    try:
        yield
    finally:
        profile.disable()
        out = io.StringIO()
        stats = pstats.Stats(profile, stream=out).strip_dirs()
        stats.sort_stats("cumulative").print_stats(TOP)
        stats.sort_stats("tottime").print_stats(TOP)
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"profile-{name}.txt").write_text(out.getvalue())


def sampled(folder: Path | None, name: str, pid: int) -> Any:
    """py-spy sampling of process ``pid`` while the block runs (nothing without --profile)."""
    tool = shutil.which("py-spy") or str(Path(sys.executable).with_name("py-spy"))
    if folder is None or not Path(tool).exists():
        return nullcontext()
    return _sampled(tool, folder, name, pid)


@contextmanager
def _sampled(tool: str, folder: Path, name: str, pid: int) -> Iterator[None]:
    folder.mkdir(parents=True, exist_ok=True)
    raw = folder / f"pyspy-{name}.collapsed"
    spy = subprocess.Popen([tool, "record", "--pid", str(pid), "--format", "raw", "--rate", "200",
                            "--output", str(raw), "--nonblocking"],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(1)  # let it attach
    try:
        yield
    finally:
        spy.send_signal(signal.SIGINT)
        try:
            spy.wait(timeout=30)
        except subprocess.TimeoutExpired:
            spy.kill()
            spy.wait()
        if raw.exists():
            (folder / f"profile-{name}.txt").write_text(summarize(raw))


def summarize(collapsed: Path) -> str:
    """Top functions by share of samples: inclusive (on the stack) and self (on top)."""
    inclusive: Counter[str] = Counter()
    own: Counter[str] = Counter()
    total = 0
    for line in collapsed.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit():
            continue
        n = int(count)
        total += n
        frames = [_short(f) for f in stack.split(";")]
        for frame in set(frames):
            inclusive[frame] += n
        own[frames[-1]] += n
    lines = [f"{total} samples", "", "inclusive:"]
    lines += [f"{100 * n / total:5.1f}%  {f}" for f, n in inclusive.most_common(TOP)]
    lines += ["", "self:"]
    lines += [f"{100 * n / total:5.1f}%  {f}" for f, n in own.most_common(TOP)]
    return "\n".join(lines) + "\n"


def _short(frame: str) -> str:
    """``func (path/to/file.py:12)`` -> ``func (file.py)``: one entry per function."""
    name, _, where = frame.partition(" (")
    file = where.rsplit("/", 1)[-1].split(":", 1)[0].rstrip(")")
    return f"{name} ({file})"
