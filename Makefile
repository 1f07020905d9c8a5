# 政策通 policy-assistant — the two commands the README promises:
#   make run    install into .venv, ingest ../shared/corpus, open the web chat on http://127.0.0.1:7860
#   make test   install (with test extras, Chromium and a CJK font), then format check, lint, types, tests
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
CORPUS ?= ../shared/corpus
INDEX ?= $(HOME)/.policy-assistant/index
PORT ?= 7860
export GRADIO_ANALYTICS_ENABLED := False
export ANONYMIZED_TELEMETRY := False

.PHONY: run install install-dev system-deps check test bench clean

$(VENV)/.installed: pyproject.toml
	python3 -m venv $(VENV)
	$(PIP) install -q --upgrade pip
	$(PIP) install -q -e .
	touch $@

install: $(VENV)/.installed

$(VENV)/.installed-dev: $(VENV)/.installed pyproject.toml
	# CPU build of torch first (a plain `torch` would pull a multi-GB CUDA build), then the extras.
	$(PIP) install -q torch==2.13.0
	$(PIP) install -q -e '.[dev,st]'
	touch $@

install-dev: $(VENV)/.installed-dev

system-deps:
	# Debian's Chromium for the browser tests (Playwright's own browser download cannot work here)
	# and a CJK font so screenshots show Chinese, not boxes.
	@if ! command -v chromium >/dev/null || ! fc-list :lang=zh | grep -q .; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-wqy-microhei >/dev/null; \
	fi

# The ingest returns once the documents are searchable by keyword (seconds); the server fills the
# vectors in the background, so the chat opens at once and semantic retrieval joins as they arrive.
# An index built by an older version (other chunk settings) is rebuilt for this one: the corpus is the
# same, so every unchanged passage keeps its vector.
run: install
	$(VENV)/bin/policy-assistant ingest $(CORPUS) --index $(INDEX) \
	  || $(VENV)/bin/policy-assistant ingest $(CORPUS) --index $(INDEX) --rebuild
	$(VENV)/bin/policy-assistant serve --index $(INDEX) --host 127.0.0.1 --port $(PORT)

check: install-dev
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy corpus index assistant quiz evaluation ui

test: install-dev system-deps check
	$(VENV)/bin/python -m pytest -q

bench: install-dev
	$(PY) bench/retrieval.py

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .mypy_cache .ruff_cache artifacts
