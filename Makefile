# The two commands:  make run  (the portal on http://127.0.0.1:8000 with demo data)
#                    make test (the whole suite against PostgreSQL, Redis and a real Celery worker)
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
# The variables the test suite runs with (PostgreSQL on 127.0.0.1, trust auth; Redis).
TEST_ENV := DJANGO_ENV=test DEMO_MODE=false \
	DATABASE_URL=$${TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/imdi_grants} \
	REDIS_URL=$${TEST_REDIS_URL:-redis://127.0.0.1:6379/0} CACHE_URL=redis://127.0.0.1:6379/1 \
	CACHE_KEY_PREFIX=imdi-test-$$$$ CELERY_QUEUE=imdi-test-$$$$

.PHONY: run test install install-test system-deps services lint bench bench-http

$(VENV)/bin/activate:
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

install: $(VENV)/bin/activate
	$(PIP) install --quiet -e .

install-test: $(VENV)/bin/activate
	$(PIP) install --quiet -e '.[test]'

## run: the embedded default (SQLite, eager tasks, mail to the console, demo data)
run: install system-deps
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_organisations
	$(PY) manage.py seed_schemes
	$(PY) manage.py load_demo
	$(PY) manage.py runserver 127.0.0.1:8000

## system-deps: WeasyPrint's Pango/HarfBuzz, a font with æøå; for the tests Chromium (browser tests)
## and clamav-daemon (the upload tests start their own clamd with a one-signature database)
system-deps:
	@missing=""; \
	for pkg in libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core $(EXTRA_DEBS); do \
	  dpkg -s $$pkg >/dev/null 2>&1 || missing="$$missing $$pkg"; \
	done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "Installing$$missing"; \
	    apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q $$missing >/dev/null; \
	  else echo "Please install:$$missing (apt-get install$$missing)"; exit 1; fi; \
	fi

## services: start PostgreSQL and Redis when they are down (they are installed on every machine)
services:
	@pg_isready -q -h 127.0.0.1 -p 5432 || pg_ctlcluster --skip-systemctl-redirect $$(ls /etc/postgresql) main start
	@redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 || redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no
	@for i in $$(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
	@psql -h 127.0.0.1 -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname='imdi_grants'" | grep -q 1 \
	  || createdb -h 127.0.0.1 -U postgres imdi_grants

lint: install-test
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

## test: everything CI runs
test: install-test services
	$(MAKE) --no-print-directory system-deps EXTRA_DEBS="chromium clamav-daemon"
	@[ -d node_modules/axe-core ] || npm ci --no-audit --no-fund
	$(MAKE) --no-print-directory lint
	$(TEST_ENV) $(PY) manage.py makemigrations --check --dry-run
	$(TEST_ENV) $(PY) manage.py check
	$(TEST_ENV) $(PY) -m pytest $(PYTEST_ARGS)

## bench: every speed figure of issue 11 at 1k, 10k and 100k applications and a summary against
## the targets (bench/all.py: the pages through gunicorn, the load test, 400 grant letters with
## the queue measured meanwhile, the background export, the imports; about 15 minutes on two
## cores); own databases imdi_bench_http, imdi_bench, imdi_bench_export and imdi_bench_imports,
## Redis DBs 4/5 and 10/11, port 8001
bench: install-test services
	$(MAKE) --no-print-directory system-deps
	$(PY) bench/all.py

## bench-http: lists, case pages and a load test through gunicorn on 10k applications; own
## database imdi_bench_http, Redis DBs 10/11, port 8001 (bench/http_speed.py)
bench-http: install-test services
	$(PY) bench/http_speed.py --applications 10000 --locust
