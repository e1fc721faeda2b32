"""who a product may be offered to, its risk grade, and what an RM says about it

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-06 03:00:00

``products`` gains four columns, all empty for the products already there:

- ``client_kinds``: empty for individuals and companies alike, ``individual`` or ``corporate``
  for only those (a CHECK keeps it to these);
- ``risk_level``: the bank's risk grade R1 (lowest) .. R5, empty for a product without
  investment risk (a CHECK keeps it to these);
- ``pitch_zh`` and ``pitch_en``: the product's short pitch lines, one per line.

docs/suitability.md says how the engine reads them. On PostgreSQL nothing else changes: the
catalogue's grants are given on the whole table (everyone reads it, only the administrators'
group writes it, services/security/row_security.py), so the new columns fall under them.
Plain ``ALTER TABLE``: SQLite adds and drops a column with a CHECK of its own in place, so
the table (which holdings and pricing refer to) is never rebuilt.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

CHECKED = {
    "client_kinds": ("VARCHAR(16)", "client_kinds IN ('individual', 'corporate')"),
    "risk_level": ("VARCHAR(2)", "risk_level IN ('R1', 'R2', 'R3', 'R4', 'R5')"),
}


def upgrade() -> None:
    for column, (kind, check) in CHECKED.items():
        op.execute(
            f"ALTER TABLE products ADD COLUMN {column} {kind} "
            f"CONSTRAINT ck_products_{column} CHECK ({check})"
        )
    op.add_column("products", sa.Column("pitch_zh", sa.Text(), nullable=True))
    op.add_column("products", sa.Column("pitch_en", sa.Text(), nullable=True))


def downgrade() -> None:
    for column in ("pitch_en", "pitch_zh", *reversed(CHECKED)):
        op.execute(f"ALTER TABLE products DROP COLUMN {column}")
