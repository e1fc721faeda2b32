"""A branch's open risk flags (风险预警), across every RM's book, for the branch head.

Open means raised or acknowledged (``risk_flags.OPEN``), as in the book. Each row names the
client, the RM who holds the client now, the rule in Chinese and English, the severity, the
dates and the evidence. Rows come worst first: high severity, then the earliest deadline.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sqlalchemy import Engine, select

from rmdesk.models import Base, Severity
from rmdesk.services.common import frames
from rmdesk.services.common.access import HEADS, Account, guarded
from rmdesk.services.engine.risk_flags import OPEN
from rmdesk.services.engine.risk_rules import BY_CODE

T = Base.metadata.tables
FLAG_COLUMNS = [
    "flag_id",
    "client_id",
    "external_id",
    "client",
    "rm_id",
    "rm",
    "rule_code",
    "rule_zh",
    "rule_en",
    "category",
    "severity",
    "status",
    "raised_on",
    "due_on",
    "evidence",
    "evidence_en",
]
_SEVERITY_ORDER = {str(Severity.HIGH): 0, str(Severity.MEDIUM): 1, str(Severity.LOW): 2}


@guarded("scope", "branch_id", roles=HEADS)
def open_flags(engine: Engine, branch_id: int, *, who: Account) -> pd.DataFrame:
    """The open flags on the clients of ``branch_id`` (``FLAG_COLUMNS``), the worst first."""
    f, c, u = T["risk_flags"], T["clients"], T["users"]
    query = (
        select(
            f.c.id.label("flag_id"),
            c.c.id.label("client_id"),
            c.c.external_id,
            c.c.name.label("client"),
            c.c.rm_id,
            u.c.display_name.label("rm"),
            f.c.rule_code,
            f.c.severity,
            f.c.status,
            f.c.raised_on,
            f.c.due_on,
            f.c.evidence,
            f.c.evidence_en,
        )
        .join(c, c.c.id == f.c.client_id)
        .outerjoin(u, u.c.id == c.c.rm_id)
        .where(c.c.branch_id == branch_id, f.c.status.in_(OPEN))
    )
    with engine.connect() as conn:
        frame = frames.frame(conn.execute(query))
    for col in ("severity", "status"):
        frame[col] = frame[col].map(str)
    rules = frame["rule_code"].map(BY_CODE.get)
    frame["rule_zh"] = [
        r.name_zh if r else code for r, code in zip(rules, frame["rule_code"], strict=True)
    ]
    frame["rule_en"] = [
        r.name_en if r else code for r, code in zip(rules, frame["rule_code"], strict=True)
    ]
    frame["category"] = [r.category if r else "" for r in rules]
    frame["rm_id"] = pd.array(frame["rm_id"].tolist(), dtype="Int64")
    for col in ("raised_on", "due_on"):
        frame[col] = pd.to_datetime(frame[col])
    order = frame["severity"].map(_SEVERITY_ORDER).fillna(len(_SEVERITY_ORDER))
    frame = frame.assign(_order=order).sort_values(
        ["_order", "due_on", "raised_on", "flag_id"], na_position="last"
    )
    return frame[FLAG_COLUMNS].reset_index(drop=True)


def flag_mask(
    frame: pd.DataFrame,
    *,
    severity: str | None = None,
    rm_id: int | None = None,
    rule: str | None = None,
) -> np.ndarray | None:
    """Rows of ``open_flags`` with this severity, of this RM's clients and of this rule (a
    code of ``risk_rules.RULES``); None: no filter set."""
    parts = []
    if severity:
        parts.append((frame["severity"] == severity).to_numpy(dtype=bool))
    if rule:
        parts.append((frame["rule_code"] == rule).to_numpy(dtype=bool))
    if rm_id is not None:
        parts.append((frame["rm_id"] == rm_id).fillna(False).to_numpy(dtype=bool))
    if not parts:
        return None
    return np.asarray(np.logical_and.reduce(parts), dtype=bool)
