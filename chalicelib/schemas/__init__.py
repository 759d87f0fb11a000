"""Pydantic request and response models: the API's contract, and the source of its OpenAPI spec."""
