"""The administrator's screens: people, pricing and catalogue, parameters, KPIs, the audit trail,
the database connection and imports."""
