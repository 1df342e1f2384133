"""Benchmarks: scripts that measure, run by hand (``scripts/bench-*``), never by pytest."""
