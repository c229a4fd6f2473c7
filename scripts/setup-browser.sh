#!/usr/bin/env bash
# What the browser tests (tests/browser, markers `browser` and `slow`) need, idempotent: Debian's
# Chromium and its WebDriver (apt-get, as root, as scripts/setup.sh installs its libraries), and
# axe-core from the npm registry at the version tests/browser/package-lock.json pins (npm ci).
# Selenium comes with the `test` extra (scripts/setup.sh). Where something cannot be installed the
# browser tests skip saying why - and fail under CI=true, so CI cannot skip them silently.
set -euo pipefail
cd "$(dirname "$0")/.."

PACKAGES=(chromium chromium-driver)
missing=()
for package in "${PACKAGES[@]}"; do
  dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
done
if ((${#missing[@]})); then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "setup-browser: installing ${missing[*]}" >&2
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    echo "setup-browser: please install ${missing[*]} (apt-get install ${missing[*]}) for the browser tests" >&2
  fi
fi

browser=tests/browser
if command -v npm >/dev/null; then
  if [ ! -f "$browser/node_modules/axe-core/axe.min.js" ] || [ "$browser/package-lock.json" -nt "$browser/node_modules/.package-lock.json" ]; then
    (cd "$browser" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
  fi
else
  echo "setup-browser: please install node and npm (axe-core for the accessibility tests)" >&2
fi
