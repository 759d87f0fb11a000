"""Scheduled and event-driven handlers: thin, each calling one service."""
