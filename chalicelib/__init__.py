"""TPBIS backend: tenants, village reports, indicator rollups and stakeholder commitments."""
