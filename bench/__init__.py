"""Benchmarks: printed figures with a same-run baseline. Run `python -m bench [part ...]`."""
