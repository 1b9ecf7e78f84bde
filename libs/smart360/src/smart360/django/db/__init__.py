"""PostgreSQL backend for PgBouncer: Django's, with a health check that costs no round trip."""
