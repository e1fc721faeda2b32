"""The frozen build's one entry point: ``rmdesk`` starts the app, ``rmdesk-cli`` the command line.

Both programs of the package are made from this script (packaging/rmdesk.spec); each knows
which it is by the name it was started by (on Linux ``rmdesk-cli`` is a link to ``rmdesk``).
``multiprocessing.freeze_support`` comes first: background work runs in spawned processes,
which in a frozen build start this same executable.
"""

import multiprocessing
import os
import sys
from pathlib import Path


def _matplotlib_cache() -> None:
    """PyInstaller points matplotlib at a new temporary folder at each start, so its font list
    would be rebuilt every time a chart or a brief is first drawn (seconds with many fonts):
    keep it in the user's cache folder instead, as an installed matplotlib does."""
    from platformdirs import user_cache_dir

    os.environ["MPLCONFIGDIR"] = str(Path(user_cache_dir("rmdesk", appauthor=False)) / "matplotlib")


if __name__ == "__main__":
    multiprocessing.freeze_support()
    _matplotlib_cache()
    if Path(sys.argv[0]).stem.lower() == "rmdesk-cli":
        from rmdesk.cli import run as cli

        sys.exit(cli())
    from rmdesk.launch import main as app

    sys.exit(app())
