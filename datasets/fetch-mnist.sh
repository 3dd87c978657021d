#!/usr/bin/env bash
# Downloads MNIST's four gzipped IDX files into datasets/cache/mnist, or into the folder given as $1.
# Source: the mirror torchvision uses (the original yann.lecun.com/exdb/mnist site is often
# unreachable), then the original site; the SHA-256 sums are those of the original files.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

MIRRORS=(https://ossci-datasets.s3.amazonaws.com/mnist http://yann.lecun.com/exdb/mnist)
FILES=(
  "train-images-idx3-ubyte.gz 440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609"
  "train-labels-idx1-ubyte.gz 3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c"
  "t10k-images-idx3-ubyte.gz  8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6"
  "t10k-labels-idx1-ubyte.gz  f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6"
)

dest="$(dest_dir mnist "${1:-}")"
for entry in "${FILES[@]}"; do
  read -r name sha <<<"$entry"
  if [ ! -f "$dest/$name" ]; then
    for mirror in "${MIRRORS[@]}"; do
      if (fetch "$mirror/$name" "$dest/$name"); then break; fi
      echo "warning: $mirror failed, trying the next source" >&2
    done
  fi
  [ -f "$dest/$name" ] || { echo "error: could not download $name" >&2; exit 1; }
  verify sha256 "$sha" "$dest/$name"
done
echo "MNIST is in $dest"
