# Helpers shared by the fetch-*.sh scripts. Source it; don't run it.
# Each script: pick the destination, download, verify the checksum, unpack, delete the archive.

DATASETS_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

# dest_dir NAME [DIR]: create and print the absolute destination (default: datasets/cache/NAME).
dest_dir() {
  local dir="${2:-$DATASETS_DIR/cache/$1}"
  mkdir -p "$dir"
  (cd "$dir" && pwd)
}

# fetch URL FILE: download URL to FILE (via FILE.part) unless FILE is already there.
fetch() {
  local url="$1" out="$2"
  if [ -f "$out" ]; then
    echo "using already downloaded $out"
    return
  fi
  echo "downloading $url"
  if command -v curl >/dev/null 2>&1; then
    curl -fL --retry 3 -o "$out.part" "$url"
  elif command -v wget >/dev/null 2>&1; then
    wget -O "$out.part" "$url"
  else
    echo "error: need curl or wget to download $url" >&2
    exit 1
  fi
  mv "$out.part" "$out"
}

# verify ALGO SUM FILE: check FILE with sha256sum -c or md5sum -c (ALGO is sha256 or md5);
# on a mismatch delete FILE and stop, so a corrupt or tampered download is never unpacked.
verify() {
  local algo="$1" sum="$2" file="$3"
  if ! (cd "$(dirname "$file")" && echo "$sum  $(basename "$file")" | "${algo}sum" -c -); then
    rm -f "$file"
    echo "error: $algo checksum mismatch for $file; deleted it. Run the script again to download it anew." >&2
    exit 1
  fi
}

# unzip_to ZIP DIR: extract with unzip, or Python's zipfile, or the JDK's jar tool.
unzip_to() {
  local zip="$1" dir="$2"
  mkdir -p "$dir"
  if command -v unzip >/dev/null 2>&1; then
    unzip -q -o "$zip" -d "$dir"
  elif command -v python3 >/dev/null 2>&1; then
    python3 -m zipfile -e "$zip" "$dir"
  elif command -v jar >/dev/null 2>&1; then
    (cd "$dir" && jar xf "$zip")
  else
    echo "error: need unzip, python3 or jar to extract $zip (apt-get install unzip)" >&2
    exit 1
  fi
}

# move_contents FROM TO: move every entry of FROM into TO, replacing entries of the same name.
move_contents() {
  local from="$1" to="$2" entry
  for entry in "$from"/* "$from"/.[!.]*; do
    [ -e "$entry" ] || continue
    rm -rf "${to:?}/$(basename "$entry")"
    mv "$entry" "$to/"
  done
}
