"""People who log in: passwords (Argon2), log-in, lock-out, password changes, the session's
person on a database login of their own."""
