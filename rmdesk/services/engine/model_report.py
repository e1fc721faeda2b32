"""How the engine graded its own suggestion models in the latest scoring run.

Every run backtests each product out of time and keeps the figures in the run's counts
(``models``); this reads them back as rows for ``rmdesk-cli models`` and the administrator's
screen. docs/cross-sell.md says what each figure means.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from typing import Any

from sqlalchemy import Engine, select

from rmdesk.models import Base
from rmdesk.services.common.access import HEADS, Account, open_to
from rmdesk.services.engine.take_up.models import MODELLED

T = Base.metadata.tables
#: how a product's likelihood was found: method -> (中文, English)
METHODS = {
    "take-up model": ("办理预测模型", "take-up model"),
    "pooled model": ("同类产品合并模型", "pooled model (product family)"),
    "look-alike": ("相似客户模型", "look-alike"),
    "co-occurrence": ("持有组合", "co-occurrence"),
    "popularity": ("产品普及度", "popularity"),
}
#: why the fallback stands in: code -> (中文, English)
WHY = {
    "few_take_ups": ("办理记录太少，由备选方法代替", "too few take-ups: the fallback stands in"),
    "cannot_train": ("办理记录太少，无法训练和校准", "too few take-ups to train and calibrate"),
    "not_better": ("模型未胜过备选方法", "the model did not beat the fallback"),
    "few_holders": ("持有客户太少，由备选方法代替", "too few holders: the fallback stands in"),
}

#: the response model, used or why not: code -> (中文, English)
RESPONSE = {
    "used": ("已用于排序", "re-ranks"),
    "few_offers": ("推介记录太少", "too few offers with an answer"),
    "cannot_test": ("最近的推介结果单一，无法检验", "the latest offers all had one answer"),
    "cannot_train": ("推介记录太少，无法训练和校准", "too few offers to train and calibrate"),
    "not_better": ("未胜过平均接受率", "did not beat the acceptance rate"),
}


@dataclass(frozen=True)
class ModelRow:
    code: str
    method: str  # take-up model | look-alike | co-occurrence | popularity
    rate: float | None  # take-up (or holding) rate the lift is measured against
    take_ups: int | None
    auc: float | None  # the model's, out of time (or out of fold for a look-alike)
    fallback_auc: float | None
    lift_top_decile: float | None
    brier: float | None
    calibration_error: float | None
    why: str  # why the fallback stands in, or ""
    why_code: str = ""  # a key of WHY, or ""
    name_zh: str = ""
    name_en: str = ""
    #: the response model (take_up/response.py): offers with an answer, their acceptance
    #: rate, its AUC on the latest offers, and whether it re-ranks (a key of RESPONSE)
    offers: int = 0
    acceptance_rate: float | None = None
    response_auc: float | None = None
    response: str = ""

    def response_label(self, zh: bool) -> str:
        pair = RESPONSE.get(self.response)
        return self.response if pair is None else pair[0 if zh else 1]

    def method_label(self, zh: bool) -> str:
        pair = METHODS.get(self.method)
        return self.method if pair is None else pair[0 if zh else 1]

    def why_label(self, zh: bool) -> str:
        pair = WHY.get(self.why_code)
        return self.why if pair is None else pair[0 if zh else 1]


@dataclass(frozen=True)
class ModelReport:
    run_id: int | None
    as_of: dt.date | None
    finished_at: dt.datetime | None
    rows: list[ModelRow] = field(default_factory=list)


def _row(code: str, m: dict[str, Any]) -> ModelRow:
    test = m.get("backtest") or {}
    fallback = m.get("fallback_backtest") or {}
    used = m.get("method") in MODELLED
    r = m.get("response") or {}
    r_used = r.get("why_code") is None and "backtest" in r
    return ModelRow(
        code,
        str(m.get("method", "")),
        m.get("rate"),
        m.get("take_ups", m.get("holders")),
        test.get("auc"),
        fallback.get("auc"),
        test.get("lift_top_decile"),
        test.get("brier"),
        test.get("calibration_error"),
        "" if used else str(m.get("why", "")),
        "" if used else str(m.get("why_code", "")),
        offers=int(r.get("offers", 0)),
        acceptance_rate=r.get("acceptance_rate") if r.get("offers") else None,
        response_auc=(r.get("backtest") or {}).get("auc"),
        response=("used" if r_used else str(r.get("why_code", ""))) if r.get("offers") else "",
    )


@open_to(HEADS)
def latest(engine: Engine, *, who: Account) -> ModelReport:
    """The models of the latest finished scoring run (an empty report before the first)."""
    runs = T["scoring_runs"]
    with engine.connect() as conn:
        found = conn.execute(
            select(runs.c.id, runs.c.as_of, runs.c.finished_at, runs.c.counts)
            .where(runs.c.finished_at.is_not(None))
            .order_by(runs.c.id.desc())
            .limit(1)
        ).first()
        if found is None:
            return ModelReport(None, None, None)
        p = T["products"]
        names = {str(c): (str(z), str(e)) for c, z, e in conn.execute(
            select(p.c.code, p.c.name_zh, p.c.name_en))}  # fmt: skip
    models = (found.counts or {}).get("models") or {}
    rows = [
        replace(_row(str(code), m), name_zh=names.get(str(code), ("", ""))[0],
                name_en=names.get(str(code), ("", ""))[1])
        for code, m in sorted(models.items())
        if isinstance(m, dict)
    ]  # fmt: skip
    return ModelReport(found.id, found.as_of, found.finished_at, rows)
