"""How urgent an open flag is: severity × the client's value × the flag's age, one number to
sort a branch's flags by (docs/risk-flags.md, "Which flag first").

- severity: high 9, medium 3, low 1 (one high flag outranks three medium ones);
- value: 1 + log10(1 + trailing-12-month contribution in yuan), so a ¥100,000 client weighs
  about 6 and a ¥100 one about 3: a big client's flag comes first, without burying the rest;
- age: 1 + days open / 30, at most 4 (a flag left three months is as urgent as it gets).
"""

from __future__ import annotations

import math

SEVERITY_WEIGHT = {"high": 9.0, "medium": 3.0, "low": 1.0}
AGE_CAP = 4.0


def priority(severity: str, contribution_minor: int, age_days: int) -> float:
    """The flag's rank key: larger is more urgent."""
    value = 1.0 + math.log10(1.0 + max(contribution_minor, 0) / 100.0)
    age = min(1.0 + max(age_days, 0) / 30.0, AGE_CAP)
    return SEVERITY_WEIGHT.get(severity, 1.0) * value * age
