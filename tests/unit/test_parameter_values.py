"""A parameter's value is refused with its name when it cannot be kept exactly or makes no sense
for the nightly run's parts (services/common/parameters.py)."""

from __future__ import annotations

import pytest

from rmdesk.services.common import parameters


@pytest.mark.parametrize(
    "values",
    [
        {"arrears_months": 1e39},  # found by the form fuzzer: JSON cannot keep it exactly
        {"batch_size": 2**53 + 1},
        {"cadence_days": {"A": 10**20, "B": 90, "C": 180, "D": 365}},
        {"partition_clients": 99},
        {"model_sample_clients": 0},
    ],
)
def test_a_value_out_of_range_is_refused_by_name(values: dict[str, object]) -> None:
    name = next(iter(values))
    with pytest.raises(parameters.ParameterError) as refused:
        parameters.from_dict(values)
    assert name in str(refused.value)


def test_the_parts_of_a_run_take_any_size_from_100() -> None:
    got = parameters.from_dict({"partition_clients": 100, "model_sample_clients": 2_000_000})
    assert (got.partition_clients, got.model_sample_clients) == (100, 2_000_000)
