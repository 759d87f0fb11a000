"""Use cases: each takes the caller (a Principal) and validated data, applies the rules, returns domain objects."""
