"""Benchmarks and the load run: `make bench` (results in docs/benchmarks.md), never in `make test`."""
