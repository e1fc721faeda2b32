"""The ``rmdesk`` command: the log-in dialog first, everything else behind it.

What a person waits for before they can type their name is Python, Qt and the dialog; the data
libraries (numpy, pandas, SQLAlchemy: most of a second), the database and the main window load
on worker threads while the name and password are typed (app.py, "Start-up phases"). bench/app.py
measures both waits beside a bare PySide6 window.
"""

from __future__ import annotations

import sys


def main() -> int:
    if sys.argv[1:] == ["--version"]:  # said at once, without loading anything
        from rmdesk import __version__

        if sys.stdout is not None:  # a windowed program on Windows has none
            print(f"rmdesk {__version__}")
        return 0
    from rmdesk.app import main as run_app

    return run_app()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
