#!/usr/bin/env bash
# Downloads CIFAR-100 (binary version) from its official page and unpacks train.bin, test.bin and the
# label-name files into datasets/cache/cifar100, or into the folder given as $1.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

URL=https://www.cs.toronto.edu/~kriz/cifar-100-binary.tar.gz
SHA256=58a81ae192c23a4be8b1804d68e518ed807d710a4eb253b1f2a199162a40d8ec

dest="$(dest_dir cifar100 "${1:-}")"
if [ -f "$dest/test.bin" ] && [ -f "$dest/train.bin" ]; then
  echo "CIFAR-100 is already in $dest"
  exit 0
fi
archive="$dest/cifar-100-binary.tar.gz"
fetch "$URL" "$archive"
verify sha256 "$SHA256" "$archive"
tar -xzf "$archive" -C "$dest" --strip-components=1   # drops the archive's cifar-100-binary/ folder
rm -f "$archive"
echo "CIFAR-100 is in $dest"
