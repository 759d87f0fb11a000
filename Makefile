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

.PHONY: help install run rollup test test-fast lint typecheck bench synth deploy odk-engine web browser

help:
	@echo "make run    - the web app and the API on http://127.0.0.1:$(PORT) with an embedded AWS (moto); data kept in $(DATA), FRESH=1 starts empty"
	@echo "make test   - the whole test suite"
	@echo "make rollup - run the indicator rollup now against a running 'make run' (REBUILD=1: from scratch; same AWS_PORT as make run)"
	@echo "make bench  - cold-start and ingestion benchmarks (figures in docs/benchmarks.md)"
	@echo "make bench-rollup [SCALE=1] - the rollup at national scale (default SCALE=0.01)"
	@echo "make synth  - the CloudFormation template of STAGE (dev) in infrastructure/cdk.out, offline"
	@echo "make deploy STAGE=dev - cdk deploy to the AWS account of your credentials (see README)"
	@echo "make web   - build the web app into web/dist (npm ci and vite, when its sources changed)"
	@echo "make screenshots - the browser tests, keeping their screenshots in docs/screenshots"
	@echo "make lint / make typecheck"

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade "pip>=24,<26.3"
	$(PY) -m pip install --quiet -e ".[dev,infra]"
	rm -f $(VENV)/.installed-*
	touch $@

install: $(STAMP)

# ODK's XForms engine (the engine of ODK Web Forms) for the OpenRosa e2e tests, pinned in tests/odk.
ODK_ENGINE := tests/odk/node_modules/.installed
$(ODK_ENGINE): tests/odk/package.json tests/odk/package-lock.json
	cd tests/odk && npm ci --no-audit --no-fund --loglevel=error
	touch $@

odk-engine: $(ODK_ENGINE)

# --- The web app (web/): npm ci from the lock file, vite build plus the area list, only when sources changed. ---
WEB_SOURCES := $(shell find web/src web/scripts -type f 2>/dev/null) web/index.html web/vite.config.js \
	web/package.json web/security-headers.json chalicelib/areas/data/regions.tsv.gz

web/node_modules/.installed: web/package.json web/package-lock.json
	cd web && npm ci --no-audit --no-fund --loglevel=error
	touch $@

web/dist/index.html: web/node_modules/.installed $(WEB_SOURCES)
	cd web && npm run --silent build

web: web/dist/index.html

# The README's screenshots, taken by the browser tests at desktop and phone widths.
.PHONY: screenshots
screenshots: $(STAMP) web browser
	TPBIS_SCREENSHOTS=docs/screenshots $(PY) -m pytest -q tests/browser

# The browser the tests drive: Playwright's own Chromium when installed, else Debian's chromium (installed here
# as root when missing; CI runs as root).
browser: $(STAMP)
	@$(PY) -m tests.browser.launcher --check || { \
		if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
		else echo "no browser for the browser tests: run 'sudo apt-get install -y chromium'"; exit 1; fi; }
	@$(PY) -m tests.browser.launcher --check

run: $(STAMP) web
	TPBIS_LOCAL_AWS_PORT=$(AWS_PORT) TPBIS_LOCAL_DATA_DIR=$(DATA) TPBIS_LOCAL_FRESH=$(FRESH) $(PY) -m devstack

# The CLI against the embedded AWS of a running `make run` (the same code as the schedule and the run-now route).
rollup: $(STAMP)
	AWS_ENDPOINT_URL=http://127.0.0.1:$(AWS_PORT) AWS_ACCESS_KEY_ID=local AWS_SECRET_ACCESS_KEY=local \
	AWS_DEFAULT_REGION=ap-southeast-3 AWS_ACCOUNT_ID_ENDPOINT_MODE=disabled TPBIS_STAGE=local \
	POWERTOOLS_METRICS_DISABLED=true $(VENV)/bin/tpbis rollup $(if $(filter 1 true yes,$(REBUILD)),--rebuild)

test: $(STAMP) $(ODK_ENGINE) lint typecheck web browser
	$(PY) -m pytest -q -n 2 --dist loadfile

test-fast: $(STAMP) $(ODK_ENGINE)
	$(PY) -m pytest -q -m "not slow"

lint: $(STAMP)
	$(PY) -m ruff check chalicelib devstack app.py tests scripts infrastructure benchmarks

typecheck: $(STAMP)
	$(PY) -m mypy

bench: $(STAMP)
	$(PY) -m benchmarks.cold_start
	$(PY) -m benchmarks.ingestion
	$(PY) -m benchmarks.access
	$(PY) -m benchmarks.openrosa

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
deploy: $(STAMP) web
	npx --yes aws-cdk@2 deploy --app "$(PY) infrastructure/app.py" --output infrastructure/cdk.out \
		-c stage=$(STAGE) $(if $(ALARM_EMAIL),-c alarm_email=$(ALARM_EMAIL)) \
		$(if $(REMINDER_SENDER),-c reminder_sender=$(REMINDER_SENDER)) --require-approval broadening
	$(PY) scripts/deploy_web.py $(STAGE)

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
