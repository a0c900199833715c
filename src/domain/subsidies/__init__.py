"""One-off subsidy claims (RULES.md §6): one module per claim type (its table, its facts, its
calculation), one registry (``registry.py``), typed limits (``limits.py``) and the aggregate that
records (``claim.py``)."""
