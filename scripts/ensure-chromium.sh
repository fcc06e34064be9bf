#!/usr/bin/env bash
# The browser tests drive Debian's Chromium. Install it when it is missing.
set -euo pipefail
if [ -x /usr/bin/chromium ]; then exit 0; fi
echo "Installing Debian's chromium for the browser tests..."
sudo=""
if [ "$(id -u)" != 0 ]; then
  command -v sudo >/dev/null || { echo "Chromium is missing and this user cannot install it: run 'apt-get install chromium' as root." >&2; exit 1; }
  sudo="sudo"
fi
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium >/dev/null
[ -x /usr/bin/chromium ] || { echo "Installing chromium did not give /usr/bin/chromium." >&2; exit 1; }
