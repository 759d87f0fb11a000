"""In-memory twins of the stores, for unit tests of services (no AWS, no moto)."""
