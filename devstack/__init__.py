"""The local stack: moto's AWS, the tables, and the API served by Chalice's local server."""
