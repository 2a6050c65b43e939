"""Output formats of ``layerlint check``."""
