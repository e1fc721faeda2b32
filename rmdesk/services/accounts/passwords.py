"""Password hashing with Argon2id (argon2-cffi), the OWASP-recommended scheme."""

from __future__ import annotations

import secrets
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()


def hash_password(password: str) -> str:
    return _hasher.hash(password)


@cache
def shared_hash(password: str) -> str:
    """One hash reused for many generated accounts with the same documented demo password."""
    return _hasher.hash(password)


@cache
def dummy_hash() -> str:
    """The hash of a random password nobody knows, made once with the same parameters as every
    stored hash: a log-in for a name that does not exist, or has no password, is checked against
    it, so that it takes as long as one for a real name (the timing does not tell which exist)."""
    return _hasher.hash(secrets.token_urlsafe(32))


def verify_password(stored: str | None, password: str) -> bool:
    if not stored:
        return False
    try:
        return _hasher.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False
