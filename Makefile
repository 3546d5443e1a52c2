# The two commands of the README: `make run` and `make test`. Everything they need is installed
# here, into .venv, from the pinned versions in constraints.txt.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PACKAGES := shared services/screening services/asylum services/reception services/dublin services/return

.PHONY: install run test lint format contracts bench clean

install: $(STAMP)

$(STAMP): constraints.txt requirements-dev.txt shared/pyproject.toml $(wildcard services/*/pyproject.toml)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -c constraints.txt \
		$(addprefix -e ,$(PACKAGES)) -r requirements-dev.txt
	touch $@

## run: the embedded broker and the five services on SQLite; Ctrl-C stops everything
run: $(STAMP)
	$(BIN)/keten run

## test: lint, then every test (unit, service, end-to-end) against PostgreSQL and the embedded broker
test: lint
	$(BIN)/pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

## contracts: regenerate the event JSON Schemas and the AsyncAPI document after changing an event model
contracts: $(STAMP)
	$(BIN)/keten schemas generate
	$(BIN)/keten asyncapi generate

## bench: start the services on fresh PostgreSQL databases, drive synthetic cases through them, print the
## figures and write them to bench/results/ (BENCH_ARGS="--cases 50 --concurrency 8" to change the size)
bench: $(STAMP)
	$(BIN)/python -m bench $(BENCH_ARGS)

clean:
	rm -rf $(VENV) .keten .pytest_cache .hypothesis
