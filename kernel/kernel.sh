#!/usr/bin/env bash
# Starts the FMP Lab Jupyter kernel: bash kernel.sh CONNECTION_FILE
# Jupyter runs it from the installed kernelspec; it also works from kernel/ in the repository.
#
# Knobs (environment):
#   FMPLAB_JAVA                 java executable (default: $JAVA_HOME/bin/java, else java on PATH)
#   FMPLAB_KERNEL_LIB           folder with the kernel, toolkit and dependency jars
#   FMPLAB_KERNEL_HEAP_PERCENT  Java heap as % of the machine's (or container's) memory
#                               (default 40; 30 below 3 GB)
#   FMPLAB_KERNEL_OFFHEAP_PERCENT  ND4J off-heap limit as % of memory (default 40; 35 below 3 GB)
#   FMPLAB_KERNEL_JAVA_OPTS     extra JVM options, added last
#   FMPLAB_MEM_BYTES            the memory to size for (default: the container's limit or the RAM)
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

# The jars: a lib/ next to this script (bundled kernelspec), else the folder recorded at install
# time (lib.path), else the build output of the repository.
if [ -n "${FMPLAB_KERNEL_LIB:-}" ]; then LIB="$FMPLAB_KERNEL_LIB"
elif [ -d "$HERE/lib" ]; then LIB="$HERE/lib"
elif [ -f "$HERE/lib.path" ]; then LIB="$(cat "$HERE/lib.path")"
else LIB="$HERE/target/lib"
fi
if ! ls "$LIB"/fmplab-kernel-*.jar >/dev/null 2>&1; then
  echo "fmplab kernel: no kernel jar in $LIB; build it with ./fmplab setup" >&2
  exit 1
fi

JAVA="${FMPLAB_JAVA:-${JAVA_HOME:+$JAVA_HOME/bin/java}}"
JAVA="${JAVA:-java}"

# Java feature version, from the JDK's release file (fast) or from java -version.
java_major() {
  local home ver
  home="$(dirname "$(dirname "$(readlink -f "$(command -v "$JAVA")")")")"
  ver="$(sed -n 's/^JAVA_VERSION="\(.*\)"/\1/p' "$home/release" 2>/dev/null || true)"
  [ -n "$ver" ] || ver="$("$JAVA" -version 2>&1 | sed -n 's/.*version "\([^"]*\)".*/\1/p' | head -1)"
  ver="${ver#1.}"
  echo "${ver%%[.+-]*}"
}
MAJOR="$(java_major)"

# Memory: the container's limit (cgroup v2 or v1) or the machine's RAM (memory.sh, shared with ./fmplab).
# shellcheck source=memory.sh
source "$HERE/memory.sh"
MEM="$(fmplab_mem_bytes)"
# ND4J's tensors live off-heap; the heap holds datasets (bytes), JShell and the compiler. On small
# machines (Binder: 1-2 GB) leave more room for the JVM itself and the native libraries.
if fmplab_small_memory "$MEM"; then DEF_HEAP=30; DEF_OFF=35; else DEF_HEAP=40; DEF_OFF=40; fi
HEAP_PCT="${FMPLAB_KERNEL_HEAP_PERCENT:-$DEF_HEAP}"
OFFHEAP_PCT="${FMPLAB_KERNEL_OFFHEAP_PERCENT:-$DEF_OFF}"

# shellcheck disable=SC2207
FLAGS=(
  $(fmplab_memory_flags "$MEM" "$HEAP_PCT" "$OFFHEAP_PCT")
  -Djava.awt.headless=true
  -Dfile.encoding=UTF-8
  # DL4J layer helpers (oneDNN) on: ten times faster convolutions.
  -Dorg.eclipse.deeplearning4j.helpers.disable=false
  # ND4J and JavaCPP log at INFO: keep the notebook for warnings and errors.
  -Dorg.slf4j.simpleLogger.defaultLogLevel=warn
)
# Flags that newer JDKs want and Java 17 rejects.
if [ "$MAJOR" -ge 22 ] 2>/dev/null; then FLAGS+=(--enable-native-access=ALL-UNNAMED); fi
if [ "$MAJOR" -ge 23 ] 2>/dev/null; then FLAGS+=(--sun-misc-unsafe-memory-access=allow); fi

# shellcheck disable=SC2086
exec "$JAVA" "${FLAGS[@]}" ${FMPLAB_KERNEL_JAVA_OPTS:-} -cp "$LIB/*" org.fmplab.kernel.KernelMain "$@"
