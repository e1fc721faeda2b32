"""room on the scores' pages for the nightly run's rank updates (PostgreSQL)

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-06 23:00:00

A nightly run of only what changed rewrites the ranks and cumulative share of nearly every
client (one client's contribution moving shifts everyone between its old and new place). On
PostgreSQL an update writes a new version of the row; when it fits on the same page and no
indexed column changes, it is a "heap-only tuple" update that leaves the table's three indexes
alone. A page filled to the brim has no room, and every rank update then writes an index entry
in each index: 1.5 s for 100,000 clients against 0.4 s with room (docs/scale.md).

``fillfactor = 50`` keeps half of each page free for the new versions (the whole part of a
nightly run's updates is one transaction: the old versions stay until it commits). Pages
already written keep their rows until they are rewritten (an update, or ``VACUUM FULL
client_scores`` at once). SQLite has no such setting: nothing to do there.
"""

from __future__ import annotations

from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE client_scores SET (fillfactor = 50)")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE client_scores RESET (fillfactor)")
