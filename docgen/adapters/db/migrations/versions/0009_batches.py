"""Batches across machines: ``batches`` and their ``batch_lines``, durable in the database.

The broker (Redis) only carries "make line N of batch B"; what was asked, which line holds which
number, who works on it since when, and each line's result or reason of failure are here, so a lost
broker loses nothing and ``docgen batch resume`` can send the unfinished lines again.

Revision ID: 0009
Revises: 0008
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "batches",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("params", sa.JSON, nullable=False),
        sa.Column("created_by", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("total", sa.Integer, nullable=False),
    )
    op.create_table(
        "batch_lines",
        sa.Column("batch_id", sa.String(36), sa.ForeignKey("batches.id"), primary_key=True),
        sa.Column("line", sa.Integer, primary_key=True),
        sa.Column("payload", sa.LargeBinary, nullable=False),
        sa.Column("number", sa.String(64)),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("worker", sa.String(200)),
        sa.Column("claimed_at", sa.DateTime(timezone=True)),
        sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
        sa.Column("request_id", sa.String(36)),
        sa.Column("result", sa.JSON),
        sa.Column("failure", sa.JSON),
        sa.Column("finished_at", sa.DateTime(timezone=True)),
    )
    op.create_index("ix_batch_lines_status", "batch_lines", ["batch_id", "status"])


def downgrade() -> None:
    op.drop_table("batch_lines")
    op.drop_table("batches")
