# Two commands from a fresh clone: `make demo` and `make test`; `make test-fast` while working.
# The virtualenv is created on first use; torch's CPU wheel goes in first so that
# sentence-transformers does not pull a multi-GB CUDA build.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.claimbot-installed
QUESTION ?= Are Chinese model licenses really friendlier?

export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export TOKENIZERS_PARALLELISM := false

.PHONY: demo test test-fast lint bot index clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet torch==2.13.0
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/claimbot reindex
	$(BIN)/claimbot ask "$(QUESTION)"

# Everything, as CI runs it (.ci/run).
test: $(STAMP)
	$(BIN)/ruff check bot index tests
	$(BIN)/mypy
	$(BIN)/python -m pytest -q

# The inner loop: no real model, no child processes, no PostgreSQL server (tests/tiers.py), and
# the first two refused, so a test that needs either and is not marked fails here instead of
# slowing the loop down. `make test` starts a throwaway PostgreSQL and runs everything.
test-fast: $(STAMP)
	$(BIN)/python -m pytest -q -m "not model and not subprocess and not postgres" --forbid-real-model --forbid-subprocess

index: $(STAMP)
	$(BIN)/claimbot reindex

bot: $(STAMP)
	$(BIN)/claimbot bot

clean:
	rm -rf data/index
