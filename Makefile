# Buurthulp: common tasks. `make test` is what CI runs (see .ci/run).
# The virtualenv is (re)installed only when pyproject.toml is newer than its stamp, so a second
# `make test` needs no network. Translations are compiled per .po file when that file changes.

PYTHON ?= python3
VENV ?= .venv
PY = $(VENV)/bin/python
FLASK = $(VENV)/bin/flask
RUFF = $(VENV)/bin/ruff
# Two workers (one per core); a module stays in one worker (tests/conftest.py).
PYTEST_ARGS ?= -q -n 2 --dist loadgroup
RUN_HOST ?= 127.0.0.1
RUN_PORT ?= 5000

INSTALL_STAMP = $(VENV)/.install-stamp
TRANSLATIONS = buurthulp/translations
PO_FILES := $(wildcard $(TRANSLATIONS)/*/LC_MESSAGES/*.po)
MO_FILES := $(PO_FILES:.po=.mo)

.DEFAULT_GOAL := help
.PHONY: help install venv $(VENV) translations messages run serve test test-all test-explore lint fmt bench clean

help:
	@echo "make install   virtualenv in $(VENV) with the app and dev tools, translations compiled"
	@echo "make run       migrate, demo town on an empty database, dev server on $(RUN_HOST):$(RUN_PORT)"
	@echo "make serve     migrate, then gunicorn (WEB_WORKERS, default 4; BIND, default 127.0.0.1:8000)"
	@echo "make test      ruff check, ruff format --check, bandit, pytest \$$PYTEST_ARGS (default -q -n 2)"
	@echo "make test-all  the suite with every database test on PostgreSQL too"
	@echo "make test-explore  new Hypothesis examples, more of them, tests in random order"
	@echo "make lint | fmt | bench | clean"

# --- install -----------------------------------------------------------------------------
install: $(INSTALL_STAMP) translations
venv $(VENV): install

$(PY):
	$(PYTHON) -m venv $(VENV)

# Reinstall only when pyproject.toml changed (plain make timestamps). The stamp is written
# last, so a failed install is retried next time.
$(INSTALL_STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install -q --disable-pip-version-check --upgrade pip
	$(PY) -m pip install -q --disable-pip-version-check -e '.[dev]'
	touch $@

# One .mo per .po, rebuilt when its .po changes; nothing to do without a translations dir.
translations: $(MO_FILES)

%.mo: %.po | $(INSTALL_STAMP)
	$(VENV)/bin/pybabel compile -f -i $< -o $@

# Refresh the catalogue after changing texts: extract, then merge into every language.
messages: $(INSTALL_STAMP)
	$(VENV)/bin/pybabel extract -F babel.cfg -k _l -k lazy_gettext --no-location \
		--sort-output -o $(TRANSLATIONS)/messages.pot .
	$(VENV)/bin/pybabel update -i $(TRANSLATIONS)/messages.pot -d $(TRANSLATIONS) --no-fuzzy-matching

# --- run ---------------------------------------------------------------------------------
run: install
	FLASK_DEBUG=0 $(FLASK) --app buurthulp db upgrade
	FLASK_DEBUG=0 $(FLASK) --app buurthulp demo --if-empty
	FLASK_DEBUG=0 $(FLASK) --app buurthulp run --host $(RUN_HOST) --port $(RUN_PORT)

serve: install
	$(FLASK) --app buurthulp db upgrade
	$(VENV)/bin/gunicorn -c gunicorn.conf.py 'buurthulp:create_app()'

# --- checks ------------------------------------------------------------------------------
test: install
	$(RUFF) check .
	$(RUFF) format --check .
	$(VENV)/bin/bandit -q -c pyproject.toml -r buurthulp
	$(VENV)/bin/pytest $(PYTEST_ARGS)

# Every database test on PostgreSQL as well, not only those marked both_databases.
test-all: install
	$(VENV)/bin/pytest $(PYTEST_ARGS) --all-databases

# New Hypothesis examples every run (more of them) and the tests in a random order: to look
# for what the fixed examples and the usual order miss. A failure prints how to reproduce it.
test-explore: install
	HYPOTHESIS_PROFILE=explore $(VENV)/bin/pytest $(PYTEST_ARGS) -p randomly

lint: install
	$(RUFF) check .
	$(RUFF) format --check .
	$(VENV)/bin/bandit -q -c pyproject.toml -r buurthulp

fmt: install
	$(RUFF) format .
	$(RUFF) check --fix .

bench: install
	$(PY) -m bench

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis build dist *.egg-info test-results
	rm -f $(MO_FILES)
	find . -name __pycache__ -type d -prune -not -path './.git/*' -exec rm -rf {} +
