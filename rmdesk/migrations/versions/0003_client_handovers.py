"""client handovers: who held a client when, for fair scorecards

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24 01:00:00

Handovers made before this revision are read back from the audit trail ("client.handover"
entries carry the RMs); each takes effect on the local date it was made.
"""

from __future__ import annotations

import datetime as dt
import json

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    handovers = op.create_table(
        "client_handovers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("from_rm_id", sa.Integer(), nullable=True),
        sa.Column("to_rm_id", sa.Integer(), nullable=False),
        sa.Column("effective_on", sa.Date(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["client_id"], ["clients.id"], name=op.f("fk_client_handovers_client_id_clients")
        ),
        sa.ForeignKeyConstraint(
            ["from_rm_id"], ["users.id"], name=op.f("fk_client_handovers_from_rm_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["to_rm_id"], ["users.id"], name=op.f("fk_client_handovers_to_rm_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_client_handovers")),
    )
    op.create_index(
        "ix_client_handovers_client_effective",
        "client_handovers",
        ["client_id", "effective_on"],
        unique=False,
    )
    audit = sa.table(
        "audit_log",
        sa.column("at", sa.DateTime(timezone=True)),
        sa.column("action", sa.String()),
        sa.column("entity_id", sa.String()),
        sa.column("detail", sa.JSON()),
    )
    conn = op.get_bind()
    rows = []
    for at, entity_id, detail in conn.execute(
        sa.select(audit.c.at, audit.c.entity_id, audit.c.detail).where(
            audit.c.action == "client.handover"
        )
    ):
        detail = json.loads(detail) if isinstance(detail, str) else (detail or {})
        if not entity_id or detail.get("to_rm_id") is None:
            continue
        when = at if isinstance(at, dt.datetime) else dt.datetime.fromisoformat(str(at))
        if when.tzinfo is None:
            when = when.replace(tzinfo=dt.UTC)
        rows.append(
            {
                "client_id": int(entity_id),
                "from_rm_id": detail.get("from_rm_id"),
                "to_rm_id": int(detail["to_rm_id"]),
                "effective_on": when.astimezone().date(),
                "at": when,
            }
        )
    if rows:
        op.bulk_insert(handovers, rows)


def downgrade() -> None:
    op.drop_index("ix_client_handovers_client_effective", table_name="client_handovers")
    op.drop_table("client_handovers")
