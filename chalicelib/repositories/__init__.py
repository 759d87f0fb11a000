"""Storage shape: PynamoDB records and repositories that turn them into domain objects."""
