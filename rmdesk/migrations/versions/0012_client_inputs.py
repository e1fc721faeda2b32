"""a nightly run of only what changed: the changes the database notes, and what each client's
results were computed with

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-06 16:00:00

- ``input_changes``: one row per client whose inputs changed, written by triggers of the
  database itself on every write to ``clients``, ``holdings``, ``monthly_facts``,
  ``interactions``, ``suggestion_outcomes`` and (a person's action) ``risk_flag_events``,
  whoever writes: the app, an import or an ETL job's plain SQL. A whole-bank scoring run
  recomputes those clients and clears the rows it read (docs/scale.md).
- ``client_scores.inputs``: what the whole run that computed a client's results used (the
  data month, parameters, products, pricing, model and rules, as one number); a run that uses
  something else recomputes the client.

On PostgreSQL the triggers fire once per statement (with its transition tables) and run as the
schema's owner with their search path pinned, so a person's login notes its changes without
any right on ``input_changes``; run ``rmdesk-cli pg-security apply`` again after this revision.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

#: each watched table, how a row reaches its client, and on which changes (a flag's events are
#: only ever added; the nightly run's own have no actor and change nothing it reads)
WATCHED: dict[str, tuple[str, str | None, tuple[str, ...]]] = {
    "clients": ("{r}.id", None, ("INSERT", "UPDATE", "DELETE")),
    "holdings": ("{r}.client_id", None, ("INSERT", "UPDATE", "DELETE")),
    "monthly_facts": ("h.client_id", "holdings", ("INSERT", "UPDATE", "DELETE")),
    "interactions": ("{r}.client_id", None, ("INSERT", "UPDATE", "DELETE")),
    "suggestion_outcomes": ("{r}.client_id", None, ("INSERT", "UPDATE", "DELETE")),
    "risk_flag_events": ("f.client_id", "risk_flags", ("INSERT",)),
}


def _sqlite(table: str, event: str, columns: list[str]) -> list[str]:
    expr, via, _ = WATCHED[table]
    rows = {"INSERT": ["NEW"], "DELETE": ["OLD"], "UPDATE": ["NEW", "OLD"]}[event]
    body = []
    for r in rows:
        if via == "holdings":
            pick = f"SELECT h.client_id AS v FROM holdings h WHERE h.id = {r}.holding_id"
        elif via == "risk_flags":
            pick = f"SELECT f.client_id AS v FROM risk_flags f WHERE f.id = {r}.flag_id"
        else:
            pick = f"SELECT {expr.format(r=r)} AS v"
        body.append(
            f"INSERT INTO input_changes (client_id) SELECT v FROM ({pick}) WHERE v IS NOT NULL;"
        )
    when = " WHEN NEW.actor_id IS NOT NULL" if table == "risk_flag_events" else ""
    if event == "UPDATE":  # only a row that really changed (an import run again notes nothing)
        when = " WHEN " + " OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in columns)
    # (a later migration that rebuilds one of these tables in SQLite's batch mode must create
    # its trigger again: a rebuilt table loses its triggers)
    return [
        f"CREATE TRIGGER rmdesk_changed_{table}_{event.lower()} AFTER {event} ON {table} "
        f"FOR EACH ROW{when} BEGIN {' '.join(body)} END"
    ]


def _postgresql(s: str, table: str, event: str) -> list[str]:
    expr, via, _ = WATCHED[table]
    sets = {"INSERT": ["new_rows"], "DELETE": ["old_rows"], "UPDATE": ["new_rows", "old_rows"]}
    picks = []
    for rows in sets[event]:
        # an update notes only the rows that really changed (an import run again notes nothing)
        other = {"new_rows": "old_rows", "old_rows": "new_rows"}[rows]
        pair = f" JOIN {other} o ON o.id = r.id" if event == "UPDATE" else ""
        changed = " WHERE o::text IS DISTINCT FROM r::text" if event == "UPDATE" else ""
        if via == "holdings":
            pick = (
                f"SELECT h.client_id FROM {rows} r{pair} "
                f"JOIN {s}.holdings h ON h.id = r.holding_id{changed}"
            )
        elif via == "risk_flags":
            pick = (
                f"SELECT f.client_id FROM {rows} r JOIN {s}.risk_flags f ON f.id = r.flag_id "
                "WHERE r.actor_id IS NOT NULL"
            )
        else:
            pick = f"SELECT {expr.format(r='r')} FROM {rows} r{pair}{changed}"
        picks.append(pick)
    name = f"rmdesk_changed_{table}_{event.lower()}"
    union = " UNION ".join(picks)
    referencing = {
        "INSERT": "REFERENCING NEW TABLE AS new_rows",
        "DELETE": "REFERENCING OLD TABLE AS old_rows",
        "UPDATE": "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows",
    }[event]
    return [
        f"""CREATE OR REPLACE FUNCTION {s}.{name}() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
  INSERT INTO {s}.input_changes (client_id)
  SELECT DISTINCT x.client_id FROM ({union}) AS x(client_id) WHERE x.client_id IS NOT NULL;
  RETURN NULL;
END $$""",
        f"REVOKE ALL ON FUNCTION {s}.{name}() FROM PUBLIC",
        f"DROP TRIGGER IF EXISTS {name} ON {s}.{table}",
        f"CREATE TRIGGER {name} AFTER {event} ON {s}.{table} {referencing} "
        f"FOR EACH STATEMENT EXECUTE FUNCTION {s}.{name}()",
    ]


def upgrade() -> None:
    op.create_table(
        "input_changes",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("client_id", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_input_changes")),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("client_scores") as batch:
        batch.add_column(sa.Column("inputs", sa.BigInteger(), nullable=True))
    conn = op.get_bind()
    if conn.dialect.name == "postgresql":
        s = conn.exec_driver_sql("SELECT quote_ident(current_schema())").scalar_one()
        for table, (_e, _v, events) in WATCHED.items():
            for event in events:
                for sql in _postgresql(s, table, event):
                    conn.exec_driver_sql(sql)
    else:
        for table, (_e, _v, events) in WATCHED.items():
            columns = [c["name"] for c in sa.inspect(conn).get_columns(table)]
            for event in events:
                for sql in _sqlite(table, event, columns):
                    conn.exec_driver_sql(sql)
    # everything so far is new to a run of what changed: the next run recomputes everyone


def downgrade() -> None:
    conn = op.get_bind()
    postgres = conn.dialect.name == "postgresql"
    s = (
        conn.exec_driver_sql("SELECT quote_ident(current_schema())").scalar_one()
        if postgres
        else ""
    )
    for table, (_e, _v, events) in WATCHED.items():
        for event in events:
            name = f"rmdesk_changed_{table}_{event.lower()}"
            if postgres:
                conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {name} ON {s}.{table}")
                conn.exec_driver_sql(f"DROP FUNCTION IF EXISTS {s}.{name}()")
            else:
                conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {name}")
    with op.batch_alter_table("client_scores") as batch:
        batch.drop_column("inputs")
    op.drop_table("input_changes")
