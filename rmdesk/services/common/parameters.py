"""The decision engine's parameters: tiers, cadences, flag thresholds, cross-sell, planner.

Defaults live here and are documented in docs/contribution.md, docs/risk-flags.md,
docs/cross-sell.md and docs/scorecard.md. A bank changes them with ``rmdesk-cli params set``;
the values are kept in the database (so every desk on a shared database uses the same ones),
each change is written to the audit trail, and every scoring run records the values it used.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import math
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, Engine, delete, insert, select

from rmdesk.models import Base, DeclineReason
from rmdesk.services.common import audit
from rmdesk.services.common.access import ADMINS, Account, open_to
from rmdesk.services.common.refusal import Refusal

META_KEY = "engine_parameters"
_meta = Base.metadata.tables["meta"]


def _tiers() -> dict[str, float]:
    return {"A": 0.50, "B": 0.30, "C": 0.15, "D": 0.05}


def _cadence() -> dict[str, int]:
    return {"A": 30, "B": 90, "C": 180, "D": 365}


def _min_values() -> dict[str, int]:
    return {"A": 50_000, "B": 20_000, "C": 5_000, "D": 0}


def _deadlines() -> dict[str, int]:
    return {"high": 7, "medium": 30, "low": 90}


def _decline_cooloff() -> dict[str, int]:
    # a product the client has at another bank waits a year; a wrong price or no funds now,
    # a quarter; "no need for now", two months; the rest, decline_cooloff_days' 180
    return {
        "has_it_elsewhere": 365,
        "not_interested": 180,
        "too_expensive": 90,
        "no_need_now": 60,
        "no_funds": 90,
        "risk_concern": 180,
        "other": 180,
    }


@dataclass(frozen=True)
class Parameters:
    # contribution and tiers: cumulative shares of positive contribution, best tier first;
    # clients with zero or negative contribution fall in the last tier.
    tier_shares: dict[str, float] = field(default_factory=_tiers)
    # planned contact: days between contacts by tier
    cadence_days: dict[str, int] = field(default_factory=_cadence)
    # risk flags
    dpd_levels: tuple[int, int, int] = (1, 30, 90)
    arrears_months: int = 2  # of the last 3 with days past due on a loan
    overdraft_months: int = 3  # of the last 6 with an overdraft
    card_utilisation: float = 0.80
    balance_drop: float = 0.30
    balance_drop_min_minor: int = (
        1_000_000  # previous 3-month average below this: too small to flag
    )
    salary_months: int = 3  # months in a row of salary before it counts as regular
    salary_gap_months: int = 2  # months without it that make it "stopped"
    dormant_months: int = 6
    # calibrated on the demo bank and the Berka data (docs/risk-flags.md, "How many flags"):
    # penalty interest under this much in 3 months is a late day, not a risk (¥100)
    penalty_min_minor: int = 10_000
    # no contact is flagged past the tier's cadence plus this share of it (the planner plans
    # the contact from the cadence itself; the flag is for a relationship left to lapse)
    no_contact_grace: float = 0.5
    # past twice the cadence a no-contact flag is medium for "top" (the first tier's clients
    # only) or "all" clients
    no_contact_escalates: str = "top"
    closure_days: int = 90
    maturity_days: int = 60
    deadline_days: dict[str, int] = field(default_factory=_deadlines)
    dismiss_quiet_days: int = 90  # a dismissed flag stays quiet this long, unless a date is given
    # cross-sell
    suggestions_per_client: int = 3
    # a suggestion's likelihood over the product's take-up rate among eligible clients: below
    # this the client is no likelier than the average one, and a pitch is no better than chance
    suggestion_min_lift: float = 1.0
    # expected value a year (minor units of the client's currency) a suggestion must reach, by
    # tier (a tier not named has no minimum): nobody pitches a deposit earning ¥7.73 a year to
    # an A client
    suggestion_min_value_minor: dict[str, int] = field(default_factory=_min_values)
    rule_min_support: float = 0.01
    rule_min_confidence: float = 0.20
    rule_min_lift: float = 1.20
    rule_max_antecedent: int = 2
    decline_cooloff_days: int = 180  # a decline recorded with no reason (before reasons were)
    # days a product declined for each reason (DeclineReason) is not suggested again
    decline_cooloff_by_reason: dict[str, int] = field(default_factory=_decline_cooloff)
    not_now_days: int = 30
    propensity_min_holders: int = 30
    propensity_sample: int = 20_000
    # take-up models (docs/cross-sell.md): who took a product up within this many months of a
    # past date, learnt from what was known at that date
    take_up_horizon_months: int = 12
    take_up_min_events: int = 30  # take-ups in a window a product's own model needs
    # phone numbers on printed briefs and day packs: "masked" (1381***5678, as ID numbers are)
    # or "whole"
    phones_on_paper: str = "masked"
    # offers accepted, and as many declined, before a response model re-ranks a product
    response_min_outcomes: int = 30
    # visit planner
    plan_weeks: int = 4
    maturity_lead_days: int = 14  # visit this long before a maturity
    strong_suggestion_minor: int = 100_000  # expected value a year that pulls a visit earlier
    suggestion_pull_days: int = 30
    district_window_days: int = 14  # how far ahead a visit may be pulled to join its district
    holiday_country: str = "CN"
    # Today (docs/today.md): maturities this many days ahead; birthdays and company
    # anniversaries this many days ahead; a flag raised this many days back is new; an RM with
    # no contact logged this many days is quiet on the head's Today
    today_maturity_days: int = 30
    today_dates_days: int = 7
    today_new_flag_days: int = 7
    quiet_rm_days: int = 7
    # nightly scoring (docs/scale.md): clients written per transaction; clients per part of
    # the bank held in memory at a time; about how many clients the models learn on
    batch_size: int = 5_000
    partition_clients: int = 100_000
    model_sample_clients: int = 100_000
    # what people record: a contact or a visit's completion can be dated at most this many
    # days back, so a closed period's scorecard is not changed after the fact
    backdate_days: int = 14

    def as_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    def tier_names(self) -> list[str]:
        return list(self.tier_shares)

    def lowest_tier(self) -> str:
        return list(self.tier_shares)[-1]


DEFAULTS = Parameters()


#: how phone numbers are printed (``phones_on_paper``)
PHONES_ON_PAPER = ("masked", "whole")
#: whose no-contact flag turns medium past twice the cadence (``no_contact_escalates``)
NO_CONTACT_ESCALATES = ("top", "all")


#: the largest whole number a parameter may be (JSON keeps whole numbers exactly up to 2**53)
LARGEST = 2**53


class ParameterError(Refusal):
    """A parameter name or value that cannot be used; the message names the parameter."""


def _coerce(name: str, value: Any) -> Any:
    default = getattr(DEFAULTS, name)
    try:
        if isinstance(default, bool):
            raise ParameterError(f"{name}: unsupported type", f"{name}：不支持的类型。")
        if isinstance(default, int):
            out: Any = int(value)
            if isinstance(value, float) and value != out:
                raise ValueError
        elif isinstance(default, float):
            out = float(value)
            if not math.isfinite(out):
                raise ValueError
        elif isinstance(default, str):
            out = str(value)
        elif isinstance(default, tuple):
            out = tuple(int(v) for v in value)
            if len(out) != len(default):
                raise ValueError
        elif isinstance(default, dict):
            if not isinstance(value, dict) or not value:
                raise ValueError
            kind = type(next(iter(default.values())))
            out = {str(k): kind(v) for k, v in value.items()}
            if any(isinstance(v, float) and not math.isfinite(v) for v in out.values()):
                raise ValueError
        else:  # pragma: no cover - every field has one of the types above
            raise ParameterError(f"{name}: unsupported type", f"{name}：不支持的类型。")
        # a whole number is kept exactly in JSON (the stored parameters, the audit trail) up to
        # 2**53; nothing a bank sets is near it, and a column of money ends at 2**63
        values = out.values() if isinstance(out, dict) else out if isinstance(out, tuple) else [out]
        if any(isinstance(v, int) and abs(v) > LARGEST for v in values):
            raise ValueError
    except (TypeError, ValueError, OverflowError) as exc:
        raise ParameterError(
            f"{name}: {value!r} is not a valid value (the default is {default!r})",
            f"{name}：{value!r} 不是有效的值（默认值为 {default!r}）。",
        ) from exc
    _check(name, out)
    return out


@functools.cache
def _countries() -> frozenset[str]:
    """The country codes the holidays library knows (imported here, once: the library is large
    and only a bank that changed the parameter needs it)."""
    import holidays

    return frozenset(holidays.list_supported_countries())


def _check(name: str, value: Any) -> None:
    if name == "tier_shares":
        shares = list(value.values())
        if any(s <= 0 for s in shares) or abs(sum(shares) - 1.0) > 1e-9:
            raise ParameterError(
                f"tier_shares: shares must be positive and add up to 1, got {value}",
                f"tier_shares：各层级占比须为正数且合计为 1，现为 {value}。",
            )
    elif name == "deadline_days" and set(value) != {"high", "medium", "low"}:
        raise ParameterError(
            "deadline_days: give days for high, medium and low",
            "deadline_days：请分别给出高、中、低三个级别的天数。",
        )
    elif name == "decline_cooloff_by_reason" and set(value) != {r.value for r in DeclineReason}:
        raise ParameterError(
            "decline_cooloff_by_reason: give days for each reason: "
            + ", ".join(r.value for r in DeclineReason),
            "decline_cooloff_by_reason：请为每个拒绝原因给出天数："
            + "、".join(r.value for r in DeclineReason),
        )
    elif name == "decline_cooloff_by_reason" and any(v < 0 for v in value.values()):
        raise ParameterError(
            f"decline_cooloff_by_reason: days must not be negative, got {value}",
            f"decline_cooloff_by_reason：天数不能为负数，现为 {value}。",
        )
    elif name == "phones_on_paper" and value not in PHONES_ON_PAPER:
        raise ParameterError(
            f"phones_on_paper: one of {', '.join(PHONES_ON_PAPER)}, got {value!r}",
            f"phones_on_paper：只能是 {'、'.join(PHONES_ON_PAPER)} 之一，现为 {value!r}。",
        )
    elif isinstance(value, str) and (not value.isprintable() or len(value) > 32):
        raise ParameterError(
            f"{name}: {value!r} is not a value (printable text of at most 32 characters)",
            f"{name}：{value!r} 不是有效的值（应为不超过 32 个字符的可打印文本）。",
        )
    elif name == "holiday_country" and value not in _countries():
        raise ParameterError(
            f"holiday_country: {value!r} is not a country code the holidays library knows "
            "(CN, HK, GB, …)",
            f"holiday_country：{value!r} 不是节假日库认识的国家或地区代码（CN、HK、GB 等）。",
        )
    elif name == "no_contact_escalates" and value not in NO_CONTACT_ESCALATES:
        raise ParameterError(
            f"no_contact_escalates: one of {', '.join(NO_CONTACT_ESCALATES)}, got {value!r}",
            f"no_contact_escalates：只能是 {'、'.join(NO_CONTACT_ESCALATES)} 之一，"
            f"现为 {value!r}。",
        )
    elif name == "take_up_horizon_months" and not 1 <= value <= 36:
        raise ParameterError(
            f"take_up_horizon_months: must be 1 to 36, got {value}",
            f"take_up_horizon_months：须在 1 到 36 之间，现为 {value}。",
        )
    elif name in {"partition_clients", "model_sample_clients"} and value < 100:
        raise ParameterError(
            f"{name}: must be at least 100, got {value}", f"{name}：不能少于 100，现为 {value}。"
        )
    elif isinstance(value, int | float) and not isinstance(value, bool) and value < 0:
        raise ParameterError(
            f"{name}: must not be negative, got {value}", f"{name}：不能为负数，现为 {value}。"
        )
    elif name in {
        "card_utilisation",
        "balance_drop",
        "rule_min_support",
        "rule_min_confidence",
    } and (not 0 < value <= 1):
        raise ParameterError(
            f"{name}: must be between 0 and 1, got {value}",
            f"{name}：须大于 0 且不超过 1，现为 {value}。",
        )


#: parameters an earlier release had: a stored value of one is ignored (docs/cross-sell.md says
#: what took its place), so a bank's database that set it still opens
RETIRED = frozenset({"suggestion_min_likelihood"})


def from_dict(values: dict[str, Any]) -> Parameters:
    known = {f.name for f in dataclasses.fields(Parameters)}
    values = {k: v for k, v in values.items() if k not in RETIRED}
    unknown = sorted(set(values) - known)
    if unknown:
        raise ParameterError(
            f"unknown parameter(s): {', '.join(unknown)}", f"未知的参数：{'、'.join(unknown)}"
        )
    params = Parameters(**{k: _coerce(k, v) for k, v in values.items()})
    if params.cadence_days.keys() != params.tier_shares.keys():
        raise ParameterError(
            "cadence_days: give a cadence for every tier in tier_shares",
            "cadence_days：请为 tier_shares 中的每个层级给出联系周期。",
        )
    return params


def load(conn: Connection | Engine) -> Parameters:
    """The bank's parameters: the defaults with the stored changes applied."""
    if isinstance(conn, Engine):
        with conn.connect() as c:
            return load(c)
    raw = conn.execute(select(_meta.c.value).where(_meta.c.key == META_KEY)).scalar()
    return from_dict(json.loads(raw)) if raw else DEFAULTS


