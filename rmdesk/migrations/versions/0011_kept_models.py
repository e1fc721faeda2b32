"""the cross-sell model a run learnt, kept for the data month

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06 14:00:00

- ``scoring_models``: the model a scoring run learnt (association rules, each product's
  take-up and response models as LightGBM's own text, typical values, peers) with the data
  month and the parameters it learnt with. Every run of the month scores with it, so a run
  gives the same results whether it scores every client or only those whose data changed
  (docs/scale.md). No client data is kept in it.

On PostgreSQL, run ``rmdesk-cli pg-security apply`` again after this revision: the new table
is granted as every other (read by everyone's login, written by the owner and administrators).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "scoring_models",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("actor", sa.String(length=64), nullable=False),
        sa.Column("settings", sa.JSON(), nullable=False),
        sa.Column("info", sa.JSON(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_scoring_models")),
    )
    with op.batch_alter_table("scoring_models") as batch:
        batch.create_index(batch.f("ix_scoring_models_month"), ["month"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("scoring_models") as batch:
        batch.drop_index(batch.f("ix_scoring_models_month"))
    op.drop_table("scoring_models")
