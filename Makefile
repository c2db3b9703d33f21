# A newcomer's commands: make build, make test, make serve.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY_STAMP := $(VENV)/.requirements-installed
NPM_STAMP := node_modules/.assets-installed

.PHONY: setup build test serve lint clean

setup: $(PY_STAMP) $(NPM_STAMP)

$(PY_STAMP): requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

$(NPM_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

build: setup
	$(BIN)/invoke build

test: setup
	$(BIN)/ruff check .
	$(BIN)/python -m pytest

serve: build
	$(BIN)/invoke serve

lint: setup
	$(BIN)/ruff check .

clean:
	rm -rf output cache/templates
