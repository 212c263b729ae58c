# The README's whole set-up: `make demo` and `make test`.
# The demo runs with DEBUG off; `SAFESHARE_DEBUG=1 make demo` turns it on.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
SAFESHARE := $(VENV)/bin/safeshare
DEMO_ENV := SAFESHARE_DEMO=1 SAFESHARE_VAR_DIR=$(CURDIR)/var SAFESHARE_KEK_FILE=$(CURDIR)/var/kek.key \
	SAFESHARE_LEDGER_SIGNING_KEY_FILE=$(CURDIR)/var/ledger-signing.pem \
	DJANGO_SETTINGS_MODULE=safeshare.config.settings.dev SAFESHARE_DEBUG=$(or $(SAFESHARE_DEBUG),0)

.PHONY: demo test install assets check bench browsers clean

$(VENV)/.installed: pyproject.toml
	python3 -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip==26.3
	$(VENV)/bin/pip install --quiet -e '.[test]'
	touch $@

install: $(VENV)/.installed

$(VENV)/.bench-installed: $(VENV)/.installed
	$(VENV)/bin/pip install --quiet -e '.[test,bench]'
	touch $@

frontend/dist/.built: frontend/package.json frontend/package-lock.json scripts/build-assets
	scripts/build-assets
	touch $@

assets: frontend/dist/.built

# System packages the browser tests drive (Debian's Chromium; root installs them).
browsers:
	@scripts/ensure-chromium

demo: install assets
	@mkdir -p var
	@$(DEMO_ENV) $(SAFESHARE) keys generate --if-missing
	@$(DEMO_ENV) $(SAFESHARE) migrate --no-input -v 0
	@$(DEMO_ENV) $(SAFESHARE) collectstatic --no-input -v 0
	@$(DEMO_ENV) $(SAFESHARE) demo load
	@echo "safeshare is running at http://127.0.0.1:8000/ (Ctrl-C stops it)"
	@# The queue's worker sends the emails (its log: var/tasks-worker.log); it stops (SIGTERM,
	@# after its current task) with the server.
	@$(DEMO_ENV) $(SAFESHARE) tasks work --no-reload >var/tasks-worker.log 2>&1 & worker=$$!; \
	trap 'kill -TERM $$worker 2>/dev/null; wait $$worker' EXIT INT TERM; \
	$(DEMO_ENV) $(SAFESHARE) runserver 127.0.0.1:8000 --noreload

test: install assets browsers
	$(VENV)/bin/ruff check safeshare bench
	$(PY) scripts/lint-adapters  # views, API modules and commands read through selectors
	$(VENV)/bin/mypy  # the typed packages named in pyproject.toml [tool.mypy]; cached in .mypy_cache
	$(SAFESHARE) makemigrations --check --dry-run -v 0 --settings=safeshare.config.settings.test
	$(VENV)/bin/pytest -n 2 --dist loadfile  # one worker per core; a file stays on one worker

check: test

bench: install $(VENV)/.bench-installed
	$(PY) -m bench.ledger --quick
	$(PY) -m bench.loop --quick
	$(PY) -m bench.pages --quick
	DATABASE_URL=$$(scripts/pg-start) $(PY) -m bench.load --quick  # needs PostgreSQL: starts the local one

clean:
	rm -rf $(VENV) frontend/node_modules frontend/dist var/*.sqlite3*
