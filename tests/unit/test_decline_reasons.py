"""The decline reasons are one list (``DeclineReason``) that the parameters, the command line
and the labels all follow (docs/cross-sell.md, "Outcomes")."""

from __future__ import annotations

import click
import pytest

from rmdesk.cli import engine as cli_engine
from rmdesk.models import DECLINE_REASONS, DeclineReason
from rmdesk.services.common.parameters import DEFAULTS, ParameterError, from_dict
from rmdesk.services.engine import suggestions


def test_every_reason_has_its_words_and_its_days() -> None:
    assert suggestions.REASONS == (
        "has_it_elsewhere",
        "not_interested",
        "too_expensive",
        "no_need_now",
        "no_funds",
        "risk_concern",
        "other",
    )
    assert set(DECLINE_REASONS) == set(DeclineReason)
    assert set(DEFAULTS.decline_cooloff_by_reason) == set(suggestions.REASONS)
    assert DEFAULTS.decline_cooloff_by_reason["has_it_elsewhere"] == 365
    assert DEFAULTS.decline_cooloff_by_reason["no_need_now"] == 60
    assert DEFAULTS.decline_cooloff_by_reason["other"] == DEFAULTS.decline_cooloff_days == 180
    assert suggestions.reason_label("no_funds", zh=True) == "资金不足"
    assert suggestions.reason_label("no_funds", zh=False) == "Not enough funds"
    assert suggestions.reason_label("gone", zh=True) == "gone"  # an unknown code still shows


def test_the_days_by_reason_name_every_reason_and_no_other() -> None:
    days = dict(DEFAULTS.decline_cooloff_by_reason)
    changed = from_dict({"decline_cooloff_by_reason": {**days, "no_funds": "30"}})
    assert changed.decline_cooloff_by_reason == {**days, "no_funds": 30}
    missing = {k: v for k, v in days.items() if k != "other"}
    with pytest.raises(ParameterError, match="give days for each reason: has_it_elsewhere"):
        from_dict({"decline_cooloff_by_reason": missing})
    with pytest.raises(ParameterError, match="give days for each reason"):
        from_dict({"decline_cooloff_by_reason": {**days, "cheaper": 10}})
    with pytest.raises(ParameterError, match="must not be negative"):
        from_dict({"decline_cooloff_by_reason": {**days, "no_funds": -1}})


def test_the_command_lines_outcomes_are_the_services_table() -> None:
    """Written out in rmdesk.cli.engine so that --help imports no engine."""
    argument = next(p for p in cli_engine.outcome.params if p.name == "outcome")
    assert isinstance(argument.type, click.Choice)
    assert tuple(argument.type.choices) == suggestions.OUTCOMES
    option = next(p for p in cli_engine.outcome.params if p.name == "reason")
    assert all(code in (option.help or "") for code in suggestions.REASONS)
