# HIQC — 健康保险服务质量控制平台. `make help` lists the targets.
#
# Two commands from a clean clone:  `make demo`  and  `make test`.  Every target that needs the
# environment depends on `setup`, which is idempotent and only reinstalls what changed.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help
MAKEFLAGS += --no-print-directory

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
MANAGE := $(PY) manage.py
DEMO_ADDR ?= 127.0.0.1:8000
PYTEST_ARGS ?=
# worker processes for `make test` (pytest-xdist; 0 runs in one process). Two: the CI machine's cores.
PYTEST_WORKERS ?= 2
PYTEST_RUN := -n $(PYTEST_WORKERS) --dist worksteal $(PYTEST_ARGS)
RELIABILITY_ARGS ?=

PY_STAMP := $(VENV)/.hiqc-requirements.stamp
NPM_STAMP := node_modules/.hiqc-npm.stamp
VENDOR := static/vendor/htmx.min.js static/vendor/echarts.min.js static/vendor/mermaid.min.js

# `manage.py check --deploy` runs with production settings and dummy secrets (never used for data).
LINT_ENV := DJANGO_SETTINGS_MODULE=config.settings.prod \
	HIQC_SECRET_KEY=lint-only-3f9a7c1e5b2d8f4a6c0e9b7d5f3a1c8e6b4d2f0a9c7e5b3d1f8a6c4e2 \
	DATABASE_URL=sqlite:///var/lint.sqlite3 \
	HIQC_FIELD_KEYS='{"current":"lint","keys":{"lint":"bGludC1vbmx5LW5vdC1hLXJlYWwta2V5LTMyYnl0ZXM="},"hash_key":"bGludC1vbmx5LW5vdC1hLXJlYWwtaGFzaGtleS0zMmI="}'

.PHONY: help setup system-packages vendor demo dev test lint lint-ruff lint-format lint-mypy \
	lint-imports lint-deploy lint-migrations prod-smoke reliability bench clean distclean

help: ## Show this list
	@echo "HIQC make targets (quick start: make demo, make test):"
	@grep -hE '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | \
		awk 'BEGIN {FS = ":.*## "}; {printf "  \033[36m%-16s\033[0m %s\n", $$1, $$2}'

# --- setup ---------------------------------------------------------------------------------------

setup: system-packages $(PY_STAMP) vendor ## Install everything (apt packages as root, .venv, npm, vendor files, translations, keys); idempotent
	@if [ -d locale ]; then \
		if command -v msgfmt >/dev/null 2>&1; then \
			$(MANAGE) compilemessages --ignore=.venv --ignore=node_modules -v 0; \
		else \
			echo "WARNING: msgfmt (gettext) is missing: translations not compiled, the UI stays Chinese." >&2; \
		fi; \
	fi
	@$(MANAGE) init_keys

system-packages: ## As root, apt-get install chromium, fonts-noto-cjk and gettext when missing (warns otherwise)
	@PYTHON=$(PYTHON) scripts/system-packages

$(PY):
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
		{ echo "ERROR: $(PYTHON) is $$($(PYTHON) --version 2>&1); HIQC needs Python >= 3.11 (set PYTHON=python3.12 …)." >&2; exit 1; }
	$(PYTHON) -m venv $(VENV)

# Reinstall only when a requirements file changed (or the stamp is missing).
$(PY_STAMP): requirements/lock.txt requirements/base.in requirements/dev.in | $(PY)
	$(PY) -m pip install --disable-pip-version-check -q -c requirements/lock.txt -r requirements/dev.in
	@touch $@

# npm ci wipes node_modules (stamp included), so the stamp is written afterwards. Only the
# browser bundles in dist/ are used, so install scripts are skipped and engine warnings hidden.
$(NPM_STAMP): package.json package-lock.json
	@command -v npm >/dev/null 2>&1 || { echo "ERROR: npm is missing (as root, make setup installs it)." >&2; exit 1; }
	npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	@touch $@

vendor: $(VENDOR) ## Copy the front-end files from node_modules into static/vendor/ (gitignored)

static/vendor/htmx.min.js: $(NPM_STAMP)
	@install -D -m 0644 node_modules/htmx.org/dist/htmx.min.js $@
static/vendor/echarts.min.js: $(NPM_STAMP)
	@install -D -m 0644 node_modules/echarts/dist/echarts.min.js $@
static/vendor/mermaid.min.js: $(NPM_STAMP)
	@install -D -m 0644 node_modules/mermaid/dist/mermaid.min.js $@

# --- run -----------------------------------------------------------------------------------------

