"""Notifications to applicants: the default outbox writes each message here.

When a step decides a request (its result or refusal is ready), the message
to the applicant - kind, document number, text in Kazakh and Russian - is
written in the same transaction as the decision, so a decision rolled back
leaves no message. Like the history, the rows are never changed or removed
(triggers on both databases; no TRUNCATE on PostgreSQL).

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

TABLE = "notifications"


def upgrade() -> None:
    op.create_table(
        TABLE,
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("request_id", sa.String(36), sa.ForeignKey("requests.id"), nullable=False),
        sa.Column("recipient", sa.String(12), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("document", sa.String(64)),
        sa.Column("email", sa.String(320)),
        sa.Column("message", sa.JSON, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_notifications_recipient", TABLE, ["recipient"])
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
    op.drop_table(TABLE)  # its index and triggers go with it
