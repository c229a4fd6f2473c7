"""Paper payment receipts, each taken once per provider.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "receipts",
        sa.Column("provider", sa.String(64), primary_key=True),
        sa.Column("receipt", sa.String(200), primary_key=True),
        sa.Column("request_id", sa.String(36), sa.ForeignKey("requests.id"), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("receipts")
