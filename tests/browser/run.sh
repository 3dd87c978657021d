#!/usr/bin/env bash
# Real-browser test of the tutorials: a classic Jupyter notebook server on a free localhost port with a
# token (its own config and runtime folders), headless Chromium driven by Selenium opens a copy of
# notebooks/00-quickstart.ipynb in quick mode, runs every cell from the Cell menu and checks what a
# reader sees (tests/browser/quickstart.py). The server is stopped by PID whatever happens.
#
#   bash tests/browser/run.sh      screenshot: tests/target/browser/00-quickstart.png
#
# Needs (./fmplab setup): jupyter-notebook chromium chromium-driver python3-selenium and the fmplab
# kernelspec. Prints one closing line "N passed, N failed"; exits non-zero when a check failed.
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
OUT="$ROOT/tests/target/browser"
TMP="$(mktemp -d "${TMPDIR:-/tmp}/fmplab-browser-XXXXXX")"
SERVER_PID=""
mkdir -p "$OUT" "$TMP/work" "$TMP/config" "$TMP/runtime"

stop_server() {
  if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill "$SERVER_PID" 2>/dev/null   # SIGTERM: the server shuts its kernels down, then exits
    for _ in $(seq 1 50); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.2; done
    kill -KILL "$SERVER_PID" 2>/dev/null || true
  fi
  cp "$TMP/server.log" "$OUT/server.log" 2>/dev/null || true
  rm -rf "$TMP"
}
trap stop_server EXIT
trap 'exit 130' INT TERM

PORT="$(/usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
TOKEN="$(/usr/bin/python3 -c 'import secrets; print(secrets.token_hex(16))')"
NOTEBOOK="${FMPLAB_BROWSER_NOTEBOOK:-$ROOT/notebooks/00-quickstart.ipynb}"   # another one: to try the checks
cp "$NOTEBOOK" "$TMP/work/"

# Quick mode as on Binder (binder/start sets FMPLAB_QUICK=1), shrunk further (1000 training images,
# one epoch): this test is about what the browser shows, not about the backdoor (tests/notebooks
# checks that). The run folder and model cache go to the temporary working folder.
FMPLAB_QUICK=1 FMPLAB_LIMIT="${FMPLAB_LIMIT:-1000}" FMPLAB_EPOCHS="${FMPLAB_EPOCHS:-1}" \
FMPLAB_CACHE="$TMP/work/runs/cache" \
JUPYTER_CONFIG_DIR="$TMP/config" JUPYTER_RUNTIME_DIR="$TMP/runtime" \
  jupyter notebook --no-browser --ip=127.0.0.1 --port="$PORT" --port-retries=0 \
    --NotebookApp.token="$TOKEN" --notebook-dir="$TMP/work" $([ "$(id -u)" -eq 0 ] && echo --allow-root) \
    >"$TMP/server.log" 2>&1 &
SERVER_PID=$!

/usr/bin/python3 "$ROOT/tests/browser/quickstart.py" --url "http://127.0.0.1:$PORT" --token "$TOKEN" \
  --notebook "$(basename "$NOTEBOOK")" --screenshot "$OUT/$(basename "$NOTEBOOK" .ipynb).png" --profile "$TMP/chromium" \
  --server-pid "$SERVER_PID" --server-log "$OUT/server.log"
