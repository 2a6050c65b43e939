"""LL5xx: typing spelled the modern way (PEP 604 unions)."""
