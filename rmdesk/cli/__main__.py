"""`python -m rmdesk.cli`: the same as `rmdesk-cli`."""

from rmdesk.cli.main import run

run()
