"""The frozen build's one entry point: ``rmdesk`` starts the app, ``rmdesk-cli`` the command line.

Both programs of the package are made from this script (packaging/rmdesk.spec); each knows
which it is by the name it was started by (on Linux ``rmdesk-cli`` is a link to ``rmdesk``).
``multiprocessing.freeze_support`` comes first: background work runs in spawned processes,
which in a frozen build start this same executable.
"""

import multiprocessing
import sys
from pathlib import Path

if __name__ == "__main__":
    multiprocessing.freeze_support()
    if Path(sys.argv[0]).stem.lower() == "rmdesk-cli":
        from rmdesk.cli import run as cli

        sys.exit(cli())
    from rmdesk.launch import main as app

    sys.exit(app())
