# Two commands matter: `make run` (the skill on http://127.0.0.1:8080/) and `make test`.
# Both build .venv from pyproject.toml first, so a fresh machine needs only python3.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp

.PHONY: install run serve test check models package

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(PY) -m skill run

# Production: gunicorn, configured only through environment variables (README, "Web service").
serve: $(STAMP)
	$(VENV)/bin/gunicorn --config python:skill.gunicorn_conf

check: $(STAMP)
	$(VENV)/bin/ruff check skill responses tests benchmarks
	$(VENV)/bin/mypy
	$(PY) -m skill lint

# build/skill-package (manifest, models, icons) and build/muscle-twitch-guide-lambda.zip.
package: $(STAMP)
	$(PY) -m skill package

# The console's browser and speech tests use Debian's chromium and espeak-ng; install them when
# missing and possible (root with apt-get). Failure is reported, not fatal: those tests then skip.
.PHONY: test-tools
test-tools:
	@if [ -x /usr/bin/chromium ] && command -v espeak-ng >/dev/null; then exit 0; fi; \
	if [ "$$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then \
		echo "test-tools: not root with apt-get, so chromium/espeak-ng stay missing; their tests skip"; \
	elif ! (apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
			apt-get install -y -qq chromium espeak-ng >/dev/null); then \
		echo "test-tools: apt-get could not install chromium/espeak-ng; their tests skip"; \
	fi

test: check test-tools
	$(PY) -m pytest -q

# interaction_model/en-US.json is the source; the other English locales are copies of it.
models:
	for locale in en-GB en-CA en-AU en-IN; do \
		cp interaction_model/en-US.json interaction_model/$$locale.json; done
