"""Benchmarks: each prints a readable table and one JSON line per figure."""
