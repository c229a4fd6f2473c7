#!/usr/bin/env bash
# Prints the PostgreSQL URL the database tests should also run against:
# $DOCGEN_TEST_POSTGRES_URL if set, else the local server on 127.0.0.1:5432
# (database "test", trust auth) when one answers; prints nothing otherwise.
set -u
cd "$(dirname "$0")/.."
if [ -n "${DOCGEN_TEST_POSTGRES_URL:-}" ]; then
  echo "$DOCGEN_TEST_POSTGRES_URL"
  exit 0
fi
candidate="postgresql://postgres@127.0.0.1:5432/test"
if .venv/bin/python - "$candidate" <<'PY' 2>/dev/null; then
import sys
import psycopg
psycopg.connect(sys.argv[1].replace("postgresql://", "postgresql://", 1), connect_timeout=3).close()
PY
  echo "$candidate"
fi
