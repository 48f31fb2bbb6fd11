#!/usr/bin/env bash
# Install xlreg into .venv and run the demo on the bundled sample register.
# Exits 1 because the sample has deliberately planted problems.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -c 'import sys; sys.exit(sys.version_info < (3, 10))' || { echo "xlreg needs Python 3.10 or newer"; exit 2; }
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -m pip install -q --disable-pip-version-check -e .
exec .venv/bin/xlreg demo "$@"
