#!/usr/bin/env bash
# Downloads the official GTSRB release (training images, test images, test ground truth) and unpacks
# it into datasets/cache/gtsrb, or into the folder given as $1:
#   Final_Training/Images/000NN/{GT-000NN.csv,*.ppm}   Final_Test/Images/*.ppm   GT-final_test.csv
# Only MD5 sums are published for these archives, so they are checked with md5sum.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

BASE=https://sid.erda.dk/public/archives/daaeac0d7ce1152aea9b61d9f1e19370
ARCHIVES=(
  "GTSRB_Final_Training_Images.zip f33fd80ac59bff73c82d25ab499e03a3"
  "GTSRB_Final_Test_Images.zip     c7e4e6327067d32654124b0fe9e82185"
  "GTSRB_Final_Test_GT.zip         fe31e9c9270bbcd7b84b7f21a9d9d9e5"
)

dest="$(dest_dir gtsrb "${1:-}")"
if [ -d "$dest/Final_Training/Images" ] && [ -d "$dest/Final_Test/Images" ] && [ -f "$dest/GT-final_test.csv" ]; then
  echo "GTSRB is already in $dest"
  exit 0
fi
for entry in "${ARCHIVES[@]}"; do
  read -r name md5 <<<"$entry"
  fetch "$BASE/$name" "$dest/$name"
  verify md5 "$md5" "$dest/$name"
done
tmp="$dest/.unpack"
rm -rf "$tmp"
for entry in "${ARCHIVES[@]}"; do
  read -r name _ <<<"$entry"
  unzip_to "$dest/$name" "$tmp"
done
move_contents "$tmp/GTSRB" "$dest"            # Final_Training/, Final_Test/, read-me files
mv -f "$tmp/GT-final_test.csv" "$dest/"        # the ground truth zip holds just this file
rm -rf "$tmp"
for entry in "${ARCHIVES[@]}"; do
  read -r name _ <<<"$entry"
  rm -f "$dest/$name"
done
echo "GTSRB is in $dest"
