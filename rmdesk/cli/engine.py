"""rmdesk-cli commands of the decision engine: score, explain, params, pricing, flag, suggestion.

Added to the ``rmdesk-cli`` group in rmdesk.cli.main; exit codes as in rmdesk.cli.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from typing import Any

import click

from rmdesk.cli.common import (
    DATE,
    EXIT_NOT_FOUND,
    EXIT_USAGE,
    Bar,
    acting,
    clients_named,
    date_of,
    fail,
    guarded,
    named_rm,
    operator,
    with_db,
)
from rmdesk.db import Database


@click.command()
@with_db
@click.option("--branch", help="Score only this branch's clients (code).")
@click.option("--rm", "rm_name", help="Score only this RM's clients (user name).")
@click.option("--as-of", type=DATE, help="Data date (default: the data set's as-of date).")
@click.option(
    "--today", type=DATE, help="The date flags are raised and snoozes end (default: today)."
)
@click.option(
    "--retrain",
    is_flag=True,
    help="Learn the cross-sell model again (default: the one kept for the data month).",
)
@click.option(
    "--full",
    is_flag=True,
    help="Recompute every client (default: only those whose data changed since the last "
    "whole-bank run, when it used the same data month, parameters and model; docs/scale.md).",
)
@click.option(
    "--cluster",
    metavar="ADDRESS",
    help="Run the parts on the Dask cluster whose scheduler is at ADDRESS "
    "(tcp://host:8786; needs rmdesk[cluster], docs/scale.md).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the run's counts as JSON.")
@click.option("--quiet", is_flag=True)
@guarded
def score(
    db: Database,
    branch: str | None,
    rm_name: str | None,
    as_of: dt.datetime | None,
    today: dt.datetime | None,
    retrain: bool,
    full: bool,
    cluster: str | None,
    as_json: bool,
    quiet: bool,
) -> None:
    """Recompute contribution, tiers, risk flags and suggestions (idempotent)."""
    from rmdesk.services.engine.part_jobs import ClusterError
    from rmdesk.services.engine.scoring import ScopeError
    from rmdesk.services.engine.scoring import score as run

    if rm_name:
        named_rm(db, rm_name)  # an active RM, or exit 5 naming the name
    bar = Bar(quiet)
    started = time.perf_counter()
    try:
        result = run(
            db.engine,
            branch=branch,
            rm=rm_name,
            as_of=date_of(as_of),
            today=date_of(today),
            progress=bar,
            retrain=retrain,
            full=full,
            cluster=cluster,
            who=operator(db),
        )
    except ScopeError as exc:
        fail(str(exc), EXIT_USAGE if "either" in str(exc) else EXIT_NOT_FOUND)
    except ClusterError as exc:
        fail(str(exc), EXIT_USAGE)
    bar.close()
    c = result.counts
    if as_json:
        click.echo(json.dumps({"run_id": result.run_id, **c}, ensure_ascii=False, indent=2))
        return
    click.echo(
        f"scored {result.clients:,} clients ({result.scope}, data as of {result.as_of}) "
        f"in {time.perf_counter() - started:.1f} s, run #{result.run_id}"
    )
    tiers = ", ".join(f"{k} {v:,}" for k, v in c["tiers"].items())
    click.echo(f"  tiers: {tiers}; top 20% make {c['pareto_top20_share']:.1%} of contribution")
    click.echo(
        f"  flags: {c['flags_raised']:,} raised, {c['flags_re_raised']:,} re-raised, "
        f"{c['flags_closed']:,} closed, {c['flags_updated']:,} updated"
    )
    click.echo(
        f"  suggestions: {c['suggested']:,} new, {c['updated']:,} updated, "
        f"{c['withdrawn']:,} withdrawn; {c['rules_mined']:,} association rules, "
        f"{sum(m.get('method') == 'take-up model' for m in c['models'].values()):,} take-up "
        "models used (rmdesk-cli models shows their backtests)"
    )
    click.echo(f"  scores written: {c['scores_written']:,}")
    if c["incremental"]:
        click.echo(
            f"  recomputed {c['recomputed']:,} client(s): {c['changed']:,} whose data changed, "
            f"{c['dated']:,} whose dates came, {c['tiers_moved']:,} whose tier moved "
            "(score --full recomputes everyone)"
        )
    learnt = "learnt in this run" if c["model_learnt"] else "kept for the data month"
    click.echo(
        f"  cross-sell model #{c['model_id']} ({learnt}); {c['parts']:,} part(s), "
        f"models learnt on every {c['sample_every']:,} client(s)"
    )
    for code, why in c["not_suggested"].items():
        click.echo(f"  not suggested: {code}: {why}")
    if result.clients and not c["products_suggested"]:
        click.echo(
            f"warning: no client of {result.scope} is suggested any product; the reasons for "
            "each product are above (docs/cross-sell.md)",
            err=True,
        )


@click.command()
@with_db
@guarded
def models(db: Database) -> None:
    """How each product's suggestions were found in the latest scoring run, with the model's
    out-of-time backtest beside its fallback's (docs/cross-sell.md)."""
    from rmdesk.services.engine import model_report

    report = model_report.latest(db.engine, who=operator(db))
    if report.run_id is None:
        fail("no scoring run yet: run `rmdesk-cli score` first", EXIT_NOT_FOUND)
    click.echo(f"run #{report.run_id}, data as of {report.as_of}")

    def num(x: float | None, digits: int = 3) -> str:
        return "-" if x is None else f"{x:.{digits}f}"

    click.echo(
        f"{'product':<12}{'method':<16}{'rate':>8}{'take-ups':>10}{'AUC':>7}{'fallback':>10}"
        f"{'lift@10%':>10}{'Brier':>8}{'cal.err':>9}  why not a model"
    )
    for r in report.rows:
        click.echo(
            f"{r.code:<12}{r.method:<16}{num(r.rate, 4):>8}"
            f"{'-' if r.take_ups is None else format(r.take_ups, ','):>10}"
            f"{num(r.auc):>7}{num(r.fallback_auc):>10}{num(r.lift_top_decile, 2):>10}"
            f"{num(r.brier, 4):>8}{num(r.calibration_error, 4):>9}  {r.why}"
        )
    offered = [r for r in report.rows if r.offers]
    if offered:
        click.echo("\nresponse models (offers with the client's answer, docs/cross-sell.md):")
        click.echo(f"{'product':<12}{'offers':>9}{'accepted':>10}{'AUC':>7}  response model")
        for r in offered:
            click.echo(
                f"{r.code:<12}{r.offers:>9,}{num(r.acceptance_rate, 4):>10}"
                f"{num(r.response_auc):>7}  {r.response_label(False)}"
            )


