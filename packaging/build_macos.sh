#!/usr/bin/env bash
# Build the macOS app: dist/Bothy.app, dist/Bothy-VERSION-macos-ARCH.zip and .dmg.
#   packaging/build_macos.sh [--test] [--measure] [--no-archive] [--backend metal|cpu]
# Apple-silicon builds of llama.cpp use Metal by default. Signing: set BOTHY_CODESIGN_IDENTITY to a
# "Developer ID Application: ..." identity; notarizing is described in packaging/README.md.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x .venv/bin/python ] || ./bothy.sh --version  # creates .venv, compiles llama.cpp, installs the starter model
.venv/bin/python -c 'import PyInstaller' 2>/dev/null || .venv/bin/python -m pip install --quiet -e ".[packaging]"
exec .venv/bin/python packaging/build.py "$@"
