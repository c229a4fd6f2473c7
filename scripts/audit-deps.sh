#!/usr/bin/env bash
# Audits the installed environment (.venv: docgen's dependencies, direct and
# transitive, and the test tools) against the PyPI vulnerability service with
# pip-audit. docgen itself is installed editable and is not on PyPI: skipped.
#
#   exit 0  no known vulnerability, or the audit could not be done: then one line
#           "dependency audit skipped: <reason>" (service unreachable, too slow,
#           or it answered for no package at all)
#   exit 1  a package has a known vulnerability: the list (package, version, id,
#           fixed in). Raise the package (a floor in pyproject.toml, with a comment
#           naming the advisory), transitive ones too; only when no fixed version
#           exists, add its id to IGNORED below with the reason.
set -uo pipefail
cd "$(dirname "$0")/.."

# Vulnerabilities deliberately ignored: "ID" plus a comment saying why (none now).
IGNORED=()

PIP_AUDIT=${PIP_AUDIT:-.venv/bin/pip-audit}
if [ ! -x "$PIP_AUDIT" ]; then
  echo "dependency audit: $PIP_AUDIT is missing (run scripts/setup.sh)" >&2
  exit 1
fi

report=$(mktemp)
errors=$(mktemp)
trap 'rm -f "$report" "$errors"' EXIT
args=(--skip-editable --format json --output "$report" --progress-spinner off --timeout 10)
for id in ${IGNORED[@]+"${IGNORED[@]}"}; do
  args+=(--ignore-vuln "$id")
done
# One request per installed package; a slow or hanging service must not hold up the tests.
timeout 120 "$PIP_AUDIT" "${args[@]}" 2>"$errors"
status=$?

exec .venv/bin/python - "$status" "$report" "$errors" <<'PY'
import json
import re
import sys
from pathlib import Path

status, report, errors = int(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3])
stderr = errors.read_text(errors="replace")
NETWORK = re.compile(
    r"ConnectionError|ProxyError|ConnectTimeout|ReadTimeout|Timeout|SSLError|NameResolution|"
    r"Max retries exceeded|Temporary failure in name resolution|Network is unreachable|"
    r"Connection refused|HTTPError: 5\d\d|ServiceError"
)


def skipped(reason: str) -> None:
    print(f"dependency audit skipped: {reason}")
    sys.exit(0)


if status == 124:
    skipped("the vulnerability service did not answer within 120 s")
try:
    data = json.loads(report.read_text()) if report.stat().st_size else None
except (OSError, ValueError):
    data = None
if data is None:
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    last = lines[-1] if lines else f"pip-audit exited with {status}"
    if NETWORK.search(stderr):
        skipped(f"vulnerability service unreachable ({last[:200]})")
    print(f"dependency audit failed: {last}", file=sys.stderr)
    sys.exit(1)

dependencies = data.get("dependencies", [])
audited = [dep for dep in dependencies if "skip_reason" not in dep]
# docgen itself (--skip-editable) is reported as skipped too: it is not on PyPI.
passed_over = [dep for dep in dependencies if "skip_reason" in dep and "editable" not in dep["skip_reason"]]
vulnerable = [dep for dep in audited if dep.get("vulns")]
if vulnerable:
    print("dependency audit: known vulnerabilities (raise these packages; see scripts/audit-deps.sh):")
    for dep in vulnerable:
        for vuln in dep["vulns"]:
            fixed = ", ".join(vuln.get("fix_versions") or []) or "no fixed version"
            aliases = ", ".join(vuln.get("aliases") or [])
            also = f" ({aliases})" if aliases else ""
            print(f"  {dep['name']} {dep['version']}: {vuln['id']}{also}; fixed in {fixed}")
    sys.exit(1)
if status != 0:
    print(f"dependency audit failed: pip-audit exited with {status}: {stderr.strip()[-300:]}", file=sys.stderr)
    sys.exit(1)
if not audited and passed_over:
    if all(dep["skip_reason"].startswith("Dependency not found on PyPI") for dep in passed_over):
        skipped(
            f"the PyPI vulnerability service answered none of {len(passed_over)} packages "
            "(pypi.org/pypi/<name>/<version>/json: not found from this network)"
        )
    skipped(f"no package could be audited ({passed_over[0]['skip_reason']})")
note = f"; not audited: {', '.join(dep['name'] for dep in passed_over)}" if passed_over else ""
print(f"dependency audit: {len(audited)} packages, no known vulnerabilities{note}")
PY
