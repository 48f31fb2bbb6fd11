#!/usr/bin/env bash
# Install xlreg into .venv and run the demo on the bundled sample register in ./xlreg-demo (or the folder
# given): check, rank, highlight, mark and snapshot it; then a scripted fortnight of edits, a second snapshot
# and the differences between the two reviews.
# Exits 1 because the sample has deliberately planted problems.
set -euo pipefail
cd "$(dirname "$0")/.."
folder="${1:-xlreg-demo}"
python3 -c 'import sys; sys.exit(sys.version_info < (3, 10))' || { echo "xlreg needs Python 3.10 or newer"; exit 2; }
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -m pip install -q --disable-pip-version-check -e .
xlreg=.venv/bin/xlreg
status=0
"$xlreg" demo --dir "$folder" || status=$?
[ "$status" -le 1 ] || exit "$status"

sample="$folder/sample_register.xlsx"
first=$(ls -t "$folder"/snapshots/sample_register_*.json | head -n 1)
later=$(.venv/bin/python -c 'import datetime as d; print((d.datetime.now() + d.timedelta(days=14)).replace(microsecond=0).isoformat())')
echo
echo "$ python scripts/demo_fortnight.py $sample $(date +%F)"
.venv/bin/python scripts/demo_fortnight.py "$sample" "$(date +%F)"
echo
echo "$ xlreg snapshot $sample --as-of $later"
"$xlreg" snapshot "$sample" --as-of "$later"
second=$(ls -t "$folder"/snapshots/sample_register_*.json | head -n 1)
echo
echo "$ xlreg diff $first $second"
"$xlreg" diff "$first" "$second"
exit "$status"
