# Two commands for a fresh machine with python3 and make: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test

.PHONY: run test install demo migrate clean messages

# Debian's python3 without python3-venv has no ensurepip: create the venv without pip, then
# fetch pip's wheel from PyPI.
$(BIN)/python:
	$(PYTHON) -m venv $(VENV) 2>/dev/null || { rm -rf $(VENV) && $(PYTHON) -m venv --without-pip $(VENV) \
		&& $(PYTHON) tools/bootstrap_pip.py $(VENV); }
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $(STAMP)

$(TEST_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $(TEST_STAMP)

install: $(STAMP)

migrate: install
	$(BIN)/python manage.py migrate --no-input

# The demo's e-mails are written as files into sent-emails/ rather than printed among
# the servers' lines; EMAIL_BACKEND and EMAIL_FILE_PATH, or EMAIL_HOST for SMTP, set in the environment win.
DEMO_ENV := EMAIL_BACKEND="$${EMAIL_BACKEND:-django.core.mail.backends.filebased.EmailBackend}" \
	EMAIL_FILE_PATH="$${EMAIL_FILE_PATH:-$(CURDIR)/sent-emails}"

demo: migrate
	$(DEMO_ENV) $(BIN)/python manage.py load_demo

## make run: install, migrate, load the Montmagny demo data, serve on 127.0.0.1:8000 with the worker; the
## log-ins and addresses are printed last, once everything answers.
run: migrate
	$(DEMO_ENV) $(BIN)/python manage.py load_demo --without-logins
	$(DEMO_ENV) $(BIN)/python manage.py runall

## make test: install and run the whole test suite.
test: $(TEST_STAMP)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

## make messages: refresh the French catalogue after changing user-facing strings (needs gettext).
messages: install
	cd calendar_app && ../$(BIN)/python ../manage.py makemessages -l fr --no-obsolete
	cd publishing && ../$(BIN)/python ../manage.py makemessages -l fr --no-obsolete
	cd kernel && ../$(BIN)/python ../manage.py makemessages -l fr --no-obsolete
	$(BIN)/python manage.py compilemessages --ignore=.venv

clean:
	rm -rf $(VENV) db.sqlite3* media/ sent-emails/
