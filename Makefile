# Anxin — every target creates and uses .venv by itself.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1:8000
ORDERS ?= 10000
# Tests run on every core (pytest-xdist; an idle worker takes tests queued on a busy one).
# PYTEST_ARGS="-n 0" runs them in one process.
PYTEST_ARGS ?= -n auto --dist worksteal

.PHONY: install install-dev run serve test lint format bench messages messages-check clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed

install-dev: $(VENV)/.installed-dev

# The banner (address, logins, a new API token) waits in the background until the server listens,
# so it is the last thing on the screen; e-mails go to var/mail/ (ADR 0012).
run: install
	@mkdir -p var
	$(BIN)/python manage.py migrate --noinput --verbosity 0
	$(BIN)/python manage.py demo_data --orders $(ORDERS) --if-empty --no-banner
	$(BIN)/python manage.py assistant_train --if-missing
	@$(BIN)/python manage.py demo_banner --wait $(HOST) & \
	ANXIN_EMBEDDED_SWEEPER=1 DJANGO_RUNSERVER_HIDE_WARNING=true exec $(BIN)/python manage.py runserver $(HOST)

serve: install
	$(BIN)/python manage.py runserver $(HOST)

test: install-dev
	$(BIN)/pytest $(PYTEST_ARGS)

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/python scripts/check_inner_imports.py
	$(BIN)/mypy anxin config
	$(BIN)/python manage.py makemigrations --check --dry-run

format: install-dev
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: install-dev
	$(BIN)/python bench/run_all.py

messages: install-dev
	$(BIN)/python manage.py makemessages -l zh_Hans -l en --no-obsolete --add-location=file --ignore=.venv --ignore=var --ignore=bench
	$(BIN)/python manage.py compilemessages --ignore=.venv

# Fails when a translatable string is missing from the catalogs or they are not compiled.
messages-check: install-dev
	@command -v msgfmt >/dev/null || { echo "gettext is not installed (apt-get install gettext)"; exit 1; }
	$(BIN)/python manage.py makemessages -l zh_Hans -l en --no-obsolete --add-location=file --ignore=.venv --ignore=var --ignore=bench >/dev/null
	@git diff --quiet -I '^"POT-Creation-Date' -- locale/ || { git --no-pager diff --stat -- locale/; echo "message catalogs are stale: run 'make messages' and translate the new strings"; exit 1; }
	$(BIN)/pytest -q anxin/core/tests/test_locale.py

clean:
	rm -rf $(VENV) var/*.sqlite3*
