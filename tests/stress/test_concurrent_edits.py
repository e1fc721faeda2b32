"""No lost updates: several processes edit the same records at once through the services.

Each writer reads a record's version, then saves an edit naming that version, as a user's screen
does. Every edit must either land (the version goes up by one, one audit entry) or be refused
as a conflict (StaleEdit, nothing written); none may vanish, and no other error may happen
(no "database is locked"). The audit trail's hash chain must stay whole under the contention.
"""

from __future__ import annotations

import multiprocessing
import random
from collections import Counter

from sqlalchemy import func, select

from rmdesk.db import open_database
from rmdesk.models import AuditEntry, User
from rmdesk.services.accounts import users
from rmdesk.services.admin import directory
from rmdesk.services.common import audit
from rmdesk.services.common.access import system

WRITERS = 8
EDITS = 500
RECORDS = 3  # few records: most edits meet another writer's


def _writer(url: str, seed: int, ids: list[int]) -> Counter[str]:
    """Make EDITS edits on random records of ``ids``; count what happened to each."""
    db = open_database(url, migrate_schema=False)
    rng = random.Random(seed)
    seen: Counter[str] = Counter()
    try:
        for _ in range(EDITS):
            user_id = rng.choice(ids)
            with db.engine.connect() as conn:
                row = conn.execute(select(User).where(User.id == user_id)).one()
            try:
                directory.update_user(
                    db.engine,
                    user_id,
                    version=row.version,
                    display_name=row.display_name,
                    role=row.role,
                    branch_id=row.branch_id,
                    visits_per_day=rng.randint(1, 12),
                    who=system(f"writer{seed}"),
                )
                seen["landed"] += 1
                seen[f"landed:{user_id}"] += 1
            except directory.StaleEdit:
                seen["conflict"] += 1
            except Exception as exc:  # anything else is a failure of the test's subject
                seen[f"error:{type(exc).__name__}: {exc}"[:200]] += 1
    finally:
        db.dispose()
    return seen


def test_eight_writers_lose_no_edit(db_url: str) -> None:
    db = open_database(db_url)
    users.create_admin(db.engine, "admin", "adminpass", who=system("setup"))
    branch = directory.create_branch(db.engine, code="B01", name="总行营业部", who=system("admin"))
    ids = [
        directory.create_user(
            db.engine,
            username=f"rm{n}",
            display_name=f"RM {n}",
            role="rm",
            branch_id=branch,
            password="s3cret-pass",
            who=system("admin"),
        )
        for n in range(RECORDS)
    ]
    with db.engine.connect() as conn:
        before = dict(conn.execute(select(User.id, User.version).where(User.id.in_(ids))).all())
    context = multiprocessing.get_context("spawn")
    with context.Pool(WRITERS) as pool:
        results = pool.starmap(_writer, [(db.url, seed, ids) for seed in range(WRITERS)])
    total: Counter[str] = sum(results, Counter())
    errors = {k: v for k, v in total.items() if k.startswith("error:")}
    assert errors == {}
    assert total["landed"] + total["conflict"] == WRITERS * EDITS  # every edit accounted for
    assert total["landed"] > 0 and total["conflict"] > 0  # the writers did meet
    with db.engine.connect() as conn:
        after = dict(conn.execute(select(User.id, User.version).where(User.id.in_(ids))).all())
        entries = conn.execute(
            select(func.count()).where(
                AuditEntry.action == "update_user", AuditEntry.actor.like("writer%")
            )
        ).scalar_one()
        broken = audit.verify_chain(conn)
    db.dispose()
    for user_id in ids:  # each landed edit raised the version by exactly one
        assert after[user_id] - before[user_id] == total[f"landed:{user_id}"]
    assert entries == total["landed"] and broken is None
    backend = "postgresql" if db_url.startswith("postgresql") else "sqlite"
    print(
        f"\n{backend}: {WRITERS} writers × {EDITS} edits: "
        f"{total['landed']} landed, {total['conflict']} conflicts, 0 lost"
    )
