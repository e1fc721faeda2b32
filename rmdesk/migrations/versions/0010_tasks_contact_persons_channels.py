"""tasks, a company's contact persons, and contacts on WeChat, WeCom and by SMS

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06 08:00:00

- ``tasks``: something to do for a client by a day. A contact's next step with a due date
  becomes one; an RM adds others by hand. It is done, cancelled, snoozed (kept off Today
  until a day, its due date unchanged) or handed between the client's RM and the heads of its
  branch; rows are never deleted (docs/tasks.md).
- ``contact_persons``: the people at a company client (name, title, phones, e-mail, whether
  they decide), personal data as a client's own details are.
- ``interactions.channel`` accepts ``wechat``, ``wecom`` and ``sms``. Its CHECK is replaced:
  in place on PostgreSQL; on SQLite the table is rebuilt (a batch), which keeps its rows. A
  downgrade keeps those contacts as ``mobile`` ones.

On PostgreSQL, run ``rmdesk-cli pg-security apply`` again after this revision: both new
tables get their row policies, and people's logins their rules on tasks.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

OLD_CHANNELS = ("visit", "phone", "counter", "online", "mobile", "email")
NEW_CHANNELS = (*OLD_CHANNELS, "wechat", "wecom", "sms")
BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _channels(values: tuple[str, ...]) -> None:
    listed = ", ".join(f"'{v}'" for v in values)
    with op.batch_alter_table("interactions") as batch:
        batch.drop_constraint(op.f("ck_interactions_channel"), type_="check")
        batch.create_check_constraint(op.f("ck_interactions_channel"), f"channel IN ({listed})")


def upgrade() -> None:
    _channels(NEW_CHANNELS)
    now = sa.text("(CURRENT_TIMESTAMP)")
    op.create_table(
        "tasks",
        sa.Column("id", BIG_ID, nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("interaction_id", BIG_ID, nullable=True),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "open",
                "done",
                "cancelled",
                name="task_status",
                native_enum=False,
                create_constraint=True,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column("snoozed_until", sa.Date(), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_by", sa.Integer(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=now, nullable=False),
        sa.ForeignKeyConstraint(
            ["client_id"], ["clients.id"], name=op.f("fk_tasks_client_id_clients")
        ),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_tasks_user_id_users")),
        sa.ForeignKeyConstraint(
            ["created_by"], ["users.id"], name=op.f("fk_tasks_created_by_users")
        ),
        sa.ForeignKeyConstraint(["closed_by"], ["users.id"], name=op.f("fk_tasks_closed_by_users")),
        sa.ForeignKeyConstraint(
            ["interaction_id"],
            ["interactions.id"],
            name=op.f("fk_tasks_interaction_id_interactions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tasks")),
    )
    op.create_index(op.f("ix_tasks_client_id"), "tasks", ["client_id"])
    op.create_index("ix_tasks_user_due", "tasks", ["user_id", "due_on"])
    op.create_table(
        "contact_persons",
        sa.Column("id", BIG_ID, nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("title", sa.String(length=120), nullable=True),
        sa.Column("mobile", sa.String(length=32), nullable=True),
        sa.Column("phone", sa.String(length=32), nullable=True),
        sa.Column("email", sa.String(length=200), nullable=True),
        sa.Column("decision_maker", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=now, nullable=False),
        sa.ForeignKeyConstraint(
            ["client_id"], ["clients.id"], name=op.f("fk_contact_persons_client_id_clients")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contact_persons")),
    )
    op.create_index(op.f("ix_contact_persons_client_id"), "contact_persons", ["client_id"])


def downgrade() -> None:
    op.drop_table("contact_persons")
    op.drop_table("tasks")
    # the earlier schema has no such channels: those contacts are kept, as mobile ones
    op.execute(
        "UPDATE interactions SET channel = 'mobile' WHERE channel IN ('wechat', 'wecom', 'sms')"
    )
    _channels(OLD_CHANNELS)
