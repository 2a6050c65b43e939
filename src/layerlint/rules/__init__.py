"""Rule families; each rule is one module in a family package."""
