"""why a client declined a suggestion

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06 03:30:00

``suggestion_outcomes`` gains ``reason``: the code of why the client declined (a CHECK keeps
it to the codes of ``DeclineReason``, listed here as they were at this revision), empty for
the other outcomes and for the declines recorded before it.

That a decline has a reason, and no other outcome has one, is not a CHECK: the declines
recorded before this revision have none. It is the service's rule
(``suggestions.record_outcome``), and on PostgreSQL the write rule of people's own logins
(``engine_rules``) holds it too. (A ``NOT VALID`` CHECK would spare the old rows on
PostgreSQL, but SQLite cannot add one without rebuilding the table, which the old rows would
fail, and SQLAlchemy cannot read a ``NOT VALID`` CHECK back to compare it with the model.)

On PostgreSQL, run ``rmdesk-cli pg-security apply`` again after this revision: people's logins
get INSERT on the new column, and the write rules learn the ``reopened`` outcome (an undo).
"""

from __future__ import annotations

from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

REASONS = (
    "has_it_elsewhere",
    "not_interested",
    "too_expensive",
    "no_need_now",
    "no_funds",
    "risk_concern",
    "other",
)
CODES = ", ".join(f"'{r}'" for r in REASONS)


def upgrade() -> None:
    op.execute(
        "ALTER TABLE suggestion_outcomes ADD COLUMN reason VARCHAR(32) "
        f"CONSTRAINT ck_suggestion_outcomes_reason CHECK (reason IN ({CODES}))"
    )


def downgrade() -> None:
    op.execute("ALTER TABLE suggestion_outcomes DROP COLUMN reason")
