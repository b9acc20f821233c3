# Two commands on a fresh clone: `make build` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test

.PHONY: build test validate docs export verify bench clean serve browser-deps render-deps

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# constraints.txt pins the toolchain, so that released snapshots rebuild to the same bytes.
# datapackage.json: the wheel's version is the data's, so a release reinstalls.
# Everything the README runs: the toolkit, the docs and release steps (matplotlib), `serve`
# (Datasette) and the polars and DuckDB examples.
$(STAMP): $(BIN)/python pyproject.toml constraints.txt datapackage.json
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[docs,serve,examples]'
	touch $@

$(TEST_STAMP): $(BIN)/python pyproject.toml constraints.txt datapackage.json
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[test,serve]'
	touch $@ $(STAMP)

build: $(STAMP)
	$(BIN)/sco-data validate
	$(BIN)/sco-data export
	@echo "Ready. Activate the environment to run the README's commands: . $(VENV)/bin/activate (or use $(BIN)/sco-data)"

validate: $(STAMP)
	$(BIN)/sco-data validate

docs: $(STAMP)
	$(BIN)/sco-data docs

export: $(STAMP)
	$(BIN)/sco-data export

# Not part of `make test`: generates a 1,000,000-row package and takes a few minutes.
bench: $(TEST_STAMP)
	$(BIN)/python benchmarks/bench.py

# The browser test needs Debian's chromium; CI installs it (see .ci/run), elsewhere it is skipped.
test: $(TEST_STAMP)
	$(BIN)/ruff check .
	$(BIN)/sco-data validate --strict
	$(BIN)/frictionless validate datapackage.json
	$(BIN)/sco-data docs --check
	$(BIN)/python -m pytest -q
	$(MAKE) --no-print-directory verify

# Every committed release: checksums, then a rebuild of its exports (bytes on the recorded toolchain, content on another).
verify: $(STAMP)
	@for d in exports/[0-9]*/; do \
		if [ -d "$$d" ]; then $(BIN)/sco-data verify "$$d" --rebuild || exit 1; fi; \
	done

# The package in a browser (Datasette), on http://127.0.0.1:8001/.
serve: $(STAMP)
	$(BIN)/sco-data serve

# Debian's chromium for the browser test (as root; CI runs this from .ci/run).
browser-deps:
	@command -v chromium >/dev/null 2>&1 || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

# Debian's LibreOffice Calc and poppler, for the test that renders the workbook and counts its printed
# pages (as root; CI runs this from .ci/run; elsewhere that test is skipped).
render-deps:
	@{ command -v soffice && command -v pdfinfo; } >/dev/null 2>&1 || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends libreoffice-calc poppler-utils >/dev/null; }

clean:
	rm -rf $(VENV) exports/latest .pytest_cache .hypothesis .ruff_cache
