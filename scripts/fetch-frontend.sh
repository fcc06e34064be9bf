#!/usr/bin/env bash
# Fetch the NHS.UK frontend's compiled files (and axe-core for the accessibility tests)
# from the npm registry. Nothing from these packages is committed to the repository.
set -euo pipefail

NHSUK_VERSION=10.6.1
AXE_VERSION=4.14.1
root=$(cd "$(dirname "$0")/.." && pwd)
dest="$root/lodestar/static/vendor/nhsuk-frontend"
axe_dest="$root/var/test-vendor"

if [ -f "$dest/.version" ] && [ "$(cat "$dest/.version")" = "$NHSUK_VERSION" ] \
   && [ -f "$axe_dest/axe.min.js" ]; then
  exit 0
fi
if ! command -v npm >/dev/null; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "Installing Debian's npm to fetch the NHS.UK frontend..."
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq npm >/dev/null
  fi
  command -v npm >/dev/null || { echo "npm is needed to fetch nhsuk-frontend: install Node.js and npm (apt-get install npm)." >&2; exit 1; }
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent "nhsuk-frontend@$NHSUK_VERSION" "axe-core@$AXE_VERSION" >/dev/null)
mkdir -p "$work/nhsuk" "$work/axe"
tar -xzf "$work/nhsuk-frontend-$NHSUK_VERSION.tgz" -C "$work/nhsuk"
tar -xzf "$work/axe-core-$AXE_VERSION.tgz" -C "$work/axe"

rm -rf "$dest"
mkdir -p "$dest/root" "$axe_dest"
dist="$work/nhsuk/package/dist/nhsuk"
cp "$dist/nhsuk-frontend.min.css" "$dist/nhsuk-frontend.min.js" "$dest/"
# The CSS asks for /assets/images/...; WhiteNoise serves root/ at the site root.
cp -r "$dist/assets" "$dest/root/assets"
cp "$work/nhsuk/package/LICENSE" "$dest/LICENSE" 2>/dev/null || true
cp "$work/axe/package/axe.min.js" "$axe_dest/axe.min.js"
echo "$NHSUK_VERSION" > "$dest/.version"
echo "Fetched nhsuk-frontend $NHSUK_VERSION and axe-core $AXE_VERSION."
