# Everything runs inside .venv, created on first use with a Python >= 3.12 found here.
# `make test` works from a fresh clone: it creates .venv and installs '.[dev]' first.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c

VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
# The main job: the quick findings report (out/demo/report.html), under a minute on 2 cores.
DEMO_CMD ?= $(VENV)/bin/cadre-sim reproduce --quick --out out/demo
# Candidates in order; each is used only if it runs and reports version >= 3.12.
PYTHON_CANDIDATES ?= python3.13 python3.12 $(wildcard /root/.pyenv/versions/3.1[23]*/bin/python) python3

.PHONY: install demo test lint bench bench-full dashboard clean

install: $(STAMP)

# Redone only when pyproject.toml changes (or .venv is missing).
$(STAMP): pyproject.toml
	@if [ ! -x "$(PY)" ]; then \
	  py=""; \
	  for c in $(PYTHON_CANDIDATES); do \
	    if "$$c" -c 'import sys; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1; then py="$$c"; break; fi; \
	  done; \
	  if [ -z "$$py" ]; then \
	    echo "error: no Python >= 3.12 found (tried: $(PYTHON_CANDIDATES)); install one or put it on PATH" >&2; \
	    exit 1; \
	  fi; \
	  echo "creating $(VENV) with $$py ($$("$$py" --version 2>&1))"; \
	  "$$py" -m venv "$(VENV)"; \
	fi
	@$(PY) -c 'import sys; sys.exit(sys.version_info < (3, 12))' || { \
	  echo "error: $(VENV) uses Python $$($(PY) -c 'import platform; print(platform.python_version())'), need >= 3.12; remove $(VENV) and rerun" >&2; \
	  exit 1; }
	$(PY) -m pip install --quiet -e '.[dev]'
	@touch "$(STAMP)"

demo: install
	$(DEMO_CMD)

test: install
	$(PY) -m pytest

lint: install
	$(VENV)/bin/ruff check .

bench: install
	$(PY) -m benchmarks

bench-full: install  # the 1,000-run sweep target measured in full (~5 min)
	$(PY) -m benchmarks.bench_sweep --full

dashboard: install
	$(VENV)/bin/cadre-sim dashboard

clean:
	rm -rf out .pytest_cache .ruff_cache
