# Lantern: `make demo` sets up and runs the main job on the demo practice; `make test` runs the tests.
# Needs only Python 3.11, git and make. Packages come from the machine's default index.

SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help
.DELETE_ON_ERROR:

VENV := .venv
PY := $(VENV)/bin/python
UV := $(VENV)/bin/uv
UV_VERSION := 0.13.9
STAMP := $(VENV)/.installed

# No usage statistics from the tools Lantern runs (the `lantern` command sets the same at start).
# dbt: DO_NOT_TRACK / DBT_SEND_ANONYMOUS_USAGE_STATS; Streamlit: browser.gatherUsageStats;
# Great Expectations: GX_ANALYTICS_ENABLED; Dagster: `telemetry: enabled: false` in the
# dagster.yaml that `lantern` writes to its DAGSTER_HOME, and DAGSTER_DISABLE_TELEMETRY,
# which stops Dagster's telemetry upload.
export DO_NOT_TRACK ?= 1
export DBT_SEND_ANONYMOUS_USAGE_STATS ?= false
export STREAMLIT_BROWSER_GATHER_USAGE_STATS ?= false
export GX_ANALYTICS_ENABLED ?= false
export DAGSTER_DISABLE_TELEMETRY ?= 1

.PHONY: help venv demo test browser lock clean clean-data

help:
	@echo "make demo        set up .venv, generate the demo practice if needed, build it (warehouse, mining, denial risk, cash forecast)"
	@echo "make test        run the test suite (installs Debian's chromium for the browser test when missing)"
	@echo "make venv        create .venv from requirements.lock (only when the lock or pyproject.toml changed)"
	@echo "make lock        regenerate requirements.lock from pyproject.toml"
	@echo "make clean       remove .venv, build files and caches (keeps data/)"
	@echo "make clean-data  remove data/: the demo practice, the warehouse, models"

venv: $(STAMP)

# A virtualenv with the pinned uv in it; Python 3.11 as python3.11, or as python3.
$(UV):
	@py="$$(command -v python3.11 || true)"; \
	if [ -z "$$py" ] && command -v python3 >/dev/null \
	   && python3 -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))'; then \
	  py="$$(command -v python3)"; \
	fi; \
	if [ -z "$$py" ]; then echo "error: Lantern needs Python 3.11 (python3.11, or python3 at 3.11)" >&2; exit 1; fi; \
	if [ -x $(PY) ] && ! $(PY) -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' 2>/dev/null; then \
	  echo "$(VENV) is not a Python 3.11 virtualenv: recreating it"; rm -rf $(VENV); \
	fi; \
	[ -x $(PY) ] || "$$py" -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

$(STAMP): requirements.lock pyproject.toml | $(UV)
	$(PY) -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)
	$(UV) pip sync --python $(PY) requirements.lock
	$(UV) pip install --python $(PY) --no-deps -e .
	touch $@

demo: $(STAMP)
	$(VENV)/bin/lantern demo

# Two workers; loadscope keeps a test module on one worker, so that a module's expensive fixture (a whole build)
# runs once, not once on each worker.
test: $(STAMP) browser
	$(PY) -m pytest -n 2 --dist loadscope --durations=15 tests/

# The dashboards' browser test drives Debian's chromium through Playwright (Playwright's own browser download
# does not work on these machines). Installed from Debian's packages when missing; without root and sudo the
# browser test is skipped and says why.
browser:
	@command -v chromium >/dev/null || { \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; elif command -v sudo >/dev/null; then SUDO=sudo; else SUDO=none; fi; \
	  if [ "$$SUDO" = none ]; then \
	    echo "warning: chromium is missing and cannot be installed without root: the browser test is skipped" >&2; \
	  else \
	    echo "installing Debian's chromium for the dashboards' browser test"; \
	    $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null; \
	  fi; }

# Regenerate the lock after changing dependencies in pyproject.toml; then `make venv` syncs to it.
lock: | $(UV)
	$(UV) pip compile pyproject.toml --extra dev --python-version 3.11 \
	  --python-platform x86_64-unknown-linux-gnu -o requirements.lock

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache dbt_project/target dbt_project/logs
	find . -path ./data -prune -o -type d -name __pycache__ -prune -exec rm -rf {} +

clean-data:
	rm -rf data
