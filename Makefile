# The two commands: `make run` serves the portal on the embedded default; `make test` runs lint and the suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000

.PHONY: run test setup-run setup-test lint format messages catalogues clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.installed-run: requirements.txt | $(BIN)/python
	$(BIN)/pip install -q -r requirements.txt
	touch $@

$(VENV)/.installed-test: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install -q -r requirements-dev.txt
	touch $@ $(VENV)/.installed-run

setup-run: $(VENV)/.installed-run
	scripts/system-packages.sh run
	$(MAKE) --no-print-directory messages

setup-test: $(VENV)/.installed-test
	scripts/system-packages.sh test
	$(MAKE) --no-print-directory node_modules/.package-lock.json messages

# The compiled catalogues (.mo) are built from locale/*/LC_MESSAGES/django.po, never committed (.gitignore).
messages: | $(BIN)/python
	$(BIN)/python manage.py compilemessages --ignore=.venv --ignore=node_modules --ignore=var -v0

# After marking strings: update locale/*/LC_MESSAGES/django.po, then translate what is new (tests/test_translations.py
# fails on any untranslated or fuzzy entry). The admin stays English.
catalogues: | $(BIN)/python
	$(BIN)/python manage.py makemessages -l ar -l zh_Hans -l fr -l ru -l es --add-location=file --no-obsolete \
		--ignore='templates/admin/*' --ignore='*/migrations/*' --ignore=.venv --ignore=node_modules --ignore=var \
		--ignore=bench --ignore=tests

# axe-core for the accessibility tests, as package-lock.json pins it.
node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --silent

run: setup-run
	$(BIN)/python manage.py check_services
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py demo
	@echo
	@PORT=$(PORT) $(BIN)/python manage.py portal_base_url --record >/dev/null  # for commands run without PORT
	@echo "Compact Portal: http://127.0.0.1:$(PORT)/   (admin: http://127.0.0.1:$(PORT)/admin/)"
	@$(BIN)/python manage.py demo --print-logins
	@echo "Ctrl-C stops the web server, the worker and beat; any of them that exits is started again."
	@echo
	PORT=$(PORT) PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/python -m compact_portal.supervisor Procfile

# The suite runs in one process per core (pytest-xdist); each test process has its own test database and its own
# Redis key prefix. PYTEST_ARGS='-n 0 -x' runs it in one process.
PYTEST_ARGS ?= -n auto

test: setup-test lint
	$(BIN)/pytest $(PYTEST_ARGS)

lint: setup-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: setup-test
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf var/
