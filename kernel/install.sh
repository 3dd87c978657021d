#!/usr/bin/env bash
# Installs the "fmplab" Jupyter kernelspec ("FMP Lab (Java)") for the current user.
# Idempotent, needs no root (works on Binder with a temporary HOME). Used by ./fmplab setup and
# binder/postBuild.
#
#   bash kernel/install.sh            the kernelspec points at kernel/target/lib of this checkout
#   bash kernel/install.sh --bundle   copies the jars into the kernelspec (self-contained, ~200 MB)
#
# Builds the jars first when they are missing.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
LIB="$ROOT/kernel/target/lib"
BUNDLE=0
for arg in "$@"; do
  case "$arg" in
    --bundle) BUNDLE=1 ;;
    -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
    *) echo "install.sh: unknown option $arg" >&2; exit 2 ;;
  esac
done
log() { echo "[fmplab kernel] $*" >&2; }

if ! command -v jupyter >/dev/null; then
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
    log "installing jupyter-client (Debian)"
    apt-get update -qq >/dev/null || true
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends jupyter-client >/dev/null
  else
    log "jupyter not found: install jupyter-client (Debian) or jupyter (pip), then rerun $0"
    exit 1
  fi
fi

if ! ls "$LIB"/fmplab-kernel-*.jar >/dev/null 2>&1; then
  log "building the kernel (mvn install, tests skipped)"
  (cd "$ROOT" && mvn -B -q -DskipTests ${FMPLAB_MVN_OPTS:-} install)
fi

SPEC="$(mktemp -d)/fmplab"
trap 'rm -rf "$(dirname "$SPEC")"' EXIT
mkdir -p "$SPEC"
cp "$ROOT/kernel/kernelspec/kernel.json" "$ROOT/kernel/kernel.sh" "$ROOT/kernel/memory.sh" "$SPEC/"
if [ "$BUNDLE" -eq 1 ]; then
  cp -r "$LIB" "$SPEC/lib"
else
  echo "$LIB" > "$SPEC/lib.path"
fi

jupyter kernelspec install --user --replace --name fmplab "$SPEC" >/dev/null 2>&1 \
  || jupyter kernelspec install --user --replace --name fmplab "$SPEC"
log "installed kernelspec fmplab in $(jupyter kernelspec list 2>/dev/null | awk '$1 == "fmplab" {print $2}')"
