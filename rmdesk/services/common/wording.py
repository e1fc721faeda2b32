"""Numbers inside the engine's sentences: now the one formatter's (services/common/formatting.py).

Kept only so that code written against the old name still imports; new code imports
``formatting``. Remove once no branch uses it.
"""

from __future__ import annotations

from rmdesk.services.common.formatting import LANGUAGES, locale_of, money, number, percent

__all__ = ["LANGUAGES", "locale_of", "money", "number", "percent"]
