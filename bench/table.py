"""The bench's one table: each figure beside the same run's raw limit, with the share."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

NOT_AVAILABLE = "not available in this build"


@dataclass
class Row:
    store: str
    size: int
    measure: str
    figure: str
    raw: str = ""
    ratio: str = ""
    target: str = ""


def pct(values: list[float], q: float) -> float:
    """The q-th percentile (0-100) of ``values`` in milliseconds."""
    ordered = sorted(values)
    return 1000 * ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def rate(count: float, seconds: float) -> str:
    return f"{count / seconds:,.0f}/s" if seconds > 0 else "-"


def ratio(mine: float, limit: float) -> str:
    return f"{100 * mine / limit:.1f}%" if limit > 0 else "-"


def rows_of(f: dict[str, Any]) -> list[Row]:
    """The table's rows for one store and size, from the facts ``Bench`` measured."""
    rows: list[Row] = []

    def add(measure: str, figure: str, raw: str = "", share: str = "", target: str = "") -> None:
        rows.append(Row(f["store"], f["size"], measure, figure, raw, share, target))

    raw = f["raw"]
    one, many, read = raw["one_per_transaction"], raw["executemany"], raw["ordered_read"]
    raw_one = f"{one:,.0f}/s one row per transaction"
    for key, label in (("http_1", "1 client"), ("http_8", "8 clients"),
                       ("http_8_thread_follower", "8 clients, read-model follower as a thread "
                        "of the server (before)"),
                       ("http_8_workers_2", "8 clients, serve --workers 2")):
        h = f.get(key)
        if h is None:
            continue
        steps = h["steps"] / h["seconds"]
        failed = f" ({h['failed']} failed)" if h["failed"] else ""
        add(f"HTTP placement steps, {label}", f"{steps:,.0f}/s{failed}",
            raw_one, ratio(steps, one), "≥ 40%" if key == "http_8" else "")
        add(f"HTTP step latency p50 / p99, {label}",
            f"{pct(h['latencies'], 50):.1f} / {pct(h['latencies'], 99):.1f} ms",
            target="p99 ≤ 50 ms" if key == "http_8" else "")
    for scope in ("township", "province"):
        led = f[f"ledger_{scope}"]
        events = led["events"] / led["seconds"] if led["seconds"] else 0.0
        refused = sum(led["refused"].values())
        why = f"; {refused} refused: {led['refused']}" if refused else ""
        sample = " sample" if scope == "province" and f.get("ledger_sample") else ""
        add(f"monthly ledger, {scope}{sample} ({led['events']:,} events, service commands, "
            f"one transaction a step{why})",
            f"{events:,.0f} events/s", f"{many:,.0f}/s executemany", ratio(events, many))
    for scope in ("township", "province"):
        imp = f[f"import_{scope}"]
        refused = sum(imp["refused"].values())
        why = f"; {refused} rows refused: {imp['refused']}" if refused else ""
        events = imp["events"] / imp["seconds"] if imp["seconds"] else 0.0
        add(f"ledger files, {scope} (`postledger ledger import` of {imp['rows']:,} rows, "
            f"{imp['events']:,} events, saved together{why})",
            f"{events:,.0f} events/s", f"{many:,.0f}/s executemany", ratio(events, many),
            "≥ 30%" if scope == "province" else "")
        # The same work at the database's own speed: read (and decode) every event the import
        # read to know each placement's state, then write what it wrote by executemany.
        work = imp["read"] / read + imp["events"] / many if read and many else 0.0
        bound = imp["events"] / work if work else 0.0
        add(f"ledger files, {scope}: raw limit of the same work (read {imp['read']:,} events "
            f"with JSON decode, write {imp['events']:,})", f"{events:,.0f} events/s",
            f"{bound:,.0f}/s read+executemany", ratio(events, bound))
    rep = f["replay"]
    raw_p50 = pct(rep["raw"], 50)
    for key, label in (("history", "history"), ("as_of", "as_of (state at an instant)")):
        p50 = pct(rep[key], 50)
        add(f"replay: {label}, the oldest active placements "
            f"({rep['events_per_stream']:.0f} events)",
            f"p50 {p50:.2f} / p99 {pct(rep[key], 99):.2f} ms",
            f"p50 {raw_p50:.2f} ms raw read+decode", ratio(raw_p50, p50),
            "history p50 ≤ 5 ms" if key == "history" else "")
    for r in (f, f.get("rebuild_parallel")):
        if r is None:
            continue
        rebuild = r["rebuild_events"] / r["rebuild_seconds"]
        processes = f"{r['rebuild_jobs']} process{'es' if r['rebuild_jobs'] > 1 else ''}"
        add(f"projection: full rebuild, {processes} ({r['rebuild_events']:,} events)",
            f"{rebuild:,.0f} events/s", f"{read:,.0f}/s ordered read+decode",
            ratio(rebuild, read), "≥ 50%")
    cu = f["catch_up"]
    catch_up = cu["events"] / cu["seconds"] if cu["seconds"] else 0.0
    add(f"projection: live catch-up ({cu['events']:,} events)",
        f"{catch_up:,.0f} events/s", f"{read:,.0f}/s ordered read+decode",
        ratio(catch_up, read))
    for key, label, target in (("audit_county", "audit: findings, one county", "p95 ≤ 200 ms"),
                               ("audit_province", "audit: findings, province", ""),
                               ("audit_ledger", "audit: township-month ledger", "")):
        a = f[key]
        if a is None:
            add(label, NOT_AVAILABLE, target=target)
            continue
        bad = [s for s in a["statuses"] if s != 200]
        figure = (f"p50 {pct(a['latencies'], 50):.0f} / p95 {pct(a['latencies'], 95):.0f} ms"
                  if not bad else f"HTTP {bad} — not measured")
        add(label, figure, target=target)
    add("peak memory: server (after all HTTP rows)", f"{f['server_peak_mb']:,.0f} MB",
        target="≤ 300 MB at 100,000")
    if f.get("follower_peak_mb"):
        add("peak memory: the server's read-model follower process",
            f"{f['follower_peak_mb']:,.0f} MB")
    add("peak memory: full rebuild, 1 process", f"{f['rebuild_peak_mb']:,.0f} MB")
    if f.get("rebuild_parallel"):
        add(f"peak memory: full rebuild, {f['rebuild_parallel']['rebuild_jobs']} processes "
            "(the largest)", f"{f['rebuild_parallel']['rebuild_peak_mb']:,.0f} MB")
    per_million = f["database_bytes"] / max(1, f["events"]) * 1e6 / 2**20
    add(f"event store size per million events ({f['events']:,} events)",
        f"{per_million:,.0f} MB")
    add("machine: 1-minute load average, start → end of this store's run",
        f"{f['load_before']:.1f} → {f['load_after']:.1f} on {os.cpu_count()} CPUs")
    add(f"generation: demo generator ({f['counties']} counties, "
        f"{f['placements']:,} placements, batched saves)",
        rate(f["events"], f["generate_seconds"]).replace("/s", " events/s"),
        f"{many:,.0f}/s executemany", ratio(f["events"] / f["generate_seconds"], many))
    return rows


def table(rows: list[Row]) -> str:
    lines = ["| store | placements | measure | postledger | raw limit, same run | share of raw "
             "| target |", "| --- | ---: | --- | --- | --- | ---: | --- |"]
    for r in rows:
        lines.append(f"| {r.store} | {r.size:,} | {r.measure} | {r.figure} | {r.raw} | {r.ratio} "
                     f"| {r.target} |")
    return "\n".join(lines)
