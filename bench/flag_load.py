"""How many flags a branch gets: the demo bank and the real Berka data, scored with the rules'
earlier defaults (the baseline, in the same run) and with the calibrated ones.

For each set and each setting: open flags per 1,000 clients by severity, the share of clients
with an open high flag, with any open flag, open flags per RM, and the clients on an RM's
Today (a high flag, or a new medium one: at the first scoring every flag is new). The
calibration is ``penalty_min_minor`` (¥100), ``no_contact_grace`` (half the cadence) and
``no_contact_escalates`` (medium for the top tier only);
docs/risk-flags.md, "How many flags", records the figures.

    PYTHONPATH=. .venv/bin/python -m bench.flag_load [--clients 10000]
"""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path
from typing import Any

import pandas as pd
from sqlalchemy import Engine, text

from bench.common import OUT, fresh_sqlite, save
from rmdesk.db import open_database, write_transaction
from rmdesk.services.common import parameters
from rmdesk.services.common.access import OPERATOR
from rmdesk.services.data.demo_bank import DemoSpec, build
from rmdesk.services.data.importing import run_import
from rmdesk.services.engine.scoring import data_date, score

BERKA = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "berka"
#: the rules' defaults before the calibration: any penalty, no contact as soon as it is due
EARLIER = {"penalty_min_minor": 0, "no_contact_grace": 0.0, "no_contact_escalates": "all"}
CALIBRATED = {
    "penalty_min_minor": parameters.DEFAULTS.penalty_min_minor,
    "no_contact_grace": parameters.DEFAULTS.no_contact_grace,
    "no_contact_escalates": parameters.DEFAULTS.no_contact_escalates,
}


def _load(engine: Engine) -> dict[str, Any]:
    with engine.connect() as conn:
        # the clients the run scored (a partial extract scores those active at its date)
        clients = int(conn.execute(text("SELECT count(*) FROM client_scores")).scalar_one())
        flags = pd.DataFrame(
            conn.execute(
                text(
                    "SELECT f.client_id, f.rule_code, f.severity, c.rm_id FROM risk_flags f "
                    "JOIN clients c ON c.id = f.client_id "
                    "WHERE f.status IN ('raised', 'acknowledged')"
                )
            ).all(),
            columns=["client_id", "rule_code", "severity", "rm_id"],
        )
        rms = int(
            conn.execute(
                text("SELECT count(DISTINCT rm_id) FROM clients WHERE rm_id IS NOT NULL")
            ).scalar_one()
        )
    per_1000 = {
        s: round(1000 * int((flags["severity"] == s).sum()) / clients, 1)
        for s in ("high", "medium", "low")
    }
    today = flags[flags["severity"].isin(["high", "medium"])]  # all new at a first scoring
    by_rm = today.groupby("rm_id")["client_id"].nunique()
    return {
        "clients": clients,
        "open_flags": len(flags),
        "per_1000_clients": per_1000,
        "share_with_open_high": round(
            flags.loc[flags["severity"] == "high", "client_id"].nunique() / clients, 4
        ),
        "share_with_any_open": round(flags["client_id"].nunique() / clients, 4),
        "open_flags_per_rm": round(len(flags) / max(rms, 1), 1),
        "today_clients_per_rm_median": float(by_rm.median()) if len(by_rm) else 0.0,
        "by_rule": flags.groupby("rule_code").size().sort_values(ascending=False).to_dict(),
    }


def _score_with(engine: Engine, values: dict[str, Any], as_of: dt.date) -> dict[str, Any]:
    with write_transaction(engine) as conn:
        parameters.set_values(conn, values, who=OPERATOR)
    with engine.begin() as conn:  # a fresh start: the flags of this setting alone
        conn.execute(text("DELETE FROM risk_flag_events"))
        conn.execute(text("DELETE FROM risk_flags"))
    score(engine, as_of=as_of, today=as_of + dt.timedelta(days=2), who=OPERATOR)
    return _load(engine)


def measure(name: str, engine: Engine, as_of: dt.date) -> dict[str, Any]:
    out = {"earlier": _score_with(engine, EARLIER, as_of)}
    out["calibrated"] = _score_with(engine, CALIBRATED, as_of)
    e, c = out["earlier"], out["calibrated"]
    print(
        f"{name:<6} clients {c['clients']:>6,}  open flags per 1,000 clients "
        f"{sum(e['per_1000_clients'].values()):>6.1f} → {sum(c['per_1000_clients'].values()):>6.1f}"
        f"  (high {e['per_1000_clients']['high']} → {c['per_1000_clients']['high']})  "
        f"clients with an open high flag {c['share_with_open_high']:.1%}  "
        f"with any {e['share_with_any_open']:.1%} → {c['share_with_any_open']:.1%}  "
        f"Today per RM (median) {e['today_clients_per_rm_median']:.0f} → "
        f"{c['today_clients_per_rm_median']:.0f}"
    )
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=10_000)
    args = parser.parse_args()
    results: dict[str, Any] = {}
    as_of = dt.date(2026, 10, 31)
    demo = open_database(fresh_sqlite(OUT / "flags-demo.sqlite3"))
    build(demo.engine, DemoSpec(clients=args.clients, as_of=as_of), who=OPERATOR)
    results["demo"] = measure("demo", demo.engine, as_of)
    demo.dispose()
    berka = open_database(fresh_sqlite(OUT / "flags-berka.sqlite3"))
    run_import(berka.engine, "berka", BERKA, who=OPERATOR)
    with berka.engine.connect() as conn:
        berka_as_of = data_date(conn)
    results["berka"] = measure("berka", berka.engine, berka_as_of)
    berka.dispose()
    print("saved", save("flag_load", results))


if __name__ == "__main__":
    main()
