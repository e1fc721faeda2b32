"""Row-level security's list of tables: every table of client data has a policy."""

from __future__ import annotations

from rmdesk.models import Base
from rmdesk.services.security import row_security


def test_every_table_of_client_data_has_a_policy() -> None:
    """A table added later with a client, holding or flag column must get a policy too."""
    keyed = {
        name
        for name, table in Base.metadata.tables.items()
        if {"client_id", "holding_id", "flag_id"} & set(table.columns.keys()) or name == "clients"
    }
    assert keyed == set(row_security.CLIENT_TABLES)
