"""The pieces every row rule of ``write_rules`` is written with: a trigger function with its
prologue, a refusal, the check that a row is the session's to touch, a list of pairs."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

#: a person's transaction may last this long; a commit after it is refused
FRESH = "5 minutes"


def pairs_sql(pairs: Iterable[tuple[str, str]]) -> str:
    """``(OLD.status, NEW.status) IN (...)`` for the allowed transitions."""
    listed = ", ".join(f"('{a}', '{b}')" for a, b in sorted(pairs))
    return f"(OLD.status::text, NEW.status::text) IN ({listed})"


def lit(values: Iterable[str]) -> str:
    """SQL string literals, comma-separated."""
    return ", ".join(f"'{v}'" for v in values)


@dataclass(frozen=True)
class RuleSql:
    """Writes the rules for schema ``s`` (quoted); ``owner`` is the owner's login, when known,
    which every rule lets through first without a query (the nightly run writes every row
    through them)."""

    s: str
    owner: str | None = None

    @property
    def pinned(self) -> str:
        return f"SET search_path = pg_catalog, {self.s}, pg_temp"

    @property
    def definer(self) -> str:
        return f"SECURITY DEFINER {self.pinned}"

    @property
    def me(self) -> str:
        return f"{self.s}.rmdesk_user_id()"

    @property
    def today(self) -> str:
        return f"{self.s}.rmdesk_today()"

    #: the current transaction, to tell rows it wrote (``xmin``)
    now_xact = "pg_current_xact_id()::xid"
    bump = "  NEW.version := OLD.version + 1;"

    @property
    def quick(self) -> str:
        """The owner's own session, known by name without a query."""
        if self.owner is None:
            return "false"
        return "session_user = '" + self.owner.replace("'", "''") + "'"

    def _head(self, passed: str) -> str:
        """The prologue of every rule: the owner's and administrators' sessions pass; a
        person's transaction must be fresh (its now() is when it began)."""
        s = self.s
        return f"""DECLARE k text;
BEGIN
  IF {self.quick} THEN RETURN {passed}; END IF;
  k := {s}.rmdesk_session_kind();
  IF k IN ('owner', 'admin') THEN RETURN {passed}; END IF;
  IF k IS DISTINCT FROM 'rm' AND k IS DISTINCT FROM 'branch_head' THEN
    RAISE EXCEPTION 'the login % may not change rmdesk data', session_user
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  IF clock_timestamp() - now() > interval '{FRESH}' THEN
    RAISE EXCEPTION 'a change is written within {FRESH} of starting it'
      USING ERRCODE = 'insufficient_privilege';
  END IF;"""

    @property
    def before(self) -> str:
        """The prologue of a BEFORE row trigger."""
        return self._head("COALESCE(NEW, OLD)")

    @property
    def after(self) -> str:
        """The prologue of an AFTER (deferred) row trigger."""
        return self._head("NULL")

    def fn(self, name: str, prologue: str, body: str) -> str:
        return (
            f"CREATE OR REPLACE FUNCTION {self.s}.{name}() RETURNS trigger LANGUAGE plpgsql "
            f"{self.definer} AS $$\n{prologue}\n{body}\nEND $$"
        )

    @staticmethod
    def refuse(text: str, *args: str, code: str = "check_violation") -> str:
        extra = "".join(f", {a}" for a in args)
        return f"RAISE EXCEPTION '{text}'{extra} USING ERRCODE = '{code}';"

    @classmethod
    def mine(cls, text: str, *args: str) -> str:
        """A refusal of acting as someone else, or beyond one's role."""
        return cls.refuse(text, *args, code="insufficient_privilege")

    def reach(self, client: str) -> str:
        """Refuse, as row-level security words it, a row the session does not reach."""
        return f"""  IF NOT {self.s}.rmdesk_reaches({client}) THEN
    {self.mine('new row violates row-level security policy for table "%"', "TG_TABLE_NAME")}
  END IF;"""

    @property
    def only_insert(self) -> str:
        return f"""  IF TG_OP <> 'INSERT' THEN
    {self.mine("% rows are only ever added", "TG_TABLE_NAME")}
  END IF;"""
