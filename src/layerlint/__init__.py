"""layerlint: a linter for layered FastAPI / SQLAlchemy / Pydantic / Alembic backends."""

__version__ = "0.1.0"
