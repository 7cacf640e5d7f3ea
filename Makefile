# The README's commands. `make demo` and `make test` work on a fresh machine with Python 3.11+.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
DEMO_DB ?= demo.db
PORT ?= 8000

.PHONY: install demo test lint bench docs clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

# Test-only JavaScript (axe-core for the accessibility tests), pinned in package-lock.json.
NODE_STAMP := node_modules/.installed-stamp
$(NODE_STAMP): $(wildcard package.json package-lock.json)
	@if [ ! -f package.json ]; then :; \
	elif command -v npm >/dev/null; then npm ci --no-audit --no-fund && touch $(NODE_STAMP); \
	else echo "npm not found: the accessibility tests will skip (CI installs npm)" >&2; fi

install: $(STAMP) $(NODE_STAMP)

## Build the synthetic demo city in $(DEMO_DB) (SQLite, offline), run the main jobs on it (violence
## near schools, and the evaluation of officer removal), then
## serve the dashboard on http://127.0.0.1:$(PORT)/.
demo: $(STAMP)
	$(BIN)/safeschools --database-url sqlite:///$(DEMO_DB) demo
	$(BIN)/safeschools --database-url sqlite:///$(DEMO_DB) compare-definitions
	$(BIN)/safeschools --database-url sqlite:///$(DEMO_DB) exposure --preset abc7-2024 --top 10
	$(BIN)/safeschools --database-url sqlite:///$(DEMO_DB) evaluate --outcome police_notifications
	@echo "Serving the synthetic demo city: open http://127.0.0.1:$(PORT)/ (Ctrl-C to stop)"
	$(BIN)/safeschools --database-url sqlite:///$(DEMO_DB) serve --port $(PORT)

## Run every test (store tests also on PostgreSQL when SAFESCHOOLS_TEST_POSTGRES_URL is set).
test: install
	TZ=America/Chicago $(BIN)/pytest -n 2 -q

lint: $(STAMP)
	$(BIN)/ruff check safeschools tests benchmarks
	$(BIN)/ruff format --check safeschools tests benchmarks
	$(BIN)/mypy

bench: $(STAMP)
	TZ=America/Chicago $(BIN)/python -m benchmarks

clean:
	rm -rf $(VENV) $(DEMO_DB) .pytest_cache .mypy_cache .ruff_cache

docs: $(STAMP)
	$(BIN)/python docs/generate.py
