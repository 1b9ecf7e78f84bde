# Thin: every target calls uv / the smart360 CLI. `make up` runs the platform; `make test` tests it.
SHELL := /bin/bash
export UV_PYTHON_DOWNLOADS := never
export PATH := $(CURDIR)/.state/tools/bin:$(HOME)/.local/bin:$(PATH)
BIN := .venv/bin

.PHONY: bootstrap up down status test lint unit e2e synth bench render clean audit

bootstrap:
	@scripts/bootstrap

up: bootstrap            ## the whole platform on this machine, waits until healthy (METRICS=1: + Prometheus, TRACES=1: + spans at /ops/traces/)
	@$(BIN)/smart360 up $(if $(METRICS),--with-metrics) $(if $(TRACES),--with-traces)

down:                    ## stop everything `make up` started
	@$(BIN)/smart360 down

status:
	@$(BIN)/smart360 status

test: bootstrap lint     ## every test: lint, unit suites (real PostgreSQL via PgBouncer), infra, e2e
	@$(BIN)/smart360 test

lint:
	@$(BIN)/smart360 lint

unit: bootstrap
	@$(BIN)/smart360 test --no-e2e

e2e: bootstrap
	@$(BIN)/smart360 test --only e2e

audit: bootstrap         ## pip-audit on uv.lock; exit 3 = NOT RUN (no vulnerability source reachable), never "clean"
	@$(BIN)/python -m smart360.deploy.audit

synth: bootstrap
	@$(BIN)/python -m smart360_infra.synth

bench: bootstrap
	@$(BIN)/python bench/run.py

render:                  ## regenerate bifrost task definitions, env files and docker/compose.yaml
	@$(BIN)/smart360 render

clean: down
	rm -rf .state
