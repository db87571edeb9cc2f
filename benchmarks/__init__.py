"""Benchmarks and the load run, never in `make test`: `make bench` (`python -m benchmarks`) measures
(measure.py, with wrk.py's load script for HTTP) and writes docs/benchmarks.md (report.py);
`python -m benchmarks.load` is the load run against the production server (docs/security.md)."""
