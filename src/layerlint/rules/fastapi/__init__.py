"""LL6xx: FastAPI endpoints."""
