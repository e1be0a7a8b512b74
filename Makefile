# Two commands take a fresh clone to a running site (`make run`) or a green suite (`make test`).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1:8000

.PHONY: install install-dev setup run test bench backup restore lint migrations-check clean

$(BIN)/uv:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
		|| { echo "Python 3.11 or newer is needed (PYTHON=$(PYTHON))"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check "uv==0.13.9"

$(VENV)/.installed: requirements.txt | $(BIN)/uv
	$(BIN)/uv pip install --quiet --python $(BIN)/python -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements-dev.txt | $(BIN)/uv
	$(BIN)/uv pip install --quiet --python $(BIN)/python -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed

install-dev: $(VENV)/.installed-dev

# Migrate, gather static files, load the reference list and the article's data and build the
# open data package; every step is idempotent.
setup: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py collectstatic --noinput --verbosity 0
	$(BIN)/python manage.py load_reference
	$(BIN)/python manage.py load_articles
	$(BIN)/python manage.py build_open_data

run: setup
	$(BIN)/python manage.py ensure_local_admin --host $(HOST)
	$(BIN)/python manage.py runserver $(HOST)

test: install-dev setup
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/ruff check .
	$(BIN)/python -m pytest

# The site under load on PostgreSQL with synthetic data at SCALE, served by gunicorn and
# loaded by wrk, also while an editor saves, and three lists beside Datasette (a development
# package) on SQLite (scripts/bench.py); prints the table of docs/performance.md.
SCALE ?= 1
DURATION ?= 5
bench: install-dev
	SCALE=$(SCALE) DURATION=$(DURATION) $(BIN)/python scripts/bench.py

# The whole database, history included, to backups/ (or FILE=…); restored only into a new,
# empty database (docs/operations.md).
backup: install
	$(BIN)/python manage.py backup $(FILE)

restore: install
	@test -n "$(FILE)" || { echo "Name the backup to restore: make restore FILE=backups/portal-….dump"; exit 2; }
	$(BIN)/python manage.py restore "$(FILE)"

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles media
