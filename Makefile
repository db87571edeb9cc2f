# Two commands matter: `make run` (the skill on http://127.0.0.1:8080/) and `make test`.
# Both build .venv from pyproject.toml first, so a fresh machine needs only python3. Running needs
# only the skill's own dependencies; the test tools (pytest, mypy, Playwright, ...) come with the
# first command that needs them.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
TEST_STAMP := $(VENV)/.test-installed-stamp

.PHONY: install run serve chat ask test check package mcp

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

$(TEST_STAMP): $(STAMP)
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(TEST_STAMP)

install: $(STAMP)

run: $(STAMP)
	$(PY) -m devtools run

# The Alexa+ MCP add-on (docs/alexa-plus.md) on http://127.0.0.1:8090/mcp (HOST, PORT, MCP_AUTH_*).
MCP_STAMP := $(VENV)/.mcp-installed-stamp
$(MCP_STAMP): $(STAMP)
	$(PY) -m pip install --quiet -e '.[mcp]'
	touch $(MCP_STAMP)

mcp: $(MCP_STAMP)
	$(PY) -m addon

# The MCP Inspector's own CLI against the add-on: it lists the tools and calls check_safety, as an
# MCP client other than the SDK's sees them. Fetches the Inspector from npm once (about 150 MB).
INSPECTOR_VERSION := 0.15.0
INSPECTOR := $(VENV)/mcp-inspector-$(INSPECTOR_VERSION)/node_modules/.bin/mcp-inspector-cli
INSPECT_PORT ?= 8091
$(INSPECTOR):
	npm install --silent --no-audit --no-fund --prefix $(VENV)/mcp-inspector-$(INSPECTOR_VERSION) \
		@modelcontextprotocol/inspector@$(INSPECTOR_VERSION)

.PHONY: inspect
inspect: $(MCP_STAMP) $(INSPECTOR)
	@PORT=$(INSPECT_PORT) $(PY) -m addon 2>/dev/null & server=$$!; trap "kill $$server" EXIT; \
	for _ in $$(seq 100); do curl -sf http://127.0.0.1:$(INSPECT_PORT)/health >/dev/null && break; sleep 0.1; done; \
	$(INSPECTOR) --cli http://127.0.0.1:$(INSPECT_PORT)/mcp --transport http --method tools/list && \
	$(INSPECTOR) --cli http://127.0.0.1:$(INSPECT_PORT)/mcp --transport http --method tools/call \
		--tool-name check_safety --tool-arg "text=my chest hurts after the gym"

# The test console in this terminal, and one answer for scripts: make ask Q="why do my legs twitch"
chat: $(STAMP)
	$(PY) -m devtools chat

# Only the answer is printed (@: make does not echo the command); no Q is a usage error (exit 2).
ask: $(STAMP)
	@if [ -z "$$Q" ]; then echo 'usage: make ask Q="why do my legs twitch"' >&2; exit 2; fi
	@$(PY) -m devtools ask "$$Q"

# Production: gunicorn, configured only through environment variables (docs/web-service.md).
serve: $(STAMP)
	$(VENV)/bin/gunicorn --config python:skill.gunicorn_conf

check: $(TEST_STAMP)
	$(VENV)/bin/ruff check skill responses devtools addon interaction_model tests benchmarks harness mutation
	$(VENV)/bin/ruff format --check skill responses devtools addon interaction_model tests benchmarks harness mutation
	$(VENV)/bin/mypy
	$(PY) -m devtools lint

# build/: an ASK CLI project (ask-resources.json, skill-package/, lambda/) that is also the layout of
# an Alexa-hosted skill, plus the zips for the AWS Lambda console and the hosted Code tab.
# `make package LAMBDA_ARN=arn:aws:lambda:...` writes that function into the manifest's endpoint.
package: $(STAMP)
	$(PY) -m devtools package $(if $(LAMBDA_ARN),--lambda-arn '$(LAMBDA_ARN)')

# $(call debian,packages): install Debian packages whose commands are missing, when possible
# (root with apt-get). Failure is reported, not fatal: what needs them skips and says so.
debian = @missing=""; for tool in $(1); do command -v $$tool >/dev/null || missing="$$missing $$tool"; done; \
	if [ -z "$$missing" ]; then exit 0; fi; \
	if [ -n "$(NO_APT)" ]; then \
		echo "NO_APT is set, so$$missing stay missing; what needs them skips"; \
	elif [ "$$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then \
		echo "not root with apt-get, so$$missing stay missing; what needs them skips"; \
	elif ! (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null); then \
		echo "apt-get could not install$$missing; what needs them skips"; \
	fi

# Debian's chromium (console browser test), espeak-ng (speech) and wrk (benchmarks' load), with
# apt-get when run as root; NO_APT=1 skips it (make test NO_APT=1).
.PHONY: test-tools bench
test-tools:
	$(call debian,chromium espeak-ng wrk)

# docs/benchmarks.md: ours against the bare SDK, side by side (several minutes; not part of test).
bench: $(TEST_STAMP) test-tools
	$(PY) -m benchmarks

# Two passes, each on every core: the skill's own tests first, so a failure in it shows within a
# minute; then those marked slow (the offline resolver over whole models and corpora, fresh clones,
# builds and servers in subprocesses).
test: check test-tools
	$(PY) -m pytest -q -n auto --dist worksteal -m "not slow"
	$(PY) -m pytest -q -n auto --dist worksteal -m slow

# Random exploration, not part of test: every Hypothesis property with 20,000 random examples and
# the example database on (.hypothesis/). Each failure becomes an @example or a test, then the fix.
.PHONY: fuzz
fuzz: $(TEST_STAMP)
	HYPOTHESIS_PROFILE=fuzz $(PY) -m pytest -q -m hypothesis --hypothesis-show-statistics

# docs/mutation.md: mutmut over responses/, skill/handlers/, skill/entry.py, skill/verify.py and
# skill/web.py, kill rates per module and every survivor with its verdict (docs/mutation-verdicts.toml).
# Several minutes; not part of test. `$(PY) -m mutation --report-only` rewrites the report alone.
MUTATE_STAMP := $(VENV)/.mutate-stamp
$(MUTATE_STAMP): $(TEST_STAMP)
	$(PY) -m pip install --quiet -e '.[test,mutate]'
	touch $(MUTATE_STAMP)

.PHONY: mutate
mutate: $(MUTATE_STAMP)
	$(PY) -m mutation
