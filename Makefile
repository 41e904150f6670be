# Rapport: `make run` starts the demo, `make test` runs every check.
PYTHON ?= $(shell command -v python3.12 || (command -v pyenv >/dev/null && pyenv which python3.12 2>/dev/null) || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PYTEST_WORKERS ?= 2

.PHONY: run test lint fmt lock migrate demo messages bench screenshots clean

$(STAMP): requirements.lock pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/rapport migrate --no-input
	$(BIN)/rapport demo
	$(BIN)/rapport serve

migrate: $(STAMP)
	$(BIN)/rapport migrate --no-input

demo: migrate
	$(BIN)/rapport demo

lint: $(STAMP)
	$(BIN)/ruff check src tests bench docs
	$(BIN)/ruff format --check src tests bench docs
	$(BIN)/mypy

fmt: $(STAMP)
	$(BIN)/ruff format src tests bench
	$(BIN)/ruff check --fix src tests bench

test: $(STAMP) lint
	RAPPORT_VAR_DIR=$(CURDIR)/var/test $(BIN)/rapport makemigrations --check --dry-run
	$(BIN)/pytest -n $(PYTEST_WORKERS) --durations=25 $(PYTEST_ARGS)

# Benchmarks, never part of `make test` (a tiny run of the harness is): gunicorn on a large
# organisation seeded once under var/bench/ (or in DATABASE_URL=postgres://…, a database of its
# own), one table printed, JSON written there. `make bench BENCH_ARGS="--scale 0.1"` for less;
# `make bench BENCH_ARGS="report_drafting --size 200"` for an in-process benchmark.
bench: $(STAMP)
	$(BIN)/python -m bench $(BENCH_ARGS)

# The README's and the user guide's pictures, from the demo running at http://127.0.0.1:8000
# (`make run` in another terminal): docs/img/en/*.png and docs/img/zh/*.png.
screenshots: $(STAMP)
	$(BIN)/python docs/screenshots.py

# Regenerate the pinned lock file from pyproject.toml (needs network access to PyPI).
lock: $(STAMP)
	$(BIN)/python -m pip install --quiet uv
	$(BIN)/uv pip compile pyproject.toml --extra dev --generate-hashes --python-version 3.12 -o requirements.lock

# Extract new strings into the Chinese catalogue and compile it (needs GNU gettext).
messages: $(STAMP)
	cd src/rapport && ../../$(BIN)/rapport makemessages --locale zh_Hans --no-obsolete --no-location --ignore 'static/*'
	cd src/rapport && ../../$(BIN)/rapport compilemessages --locale zh_Hans

clean:
	rm -rf $(VENV) var
