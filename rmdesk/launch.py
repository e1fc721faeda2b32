"""The ``rmdesk`` command: load the data libraries before Qt, then start the app.

PySide6 installs an import hook that reads the source of every module imported after it (looking
for its ``__feature__`` switches). pandas and SQLAlchemy are some 700 modules: imported before
PySide6 they skip that, which saves most of a second at every start (bench/app.py measures it).
"""

from __future__ import annotations

import sys


def preload() -> None:
    """Import the big non-Qt libraries the app needs, before anything imports PySide6."""
    import numpy  # noqa: F401
    import pandas  # noqa: F401
    import sqlalchemy
    import sqlalchemy.orm  # noqa: F401


def main() -> int:
    if sys.argv[1:] == ["--version"]:  # said at once, without loading anything
        from rmdesk import __version__

        if sys.stdout is not None:  # a windowed program on Windows has none
            print(f"rmdesk {__version__}")
        return 0
    preload()
    from rmdesk.app import main as run_app

    return run_app()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
