# Rostra — the two commands a newcomer needs: `make demo` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
UV_VERSION := 0.13.8
PORT ?= 8000
export PORT

.PHONY: demo test test-fast bench bytecode lock debian-deps clean

# The venv is rebuilt only when a lock file changes. Rostra itself is installed editable as a path in a
# .pth file (setuptools' compat mode): the default, an import hook, loads its module and pathlib at
# every start of Python, 6-7 ms of each `rostra` command.
EDITABLE := --no-deps --config-settings editable_mode=compat -e .
$(BIN)/uv:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

$(VENV)/.runtime-installed: requirements.lock pyproject.toml | $(BIN)/uv
	$(BIN)/uv pip install --quiet --compile-bytecode --python $(BIN)/python -r requirements.lock
	$(BIN)/uv pip install --quiet --python $(BIN)/python $(EDITABLE)
	touch $@

$(VENV)/.test-installed: requirements-test.lock pyproject.toml | $(BIN)/uv
	$(BIN)/uv pip install --quiet --compile-bytecode --python $(BIN)/python -r requirements-test.lock
	$(BIN)/uv pip install --quiet --python $(BIN)/python $(EDITABLE)
	touch $@ $(VENV)/.runtime-installed

# Rostra's own modules compiled ahead, as --compile-bytecode does for the dependencies (an editable
# install leaves the project's source to Python): a process that may not write its bytecode next to
# the code (a service account, PYTHONDONTWRITEBYTECODE) would otherwise compile them at every start,
# 20-30 ms of each `rostra` command. Quick when nothing changed; run again after every change.
bytecode: | $(BIN)/uv
	$(BIN)/python -m compileall -q rostra

demo: $(VENV)/.runtime-installed bytecode
	$(BIN)/rostra migrate --no-input -v 0
	$(BIN)/rostra demo
	$(BIN)/rostra serve --host 127.0.0.1 --port $(PORT)

# Debian's chromium drives the browser tests (Playwright never downloads a browser of its own); Debian's
# nginx and wrk serve the bench's ceiling and load it (the quick bench runs in `make test`).
debian-deps:
	@command -v /usr/bin/chromium >/dev/null && command -v /usr/sbin/nginx >/dev/null \
	  && command -v /usr/bin/wrk >/dev/null || { \
	  echo "Installing Debian's chromium, nginx and wrk for the browser tests and the bench"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium nginx wrk >/dev/null; }

test: $(VENV)/.test-installed debian-deps
	$(BIN)/ruff check rostra tests bench
	@# Two runs: Playwright's sync API keeps an event loop running in its process, which Django
	@# (rightly) refuses to share with database tests.
	$(BIN)/python -m pytest -m "not browser" -n auto
	$(BIN)/python -m pytest -m browser -n auto --dist loadfile

# Benchmarks (bench/): Rostra side by side with Isso, which lives in the bench's own venv.
BENCH_VENV := bench/.venv-isso
$(BENCH_VENV)/.installed: bench/requirements-isso.lock | $(BIN)/uv
	$(PYTHON) -m venv $(BENCH_VENV)
	$(BIN)/uv pip install --quiet --compile-bytecode --python $(BENCH_VENV)/bin/python -r bench/requirements-isso.lock
	touch $@

bench: $(VENV)/.test-installed $(BENCH_VENV)/.installed debian-deps bytecode
	$(BIN)/python -m bench.run

test-fast: $(VENV)/.test-installed
	$(BIN)/python -m pytest -m "not browser"

# Recompile the lock files after changing pyproject.toml (exact pins, no index URLs).
lock: | $(BIN)/uv
	$(BIN)/uv pip compile pyproject.toml -o requirements.lock --python-version 3.11 --no-header -q
	$(BIN)/uv pip compile pyproject.toml --extra test -o requirements-test.lock --python-version 3.11 --no-header -q
	$(BIN)/uv pip compile bench/requirements-isso.in -o bench/requirements-isso.lock --python-version 3.11 --no-header -q

clean:
	rm -rf $(VENV) $(BENCH_VENV) var/static tests/browser/artifacts