def changes(params: Parameters) -> dict[str, Any]:
    """Only the values that differ from the defaults."""
    now, base = params.as_dict(), DEFAULTS.as_dict()
    return {k: v for k, v in now.items() if v != base[k]}


@open_to(ADMINS)
def set_values(conn: Connection, updates: dict[str, Any], *, who: Account) -> Parameters:
    """Change parameters in the caller's transaction and record the change in the audit trail."""
    current = load(conn)
    merged = {**changes(current), **updates}
    params = from_dict(merged)
    before = current.as_dict()
    stored = changes(params)
    conn.execute(delete(_meta).where(_meta.c.key == META_KEY))
    if stored:
        conn.execute(insert(_meta).values(key=META_KEY, value=json.dumps(stored, sort_keys=True)))
    audit.record(
        conn,
        who,
        "parameters.change",
        "parameters",
        None,
        {k: {"from": before[k], "to": params.as_dict()[k]} for k in updates},
    )
    return params


def parse_assignment(text: str) -> tuple[str, Any]:
    """``name=value`` from the command line; the value is JSON where it parses as JSON."""
    name, sep, raw = text.partition("=")
    if not sep or not name.strip():
        raise ParameterError(
            f"{text!r}: write name=value, e.g. rule_min_lift=1.5",
            f"{text!r}：请写成 名称=值，例如 rule_min_lift=1.5。",
        )
    try:
        value: Any = json.loads(raw)
    except json.JSONDecodeError:
        value = raw
    return name.strip(), value
