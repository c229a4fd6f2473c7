"""Records that cannot be removed unseen: the sealed head of each request's history, and no
TRUNCATE or DELETE of the record on either database.

- ``requests.head`` is the hash of the request's last history entry and
  ``requests.head_seal`` an HMAC of it under the installation's audit key
  (kept outside the database): cutting entries off the end, or rewriting one
  and recomputing the chain, no longer matches a seal only the key can make.
- PostgreSQL: a statement-level trigger refuses TRUNCATE of every table that
  holds the record (a row trigger never sees TRUNCATE), and row triggers
  refuse DELETE of requests, registry rows, counters, receipts and users. The
  application's own role is meant to own none of these tables, so it cannot
  drop or disable the triggers (``docgen db upgrade --app-role``).
- SQLite has no TRUNCATE; the same DELETE triggers.

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

#: Every table that holds the record.
RECORD = ("requests", "history", "documents", "registry", "counters", "receipts", "users")
#: Tables whose rows are changed but never deleted (history and documents refuse it since 0001).
NO_DELETE = ("requests", "registry", "counters", "receipts", "users")


def upgrade() -> None:
    op.add_column("requests", sa.Column("head", sa.String(64)))
    op.add_column("requests", sa.Column("head_seal", sa.String(64)))
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            """
            CREATE FUNCTION docgen_keep_record() RETURNS trigger AS $$
            BEGIN
              RAISE EXCEPTION 'docgen: rows of % are never removed (% refused)', TG_TABLE_NAME, TG_OP;
            END
            $$ LANGUAGE plpgsql
            """
        )
        for table in RECORD:
            op.execute(
                f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
                "FOR EACH STATEMENT EXECUTE FUNCTION docgen_keep_record()"
            )
        for table in NO_DELETE:
            op.execute(
                f"CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION docgen_keep_record()"
            )
        return
    for table in NO_DELETE:
        message = f"docgen: rows of {table} are never removed (DELETE refused)"
        op.execute(
            f"CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table} "
            f"BEGIN SELECT RAISE(ABORT, '{message}'); END"
        )


def downgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    for table in NO_DELETE:
        op.execute(f"DROP TRIGGER IF EXISTS {table}_no_delete" + (f" ON {table}" if postgres else ""))
    if postgres:
        for table in RECORD:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}")
        op.execute("DROP FUNCTION IF EXISTS docgen_keep_record()")
    with op.batch_alter_table("requests") as batch:
        batch.drop_column("head_seal")
        batch.drop_column("head")
