#!/usr/bin/env bash
# Create .venv (once), install the project with its test extra, and build the search
# index cache (var/cache/knowledge/, keyed by the sources' and code's hashes), so the
# bot itself starts in about a second. Idempotent: each step is skipped when done.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
stamp=.venv/.installed
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  .venv/bin/python -m pip install --quiet --upgrade pip
  .venv/bin/python -m pip install --quiet -e ".[test]"
  touch "$stamp"
fi
PYTHAINLP_OFFLINE=1 .venv/bin/python -c "from knowledge import get_engine; get_engine()"
