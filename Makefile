# ClientComm. `make run` starts everything locally; `make test` runs every test.
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cat requirements.txt requirements-media.txt requirements-dev.txt | sha1sum | cut -c1-12)
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
# pytest-xdist workers, each with its own local stack (tests/conftest.py); 2 suits 2 cores
TEST_WORKERS ?= 2

.PHONY: run test lint typecheck format bench chromium install clean

install: $(STAMP)

$(STAMP): requirements.txt requirements-media.txt requirements-dev.txt
	@test -x $(PY) || python3 -m venv $(VENV)
	@# chalice 1.34 pins pip<26.3
	$(PY) -m pip install --quiet --disable-pip-version-check "pip<26.3"
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	@rm -f $(VENV)/.installed-* && touch $@

chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "Installing Debian's chromium for the browser tests"; \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium >/dev/null; }

run: $(STAMP)
	$(PY) -m infra.local.stack

# mypy runs beside pytest (about 10 s of one core while the workers start their stacks);
# the target fails if either does.
test: $(STAMP) chromium
	$(PY) -m ruff check .
	@$(PY) -m mypy > .mypy.out 2>&1 & mypy=$$!; \
	$(PY) -m pytest -n $(TEST_WORKERS) --dist loadgroup --durations=10; tests=$$?; \
	wait $$mypy; typed=$$?; echo "mypy:"; cat .mypy.out; rm -f .mypy.out; \
	test $$tests -eq 0 -a $$typed -eq 0

lint: $(STAMP)
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(MAKE) --no-print-directory typecheck

# mypy over app.py, chalicelib/ and infra/ (settings in pyproject.toml).
typecheck: $(STAMP)
	$(PY) -m mypy

format: $(STAMP)
	$(PY) -m ruff check --fix .
	$(PY) -m ruff format .

bench: $(STAMP) chromium
	$(PY) bench/cold_start.py
	$(PY) bench/dynamodb_calls.py
	$(PY) bench/conversation_page.py
	$(PY) bench/live_updates.py
	$(PY) bench/page_weight.py
	$(PY) bench/slow_network.py

clean:
	rm -rf $(VENV) out .pytest_cache .ruff_cache .mypy_cache

# One jurisdiction's stack: out/$(JURISDICTION)/template.json + deployment.zip, then cfn-lint.
# See docs/operations.md. Example: make package JURISDICTION=salt-lake-county
# PACKAGE_OUT moves out/ (the tests build into a temporary directory).
PACKAGE_OUT ?= out
.PHONY: package cfn-lint deploy check-jurisdiction jurisdiction-schema snapshot upgrade-plan
# Every mistake in infra/jurisdictions/$(JURISDICTION).json at once (make package runs it first).
check-jurisdiction: $(STAMP)
	@test -n "$(JURISDICTION)" || { echo "usage: make check-jurisdiction JURISDICTION=<name>"; exit 2; }
	$(PY) -m infra.jurisdiction_schema check $(JURISDICTION)

# After changing infra/jurisdiction_schema/model.py: rewrite the JSON Schema and the docs table.
jurisdiction-schema: $(STAMP)
	$(PY) -m infra.jurisdiction_schema write

package: $(STAMP)
	@test -n "$(JURISDICTION)" || { echo "usage: make package JURISDICTION=<file name in infra/jurisdictions/, without .json>"; exit 2; }
	$(PY) -m infra.package.build $(JURISDICTION) --out $(PACKAGE_OUT)/$(JURISDICTION)
	$(PY) -m infra.package.lint $(JURISDICTION) --out $(PACKAGE_OUT)/$(JURISDICTION)
	$(PY) -m infra.package.snapshots --if-missing

# This release's schema snapshot, infra/package/snapshots/<version>.json (make package writes
# a release's first one); the upgrade plan and its rehearsal compare with these.
snapshot: $(STAMP)
	$(PY) -m infra.package.snapshots

# Steps from what a jurisdiction has deployed to this release (docs/operations.md "Upgrade").
# UPGRADE_ARGS=--apply deploys them; --delete-retired also deletes tables the release dropped.
upgrade-plan: $(STAMP)
	@test -n "$(JURISDICTION)" || { echo "usage: make upgrade-plan JURISDICTION=<name> [UPGRADE_ARGS=--apply]"; exit 2; }
	$(PY) -m infra.ops.upgrade_plan --jurisdiction $(JURISDICTION) $(UPGRADE_ARGS)

cfn-lint: $(STAMP)
	@test -n "$(JURISDICTION)" || { echo "usage: make cfn-lint JURISDICTION=<name>"; exit 2; }
	$(PY) -m infra.package.lint $(JURISDICTION) --out $(PACKAGE_OUT)/$(JURISDICTION)

# Package, upload to the artifacts bucket, show the change set, deploy once you type yes.
# RELEASE=<version> deploys a release kept in the bucket instead (roll back), YES=1 skips
# the question. Example: make deploy JURISDICTION=salt-lake-county ARTIFACTS=my-bucket
deploy: $(STAMP)
	@test -n "$(JURISDICTION)" -a -n "$(ARTIFACTS)" || { echo "usage: make deploy JURISDICTION=<name> ARTIFACTS=<S3 bucket> [RELEASE=<kept version>] [YES=1]"; exit 2; }
	$(if $(RELEASE),,$(MAKE) --no-print-directory package)
	$(PY) -m infra.package.deploy $(JURISDICTION) --artifacts $(ARTIFACTS) --out $(PACKAGE_OUT)/$(JURISDICTION)$(if $(RELEASE), --release $(RELEASE))$(if $(YES), --yes)
