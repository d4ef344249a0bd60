# Two commands matter: `make run` (demo on SQLite + in-memory layer) and `make test`.
PYTHON ?= python3.11
VENV   := .venv
PY     := $(VENV)/bin/python
PIP    := $(VENV)/bin/pip
HOST   ?= 127.0.0.1
PORT   ?= 8000
# The suite runs on two workers unless told otherwise (PYTEST_ARGS="" runs it in one process).
# The walk of every page at two widths (marked "walk") runs in CI's PostgreSQL pass; add it
# here with PYTEST_ARGS="-n 2".
PYTEST_ARGS ?= -n 2 -m "not walk"

.PHONY: messages run test install install-dev demo-data lint format check bench clean screenshots

$(VENV)/.installed: pyproject.toml
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "Python 3.11 is needed (looked for $(PYTHON))."; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -e .
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed pyproject.toml
	$(PIP) install --quiet -e ".[dev]"
	touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

## Set up and start the platform with demo data on http://$(HOST):$(PORT) (127.0.0.1:8000)
run: export DEMO_MODE := 1
run: export SITE_URL := http://$(HOST):$(PORT)
run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	@echo "Starting Daphne (HTTP + websockets) on $(SITE_URL)/ ..."
	$(PY) manage.py serve --host $(HOST) --port $(PORT)

## Install test dependencies and run the whole suite
test: install-dev
	$(PY) -m pytest $(PYTEST_ARGS)

## Benchmarks against bare baselines, side by side (bounded; writes bench/reports/)
bench: install-dev
	$(PY) bench/run.py $(BENCH_ARGS)

## The README's screenshots from the demo (needs Debian's chromium)
screenshots: install-dev
	$(PY) docs/screenshots/take.py

## Update the Danish and Norwegian catalogues from the code and compile them (docs/translating.md)
messages: install-dev
	TESTING=1 $(PY) manage.py messages

lint: install-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install-dev
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

## Everything CI checks, short of the second database run
check: install-dev lint
	TESTING=1 $(PY) manage.py check
	TESTING=1 $(PY) manage.py makemigrations --check --dry-run
	$(PY) -m pytest $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) var .pytest_cache
