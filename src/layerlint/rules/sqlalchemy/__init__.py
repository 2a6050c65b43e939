"""LL3xx: SQLAlchemy 2.0 async models and sessions."""
