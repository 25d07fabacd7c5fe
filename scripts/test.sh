#!/usr/bin/env bash
# Installs what the tests need and runs every test: `npm test`.
# Debian packages of the real peers are installed when missing (needs root or sudo).
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
command -v dcmdump >/dev/null 2>&1 || need+=(dcmtk)
command -v dciodvfy >/dev/null 2>&1 || need+=(dicom3tools)
command -v gdcmanon >/dev/null 2>&1 || need+=(libgdcm-tools)
command -v openssl >/dev/null 2>&1 || need+=(openssl)
dpkg -s python3-pydicom >/dev/null 2>&1 || need+=(python3-pydicom)
# The pixel tests compare with pydicom's own decoding, which needs numpy (only recommended by python3-pydicom).
dpkg -s python3-numpy >/dev/null 2>&1 || need+=(python3-numpy)
# Burned-in text: test images are drawn with Pillow in real fonts, and Debian's tesseract (independent of
# the tesseract.js MedVeil runs) reads the cleaned images.
dpkg -s python3-pil >/dev/null 2>&1 || need+=(python3-pil)
for font in fonts-dejavu-core fonts-liberation fonts-wqy-microhei; do dpkg -s "$font" >/dev/null 2>&1 || need+=("$font"); done
command -v tesseract >/dev/null 2>&1 || need+=(tesseract-ocr)
# The console's browser tests: Debian's Chromium driven by playwright-core, and zbar to read back the TOTP QR code.
[ -x /usr/bin/chromium ] || need+=(chromium)
command -v zbarimg >/dev/null 2>&1 || need+=(zbar-tools)
for lang in eng chi-sim; do dpkg -s "tesseract-ocr-$lang" >/dev/null 2>&1 || need+=("tesseract-ocr-$lang"); done
if [ ${#need[@]} -gt 0 ]; then
  echo "installing Debian packages: ${need[*]}"
  sudo=""
  [ "$(id -u)" = 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${need[@]}" >/dev/null
fi

[ -d node_modules ] || npm ci
rm -rf dist
npm run build --silent

mapfile -t files < <(find dist/src dist/test dist/bench -name '*.test.js' | sort)
exec node --test --test-concurrency=2 --test-reporter=spec "${files[@]}"
