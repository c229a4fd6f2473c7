"""Users, and whose each request is: its holder, who filed it, at which centre.

Existing requests get their holder from the applicant in their data (the BIN
of an organisation, else the IIN) and ``filed_by = 'unknown'``: who opened
them was not recorded as a login. The columns are added nullable, filled
row by row in Python (the same on SQLite and PostgreSQL), then made NOT
NULL - on SQLite by rebuilding the table (Alembic's batch mode), which
:func:`docgen.adapters.db.migrate.upgrade` runs with foreign keys off.

Revision ID: 0002
Revises: 0001
"""

import json
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

UNKNOWN_FILER = "unknown"

_requests = sa.table(
    "requests",
    sa.column("id", sa.String(36)),
    sa.column("data", sa.JSON),
    sa.column("holder", sa.String(12)),
    sa.column("filed_by", sa.String(64)),
)


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("login", sa.String(64), primary_key=True),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("name", sa.String(500), nullable=False),
        sa.Column("iin", sa.String(12)),
        sa.Column("bin", sa.String(12)),
        sa.Column("provider", sa.String(64)),
        sa.Column("centre", sa.String(64)),
        sa.Column("enabled", sa.Boolean, nullable=False, server_default=sa.true()),
        sa.Column("password_hash", sa.String(255), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
    )
    op.add_column("requests", sa.Column("holder", sa.String(12)))
    op.add_column("requests", sa.Column("filed_by", sa.String(64)))
    op.add_column("requests", sa.Column("centre", sa.String(64)))
    _fill_owners()
    with op.batch_alter_table("requests") as batch:
        batch.alter_column("holder", existing_type=sa.String(12), nullable=False)
        batch.alter_column("filed_by", existing_type=sa.String(64), nullable=False)
    op.create_index("ix_requests_holder", "requests", ["holder"])
    op.create_index("ix_requests_provider_state", "requests", ["provider", "state"])
    op.create_index("ix_requests_due_on", "requests", ["due_on"])


def _holder(data: Any) -> str:
    if isinstance(data, str):  # JSON kept as text by an older driver
        data = json.loads(data)
    applicant = (data or {}).get("applicant") or {}
    return str(applicant.get("bin") or applicant.get("iin") or "")[:12]


def _fill_owners() -> None:
    bind = op.get_bind()
    rows = bind.execute(sa.select(_requests.c.id, _requests.c.data)).all()
    for request_id, data in rows:
        bind.execute(
            sa.update(_requests)
            .where(_requests.c.id == request_id)
            .values(holder=_holder(data), filed_by=UNKNOWN_FILER)
        )


def downgrade() -> None:
    op.drop_index("ix_requests_due_on", table_name="requests")
    op.drop_index("ix_requests_provider_state", table_name="requests")
    op.drop_index("ix_requests_holder", table_name="requests")
    with op.batch_alter_table("requests") as batch:
        batch.drop_column("centre")
        batch.drop_column("filed_by")
        batch.drop_column("holder")
    op.drop_table("users")
