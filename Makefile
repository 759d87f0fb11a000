# Everything runs from the project's own .venv, which these targets create on first use.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)
PORT ?= 8000
export PORT
STAGE ?= dev
# Node 20 works with jsii; without this every CDK call prints an end-of-life banner.
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION := 20

# The embedded AWS of `make run` (TPBIS_LOCAL_AWS_PORT, what `python -m devstack` reads, works too).
AWS_PORT ?= $(or $(TPBIS_LOCAL_AWS_PORT),4566)
# Where `make run` keeps its data across restarts; FRESH=1 starts empty (the last snapshot is set aside).
DATA ?= .local-data
FRESH ?=

.PHONY: help install run rollup test test-fast lint typecheck bench synth deploy

help:
	@echo "make run    - the API on http://127.0.0.1:$(PORT) with an embedded AWS (moto); data kept in $(DATA), FRESH=1 starts empty"
	@echo "make test   - the whole test suite"
	@echo "make rollup - run the indicator rollup now against a running 'make run' (REBUILD=1: from scratch; same AWS_PORT as make run)"
	@echo "make bench  - cold-start and ingestion benchmarks (figures in docs/benchmarks.md)"
	@echo "make bench-rollup [SCALE=1] - the rollup at national scale (default SCALE=0.01)"
	@echo "make synth  - the CloudFormation template of STAGE (dev) in infrastructure/cdk.out, offline"
	@echo "make deploy STAGE=dev - cdk deploy to the AWS account of your credentials (see README)"
	@echo "make lint / make typecheck"

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade "pip>=24,<26.3"
	$(PY) -m pip install --quiet -e ".[dev,infra]"
	rm -f $(VENV)/.installed-*
	touch $@

install: $(STAMP)

run: $(STAMP)
	TPBIS_LOCAL_AWS_PORT=$(AWS_PORT) TPBIS_LOCAL_DATA_DIR=$(DATA) TPBIS_LOCAL_FRESH=$(FRESH) $(PY) -m devstack

# The CLI against the embedded AWS of a running `make run` (the same code as the schedule and the run-now route).
rollup: $(STAMP)
	AWS_ENDPOINT_URL=http://127.0.0.1:$(AWS_PORT) AWS_ACCESS_KEY_ID=local AWS_SECRET_ACCESS_KEY=local \
	AWS_DEFAULT_REGION=ap-southeast-3 AWS_ACCOUNT_ID_ENDPOINT_MODE=disabled TPBIS_STAGE=local \
	POWERTOOLS_METRICS_DISABLED=true $(VENV)/bin/tpbis rollup $(if $(REBUILD),--rebuild)

test: $(STAMP) lint typecheck
	$(PY) -m pytest -q

test-fast: $(STAMP)
	$(PY) -m pytest -q -m "not slow"

lint: $(STAMP)
	$(PY) -m ruff check chalicelib devstack app.py tests scripts infrastructure benchmarks

typecheck: $(STAMP)
	$(PY) -m mypy

bench: $(STAMP)
	$(PY) -m benchmarks.cold_start
	$(PY) -m benchmarks.ingestion

# The rollup at national scale on moto (figures in docs/benchmarks.md). The default is a quick run on
# 1% of the villages; SCALE=1 is every village and a month of 1M reports (hours on moto, see the docs).
SCALE ?= 0.01
.PHONY: bench-rollup
bench-rollup: $(STAMP)
	$(PY) -m benchmarks.rollup --scale $(SCALE)

# No AWS credentials or CDK CLI needed; the first run downloads Lambda wheels (cached in .chalice/deployments).
synth: $(STAMP)
	TPBIS_STAGE=$(STAGE) $(PY) infrastructure/app.py
	@echo "template: infrastructure/cdk.out/$(STAGE).template.json"

# Needs AWS credentials for the target account and region, and once per account/region:
#   npx --yes aws-cdk@2 bootstrap
# aws-cdk@2 on purpose: the 3.x CLI cannot read what aws-cdk-lib 2 writes.
deploy: $(STAMP)
	npx --yes aws-cdk@2 deploy --app "$(PY) infrastructure/app.py" --output infrastructure/cdk.out \
		-c stage=$(STAGE) $(if $(ALARM_EMAIL),-c alarm_email=$(ALARM_EMAIL)) \
		$(if $(REMINDER_SENDER),-c reminder_sender=$(REMINDER_SENDER)) --require-approval broadening

# --- Reliability (issue 7): full-size fuzzing of the served spec, and a bounded load run. ---
# Figures and what each proves: docs/reliability.md. The small fuzz and the fault, concurrency,
# isolation and log-secret tests run inside `make test`.
.PHONY: fuzz load
FUZZ_EXAMPLES ?= 5
LOAD_ARGS ?=

fuzz: $(STAMP)
	$(PY) -m tests.fuzz.fuzzer --examples $(FUZZ_EXAMPLES) --min-requests 2000

# LOAD_ARGS="--url http://127.0.0.1:8000 --admin-key $$KEY" targets a running stack instead of starting one.
load: $(STAMP)
	$(PY) -m benchmarks.load --villages 50 --seconds 60 $(LOAD_ARGS)
