"""Benchmarks: `python -m bench` runs them, prints a table and writes bench/results/*.json."""