# The demo runs with DEBUG off (config.settings.demo): production-style error pages, no technical
# 404 listing every route. `make dev` is the same with DEBUG on, for development.
demo: setup ## Migrate the SQLite database, load demo data, start the Huey consumer and the web server on http://127.0.0.1:8000
	DJANGO_SETTINGS_MODULE=config.settings.demo $(MANAGE) migrate --noinput
	DJANGO_SETTINGS_MODULE=config.settings.demo $(MANAGE) demo_load
	@DJANGO_SETTINGS_MODULE=config.settings.demo PYTHON_VENV=$(PY) scripts/serve-demo $(DEMO_ADDR)

dev: setup ## As demo, with DEBUG on (Django's debug pages, auto-reload)
	DJANGO_SETTINGS_MODULE=config.settings.dev $(MANAGE) migrate --noinput
	DJANGO_SETTINGS_MODULE=config.settings.dev $(MANAGE) demo_load
	@DJANGO_SETTINGS_MODULE=config.settings.dev PYTHON_VENV=$(PY) scripts/serve-demo $(DEMO_ADDR)

# --- checks --------------------------------------------------------------------------------------

# The first run forces SQLite (HIQC_TEST_DATABASE_URL unset); the second uses that database.
# pytest's exit code 5 ("no tests collected") is a failure like any other.
test: setup ## Run every test (browser tests included) on SQLite, then again on HIQC_TEST_DATABASE_URL if set
	@echo "==> pytest on SQLite"
	@rc=0; env -u HIQC_TEST_DATABASE_URL scripts/pytest-phases $(PY) $(PYTEST_RUN) || rc=$$?; \
		if [ $$rc -eq 5 ]; then echo "ERROR: pytest collected no tests." >&2; fi; exit $$rc
	@if [ -n "$${HIQC_TEST_DATABASE_URL:-}" ]; then \
		echo "==> pytest on $${HIQC_TEST_DATABASE_URL%%://*} (HIQC_TEST_DATABASE_URL)"; \
		rc=0; scripts/pytest-phases $(PY) $(PYTEST_RUN) || rc=$$?; \
		if [ $$rc -eq 5 ]; then echo "ERROR: pytest collected no tests." >&2; fi; exit $$rc; \
	else \
		echo "(HIQC_TEST_DATABASE_URL is not set: PostgreSQL run skipped; .ci/run sets it.)"; \
	fi

# Runs every check even when one fails (make -k), then fails if any did.
lint: setup ## ruff, ruff format --check, mypy, import-linter, check --deploy (prod settings), makemigrations --check
	@$(MAKE) -k lint-ruff lint-format lint-mypy lint-imports lint-deploy lint-migrations

lint-ruff:
	@echo "==> ruff check"
	$(VENV)/bin/ruff check .
lint-format:
	@echo "==> ruff format --check"
	$(VENV)/bin/ruff format --check .
lint-mypy:
	@echo "==> mypy"
	$(VENV)/bin/mypy hiqc config
lint-imports:
	@echo "==> import-linter"
	$(VENV)/bin/lint-imports
lint-deploy:
	@echo "==> manage.py check --deploy (config.settings.prod)"
	@mkdir -p var
	$(LINT_ENV) $(MANAGE) check --deploy --fail-level WARNING
lint-migrations:
	@echo "==> makemigrations --check"
	$(MANAGE) makemigrations --check --dry-run

prod-smoke: setup ## Run the production settings for real (PostgreSQL, Redis, gunicorn, run_huey) and check them end to end
	scripts/prod-smoke

# RELIABILITY_ARGS passes options (scripts/reliability --help), e.g. RELIABILITY_ARGS="--parts 2,5".
reliability: setup ## Reliability suite on its own production stack: schemathesis, {id} doors, kill -9 of imports, races, lockout and rate limits (var/reliability.json)
	scripts/reliability $(RELIABILITY_ARGS)

bench: setup ## Run every bench/*.py script (figures, not tests)
	@shopt -s nullglob; scripts=(bench/*.py); \
		if [ $${#scripts[@]} -eq 0 ]; then echo "No benchmarks in bench/."; exit 0; fi; \
		for f in "$${scripts[@]}"; do echo "==> $$f"; PYTHONPATH=$(CURDIR) $(PY) "$$f"; done

# --- cleaning ------------------------------------------------------------------------------------

clean: ## Remove caches, copied vendor files, collected static files and test databases (keeps .venv, node_modules, demo data)
	rm -rf .mypy_cache .ruff_cache .pytest_cache .hypothesis test-results bench/out \
		static/vendor var/staticfiles var/lint.sqlite3 var/test.sqlite3 var/test-db-*.sqlite3* var/test-backups-*
	find . -path ./.venv -prune -o -path ./node_modules -prune -o -name __pycache__ -type d -print0 | \
		xargs -0 rm -rf

distclean: clean ## Also remove .venv, node_modules and var/ (demo database, queue); the key file outside the repo is kept
	rm -rf $(VENV) node_modules var
