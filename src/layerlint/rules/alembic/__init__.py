"""LL4xx: Alembic migrations."""
