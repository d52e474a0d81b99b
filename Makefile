# The two commands of the README: `make run` and `make test`. Both create .venv themselves.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=

.PHONY: run test sdk bench backup-drill multihost-drill lint types-baseline format messages clean

$(BIN)/python:
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Python 3.11+ is needed"'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	@touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	@touch $@ $(VENV)/.installed

## run: install, migrate, load the demo users and confessions, serve HTTP + WebSocket on
## $(HOST):$(PORT), with the background worker in the same process
run: $(VENV)/.installed
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py demo_confessions --site http://$(HOST):$(PORT)
	TASKS_WORKER_IN_SERVER=1 $(BIN)/uvicorn confessions_backend.asgi:application \
		--host $(HOST) --port $(PORT) --ws-per-message-deflate=false \
		--ws=realtime.protocol:WebSocketProtocol

## test: install the dev requirements, find or start what the suite needs (bin/test-services:
## PostgreSQL, Redis, Chromium, wrk, msgfmt, npm ci) and run the whole suite, every test, none skipped
## (SeaweedFS is started by the tests). PYTEST_ARGS narrows it: PYTEST_ARGS=tests/walls
DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/confessions
REDIS_URL ?= redis://127.0.0.1:6379/0
test: $(VENV)/.installed-dev
	DATABASE_URL=$(DATABASE_URL) REDIS_URL=$(REDIS_URL) bin/test-services
	DATABASE_URL=$(DATABASE_URL) REDIS_URL=$(REDIS_URL) S3_TESTS=1 REQUIRE_SERVICES=1 \
		$(BIN)/pytest $(PYTEST_ARGS)

## sdk: after changing the API or clients/js/src: regenerate the SDK's types from the OpenAPI
## document and its bundle (clients/js/dist/confessions.js); commit what it writes
sdk: $(VENV)/.installed-dev
	DATABASE_URL=$(DATABASE_URL) REDIS_URL=$(REDIS_URL) bin/test-services
	bin/sdk-build

## bench: measure the hot paths against a one-file Django view (needs PostgreSQL, Redis, wrk);
## writes bench/RESULTS.md
bench: $(VENV)/.installed-dev
	$(BIN)/python bench/run.py

## backup-drill: back up, wipe, restore a scratch database and its media, and compare (needs
## PostgreSQL; S3 when the AWS_* variables are set, else temporary directories)
backup-drill: $(VENV)/.installed
	$(BIN)/python bin/backup-drill

## multihost-drill: two app hosts, a database host (primary + replica), two Redis hosts and S3
## as network namespaces; one app host cut off mid-load; checks nothing accepted is lost and
## every socket moves over and catches up; writes the figures to bench/RESULTS.md (needs root,
## PostgreSQL's and Redis' binaries, SeaweedFS)
multihost-drill: $(VENV)/.installed-dev
	$(BIN)/python bin/multihost-drill --record

# After adding or changing a message for people: gather them into the Chinese catalog (then
# translate what is new in locale/zh_Hans/LC_MESSAGES/django.po) and compile it (needs gettext).
PO = locale/zh_Hans/LC_MESSAGES/django.po
messages: $(VENV)/.installed-dev
	$(BIN)/python manage.py makemessages -l zh_Hans --no-location --no-obsolete --ignore=var --ignore=bench \
		--ignore=tests --ignore=deploy
	msgfmt --check -o $(PO:.po=.mo) $(PO)

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy | $(BIN)/mypy-baseline filter --hide-stats --no-colors

# After fixing type errors: drop them from mypy-baseline.txt (it may only shrink).
types-baseline: $(VENV)/.installed-dev
	$(BIN)/mypy | $(BIN)/mypy-baseline sync

format: $(VENV)/.installed-dev
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) var node_modules .pytest_cache .ruff_cache
