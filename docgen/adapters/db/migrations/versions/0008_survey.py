"""The citizens' survey: one link token per decided request, and the answers without who gave them.

``survey_tokens`` keeps a request's survey token as its SHA-256 only (the token itself is an HMAC
under the audit key, which the database does not hold), and when it was used: answering sets
``used_at`` by a conditional update, so a request has one response. ``survey_answers`` keeps the
service, provider, day, the two answers (1..3) and the channel (``link`` or ``paper``): no request
id, no login, nothing that names the person who answered.

Revision ID: 0008
Revises: 0007
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "survey_tokens",
        sa.Column("request_id", sa.String(36), sa.ForeignKey("requests.id"), primary_key=True),
        sa.Column("token_sha256", sa.String(64), nullable=False, unique=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True)),
    )
    op.create_table(
        "survey_answers",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("service", sa.String(64), nullable=False),
        sa.Column("provider", sa.String(64), nullable=False),
        sa.Column("answered_on", sa.Date, nullable=False),
        sa.Column("q1", sa.Integer, nullable=False),
        sa.Column("q2", sa.Integer, nullable=False),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.CheckConstraint("q1 BETWEEN 1 AND 3", name="ck_survey_answers_q1"),
        sa.CheckConstraint("q2 BETWEEN 1 AND 3", name="ck_survey_answers_q2"),
    )
    op.create_index(
        "ix_survey_answers_service_provider", "survey_answers", ["service", "provider", "answered_on"]
    )


def downgrade() -> None:
    op.drop_table("survey_answers")
    op.drop_table("survey_tokens")
