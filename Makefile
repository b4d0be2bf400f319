# ktseed developer commands. `make demo` and `make test` work on a fresh
# clone: each creates .venv (python3 -m venv) when it is missing or older
# than pyproject.toml, installs the project with the extras it needs, runs.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
# One stamp per extras set; pyproject.toml changes make them stale.
DEV_STAMP  := $(VENV)/.ktseed-dev
DEMO_STAMP := $(VENV)/.ktseed-demo
PYTEST_ARGS ?=

# TensorFlow prints its start-up notices while it loads, so these must be
# in the environment before any process imports it (ktseed.commands
# explains each). TF_CPP_MIN_LOG_LEVEL alone leaves the oneDNN notice and
# absl's pre-init line, once per library that carries them (twice).
export TF_CPP_MIN_LOG_LEVEL ?= 2
export TF_ENABLE_ONEDNN_OPTS ?= 0
# Material for MkDocs' end-of-life banner in every docs build.
export NO_MKDOCS_2_WARNING ?= 1
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: demo test lint docs bench-quick clean help

help:
	@echo "make demo   - create .venv if needed, install, run the main demo"
	@echo "make test   - create .venv if needed, install, lint + docs + tests"
	@echo "make lint   - ruff + mypy on src/"
	@echo "make docs   - build the documentation site (strict)"
	@echo "make bench-quick - the benchmark smoke run (bench-out/quick)"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(DEV_STAMP): pyproject.toml $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $@

$(DEMO_STAMP): pyproject.toml $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[tf,bench]"
	touch $@

demo: $(DEMO_STAMP)
	$(BIN)/ktseed demo --out demo-results

lint: $(DEV_STAMP)
	$(BIN)/ruff check src tests benchmarks examples
	$(BIN)/ruff format --check src tests benchmarks examples
	$(BIN)/mypy

# The docs build must run from the repository root (snippet paths).
docs: $(DEV_STAMP)
	$(BIN)/mkdocs build --strict --site-dir site

# The benchmark's smoke run; its numbers are not asserted, a failed cell is.
bench-quick: $(DEV_STAMP)
	rm -rf bench-out/quick
	$(BIN)/ktseed bench --suite quick --out bench-out/quick --progress-interval 60

test: lint docs
	$(BIN)/python -m pytest $(PYTEST_ARGS)
	$(MAKE) bench-quick

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache site