@click.command()
@with_db
@click.argument("client")
@click.option("--language", type=click.Choice(["zh", "en"]), default="zh", show_default=True)
@click.option("--as-of", type=DATE, help="Data date (default: the data set's as-of date).")
@guarded
def explain(db: Database, client: str, language: str, as_of: dt.datetime | None) -> None:
    """How a client's contribution was computed (CLIENT is the client's id in its source, or
    SOURCE:ID when the id is in several sources)."""
    from rmdesk.services.clients.contribution_detail import client_breakdown

    found = clients_named(db, [client])[client]
    b = client_breakdown(db.engine, found.id, date_of(as_of), who=operator(db))
    click.echo(f"{b.name} ({client}), {b.as_of}")
    for line in b.lines[language]:
        click.echo("  " + line)


@click.group()
def params() -> None:
    """Show or change the engine's parameters (tiers, cadences, thresholds)."""


@params.command(name="show")
@with_db
@guarded
def params_show(db: Database) -> None:
    """Print every parameter; changed ones are marked with *."""
    from rmdesk.services.common import parameters

    current = parameters.load(db.engine)
    changed = parameters.changes(current)
    for name, value in current.as_dict().items():
        mark = "*" if name in changed else " "
        click.echo(f"{mark} {name:<26} {json.dumps(value, ensure_ascii=False)}")


@params.command(name="set")
@with_db
@click.argument("assignments", nargs=-1, required=True)
@guarded
def params_set(db: Database, assignments: tuple[str, ...]) -> None:
    """Change parameters: NAME=VALUE ..., e.g. rule_min_lift=1.5 'cadence_days={"A": 21, ...}'."""
    from rmdesk.db import write_transaction
    from rmdesk.services.common import parameters

    try:
        updates = dict(parameters.parse_assignment(a) for a in assignments)
        with write_transaction(db.engine) as conn:
            parameters.set_values(conn, updates, who=operator(db))
    except parameters.ParameterError as exc:
        fail(str(exc), EXIT_USAGE)
    click.echo("changed: " + ", ".join(sorted(updates)) + " (used from the next score or plan)")


