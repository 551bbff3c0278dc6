"""Rules: the registry (ids, severities, messages) and the checks that implement them."""
