#!/usr/bin/env bash
# Set up everything the test suite needs on a fresh Debian/Ubuntu machine (scripts/setup.sh), then run it.
# Usage: bash scripts/test.sh [pytest arguments]
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/python -m pytest "$@"
