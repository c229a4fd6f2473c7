"""Later files of issued documents (PAdES B-LTA document timestamps), append-only like the documents.

``document_files`` keeps each refreshed file of an issued document - the
signed original with a document timestamp and the validation data for the
earlier timestamps added by ``docgen archive-timestamp`` - numbered per
document. Like ``documents`` and ``history`` its rows are never changed or
removed (triggers on both databases; no TRUNCATE on PostgreSQL).

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

TABLE = "document_files"


def upgrade() -> None:
    op.create_table(
        TABLE,
        sa.Column("document_id", sa.String(36), sa.ForeignKey("documents.id"), primary_key=True),
        sa.Column("seq", sa.Integer, primary_key=True),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("pdf", sa.LargeBinary, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    if op.get_bind().dialect.name == "postgresql":
        # the functions were made by 0001 (append-only) and 0004 (no truncate)
        op.execute(
            f"CREATE TRIGGER {TABLE}_append_only BEFORE UPDATE OR DELETE ON {TABLE} "
            "FOR EACH ROW EXECUTE FUNCTION docgen_append_only()"
        )
        op.execute(
            f"CREATE TRIGGER {TABLE}_no_truncate BEFORE TRUNCATE ON {TABLE} "
            "FOR EACH STATEMENT EXECUTE FUNCTION docgen_keep_record()"
        )
        return
    for operation in ("UPDATE", "DELETE"):
        message = f"docgen: rows of {TABLE} are append-only ({operation} refused)"
        op.execute(
            f"CREATE TRIGGER {TABLE}_no_{operation.lower()} BEFORE {operation} ON {TABLE} "
            f"BEGIN SELECT RAISE(ABORT, '{message}'); END"
        )


def downgrade() -> None:
    op.drop_table(TABLE)  # its triggers go with it
