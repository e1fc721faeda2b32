"""The cross-sell model a run learnt, kept in the database for its data month.

Every run of a data month scores with the model the month's first run learnt (or the one an
administrator asked for with ``score --retrain``): a run that scores only the clients whose
data changed gives the same numbers a run of every client would, and a night's run does not
spend its time learning again what it learnt the night before (docs/scale.md). A model learns
again when the month changes or any parameter it learns with does.

What is kept is data, never code: JSON for the rules, typical values, peers, rates and each
product's method and backtest, and LightGBM's own model text for the trees (read back with
``lightgbm.Booster(model_str=...)``; a pickle read back from a database could run anything its
writer put in it). The trees hold split thresholds on features, no client's data.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import Connection, insert, select

from rmdesk.models import Base
from rmdesk.services.common.parameters import Parameters
from rmdesk.services.engine import cross_sell
from rmdesk.services.engine.take_up.models import Fitted, Outcome

T = Base.metadata.tables
#: the parameters a model learns with: a change to any of them learns again
LEARNS_WITH = (
    "rule_min_support",
    "rule_min_confidence",
    "rule_min_lift",
    "rule_max_antecedent",
    "propensity_min_holders",
    "propensity_sample",
    "take_up_horizon_months",
    "take_up_min_events",
    "response_min_outcomes",
    "model_sample_clients",
)
#: the version of the kept form: a model kept in an older form is learnt again
FORM = 1


def settings(params: Parameters, stride: int) -> dict[str, Any]:
    """What a kept model must have learnt with to be used: the parameters, the sample, and the
    form it is kept in."""
    return {
        "form": FORM,
        "sample_every": stride,
        **{name: getattr(params, name) for name in LEARNS_WITH},
    }


def _fitted(f: Fitted | None) -> dict[str, Any] | None:
    if f is None:
        return None
    return {
        "trees": f.model.model_to_string(),
        "platt": None if f.platt is None else list(f.platt),
        "columns": list(f.columns),
    }


def _fitted_back(data: dict[str, Any] | None) -> Fitted | None:
    if data is None:
        return None
    from lightgbm import Booster

    platt = data["platt"]
    return Fitted(
        Booster(model_str=data["trees"]),
        None if platt is None else (float(platt[0]), float(platt[1])),
        [str(c) for c in data["columns"]],
    )


def _outcome(o: Outcome) -> dict[str, Any]:
    return {
        "code": o.code,
        "method": o.method,
        "rate": o.rate,
        "fitted": _fitted(o.fitted),
        "exclude": o.exclude,
        "info": o.info,
        "scale": o.scale,
        "folds": [_fitted(f) for f in o.folds],
        "response": None
        if o.response is None
        else {"fitted": _fitted(o.response[0]), "mean": o.response[1], "rate": o.response[2]},
        "sample_stride": o.sample_stride,
        "re_ranks": o.ratio is not None,
    }


def _outcome_back(data: dict[str, Any]) -> Outcome:
    response = data["response"]
    out = Outcome(
        str(data["code"]),
        str(data["method"]),
        np.zeros(0),
        float(data["rate"]),
        _fitted_back(data["fitted"]),
        data["exclude"],
        data["info"],
        scale=float(data["scale"]),
        folds=[f for f in (_fitted_back(x) for x in data["folds"]) if f is not None],
        sample_stride=int(data["sample_stride"]),
    )
    if response is not None:
        fitted = _fitted_back(response["fitted"])
        assert fitted is not None
        out.response = (fitted, float(response["mean"]), float(response["rate"]))
    return out


def dump(model: cross_sell.Model) -> str:
    """The model as JSON text (what ``for_part`` needs to score any client)."""
    rules = model.rules
    peers = model.peer_share
    body = {
        "rules": {
            "antecedents": [list(a) for a in rules["antecedents"].tolist()],
            **{
                c: rules[c].tolist()
                for c in ("consequent", "support", "confidence", "lift", "count")
                if c in rules
            },
        },
        "info": model.model_info,
        "typical": {str(k): float(v) for k, v in model.typical.items()},
        "base_rate": {str(k): float(v) for k, v in model.base_rate.items()},
        "outcomes": [_outcome(o) for o in model.outcomes.values()],
        "peers": None
        if peers is None
        else {
            "segments": [str(s) for s in peers.index],
            "codes": [str(c) for c in peers.columns],
            "shares": peers.to_numpy(dtype="float64").tolist(),
        },
    }
    return json.dumps(body, ensure_ascii=False, allow_nan=True, default=_plain)


def _plain(value: Any) -> Any:
    if isinstance(value, np.integer | np.bool_):
        return value.item()
    if isinstance(value, np.floating):
        return float(value)
    if isinstance(value, np.ndarray):
        return value.tolist()
    raise TypeError(f"{type(value).__name__} is not kept in a model")


def restore(text: str) -> cross_sell.Model:
    """The model ``dump`` wrote, ready for ``learning.for_part``."""
    body = json.loads(text)
    r = body["rules"]
    rules = pd.DataFrame(
        {
            "antecedents": [tuple(a) for a in r["antecedents"]],
            **{c: r[c] for c in ("consequent", "support", "confidence", "lift", "count") if c in r},
        }
    )
    if "count" in rules:
        rules["count"] = rules["count"].astype("int64")
    peers = body["peers"]
    peer_share = (
        None
        if peers is None
        else pd.DataFrame(
            np.asarray(peers["shares"], dtype="float64").reshape(
                len(peers["segments"]), len(peers["codes"])
            ),
            index=pd.Index(peers["segments"], name="segment"),
            columns=peers["codes"],
        )
    )
    outcomes = {o.code: o for o in map(_outcome_back, body["outcomes"])}
    empty = pd.DataFrame()
    return cross_sell.Model(
        empty,
        rules,
        empty,
        empty,
        body["info"],
        pd.Series(body["typical"], dtype="float64"),
        pd.Series(body["base_rate"], dtype="float64"),
        outcomes,
        None,
        peer_share,
    )


def save(
    conn: Connection,
    model: cross_sell.Model,
    *,
    as_of: dt.date,
    learnt_with: dict[str, Any],
    actor: str,
) -> int:
    """Keep ``model`` for the month of ``as_of``; its id."""
    t = T["scoring_models"]
    return int(
        conn.execute(
            insert(t)
            .values(
                created_at=dt.datetime.now(dt.UTC),
                month=as_of.replace(day=1),
                as_of=as_of,
                actor=actor,
                settings=learnt_with,
                info=json.loads(json.dumps(model.model_info, default=_plain)),
                body=dump(model),
            )
            .returning(t.c.id)
        ).scalar_one()
    )


def kept(
    conn: Connection, *, as_of: dt.date, learnt_with: dict[str, Any]
) -> tuple[int, cross_sell.Model] | None:
    """The latest model kept for the month of ``as_of`` that learnt with ``learnt_with``."""
    t = T["scoring_models"]
    rows = conn.execute(
        select(t.c.id, t.c.settings)
        .where(t.c.month == as_of.replace(day=1))
        .order_by(t.c.id.desc())
    ).all()
    for model_id, stored in rows:
        if stored == learnt_with:
            body = conn.execute(select(t.c.body).where(t.c.id == model_id)).scalar_one()
            return int(model_id), restore(body)
    return None
