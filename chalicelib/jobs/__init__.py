"""Scheduled functions: thin handlers that call services."""
