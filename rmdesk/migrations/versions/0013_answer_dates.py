"""the dates a nightly run looks up: campaign answers and outcomes by day

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-06 20:00:00

- ``ix_interactions_answered_at``: the imported contacts that carry a product's offer and its
  answer, by day (a partial index: only those rows, a fraction of every contact);
- ``ix_suggestion_outcomes_at``: the outcomes RMs record, by day.

A nightly run of only what changed asks which clients' keep-outs end between its last run and
this one (``keep_outs.ending``): a handful of days, looked up once per length of
keep-out. Without these it read every contact each time (docs/scale.md).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

ANSWERED = sa.text("offer_result IS NOT NULL AND product_id IS NOT NULL")


def upgrade() -> None:
    op.create_index(
        "ix_interactions_answered_at",
        "interactions",
        ["occurred_at"],
        postgresql_where=ANSWERED,
        sqlite_where=ANSWERED,
    )
    op.create_index("ix_suggestion_outcomes_at", "suggestion_outcomes", ["at"])


def downgrade() -> None:
    op.drop_index("ix_suggestion_outcomes_at", table_name="suggestion_outcomes")
    op.drop_index("ix_interactions_answered_at", table_name="interactions")
