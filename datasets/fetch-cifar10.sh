#!/usr/bin/env bash
# Downloads CIFAR-10 (binary version) from its official page and unpacks data_batch_1..5.bin,
# test_batch.bin and batches.meta.txt into datasets/cache/cifar10, or into the folder given as $1.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

URL=https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz
SHA256=c4a38c50a1bc5f3a1c5537f2155ab9d68f9f25eb1ed8d9ddda3db29a59bca1dd

dest="$(dest_dir cifar10 "${1:-}")"
if [ -f "$dest/test_batch.bin" ] && [ -f "$dest/data_batch_5.bin" ]; then
  echo "CIFAR-10 is already in $dest"
  exit 0
fi
archive="$dest/cifar-10-binary.tar.gz"
fetch "$URL" "$archive"
verify sha256 "$SHA256" "$archive"
tar -xzf "$archive" -C "$dest" --strip-components=1   # drops the archive's cifar-10-batches-bin/ folder
rm -f "$archive"
echo "CIFAR-10 is in $dest"
