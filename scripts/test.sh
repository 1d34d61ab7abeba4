#!/usr/bin/env bash
# Set up (if needed) and run the whole test suite. Extra arguments go to pytest.
# With TEST_DATABASE_URL set, the database tests run on that server too.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export PYTHAINLP_OFFLINE=1
.venv/bin/python -m pytest "$@"
