# Memory sizing shared by the kernel launcher (kernel/kernel.sh) and the CLI launcher (./fmplab):
# source it, then call fmplab_mem_bytes / fmplab_memory_flags. install.sh copies it into the kernelspec.
#
#   FMPLAB_MEM_BYTES   the memory to size for, in bytes (default: the container's cgroup limit, v2 or
#                      v1, or the machine's RAM, whichever is smaller); tests set it to act as a 2 GB
#                      Binder container.

# The container's limit or the machine's RAM, in bytes.
fmplab_mem_bytes() {
  if [ -n "${FMPLAB_MEM_BYTES:-}" ]; then echo "$FMPLAB_MEM_BYTES"; return; fi
  local m=""
  if [ -r /sys/fs/cgroup/memory.max ]; then m="$(cat /sys/fs/cgroup/memory.max)"; fi
  if [ -z "$m" ] || [ "$m" = max ]; then
    [ -r /sys/fs/cgroup/memory/memory.limit_in_bytes ] && m="$(cat /sys/fs/cgroup/memory/memory.limit_in_bytes)"
  fi
  local total=$(( $(awk '/^MemTotal:/ {print $2}' /proc/meminfo) * 1024 ))
  if [ -z "$m" ] || [ "$m" = max ] || [ "$m" -gt "$total" ]; then m="$total"; fi
  echo "$m"
}

# JVM flags for a heap of HEAP_PCT and an ND4J off-heap limit of OFFHEAP_PCT percent of MEM_BYTES:
#   fmplab_memory_flags MEM_BYTES HEAP_PCT OFFHEAP_PCT
# The heap is an explicit -Xmx (not -XX:MaxRAMPercentage) so that FMPLAB_MEM_BYTES governs it too.
fmplab_memory_flags() {
  local mem="$1" heap="$2" off="$3"
  echo "-Xmx$(( mem / 100 * heap / 1048576 ))m -Dorg.bytedeco.javacpp.maxbytes=$(( mem / 100 * off ))"
}

# True below 3 GB (Binder: 1-2 GB), where the JVM itself and the native libraries need a larger share.
fmplab_small_memory() {
  [ "$1" -lt $(( 3 * 1024 * 1024 * 1024 )) ]
}
