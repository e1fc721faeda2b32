# rmdesk: `make run` opens the app on the local demo database; `make test` runs every check.
# Both set up what they need first: a virtual environment in .venv and the compiled translations.
# `make check` is the everyday one, in about a minute: the quality gates, tests/unit and a smoke
# slice (a few database tests on SQLite only, one GUI test).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# Each part of the interface keeps its Chinese in its own file; they compile into one catalogue.
TS     := $(wildcard resources/translations/zh_CN/*.ts)
QM     := resources/translations/rmdesk_zh_CN.qm
export RMDESK_TEST_PG_URL ?= postgresql://postgres@127.0.0.1:5432/test

.PHONY: setup run check test lint typecheck translations bench dist clean

setup: $(STAMP) $(QM)

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "rmdesk needs Python 3.11 or newer (set PYTHON=python3.11)")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $@

translations: $(QM)

$(QM): $(TS) $(STAMP)
	$(BIN)/pyside6-lrelease -silent $(TS) -qm $@

run: setup
	$(BIN)/python tools/display_libs.py
	$(BIN)/rmdesk

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

typecheck: setup
	$(BIN)/mypy

check: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports
	$(BIN)/pytest -m "unit or smoke" --backend sqlite

test: lint typecheck
	$(BIN)/pytest

# the frozen folder (build/frozen/rmdesk) and, on Linux, dist/rmdesk_<version>_<arch>.deb
dist: setup
	$(BIN)/python packaging/build.py

bench: setup
	$(BIN)/python -m bench.run_all

clean:
	rm -rf $(VENV) $(QM) .pytest_cache .mypy_cache .ruff_cache build dist
