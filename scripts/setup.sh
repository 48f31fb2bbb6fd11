#!/usr/bin/env bash
# Set up everything the test suite needs on a fresh Debian/Ubuntu machine: LibreOffice and poppler (a real
# spreadsheet engine and PDF pages for the tests), Chromium (a real browser for the HTML review report and its PDF),
# LibreOffice's Python bridge, a Rust compiler and Debian's
# Rust crates for xlreg's native column reader (native/), and .venv with xlreg, that reader and the development
# tools.
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
command -v soffice >/dev/null 2>&1 || need_apt+=(libreoffice-calc-nogui)
command -v pdftoppm >/dev/null 2>&1 || need_apt+=(poppler-utils)
command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 || need_apt+=(chromium)
# LibreOffice's Python bridge, for reading the add-in's VBA back through LibreOffice (system Python only)
[ -x /usr/bin/python3 ] && /usr/bin/python3 -c 'import uno' >/dev/null 2>&1 || need_apt+=(python3-uno)
# Node.js, to run the engine under Pyodide (WebAssembly), as xlwings Lite runs it
command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 || need_apt+=(nodejs npm)
# Rust and the crates native/ builds from, as Debian packages them (so that no crates.io access is needed)
command -v cargo >/dev/null 2>&1 || need_apt+=(cargo rustc)
DEBIAN_CRATES=/usr/share/cargo/registry
[ -d "$DEBIAN_CRATES/pyo3-0.17.3" ] && [ -d "$DEBIAN_CRATES/quick-xml-0.26.0" ] ||
  need_apt+=(librust-pyo3-dev librust-quick-xml-dev)
if [ ${#need_apt[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
  elif command -v sudo >/dev/null 2>&1; then
    sudo apt-get update -qq
    sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
  else
    echo "note: ${need_apt[*]} not installed and no root; LibreOffice tests will be skipped (they fail under CI=true)."
  fi
fi

python3 -c 'import sys; sys.exit(sys.version_info < (3, 10))' || { echo "xlreg needs Python 3.10 or newer"; exit 2; }
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -m pip install -q --disable-pip-version-check -e '.[dev,excel]'

# The native column reader (large registers read column by column), rebuilt when its source changes
if command -v cargo >/dev/null 2>&1; then
  stamp=.venv/xlreg-columns.stamp
  source_hash="$(cat native/Cargo.toml native/pyproject.toml native/src/*.rs | sha256sum)"
  if [ "$(cat "$stamp" 2>/dev/null)" != "$source_hash" ] || ! .venv/bin/python -c 'import xlreg_columns' 2>/dev/null; then
    if [ -d "$DEBIAN_CRATES/pyo3-0.17.3" ]; then  # build offline from Debian's crates
      export CARGO_HOME="$PWD/.venv/cargo"
      mkdir -p "$CARGO_HOME"
      printf '[source.debian]\ndirectory = "%s"\n[source.crates-io]\nreplace-with = "debian"\n[net]\noffline = true\n' \
        "$DEBIAN_CRATES" > "$CARGO_HOME/config.toml"
    fi
    .venv/bin/python -m pip install -q --disable-pip-version-check ./native
    echo "$source_hash" > "$stamp"
  fi
else
  echo "note: no Rust compiler; large sheets are read by calamine alone (the native reader's tests fail under CI=true)."
fi

# Pyodide from the npm registry and xlreg's dependencies as pure-Python wheels, fetched now so that the
# Pyodide test runs offline
if command -v npm >/dev/null 2>&1; then
  npm install --prefix tests/pyodide --no-audit --no-fund --silent >/dev/null
  PIP_FIND_LINKS="" .venv/bin/python -m pip download -q --disable-pip-version-check --no-deps \
    --only-binary=:all: --platform any --python-version 3.12 -d tests/pyodide/wheels -r tests/pyodide/requirements.txt
fi
