"""What the administrator reads for each engine parameter: its group and its description, in
the words of the Parameters tab (translated in the context ``AdminParameters``)."""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP

GROUPS = {
    "tiers": QT_TRANSLATE_NOOP("AdminParameters", "Contribution and tiers"),
    "contact": QT_TRANSLATE_NOOP("AdminParameters", "Planned contact"),
    "flags": QT_TRANSLATE_NOOP("AdminParameters", "Risk flags"),
    "cross_sell": QT_TRANSLATE_NOOP("AdminParameters", "Cross-sell"),
    "planner": QT_TRANSLATE_NOOP("AdminParameters", "Visit planner"),
    "scoring": QT_TRANSLATE_NOOP("AdminParameters", "Nightly scoring"),
}
#: what each parameter is, in the administrator's words
LABELS: dict[str, object] = {
    "tier_shares": QT_TRANSLATE_NOOP(
        "AdminParameters", "Tier shares of contribution, best tier first"
    ),
    "cadence_days": QT_TRANSLATE_NOOP("AdminParameters", "Days between contacts, by tier"),
    "dpd_levels": QT_TRANSLATE_NOOP(
        "AdminParameters", "Days past due for a low, medium and high flag"
    ),
    "arrears_months": QT_TRANSLATE_NOOP(
        "AdminParameters", "Loan in arrears: months past due of the last 3"
    ),
    "overdraft_months": QT_TRANSLATE_NOOP(
        "AdminParameters", "Recurring overdraft: months overdrawn of the last 6"
    ),
    "card_utilisation": QT_TRANSLATE_NOOP(
        "AdminParameters", "Card utilisation that raises a flag (0.80 = 80%)"
    ),
    "balance_drop": QT_TRANSLATE_NOOP(
        "AdminParameters", "Fall in balances against the prior 3 months (0.30 = 30%)"
    ),
    "balance_drop_min_minor": QT_TRANSLATE_NOOP(
        "AdminParameters", "Smallest prior balance for a fall to count (yuan)"
    ),
    "salary_months": QT_TRANSLATE_NOOP(
        "AdminParameters", "Months in a row before a salary counts as regular"
    ),
    "salary_gap_months": QT_TRANSLATE_NOOP(
        "AdminParameters", "Months without it before a salary counts as stopped"
    ),
    "dormant_months": QT_TRANSLATE_NOOP(
        "AdminParameters", "Months without transactions before an account is dormant"
    ),
    "penalty_min_minor": QT_TRANSLATE_NOOP(
        "AdminParameters", "Penalty interest flagged from this much in 3 months (yuan)"
    ),
    "no_contact_grace": QT_TRANSLATE_NOOP(
        "AdminParameters", "No-contact flag: grace past the cadence, as a share of it"
    ),
    "no_contact_escalates": QT_TRANSLATE_NOOP(
        "AdminParameters", "No-contact flag turns medium for (top, all)"
    ),
    "closure_days": QT_TRANSLATE_NOOP(
        "AdminParameters", "Days a closed account counts as a recent closure"
    ),
    "maturity_days": QT_TRANSLATE_NOOP("AdminParameters", "Days ahead a maturity is flagged"),
    "deadline_days": QT_TRANSLATE_NOOP("AdminParameters", "Days to handle a flag, by severity"),
    "dismiss_quiet_days": QT_TRANSLATE_NOOP("AdminParameters", "Days a dismissed flag stays quiet"),
    "suggestions_per_client": QT_TRANSLATE_NOOP("AdminParameters", "Suggestions per client"),
    "suggestion_min_lift": QT_TRANSLATE_NOOP(
        "AdminParameters", "Lowest lift over the product's take-up rate worth suggesting"
    ),
    "suggestion_min_value_minor": QT_TRANSLATE_NOOP(
        "AdminParameters", "Lowest expected value a year, by tier (minor units)"
    ),
    "rule_min_support": QT_TRANSLATE_NOOP("AdminParameters", "Product rules: lowest support"),
    "rule_min_confidence": QT_TRANSLATE_NOOP("AdminParameters", "Product rules: lowest confidence"),
    "rule_min_lift": QT_TRANSLATE_NOOP("AdminParameters", "Product rules: lowest lift"),
    "rule_max_antecedent": QT_TRANSLATE_NOOP(
        "AdminParameters", "Product rules: most products held before"
    ),
    "decline_cooloff_days": QT_TRANSLATE_NOOP(
        "AdminParameters", "Days a product declined with no reason recorded is not suggested again"
    ),
    "decline_cooloff_by_reason": QT_TRANSLATE_NOOP(
        "AdminParameters", "Days a declined product is not suggested again, by the reason given"
    ),
    "not_now_days": QT_TRANSLATE_NOOP("AdminParameters", 'Days a product answered "not now" waits'),
    "propensity_min_holders": QT_TRANSLATE_NOOP(
        "AdminParameters", "Propensity: fewest holders of a product to fit it"
    ),
    "propensity_sample": QT_TRANSLATE_NOOP(
        "AdminParameters", "Propensity: clients in the fitting sample"
    ),
    "take_up_horizon_months": QT_TRANSLATE_NOOP(
        "AdminParameters", "Take-up models: months ahead a take-up is counted"
    ),
    "take_up_min_events": QT_TRANSLATE_NOOP(
        "AdminParameters", "Take-up models: fewest take-ups in a window to fit a model"
    ),
    "phones_on_paper": QT_TRANSLATE_NOOP(
        "AdminParameters", "Printouts: phone numbers masked or whole (masked, whole)"
    ),
    "response_min_outcomes": QT_TRANSLATE_NOOP(
        "AdminParameters", "Response model: fewest accepted (and declined) offers to fit it"
    ),
    "plan_weeks": QT_TRANSLATE_NOOP("AdminParameters", "Weeks a proposed plan covers"),
    "maturity_lead_days": QT_TRANSLATE_NOOP("AdminParameters", "Days before a maturity to visit"),
    "strong_suggestion_minor": QT_TRANSLATE_NOOP(
        "AdminParameters", "Expected value a year that pulls a visit earlier (yuan)"
    ),
    "suggestion_pull_days": QT_TRANSLATE_NOOP(
        "AdminParameters", "Days a strong suggestion pulls a visit earlier"
    ),
    "today_maturity_days": QT_TRANSLATE_NOOP("AdminParameters", "Today: maturities within days"),
    "today_dates_days": QT_TRANSLATE_NOOP(
        "AdminParameters", "Today: birthdays and anniversaries within days"
    ),
    "today_new_flag_days": QT_TRANSLATE_NOOP(
        "AdminParameters", "Today: a flag raised within days is new"
    ),
    "quiet_rm_days": QT_TRANSLATE_NOOP(
        "AdminParameters", "Today: days without a contact that mark an RM quiet"
    ),
    "district_window_days": QT_TRANSLATE_NOOP(
        "AdminParameters", "Days a visit may move earlier to join its district"
    ),
    "holiday_country": QT_TRANSLATE_NOOP("AdminParameters", "Public holidays of (country code)"),
    "batch_size": QT_TRANSLATE_NOOP("AdminParameters", "Clients a batch in the nightly scoring"),
    "partition_clients": QT_TRANSLATE_NOOP("AdminParameters", "Clients a part of the nightly run"),
    "model_sample_clients": QT_TRANSLATE_NOOP("AdminParameters", "Clients the models learn on"),
    "backdate_days": QT_TRANSLATE_NOOP(
        "AdminParameters", "Days back a contact may be dated when it is logged"
    ),
}
#: the group each parameter is shown in
GROUP_OF: dict[str, str] = {
    "tier_shares": "tiers",
    "cadence_days": "contact",
    "backdate_days": "contact",
    "dpd_levels": "flags",
    "arrears_months": "flags",
    "overdraft_months": "flags",
    "card_utilisation": "flags",
    "balance_drop": "flags",
    "balance_drop_min_minor": "flags",
    "salary_months": "flags",
    "salary_gap_months": "flags",
    "dormant_months": "flags",
    "penalty_min_minor": "flags",
    "no_contact_grace": "flags",
    "no_contact_escalates": "flags",
    "closure_days": "flags",
    "maturity_days": "flags",
    "deadline_days": "flags",
    "dismiss_quiet_days": "flags",
    "suggestions_per_client": "cross_sell",
    "suggestion_min_lift": "cross_sell",
    "suggestion_min_value_minor": "cross_sell",
    "rule_min_support": "cross_sell",
    "rule_min_confidence": "cross_sell",
    "rule_min_lift": "cross_sell",
    "rule_max_antecedent": "cross_sell",
    "decline_cooloff_days": "cross_sell",
    "decline_cooloff_by_reason": "cross_sell",
    "not_now_days": "cross_sell",
    "propensity_min_holders": "cross_sell",
    "propensity_sample": "cross_sell",
    "take_up_horizon_months": "cross_sell",
    "take_up_min_events": "cross_sell",
    "response_min_outcomes": "cross_sell",
    "phones_on_paper": "planner",
    "plan_weeks": "planner",
    "maturity_lead_days": "planner",
    "strong_suggestion_minor": "planner",
    "suggestion_pull_days": "planner",
    "district_window_days": "planner",
    "holiday_country": "planner",
    "today_maturity_days": "planner",
    "today_dates_days": "planner",
    "today_new_flag_days": "planner",
    "quiet_rm_days": "planner",
    "batch_size": "scoring",
    "partition_clients": "scoring",
    "model_sample_clients": "scoring",
}
