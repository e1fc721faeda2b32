"""What the schema's owner runs on a shared PostgreSQL database, each on a transaction of its
own and audited: apply the protection, give and take people's logins, list them, and the
watchdog. The rules themselves are in ``row_security``, ``write_rules`` and ``db_logins``."""

from __future__ import annotations

from sqlalchemy import Engine

from rmdesk.services.common import audit
from rmdesk.services.common.access import ADMINS, Account, open_to
from rmdesk.services.security.db_logins import Mapped, add_login, listing, remove_login
from rmdesk.services.security.row_security import Target, apply, target_of, watchdog

#: what only a superuser can close, said when ``apply`` ran as someone else
LEFT_TO_A_SUPERUSER = (
    "large objects: any login can still make them (lo_creat, lo_create, lo_from_bytea, "
    "lo_import); as a superuser, REVOKE EXECUTE on those functions FROM PUBLIC "
    "(server-wide), or run `pg-security apply` once as a superuser",
)


@open_to(ADMINS)
def install(engine: Engine, *, who: Account) -> tuple[int, Target, list[str]]:
    """Apply (or bring up to date) the groups, functions, rules, policies and grants; returns
    how many statements ran, the database's target (its groups), and what was left for a
    superuser to close."""
    with engine.begin() as conn:
        done = apply(conn)
        target = target_of(conn)
        audit.record(conn, who, "pg_security.apply", None, None, {"statements": done})
        superuser = conn.exec_driver_sql(
            "SELECT rolsuper FROM pg_catalog.pg_roles WHERE rolname = current_user"
        ).scalar()
    return done, target, [] if superuser else list(LEFT_TO_A_SUPERUSER)


@open_to(ADMINS)
def give_login(
    engine: Engine,
    username: str,
    *,
    login: str | None,
    password: str | None,
    force: bool,
    who: Account,
) -> Mapped:
    """Give the rmdesk user ``username`` a database login of their own (``db_logins``)."""
    with engine.begin() as conn:
        done = add_login(conn, username, login=login, password=password, force=force)
        audit.record(
            conn,
            who,
            "pg_security.login",
            "users",
            username,
            {"login": done.login, "role": done.role, "taken_away": done.taken_away},
        )
    return done


@open_to(ADMINS)
def take_login(engine: Engine, username: str, *, who: Account) -> str | None:
    """Unmap ``username``'s database login; returns it, or None when there was none."""
    with engine.begin() as conn:
        login = remove_login(conn, username)
        if login is not None:
            audit.record(conn, who, "pg_security.remove", "users", username, {"login": login})
    return login


@open_to(ADMINS)
def logins(engine: Engine, *, who: Account) -> list[tuple[str, str, str, bool]]:
    """The database logins and the rmdesk users they are: (login, user, role, active)."""
    with engine.connect() as conn:
        return listing(conn)


@open_to(ADMINS)
def run_watchdog(
    engine: Engine, idle: int, waited: int, *, who: Account
) -> list[tuple[int, str, str]]:
    """End people's sessions that hold others up, chain what people added (``watchdog``)."""
    with engine.begin() as conn:
        return watchdog(conn, idle, waited)
