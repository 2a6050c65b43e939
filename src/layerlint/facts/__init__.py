"""Facts shared by several rule families, computed lazily and cached on the context."""
