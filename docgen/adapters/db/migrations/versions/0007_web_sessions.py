"""The web front end's signed-in sessions, kept on the server so they can be revoked.

The browser's cookie holds a random id; this table holds only its SHA-256, the login, the role and a
stamp of the password hash at sign-in (a later role or password change ends the session), when it
expires, and when it was revoked (signing out sets ``revoked_at``; rows are not deleted).

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

TABLE = "web_sessions"


def upgrade() -> None:
    op.create_table(
        TABLE,
        sa.Column("id_hash", sa.String(64), primary_key=True),
        sa.Column("login", sa.String(64), sa.ForeignKey("users.login"), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("password_stamp", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True)),
    )
    op.create_index("ix_web_sessions_login", TABLE, ["login"])


def downgrade() -> None:
    op.drop_table(TABLE)
