"""a contact that offered a product, and what the client answered

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06 05:00:00

``interactions`` gains two columns, empty for the contacts already there:

- ``product_id``: the product the contact offered (a campaign call, a pitch at a visit);
- ``offer_result``: what the client answered, ``accepted`` or ``declined`` (a CHECK keeps it to
  these; empty when the contact offered nothing or the answer is not known).

They come from imported contact histories (a campaign's calls and their outcomes): with the
outcomes RMs record on suggestions they are the pitched outcomes the response model learns
from (docs/cross-sell.md, "Learning from outcomes"). A contact logged in the app never carries
them: an RM records an offer's answer on its suggestion, where the write rules check it; on
PostgreSQL people's own logins are refused both columns by the contact's write rule (run
``rmdesk-cli pg-security apply`` again after this revision).

Plain ``ALTER TABLE`` adds them in place on both databases (the table is never rebuilt); on
SQLite dropping a column a foreign key uses needs the table rebuilt, so the downgrade goes
through a batch.
"""

from __future__ import annotations

from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        "ALTER TABLE interactions ADD COLUMN product_id INTEGER "
        "CONSTRAINT fk_interactions_product_id_products REFERENCES products (id)"
    )
    op.execute(
        "ALTER TABLE interactions ADD COLUMN offer_result VARCHAR(16) "
        "CONSTRAINT ck_interactions_offer_result "
        "CHECK (offer_result IN ('accepted', 'declined'))"
    )


def downgrade() -> None:
    with op.batch_alter_table("interactions") as batch:
        if op.get_bind().dialect.name != "sqlite":
            batch.drop_constraint(op.f("fk_interactions_product_id_products"), type_="foreignkey")
        batch.drop_constraint(op.f("ck_interactions_offer_result"), type_="check")
        batch.drop_column("offer_result")
        batch.drop_column("product_id")
