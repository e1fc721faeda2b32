"""how to reach a client: mobile, phone, e-mail, WeChat, address

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06 06:20:00

``clients`` gains five columns, empty for the clients already there until an import fills
them: ``mobile``, ``phone`` (an office or home landline), ``email``, ``wechat`` (a WeChat or
WeCom id) and ``address`` (the street address; the district is its own column already).

They are personal data, as the name is: on PostgreSQL every login reads them only for the
clients it may see (the row policies of ``clients`` hold), and no statistics are kept on them
(``row_security.SENSITIVE``); run ``rmdesk-cli pg-security apply`` again after this revision.
Plain ``ALTER TABLE``: added and dropped in place on both databases.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

COLUMNS = (("mobile", 32), ("phone", 32), ("email", 200), ("wechat", 64), ("address", 300))


def upgrade() -> None:
    for name, length in COLUMNS:
        op.add_column("clients", sa.Column(name, sa.String(length), nullable=True))


def downgrade() -> None:
    for name, _ in reversed(COLUMNS):
        op.execute(f"ALTER TABLE clients DROP COLUMN {name}")
