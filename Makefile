# Two commands do everything on a fresh machine: `make demo` and `make test`.
# Every other target is a building block they share; all of them are idempotent.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
DEMO_PORT ?= 8000
EMULATOR_PORT ?= 4100
EDGE_PORT ?= 3060
export DEMO_PORT EMULATOR_PORT EDGE_PORT

.PHONY: demo test bench dist setup venv node runtime system-deps lint typecheck docs lock clean

demo: setup
	$(PY) -m demo_site

# The main suite runs on one pytest-xdist worker per core (on 2 cores: 10.5 min against 13 min
# in one process, as much of it waits on sockets, timers and Chromium); a browser module's tests
# stay together on one worker (tests/support/scheduling.py). The emulator suite (and
# the usage durability tests) also runs against a private PostgreSQL cluster started (and
# removed) here, at the same time; its report follows the main one.
PG_LOG := build/test-postgresql.log
test: setup system-deps lint typecheck docs
	@mkdir -p build; \
	$(PY) -m tests.emulator.pg_cluster -- $(PY) -m pytest -q tests/emulator \
		tests/reliability/test_durability.py > $(PG_LOG) 2>&1 & pg=$$!; \
	main=0; $(PY) -m pytest -n auto || main=$$?; \
	postgres=0; wait $$pg || postgres=$$?; \
	echo "== the emulator suite on PostgreSQL ($(PG_LOG))"; cat $(PG_LOG); \
	exit $$(( main != 0 ? main : postgres ))

bench: setup system-deps
	$(PY) -m bench

setup: venv node runtime

# Python dependencies: exact versions and sha256 hashes from requirements/dev.lock.
venv: $(VENV)/.deps-installed
$(VENV)/.deps-installed: requirements/dev.lock pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --require-hashes --no-deps -r requirements/dev.lock
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	touch $@

# Browser runtime packages (Pyodide, PyScript) and test-only reference SDKs, pinned by package-lock.json.
node: node_modules/.installed
node_modules/.installed: package-lock.json package.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# Served browser runtime: Pyodide core + PyScript + pinned wheels + our SDK wheel + a pyodide-lock.json for them.
runtime: venv node
	$(PY) tools/browser_runtime.py

# The hostable runtime folder for a site of your own (README "Use it on your own site"):
# dist/stigg-runtime/ = the runtime above plus the element shim and the widget stylesheet.
dist: venv node
	$(PY) tools/runtime_dist.py

# Debian packages the test suite drives: Chromium, Redis, PostgreSQL.
system-deps:
	bash tools/install-system-deps.sh

lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

typecheck: venv
	$(VENV)/bin/mypy

# Re-resolve the Python lock with the uv that the lock itself pins into .venv; commit the result.
# Versions already in dev.lock are kept unless dev.in no longer allows them.
lock: venv
	$(VENV)/bin/uv pip compile --python-version 3.11 --generate-hashes --no-emit-package stigg-client \
		-o requirements/dev.lock requirements/dev.in

# The documentation site (docs/ + the API reference from the docstrings) in build/docs; strict,
# so a reference to a name that no longer exists or a broken link fails it (~2 s, so `test` runs it).
docs: venv
	NO_MKDOCS_2_WARNING=1 $(VENV)/bin/mkdocs build --strict

clean:
	rm -rf build dist .stigg-emulator test-artifacts
