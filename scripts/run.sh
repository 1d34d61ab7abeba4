#!/usr/bin/env bash
# Set up (if needed) and run the bot on the embedded SQLite database.
#   bash scripts/run.sh            # terminal chat (no LINE account needed)
#   bash scripts/run.sh serve      # webhook server (needs LINE_CHANNEL_SECRET / _ACCESS_TOKEN)
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export PYTHAINLP_OFFLINE=1
if [ "$#" -eq 0 ]; then set -- chat; fi
exec .venv/bin/python -m bot "$@"
