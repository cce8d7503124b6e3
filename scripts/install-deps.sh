#!/usr/bin/env bash
# Installs every Debian package encore needs to build, test and run.
# Idempotent and quiet when everything is present; runs `apt-get update` only
# when something is missing. Usage: scripts/install-deps.sh  (as root or via sudo)
set -euo pipefail

PACKAGES=(
  # toolchain
  build-essential cmake ninja-build pkg-config git python3
  # linear algebra (OpenBLAS: without it Eigen/libtorch fall back to slow reference BLAS)
  libopenblas-dev libeigen3-dev
  # neural sequence models (sasrec, gru4rec)
  libtorch-dev
  # storage
  libsqlite3-dev sqlite3
  # json, command line, logging, http, vector search
  nlohmann-json3-dev libcli11-dev libspdlog-dev libcpp-httplib-dev libhnswlib-dev
  # text: Chinese word segmentation, fastText embeddings and taggers (src/content/text, tagging)
  libfriso-dev friso-dict libfasttext-dev
  # media understanding (docs/media.md): decoding, music features, speech-to-text, OCR, test media
  libavformat-dev libavcodec-dev libavutil-dev libswresample-dev libswscale-dev libaubio-dev
  libpocketsphinx-dev libsphinxbase-dev pocketsphinx-en-us libtesseract-dev tesseract-ocr-eng
  flite sox ffmpeg
  # tests and benchmarks
  libgtest-dev libgmock-dev libbenchmark-dev wrk hyperfine
  # dashboard browser test (driven by playwright-core from npm)
  chromium nodejs
)

missing=()
for pkg in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$pkg")
  fi
done
# npm ships inside some Node.js builds (e.g. NodeSource's nodejs package), which
# conflict with Debian's separate npm package: ask for it only when absent.
command -v npm >/dev/null 2>&1 || missing+=(npm)
[ ${#missing[@]} -eq 0 ] && exit 0

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "install-deps: need root or sudo to install: ${missing[*]}" >&2; exit 1; }
  SUDO="sudo"
fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
echo "install-deps: done"
