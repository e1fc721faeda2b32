"""A client as people write it: its id in its source system, or SOURCE:ID when that is not enough.

Clients are unique by (source, external_id): client 1234 of the Berka files and client 1234 of a
bank's own extract are two people. An id that names clients in several sources is refused as
ambiguous, naming them (``client 1234 is in two sources: berka and generic; write berka:1234 or
generic:1234``); the qualified form SOURCE:ID names one. Every command that takes a client's id
resolves it here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import Engine, or_, select, tuple_

from rmdesk.models import Client
from rmdesk.services.common.access import Account, guarded, open_to

_COUNTS = {2: "two", 3: "three", 4: "four"}


@dataclass(frozen=True)
class ClientRef:
    """One client, found: its row id and how it is known in its source."""

    id: int
    source: str
    external_id: str

    @property
    def qualified(self) -> str:
        return f"{self.source}:{self.external_id}"


class ClientIdError(LookupError):
    """Ids that name no client (``missing``) or more than one (``ambiguous``: the candidates)."""

    def __init__(self, missing: list[str], ambiguous: dict[str, list[ClientRef]]) -> None:
        self.missing = missing
        self.ambiguous = ambiguous
        parts = [_ambiguous(written, refs) for written, refs in ambiguous.items()]
        if missing:
            parts.append(f"no client {', '.join(repr(m) for m in missing)}")
        super().__init__("; ".join(parts))


def _ambiguous(written: str, refs: list[ClientRef]) -> str:
    sources = [r.source for r in refs]
    named = ", ".join(sources[:-1]) + f" and {sources[-1]}"
    forms = [r.qualified for r in refs]
    write = ", ".join(forms[:-1]) + f" or {forms[-1]}"
    count = _COUNTS.get(len(refs), str(len(refs)))
    return f"client {written} is in {count} sources: {named}; write {write}"


@open_to()
def find_clients(engine: Engine, written: Sequence[str], *, who: Account) -> dict[str, ClientRef]:
    """Each id as written (``1234`` or ``berka:1234``) to its client, in the order given.

    ``ClientIdError`` names every id that matches no client and every one that matches
    clients in several sources. Only ids are looked up here; what is then done with the client
    is checked against ``who`` where it is done (a brief, an explanation).
    """
    wanted = list(dict.fromkeys(written))
    pairs = [tuple(w.split(":", 1)) for w in wanted if ":" in w]
    named = [Client.external_id.in_(wanted)]
    if pairs:
        named.append(tuple_(Client.source, Client.external_id).in_(pairs))
    query = select(Client.id, Client.source, Client.external_id).where(or_(*named))
    with engine.connect() as conn:
        rows = [ClientRef(int(i), str(s), str(e)) for i, s, e in conn.execute(query)]
    found: dict[str, ClientRef] = {}
    missing: list[str] = []
    ambiguous: dict[str, list[ClientRef]] = {}
    for w in wanted:
        source, _, external = w.partition(":")
        matches = sorted(
            {
                r
                for r in rows
                if r.external_id == w or (r.source, r.external_id) == (source, external)
            },
            key=lambda r: (r.source, r.external_id),
        )
        if len(matches) == 1:
            found[w] = matches[0]
        elif matches:
            ambiguous[w] = matches
        else:
            missing.append(w)
    if missing or ambiguous:
        raise ClientIdError(missing, ambiguous)
    return found


@guarded("client", "client_ids")
def external_ids(engine: Engine, client_ids: Sequence[int], *, who: Account) -> dict[int, str]:
    """Each client's id in its source system, by row id (for lists people read)."""
    wanted = sorted({int(c) for c in client_ids})
    found: dict[int, str] = {}
    with engine.connect() as conn:
        for start in range(0, len(wanted), 900):
            chunk = wanted[start : start + 900]
            rows = conn.execute(select(Client.id, Client.external_id).where(Client.id.in_(chunk)))
            found.update({int(cid): str(ext) for cid, ext in rows})
    return found
