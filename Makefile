# Everything runs from the project's own .venv, which these targets create on first use.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)
PORT ?= 8000
export PORT

.PHONY: help install run test test-fast lint typecheck bench

help:
	@echo "make run    - the API on http://127.0.0.1:$(PORT) with an embedded AWS (moto)"
	@echo "make test   - the whole test suite"
	@echo "make bench  - cold-start and ingestion benchmarks (figures in docs/benchmarks.md)"
	@echo "make lint / make typecheck"

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade "pip>=24,<26.3"
	$(PY) -m pip install --quiet -e ".[dev]"
	rm -f $(VENV)/.installed-*
	touch $@

install: $(STAMP)

run: $(STAMP)
	$(PY) -m devstack

test: $(STAMP) lint typecheck
	$(PY) -m pytest -q

test-fast: $(STAMP)
	$(PY) -m pytest -q -m "not slow"

lint: $(STAMP)
	$(PY) -m ruff check chalicelib devstack app.py tests scripts

typecheck: $(STAMP)
	$(PY) -m mypy

bench: $(STAMP)
	$(PY) -m benchmarks.cold_start
	$(PY) -m benchmarks.ingestion
