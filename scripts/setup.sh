#!/usr/bin/env bash
# Everything docgen needs on a fresh Debian/Ubuntu machine, idempotent:
# the system libraries WeasyPrint loads (Pango, and HarfBuzz's subsetter,
# without which font subsetting is ~4x slower), then a virtual environment
# in .venv with docgen and its test tools (pip-audit among them) installed in
# editable mode. poppler-utils (pdfsig) and libnss3-tools (certutil) are for
# the tests that check signed documents with poppler's validator, as the
# viewers Evince and Okular do.
set -euo pipefail
cd "$(dirname "$0")/.."

PACKAGES=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0 libfontconfig1 poppler-utils libnss3-tools)
missing=()
for package in "${PACKAGES[@]}"; do
  dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
done
if ((${#missing[@]})); then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "setup: installing ${missing[*]}" >&2
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    echo "setup: please install ${missing[*]} (apt-get install ${missing[*]})" >&2
  fi
fi

PYTHON=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
stamp=.venv/.docgen-installed
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  # pip and setuptools as the venv was seeded with them are old, with known
  # vulnerabilities that the dependency audit (scripts/audit-deps.sh) reports.
  .venv/bin/python -m pip install -q --upgrade pip 'setuptools>=78.1.1' 2>&1 | grep -v '^WARNING: Location' >&2 || true
  .venv/bin/python -m pip install -q -e '.[test]' 2>&1 | grep -v '^WARNING: Location' >&2 || true
  .venv/bin/python -c 'import docgen.cli, weasyprint, pypdf, zxingcpp' 
  touch "$stamp"
fi

# The web pages' Kazakh and Russian catalogs (docgen/web/translations/*/messages.po -> .mo).
.venv/bin/pybabel -q compile -d docgen/web/translations
