#!/usr/bin/env bash
# Build the Linux app: dist/Bothy/ (run dist/Bothy/Bothy), dist/Bothy-VERSION-linux-ARCH.tar.gz.
#   packaging/build_linux.sh                 build
#   packaging/build_linux.sh --test          build, then run the frozen app's self-test (tests/packaging)
#   packaging/build_linux.sh --measure       build, then print the bundle size and launch-to-window time
#   packaging/build_linux.sh --appimage      also make dist/Bothy.AppDir (and the AppImage with appimagetool)
#   packaging/build_linux.sh --backend cuda  rebuild llama-cpp-python for CUDA (or vulkan) first
# Options combine. See packaging/README.md.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x .venv/bin/python ] || ./bothy.sh --version  # creates .venv, compiles llama.cpp, installs the starter model
.venv/bin/python -c 'import PyInstaller' 2>/dev/null || .venv/bin/python -m pip install --quiet -e ".[packaging]"
exec .venv/bin/python packaging/build.py "$@"
