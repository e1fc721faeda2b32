"""The branch's open flags: only its clients', only open ones, the worst first, filterable."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import insert, select

from rmdesk.db import open_database
from rmdesk.models import Base
from rmdesk.services.branch.flags import FLAG_COLUMNS, flag_mask, open_flags
from rmdesk.services.common.access import OPERATOR
from tests.demo_banks import DemoBank

T = Base.metadata.tables


def test_open_flags_of_one_branch_worst_first(demo_bank: DemoBank) -> None:
    db = open_database(demo_bank(300))
    c, f = T["clients"], T["risk_flags"]
    with db.engine.begin() as conn:
        first = conn.execute(
            select(c.c.id, c.c.rm_id).where(c.c.branch_id == 1).order_by(c.c.id).limit(1)
        ).one()
        second = conn.execute(  # a client of another RM of the branch
            select(c.c.id, c.c.rm_id)
            .where(c.c.branch_id == 1, c.c.rm_id != first.rm_id)
            .order_by(c.c.id)
            .limit(1)
        ).one()
        mine = [first, second]
        other = conn.execute(select(c.c.id).where(c.c.branch_id == 2).limit(1)).scalar_one()
        rows = [
            (mine[0].id, "NO_CONTACT", "low", "raised", dt.date(2026, 11, 20)),
            (mine[0].id, "DPD_90", "high", "acknowledged", dt.date(2026, 11, 9)),
            (mine[1].id, "BALANCE_DROP", "medium", "raised", dt.date(2026, 11, 30)),
            (mine[1].id, "SOME_NEW_RULE", "high", "raised", dt.date(2026, 11, 5)),
            (mine[1].id, "KYC_OVERDUE", "medium", "resolved", dt.date(2026, 11, 1)),
            (mine[1].id, "DORMANT", "low", "snoozed", dt.date(2026, 11, 1)),
            (other, "DPD_90", "high", "raised", dt.date(2026, 11, 3)),
        ]
        for client, rule, severity, status, due in rows:
            conn.execute(
                insert(f).values(
                    client_id=client, rule_code=rule, severity=severity, status=status,
                    evidence="证据", evidence_en="evidence", evidence_data={},
                    raised_on=dt.date(2026, 11, 2), due_on=due, version=1,
                )
            )  # fmt: skip
    flags = open_flags(db.engine, 1, who=OPERATOR)
    db.dispose()
    assert list(flags.columns) == FLAG_COLUMNS
    assert set(flags["client_id"]) == {mine[0].id, mine[1].id}  # not the other branch's
    assert set(flags["status"]) == {"raised", "acknowledged"}  # open only
    assert list(flags["rule_code"]) == ["SOME_NEW_RULE", "DPD_90", "BALANCE_DROP", "NO_CONTACT"]
    dpd = flags[flags["rule_code"] == "DPD_90"].iloc[0]
    assert (dpd["rule_zh"], dpd["rule_en"]) == ("逾期90天以上", "90+ days past due")
    assert dpd["category"] == "credit" and dpd["rm_id"] == mine[0].rm_id and dpd["rm"]
    assert flags.iloc[0]["rule_zh"] == "SOME_NEW_RULE"  # a rule the catalogue lacks shows its code
    assert flag_mask(flags) is None
    high = flag_mask(flags, severity="high")
    assert high is not None and high.tolist() == [True, True, False, False]
    theirs = flag_mask(flags, rm_id=int(mine[1].rm_id))
    assert theirs is not None and flags[theirs]["client_id"].eq(mine[1].id).all()
    both = flag_mask(flags, severity="medium", rm_id=int(mine[1].rm_id))
    assert both is not None and both.sum() == 1
    of_rule = flag_mask(flags, rule="DPD_90")
    assert of_rule is not None and flags[of_rule]["rule_code"].tolist() == ["DPD_90"]
    none = flag_mask(flags, rule="DPD_90", severity="low")
    assert none is not None and not none.any()
