"""The shared PostgreSQL database's protection: row-level security and grants, the write rules
PostgreSQL enforces, and the per-person database logins (docs/security.md)."""
