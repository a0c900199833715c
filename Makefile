# postledger — two commands do all set-up on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PG_URL ?= postgresql://postgres@127.0.0.1:5432/test
# make bench: placements in the synthetic province, and the smaller size run beside it.
SIZE ?= 100000
BASE ?= 10000

.PHONY: run test lint typecheck postgres chromium demo bench soak clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $(STAMP)

## Serve API and web pages on the embedded SQLite store, with a demo county loaded.
run: $(STAMP)
	$(BIN)/postledger demo load
	$(BIN)/postledger serve --demo --host 127.0.0.1 --port 8000

## The whole suite, on SQLite and on the real PostgreSQL server (started if it is down), and the
## pages in Debian's headless Chromium (installed if it is missing).
test: $(STAMP) postgres chromium
	$(BIN)/ruff check src tests
	$(MAKE) --no-print-directory typecheck
	POSTLEDGER_TEST_POSTGRES_URL=$(PG_URL) $(BIN)/pytest -q

lint: $(STAMP)
	$(BIN)/ruff check src tests

# src/ is installed as the package `postledger`; mypy reads it under that name through a link.
typecheck: $(STAMP)
	@mkdir -p build/typecheck && ln -sfn ../../src build/typecheck/postledger
	MYPYPATH=build/typecheck $(BIN)/mypy -p postledger

postgres:
	@bash scripts/ensure-postgres.sh "$(PG_URL)"

## Faults and fuzzing at length: many SIGKILLs of real processes and long random step sequences
## (README, "Security"). SOAK_KILLS and SOAK_EXAMPLES scale it.
SOAK_KILLS ?= 25
SOAK_EXAMPLES ?= 500
soak: $(STAMP) postgres
	POSTLEDGER_TEST_POSTGRES_URL=$(PG_URL) POSTLEDGER_KILLS=$(SOAK_KILLS) \
	POSTLEDGER_FUZZ_EXAMPLES=$(SOAK_EXAMPLES) \
	$(BIN)/pytest -q --durations=0 tests/integration/test_faults.py \
		tests/integration/test_postgres_restart.py tests/unit/test_placement_fuzz.py

# The browser tests drive Debian's Chromium through Playwright; no browser is ever downloaded.
# CJK fonts let screenshots (tests/artifacts/) show Chinese text.
chromium:
	@test -x /usr/bin/chromium || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
		apt-get install -y -qq chromium chromium-driver fonts-noto-cjk)

## Province-scale benchmark on SQLite and PostgreSQL; the table goes to bench/results/.
bench: $(STAMP) postgres
	POSTLEDGER_TEST_POSTGRES_URL=$(PG_URL) $(BIN)/python bench/run.py --size $(SIZE) --base $(BASE)

clean:
	rm -rf $(VENV) data/*.db data/*.db-wal data/*.db-shm
