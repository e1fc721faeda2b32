"""What a scoring run says of the products it suggested to nobody (cross_sell.not_suggested)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from rmdesk.services.common.parameters import DEFAULTS
from rmdesk.services.engine import cross_sell


def _model(typical: dict[str, float]) -> cross_sell.Model:
    empty = pd.DataFrame()
    return cross_sell.Model(
        empty, empty, empty, empty, {}, pd.Series(typical, dtype="float64"), pd.Series()
    )


def test_each_product_nobody_got_is_named_with_its_reason() -> None:
    products = pd.DataFrame(
        {
            "product_id": [1, 2, 3, 4],
            "code": ["FUND", "TERM", "CARD", "OLD"],
            "active": [True, True, True, False],
        }
    )
    model = _model({"FUND": 12_000.0, "TERM": np.nan, "CARD": 5_000.0, "OLD": 100.0})
    said = cross_sell.not_suggested(model, products, {1}, DEFAULTS)
    assert list(said) == ["CARD", "TERM"]  # FUND was suggested; OLD is not offered at all
    assert said["TERM"] == cross_sell.NO_VALUE  # no monthly facts: nothing to value it by
    assert "eligibility" in said["CARD"]
    assert (
        f"at least {DEFAULTS.suggestion_min_lift:g} times the product's take-up rate"
        in said["CARD"]
    )
