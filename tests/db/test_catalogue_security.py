"""On the shared PostgreSQL database only the administrators' group changes the catalogue,
the columns of who a product is for, its risk grade and its pitch included (migration 0006,
services/security/row_security.py): an RM's and a branch head's own logins are refused, an
administrator's own login changes them through the service, audited in their name."""

from __future__ import annotations

from typing import Any

from rmdesk.services.accounts.users import session_account
from rmdesk.services.admin import products
from tests.secured_bank import Bank


def test_only_an_administrators_login_changes_suitability_and_pitch(secured: Bank) -> None:
    s = secured
    before = s.owner("SELECT risk_level || '|' || client_kinds FROM products WHERE code = 'FUND'")
    assert before == "R3|individual"
    attacks = [
        ("a fund's risk grade lowered",
         "UPDATE products SET risk_level = 'R1' WHERE code = 'FUND'"),
        ("a personal card opened to companies",
         "UPDATE products SET client_kinds = NULL WHERE code = 'PLATINUM'"),
        ("a pitch rewritten", "UPDATE products SET pitch_zh = '保本高收益' WHERE code = 'WMP'"),
        ("a graded product added", "INSERT INTO products (code, name_zh, name_en, family, "
         "risk_level, active, version) VALUES ('X', 'x', 'x', 'investment', 'R1', true, 1)"),
    ]  # fmt: skip
    for role, login in (("rm", s.rm), ("branch_head", s.head)):
        for what, sql in attacks:
            s.refused(role, what, login, sql)
    assert (
        s.owner("SELECT risk_level || '|' || client_kinds FROM products WHERE code = 'FUND'")
        == before
    )
    # the grade is checked by the database itself, whoever writes
    s.refused("admin", "a grade that does not exist", s.admin,
              "UPDATE products SET risk_level = 'R9' WHERE code = 'FUND'")  # fmt: skip
    engine = s.engine_of(s.admin)
    try:
        me = session_account(engine)
        assert me is not None and me.is_admin
        done: dict[str, Any] = products.change(engine, "FUND", {"risk_level": "R4"}, who=me)
        assert done == {"risk_level": {"from": "R3", "to": "R4"}}
        products.change(engine, "FUND", {"risk_level": "R3"}, who=me)  # as it was
    finally:
        engine.dispose()
    actors = s.owner(
        "SELECT string_agg(actor, ',' ORDER BY id) FROM audit_log "
        "WHERE action = 'product.change' AND entity_id = 'FUND'"
    )
    assert actors == f"{s.admin},{s.admin}"
