#!/usr/bin/env bash
# WeasyPrint (PDFs of the plan on a page) needs Debian's Pango libraries; the PDF tests
# also read text back with pdftotext. Install whichever is missing, or fail loudly.
set -euo pipefail

# Each package, with a file that shows it is installed.
declare -A needed=(
  [libpango-1.0-0]="libpango-1.0.so.0"
  [libpangoft2-1.0-0]="libpangoft2-1.0.so.0"
  [poppler-utils]="/usr/bin/pdftotext"
)

# Read the linker's cache once: "ldconfig -p | grep -q" can die of SIGPIPE under pipefail.
libraries="$({ ldconfig -p || /sbin/ldconfig -p; } 2>/dev/null || true)"

present() {
  case "$1" in
    /*) [ -x "$1" ] ;;
    *) grep -qF "$1" <<<"$libraries" ;;
  esac
}

missing=()
for package in "${!needed[@]}"; do
  present "${needed[$package]}" || missing+=("$package")
done
if [ ${#missing[@]} -eq 0 ]; then exit 0; fi

echo "Installing Debian packages for PDFs: ${missing[*]}..."
sudo=""
if [ "$(id -u)" != 0 ]; then
  command -v sudo >/dev/null || {
    echo "Missing ${missing[*]} and this user cannot install them: run 'apt-get install ${missing[*]}' as root." >&2
    exit 1
  }
  sudo="sudo"
fi
command -v apt-get >/dev/null || {
  echo "Missing ${missing[*]}, and there is no apt-get here: install Pango and poppler-utils with this system's package manager." >&2
  exit 1
}
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
libraries="$({ ldconfig -p || /sbin/ldconfig -p; } 2>/dev/null || true)"
for package in "${missing[@]}"; do
  present "${needed[$package]}" || { echo "Installing $package did not provide ${needed[$package]}." >&2; exit 1; }
done
