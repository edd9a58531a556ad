# survey_kit: `make demo` and `make test` set up .venv themselves on a fresh machine.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint typecheck bench clean setup browser-tools

setup: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/survey-kit demo --out reports/out

lint: $(STAMP)
	$(BIN)/ruff check survey_kit tests benchmarks tools
	$(BIN)/mypy
	$(BIN)/lint-imports

# The browser tests (tests/browser) need Chromium (Debian package), Playwright (dev extras)
# and axe-core (npm); browser-tools installs the first and the last where it can.
browser-tools:
	@tests/browser/install-tools.sh

test: $(STAMP) lint browser-tools
	$(BIN)/python -m pytest

bench: $(STAMP)
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf $(VENV) reports/out .pytest_cache .mypy_cache .ruff_cache tests/browser/node_modules
