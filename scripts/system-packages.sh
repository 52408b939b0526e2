#!/usr/bin/env bash
# Installs the Debian packages the portal needs, if missing. Usage: scripts/system-packages.sh run|test
#   run:  what WeasyPrint needs (fast font subsetting, fonts for the six UN languages) and gettext (compilemessages)
#   test: the same, plus Chromium for browser tests, poppler-utils (pdftotext) for PDF assertions, and Node.js
#         with npm for axe-core (the accessibility tests)
#   bench: the same as run, plus wrk (the load generator of bench/pages.py)
set -euo pipefail
packages=(libharfbuzz-subset0 fonts-noto-core fonts-noto-cjk gettext)
if [ "${1:-run}" = "test" ]; then
  packages+=(chromium poppler-utils)
  command -v npm >/dev/null 2>&1 || packages+=(nodejs npm)
fi
[ "${1:-run}" = "bench" ] && packages+=(wrk)
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
  echo "Missing Debian packages. Run, then try again:" >&2
  echo "  sudo apt-get update && sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi
echo "Installing Debian packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
