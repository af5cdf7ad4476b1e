#!/usr/bin/env bash
# Build the optional C helpers (extractors/native/*.c) next to their sources. Needs only a C compiler:
# the sources include no headers and link nothing (PDFium's functions are passed in as pointers),
# so `gcc` (scripts/setup.sh installs it) is enough. Without the build the Python loops run instead.
set -euo pipefail
cd "$(dirname "$0")/.."
CC=${CC:-cc}
for src in extractors/native/*.c; do
  out="$(dirname "$src")/_$(basename "$src" .c).so"
  "$CC" -O2 -shared -fPIC -nostdlib -fno-stack-protector -o "$out.tmp" "$src"
  mv -f "$out.tmp" "$out"  # atomic: a running worker never loads half a file
  echo "built $out"
done
