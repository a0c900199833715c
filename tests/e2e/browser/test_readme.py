"""The README walk-through, run twice against a served store: every step answers without a
problem both times, because each run makes its own post and person."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

README = Path(__file__).resolve().parents[3] / "README.md"
SECTIONS = ("## A placement from application to a paid month", "## A subsidy claim from")


def walkthrough() -> str:
    text = README.read_text(encoding="utf-8")
    blocks = []
    for heading in SECTIONS:
        section = text[text.index(heading):]
        blocks.append(re.search(r"```sh\n(.*?)```", section, re.S).group(1))  # type: ignore[union-attr]
    return "\n".join(blocks)


def test_the_readme_walkthrough_runs_again_and_again(server: str) -> None:
    script = walkthrough()
    for _ in range(2):
        run = subprocess.run(["bash", "-euo", "pipefail", "-c", script], capture_output=True,
                             text=True, env={**os.environ, "API": server},
                             cwd=README.parent, timeout=60)
        assert run.returncode == 0, run.stderr
        assert "postledger.example/problems" not in run.stdout, run.stdout
        assert '"state":"active"' in run.stdout  # the placement's paid month
        assert '"state":"partly_clawed_back"' in run.stdout  # the claim, after its clawback
