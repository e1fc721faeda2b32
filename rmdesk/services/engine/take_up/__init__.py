"""Take-up models: who takes a product up within a horizon of a date, from what was known then.

``features`` builds what the models read at each cut date, ``models`` trains, calibrates and
backtests them, ``explain`` turns a model's feature contributions into a banker's reasons.
docs/cross-sell.md describes the method and its backtests.
"""
