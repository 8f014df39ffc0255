# Two commands set everything up on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEV_STAMP := $(VENV)/.installed-dev

.PHONY: run test bench lint format eval migrate seed clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(DEV_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@ $(STAMP)

## run: install, then start the bot; it migrates and seeds on start (Telegram/Discord with tokens, else a console chat)
run: $(STAMP)
	$(BIN)/python -m bot run

## test: install dev dependencies and run the whole suite (starts a throwaway PostgreSQL server)
test: $(DEV_STAMP)
	$(BIN)/ruff check bot tests
	$(BIN)/ruff format --check bot tests
	$(BIN)/python -m pytest -q -ra $(PYTEST_ARGS)

## bench: performance benchmark (1k/10k/100k synthetic facts) plus the Telegram load test
bench: $(DEV_STAMP)
	$(BIN)/python -m bot bench

## eval: the public evaluation set
eval: $(STAMP)
	$(PYTHON) ../shared/eval/score.py -v --cmd "$(BIN)/python -m bot ask --json -"

lint: $(DEV_STAMP)
	$(BIN)/ruff check bot tests
	$(BIN)/ruff format --check bot tests
	$(BIN)/mypy bot/core

format: $(DEV_STAMP)
	$(BIN)/ruff format bot tests
	$(BIN)/ruff check --fix bot tests

clean:
	rm -rf $(VENV) data .pytest_cache .ruff_cache .mypy_cache .hypothesis
