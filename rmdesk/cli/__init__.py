"""rmdesk-cli: headless administration and batch work on an rmdesk database.

Every command takes ``--db URL`` (else $RMDESK_DATABASE_URL, the settings, the local file).
Exit codes, for scripts: 0 done; 1 unexpected error; 2 bad usage; 3 input rejected (nothing
written); 4 database cannot be opened or migrated; 5 no such table or user (or a closed
account, or ``--rm`` naming someone who is not an RM); 6 not allowed (``--user`` names someone
who may not do it); 130 cancelled.

The command line acts with an administrator's reach (whoever runs it holds the database's
credentials); commands with ``--user NAME`` act as that user, with that user's reach, and are
audited under that name. Every name given for a person (``--user``, ``--rm``, ``unlock USER``) is
resolved by ``common.person``: it must exist and be active.

Commands live by subject in this package (database, data, engine, plan, printing, scorecard,
safety) and are added to the group in ``main``; what they share is in ``common``. The command
line speaks only to the services: it imports no model and no SQL (an import-linter contract).
"""

from rmdesk.cli.common import (
    EXIT_CANCELLED,
    EXIT_DATABASE,
    EXIT_ERROR,
    EXIT_NOT_ALLOWED,
    EXIT_NOT_FOUND,
    EXIT_OK,
    EXIT_REJECTED,
    EXIT_USAGE,
)
from rmdesk.cli.main import main, run

__all__ = [
    "EXIT_CANCELLED",
    "EXIT_DATABASE",
    "EXIT_ERROR",
    "EXIT_NOT_ALLOWED",
    "EXIT_NOT_FOUND",
    "EXIT_OK",
    "EXIT_REJECTED",
    "EXIT_USAGE",
    "main",
    "run",
]
