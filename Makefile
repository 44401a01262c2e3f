# `make run` and `make test` set everything up on a fresh machine (Python 3.11, package registries).
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-requirements
export REFLEX_USE_NPM := 1
export PATH := $(CURDIR)/$(VENV)/bin:$(PATH)

.PHONY: imap-server venv run test test-fast browser openapi migrate admin clean-data demo contract

# The venv is reused while requirements.txt is unchanged.
$(STAMP): requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	$(PY) -m career_app.cli embeddings-export  # the int8 ONNX model, from the bundled weights
	cp requirements.txt $(STAMP)

venv: $(STAMP)

run: venv
	$(PY) -m career_app.cli run

migrate: venv
	$(PY) -m career_app.cli migrate

# The sample catalogue (jobs_worker/data/sample_jobs.json, 320 postings) through the real ingestion
# pipeline into the database `make run` uses; run again, it only refreshes.
demo: migrate
	$(PY) -m jobs_worker.demo

# Debian's Chromium drives the browser tests (Playwright cannot download its own here).
browser:
	@command -v chromium >/dev/null || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null)

# Debian's Dovecot serves the mailbox tests' IMAP account on loopback (tests/imap_server.py).
imap-server:
	@test -x /usr/sbin/dovecot || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq dovecot-imapd >/dev/null)

test: venv browser imap-server
	$(PY) -m pytest

# Everything but the browser tests (no production build of the frontend).
test-fast: venv imap-server
	$(PY) -m pytest --ignore=tests/e2e

# The API contract, harder than `make test` does it: schemathesis (every check) as each kind of caller with
# 100 examples per operation and a random seed (tests/api/test_contract.py), then the access matrix.
contract: venv
	CONTRACT_EXAMPLES=100 CONTRACT_RANDOM_SEED=1 $(PY) -m pytest tests/api/test_contract.py tests/api/test_access_matrix.py \
		tests/api/test_contract_rules.py

openapi: venv
	$(PY) scripts/generate_openapi.py

admin: venv
	$(PY) -m career_app.cli create-admin $(EMAIL)
