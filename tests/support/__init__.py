"""Helpers shared by the tests and the benchmarks (benchmarks may import these; nothing in tests imports
benchmarks)."""
