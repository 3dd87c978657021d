#!/usr/bin/env bash
# Downloads Fashion-MNIST's four gzipped IDX files from the official source into
# datasets/cache/fashion-mnist (or the folder given as $1), verifying the published MD5 sums; a file
# that does not match is deleted and the script fails. binder/postBuild calls it when Debian's
# dataset-fashion-mnist package (/usr/share/datasets/fashion-mnist) is not there.
#
#   FASHION_MNIST_URL   base URL (default: the official S3 website of zalandoresearch/fashion-mnist)
set -euo pipefail
source "$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/datasets/lib.sh"

BASE="${FASHION_MNIST_URL:-http://fashion-mnist.s3-website.eu-central-1.amazonaws.com}"
FILES=(
  "train-images-idx3-ubyte.gz 8d4fb7e6c68d591d4c3dfef9ec88bf0d"
  "train-labels-idx1-ubyte.gz 25c81989df183df01b3e8a0aad5dffbe"
  "t10k-images-idx3-ubyte.gz  bef4ecab320f06d8554ea6380940ec79"
  "t10k-labels-idx1-ubyte.gz  bb300cfdad3c16e7a12a480ee83cd310"
)

dest="$(dest_dir fashion-mnist "${1:-}")"
for entry in "${FILES[@]}"; do
  read -r name md5 <<<"$entry"
  fetch "$BASE/$name" "$dest/$name"
  verify md5 "$md5" "$dest/$name"
done
echo "Fashion-MNIST is in $dest"
