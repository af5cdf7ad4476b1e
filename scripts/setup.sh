#!/usr/bin/env bash
# Set up everything from nothing: Debian packages (when root), a virtualenv, the project.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
DEB_PACKAGES=(libreoffice-writer-nogui fonts-noto-cjk fonts-wqy-zenhei chromium gcc)  # chromium: the review app's browser test;
# gcc: the optional C helpers of the PDF path (scripts/build_native.sh)

missing=()
for p in "${DEB_PACKAGES[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
    echo "installing Debian packages: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "warning: Debian packages missing (need root to install): ${missing[*]}" >&2
  fi
fi

if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -e ".[test]"
# the PDF path's batched PDFium reads; without a compiler the (slower) Python loops run instead
bash scripts/build_native.sh || echo "warning: C helpers not built (no compiler?): the PDF path runs slower" >&2
