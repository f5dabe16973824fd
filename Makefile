# PKOP Citizen Portal. `make run` to try it, `make test` to test it; both build .venv first.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
MANAGE := $(PY) manage.py
LANGS := -l kk -l ru -l en -l zh_Hans
# `PORT=8001 make run` serves on another port.
PORT ?= 8000

.PHONY: compile-messages port-free run test worker beat lint format messages messages-check bench install install-dev clean

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt | $(VENV)/bin/python
	$(PIP) install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt | $(VENV)/bin/python
	$(PIP) install --quiet -r requirements-dev.txt
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

.env:
	cp .env.example .env

compile-messages: $(VENV)/.installed
	$(MANAGE) compilemessages --settings=pkop_portal.test_settings --ignore=$(VENV) --verbosity 0

# Fails with the fix ("run `PORT=8001 make run`") before anything is migrated or loaded.
port-free: $(VENV)/.installed .env
	@$(MANAGE) check_port $(PORT)

## Local portal on SQLite with eager Celery and console e-mail/SMS: http://127.0.0.1:$(PORT)/
# Links in the printed e-mails and the login URL point at this port (unless set in the environment).
run: export PORTAL_BASE_URL ?= http://127.0.0.1:$(PORT)
run: port-free compile-messages
	$(MANAGE) migrate --noinput --verbosity 0
	$(MANAGE) load_demo
	$(MANAGE) runserver 127.0.0.1:$(PORT)

## Whole suite; PostgreSQL/Redis tests run when DATABASE_URL/REDIS_URL are set.
test: $(VENV)/.installed-dev compile-messages
	$(VENV)/bin/pytest

## A real Celery worker and the beat scheduler (need CELERY_BROKER_URL or REDIS_URL).
worker: $(VENV)/.installed
	$(VENV)/bin/celery -A pkop_portal worker --loglevel=INFO --concurrency=2

beat: $(VENV)/.installed
	$(VENV)/bin/celery -A pkop_portal beat --loglevel=INFO --schedule=$(CURDIR)/.celerybeat-schedule

lint: $(VENV)/.installed-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(VENV)/.installed-dev
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

## Refresh the .po catalogues from the sources, then compile them.
messages: $(VENV)/.installed-dev
	$(MANAGE) makemessages --settings=pkop_portal.test_settings $(LANGS) --ignore=$(VENV) --ignore=staticfiles --no-obsolete
	# The admin's JavaScript strings (pkop_portal/admin_strings.js explains why they are ours).
	$(MANAGE) makemessages --settings=pkop_portal.test_settings $(LANGS) -d djangojs --ignore=$(VENV) --ignore=staticfiles --ignore=static/vendor --ignore=node_modules --no-obsolete
	$(MANAGE) compilemessages --settings=pkop_portal.test_settings --ignore=$(VENV)

## Fail on any untranslated, fuzzy or obsolete entry (after refreshing from the sources).
messages-check: messages
	$(MANAGE) translations_check --settings=pkop_portal.test_settings

bench: $(VENV)/.installed-dev
	@cat benchmarks/README.md

clean:
	rm -rf $(VENV) staticfiles .pytest_cache
