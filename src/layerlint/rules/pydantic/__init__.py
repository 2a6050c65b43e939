"""LL2xx: Pydantic v1 APIs that Pydantic v2 replaces."""
