"""rmdesk-cli scorecard: RM scorecards, the KPIs' weights and targets, the clients behind a KPI.

Added to the ``rmdesk-cli`` group in rmdesk.cli.main; exit codes as in rmdesk.cli. The method
(KPIs, attainment, the weighted score, the defaults) is in docs/scorecard.md.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import click

from rmdesk.cli.common import (
    DATE,
    EXIT_NOT_FOUND,
    EXIT_USAGE,
    branch_of,
    fail,
    guarded,
    named_rm,
    operator,
    period_of,
    print_table,
    with_db,
)
from rmdesk.db import Database


def _cell(value: Any, digits: int = 2) -> str:
    import pandas as pd

    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return "-"
    if isinstance(value, float):
        return f"{value:,.{digits}f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def _money(minor: Any) -> str:
    """Money held in minor units, shown in major units."""
    import pandas as pd

    return "-" if minor is None or pd.isna(minor) else f"{int(minor) / 100:,.2f}"


@click.group()
def scorecard() -> None:
    """RM scorecards (考核): scores and ranks, KPI weights and targets, drill-down to clients."""


@scorecard.command(name="show")
@with_db
@click.option("--period", help="Month (2026-10) or quarter (2026Q3); default: last month.")
@click.option("--branch", help="Only this branch (code).")
@click.option("--rm", "rm_name", help="Only this RM (user name), with every KPI.")
@click.option("--today", type=DATE, help="Which visits and deadlines are past (default: today).")
@guarded
def show(
    db: Database,
    period: str | None,
    branch: str | None,
    rm_name: str | None,
    today: dt.datetime | None,
) -> None:
    """Each RM's score and rank in the branch for a period; with --rm, every KPI of one RM."""
    from rmdesk.services.branch.scorecard import KPIS, scorecards

    when = period_of(period)
    card = scorecards(
        db.engine,
        when,
        branch_id=branch_of(db, branch) if branch else None,
        rm_id=named_rm(db, rm_name) if rm_name else None,
        today=today.date() if today else None,
        who=operator(db),
    )
    if card.empty:
        fail("no active RM in that scope", EXIT_NOT_FOUND)
    if rm_name:
        row = card.iloc[0]
        click.echo(
            f"{row['username']} ({row['branch']}), {when}: score {_cell(row['score'], 1)}, "
            f"rank {_cell(row['rank'])}"
        )
        print_table(
            ["kpi", "value", "attainment"],
            [
                [
                    k.key,
                    _money(row[k.key]) if k.unit == "minor" else _cell(row[k.key], 4),
                    _cell(row[f"{k.key}_attainment"], 2),
                ]
                for k in KPIS
            ],
        )
        if row["notes"]:
            click.echo(row["notes"])
        return
    print_table(
        ["branch", "rank", "rm", "score", "contribution", "conversion", "plan done", "left out"],
        [
            [
                _cell(r["branch"]),
                _cell(int(r["rank"])),
                str(r["username"]),
                _cell(r["score"], 1),
                _money(r["contribution"]),
                _cell(r["conversion"], 2),
                _cell(r["visit_completion"], 2),
                str(r["left_out"] or ""),
            ]
            for r in card.to_dict("records")
        ],
    )


@scorecard.command(name="weights")
@with_db
@click.option("--branch", help="The weights in force for this branch (code); default: the bank's.")
@click.option("--on", type=DATE, help="In force on this date (default: today).")
@guarded
def weights_show(db: Database, branch: str | None, on: dt.datetime | None) -> None:
    """Every KPI's weight, target and penalty, and where each comes from."""
    from rmdesk.services.branch.scorecard import weights

    table = weights(
        db.engine,
        branch_of(db, branch) if branch else None,
        on.date() if on else None,
        who=operator(db),
    )
    print_table(
        ["kpi", "weight", "target", "penalty", "lower is better", "source", "from"],
        [
            [
                str(r["kpi"]),
                _cell(r["weight"], 2),
                _cell(r["target"], 4),
                _cell(r["penalty"], 2),
                "yes" if r["lower_is_better"] else "",
                str(r["source"]),
                _cell(r["valid_from"]),
            ]
            for r in table.to_dict("records")
        ],
    )


@scorecard.command(name="set")
@with_db
@click.argument("kpi")
@click.option("--weight", required=True, help="Relative weight (0 leaves the KPI out).")
@click.option("--target", help="Target value (default: the documented default).")
@click.option("--penalty", default="0", show_default=True, help="Points off per unit short.")
@click.option("--branch", help="Only for this branch (code); default: the whole bank.")
@click.option("--valid-from", type=DATE, required=True, help="First day the rule applies.")
@guarded
def weights_set(
    db: Database,
    kpi: str,
    weight: str,
    target: str | None,
    penalty: str,
    branch: str | None,
    valid_from: dt.datetime,
) -> None:
    """Set a KPI's weight, target and penalty from a date (recorded in the audit log)."""
    from rmdesk.services.branch.scorecard import WeightError, set_weight

    try:
        set_weight(
            db.engine,
            kpi,
            weight=weight,
            target=target,
            penalty=penalty,
            branch_id=branch_of(db, branch) if branch else None,
            valid_from=valid_from.date(),
            who=operator(db),
        )
    except WeightError as exc:
        fail(str(exc), EXIT_USAGE)
    scope = f"branch {branch}" if branch else "the bank"
    click.echo(
        f"{kpi}: weight {weight}, target {target or 'default'}, penalty {penalty} "
        f"for {scope} from {valid_from.date()}"
    )


@scorecard.command(name="clients")
@with_db
@click.option("--rm", "rm_name", required=True, help="The RM (user name).")
@click.option("--kpi", required=True, help="The KPI (see `rmdesk-cli scorecard weights`).")
@click.option("--period", help="Month (2026-10) or quarter (2026Q3); default: last month.")
@click.option("--today", type=DATE, help="Which visits and deadlines are past (default: today).")
@click.option("-o", "--output", type=click.Path(), help="Also write the rows to this CSV file.")
@guarded
def clients(
    db: Database,
    rm_name: str,
    kpi: str,
    period: str | None,
    today: dt.datetime | None,
    output: str | None,
) -> None:
    """The clients behind one of an RM's KPIs (summing or counting them gives the KPI)."""
    from rmdesk.services.branch.scorecard import kpi_clients

    try:
        rows = kpi_clients(
            db.engine,
            named_rm(db, rm_name),
            period_of(period),
            kpi,
            today=today.date() if today else None,
            who=operator(db),
        )
    except ValueError as exc:
        fail(str(exc), EXIT_USAGE)
    if output:
        from rmdesk.local_files import open_private

        with open_private(Path(output), "w", encoding="utf-8", newline="") as fh:
            rows.to_csv(fh, index=False)
    shown = rows.head(50)
    # money is held in minor units: columns named *_minor, and the contribution drill-down's
    money = {str(c) for c in rows.columns if str(c).endswith("_minor")}
    if kpi == "contribution":
        money |= {"contribution", "previous", "change"}
    print_table(
        [str(c).removesuffix("_minor") for c in shown.columns],
        [
            [
                _money(v) if str(c) in money else _cell(v)
                for c, v in zip(shown.columns, r, strict=True)
            ]
            for r in shown.itertuples(index=False)
        ],
    )
    more = ""
    if len(rows) > len(shown):
        more = (
            f" (first 50 shown; all in {output})"
            if output
            else " (first 50 shown; -o FILE for all)"
        )
    click.echo(f"{len(rows):,} rows behind {kpi} for {rm_name}{more}")
