"""HTTP entry points: thin Chalice blueprints over the services."""
