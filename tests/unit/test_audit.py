"""The audit trail is a hash chain: appending keeps it whole, editing a row breaks it."""

from __future__ import annotations

from sqlalchemy import text

from rmdesk.db import open_database
from rmdesk.services import audit
from rmdesk.services.access import system


def test_the_chain_holds_until_someone_edits_a_row(db_url: str) -> None:
    db = open_database(db_url)
    with db.engine.begin() as conn:
        for i in range(5):
            audit.record(conn, system("rm01"), "view", "clients", i, {"screen": "client"})
    with db.engine.connect() as conn:
        assert audit.verify_chain(conn) is None
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE audit_log SET actor = 'someone-else' WHERE id = 3"))
    with db.engine.connect() as conn:
        assert audit.verify_chain(conn) == 3
    db.dispose()