@click.group()
def pricing() -> None:
    """Show product pricing versions, or add a new version."""


@pricing.command(name="show")
@with_db
@click.argument("code", required=False)
@guarded
def pricing_show(db: Database, code: str | None) -> None:
    """Every pricing version (of one product if CODE is given)."""
    from rmdesk.services.admin.pricing import versions

    frame = versions(db.engine, code, who=operator(db))
    if frame.empty:
        fail(f"no pricing for {code!r}" if code else "no pricing", EXIT_NOT_FOUND)
    click.echo(frame.to_string(index=False))


@pricing.command(name="set")
@with_db
@click.argument("code")
@click.option("--valid-from", type=DATE, required=True, help="First day the version applies.")
@click.option("--ftp-rate")
@click.option("--client-rate")
@click.option("--fee-rate")
@click.option("--pd", "pd_")
@click.option("--lgd")
@click.option("--fee-monthly-minor")
@click.option("--cost-to-serve-minor")
@click.option("--note")
@guarded
def pricing_set(
    db: Database, code: str, valid_from: dt.datetime, note: str | None, **fields: Any
) -> None:
    """Add a pricing version for product CODE (rates annual: 0.025 = 2.5 %)."""
    from rmdesk.services.admin.pricing import PricingError, change

    changes = {("pd" if k == "pd_" else k): v for k, v in fields.items() if v is not None}
    try:
        version = change(
            db.engine,
            code,
            changes,
            valid_from=valid_from.date(),
            note=note,
            who=operator(db),
        )
    except PricingError as exc:
        fail(str(exc), EXIT_NOT_FOUND if str(exc).startswith("no product") else EXIT_USAGE)
    click.echo(f"{code}: pricing version {version} from {valid_from.date()}")


@click.command()
@with_db
@click.argument("action", type=click.Choice(["acknowledge", "resolve", "dismiss", "snooze"]))
@click.argument("flag_id", type=int)
@click.option("--user", "username", required=True, help="Who does it (user name).")
@click.option("--reason", help="Why (required to dismiss).")
@click.option("--until", type=DATE, help="snooze: until this date; dismiss: quiet until.")
@guarded
def flag(
    db: Database,
    action: str,
    flag_id: int,
    username: str,
    reason: str | None,
    until: dt.datetime | None,
) -> None:
    """Acknowledge, resolve, dismiss or snooze a risk flag."""
    from rmdesk.services.accounts import users
    from rmdesk.services.engine import risk_flags

    try:
        version = risk_flags.act(
            db.engine,
            flag_id,
            action,
            reason=reason,
            until=date_of(until),
            who=acting(db, username),
        )
    except users.UserError as exc:
        fail(str(exc), EXIT_NOT_FOUND)
    except risk_flags.FlagError as exc:
        fail(str(exc), EXIT_NOT_FOUND if "does not exist" in str(exc) else EXIT_USAGE)
    click.echo(f"flag {flag_id}: {action} recorded (version {version})")


@click.command()
@with_db
@click.argument("suggestion_id", type=int)
@click.argument(
    "outcome",
    # suggestions.OUTCOMES, written out so that --help needs no engine import (a test checks)
    type=click.Choice(["pitched", "accepted", "declined", "not_now", "reopened"]),
)
@click.option("--user", "username", required=True, help="Who records it (user name).")
@click.option(
    "--reason",
    metavar="CODE",
    help="Why the client declined (required with declined): has_it_elsewhere, not_interested, "
    "too_expensive, no_need_now, no_funds, risk_concern or other.",
)
@click.option("--note")
@guarded
def outcome(
    db: Database,
    suggestion_id: int,
    outcome: str,
    username: str,
    reason: str | None,
    note: str | None,
) -> None:
    """Record what happened to a suggestion: pitched, accepted, declined (with --reason) or
    not now; or reopened, which undoes the last outcome and puts it back in the list."""
    from rmdesk.services.accounts import users
    from rmdesk.services.engine import suggestions

    try:
        suggestions.record_outcome(
            db.engine,
            suggestion_id,
            outcome,
            reason=reason,
            note=note,
            who=acting(db, username),
        )
    except users.UserError as exc:
        fail(str(exc), EXIT_NOT_FOUND)
    except suggestions.SuggestionError as exc:
        fail(str(exc), EXIT_NOT_FOUND if "does not exist" in str(exc) else EXIT_USAGE)
    click.echo(f"suggestion {suggestion_id}: {outcome} recorded")
