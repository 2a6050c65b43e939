"""LL1xx: layer boundaries between routes, dependencies, services, repositories and models."""
