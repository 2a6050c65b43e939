"""LL0xx: the tool itself."""
