# The README's commands. Everything installs into .venv; nothing outside it is needed but
# Python 3.10+, Node.js 20 with npm, and (for the browser tests) Debian's chromium.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: lab audit test bench install clean report-screenshot

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/pip install --quiet -e ".[test,examples]"
	touch $(STAMP)

install: $(STAMP)

## Open JupyterLab on the example notebooks, with the sidebar and the %mllens magic.
lab: install
	$(BIN)/jupyter lab --notebook-dir=example_notebooks

## Audit the example notebooks; writes an HTML report and says where it is.
audit: install
	$(BIN)/mllens audit example_notebooks --format html -o build/audit.html; \
	  code=$$?; echo "Audit report: $(CURDIR)/build/audit.html"; exit $$code

## Run every test (browser tests included when chromium is installed).
test: install
	$(BIN)/python -m pytest

## Speed and accuracy measurements; each prints its figure against a baseline of the same run.
bench: install
	for script in benchmarks/*.py; do $(BIN)/python "$$script" || exit 1; done

## The README's screenshot of the HTML audit report of the shared corpora (docs/images/audit-report.png).
report-screenshot: install
	$(BIN)/python docs/report_screenshot.py

clean:
	rm -rf $(VENV) build dist mllens_jupyter/labextension labextension/lib labextension/node_modules
