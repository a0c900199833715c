"""``postledger demo load``: a demo county modelled on Zhijin (织金县), and a generator of any
size for benchmarks (``load_demo(ledger, size=DemoSize(...), seed=...)``)."""

from postledger.api.demo.generator import DemoSize, DemoSummary, already_loaded, load_demo

__all__ = ["DemoSize", "DemoSummary", "already_loaded", "load_demo"]
