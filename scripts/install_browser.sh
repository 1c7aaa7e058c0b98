#!/usr/bin/env bash
# What the browser tests (tests/browser) need: Debian's headless Chromium with its driver, and the
# pinned axe-core (tests/browser/package-lock.json). Idempotent: installs only what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; then
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
  log=$(mktemp)
  # apt's chatter goes to a file, shown only when the install fails.
  { $sudo apt-get update -qq &&
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      chromium chromium-driver fonts-dejavu-core; } >"$log" 2>&1 || { cat "$log" >&2; rm -f "$log"; exit 1; }
  rm -f "$log"
fi

# npm ci starts from an empty node_modules: skip it when the locked version is already there.
version_of() {  # the "version" of a package.json or of the axe-core entry of a package-lock.json
  node -e 'try { const j = require(process.argv[1]);
    console.log((j.packages ? j.packages["node_modules/axe-core"] : j).version) } catch { console.log("") }' "$1"
}
lock_version=$(version_of ./tests/browser/package-lock.json)
installed_version=$(version_of ./tests/browser/node_modules/axe-core/package.json)
if [ -z "$lock_version" ]; then echo "tests/browser/package-lock.json pins no axe-core" >&2; exit 1; fi
if [ "$lock_version" != "$installed_version" ]; then
  (cd tests/browser && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
fi

/usr/bin/chromium --version 2>/dev/null
echo "axe-core $lock_version"
