# The README's commands. Everything installs into .venv; nothing outside it is needed but
# Python 3.10+, Node.js 20 with npm, and (for the browser tests) Debian's chromium.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
SCREENSHOT_TESTS := follows_the_cell_and_records or widget_answer_reaches

.PHONY: lab audit test screenshots report-screenshot bench install clean

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

# The labextension's node_modules: `pip install` fills them when it builds the extension; this only
# installs them when they are missing or older than the lock file.
NODE_MODULES := labextension/node_modules/.package-lock.json
$(NODE_MODULES): labextension/package.json labextension/package-lock.json
	cd labextension && npm install --no-audit --no-fund
	touch $@

## Run every test (browser tests included when chromium is installed), the labextension's unit tests
## (jest) and its linters (eslint, prettier).
test: install $(NODE_MODULES)
	cd labextension && npm run --silent lint:check && npm test --silent
	$(BIN)/python -m pytest

## Regenerate the README's screenshots (docs/images/*.png) from the browser tests' scenes; tests never do.
screenshots: install
	MLLENS_SCREENSHOTS=1 MLLENS_REQUIRE_UI=1 $(BIN)/python -m pytest tests/ui -q -k "$(SCREENSHOT_TESTS)"

## Speed and accuracy measurements; each prints its figure against a baseline of the same run.
bench: install
	for script in benchmarks/*.py; do $(BIN)/python "$$script" || exit 1; done

## The README's screenshot of the HTML audit report of the shared corpora (docs/images/audit-report.png).
report-screenshot: install
	$(BIN)/python docs/report_screenshot.py

clean:
	rm -rf $(VENV) build dist mllens_jupyter/labextension labextension/lib labextension/node_modules
