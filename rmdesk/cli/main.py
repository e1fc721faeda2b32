"""The ``rmdesk-cli`` group and every command on it, added here and only here."""

from __future__ import annotations

import logging
import signal

import click

from rmdesk import __version__, support
from rmdesk.cli import data, database, engine, plan, printing, safety, scorecard, today


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="rmdesk-cli")
def main() -> None:
    """rmdesk: the relationship manager's workstation, from the command line."""
    # what the command line does goes to its own log file (warnings also to stderr)
    support.start_logging("rmdesk-cli", console_level=logging.WARNING)


COMMANDS: list[click.Command] = [
    # the database itself
    database.init,
    database.demo,
    database.info,
    database.passwd,
    # data in and out
    data.import_,
    data.export,
    # the engine
    engine.score,
    engine.models,
    engine.explain,
    engine.params,
    engine.pricing,
    engine.flag,
    engine.outcome,
    # the day and its tasks
    today.today,
    today.task,
    # visits
    plan.plan,
    # paper
    printing.brief,
    printing.briefs,
    printing.scorecard_report,
    # scorecards
    scorecard.scorecard,
    # keeping the records safe
    safety.backup,
    safety.restore,
    safety.audit,
    safety.unlock,
    safety.pg_security,
]
for command in COMMANDS:
    main.add_command(command)


def run() -> None:
    """The ``rmdesk-cli`` program: the group, and a closed pipe ending it quietly, as Unix
    tools end (``rmdesk-cli audit | head``), not with a Python error."""
    if hasattr(signal, "SIGPIPE"):
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    main()
