#!/usr/bin/env bash
# Downloads Tiny-ImageNet-200 from the Stanford CS231n site and unpacks it into
# datasets/cache/tiny-imagenet, or into the folder given as $1:
#   wnids.txt  words.txt  train/<wnid>/images/*.JPEG  val/images/*.JPEG  val/val_annotations.txt  test/
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

URL=http://cs231n.stanford.edu/tiny-imagenet-200.zip
SHA256=6198c8ae015e2b3e007c7841da39ec069199b9aa3bfa943a462022fe5e43c821

dest="$(dest_dir tiny-imagenet "${1:-}")"
if [ -f "$dest/wnids.txt" ] && [ -f "$dest/val/val_annotations.txt" ]; then
  echo "Tiny-ImageNet is already in $dest"
  exit 0
fi
archive="$dest/tiny-imagenet-200.zip"
fetch "$URL" "$archive"
verify sha256 "$SHA256" "$archive"
tmp="$dest/.unpack"
rm -rf "$tmp"
unzip_to "$archive" "$tmp"
move_contents "$tmp/tiny-imagenet-200" "$dest"   # drops the archive's tiny-imagenet-200/ folder
rm -rf "$tmp" "$archive"
echo "Tiny-ImageNet is in $dest"
