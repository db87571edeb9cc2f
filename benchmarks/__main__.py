"""`python -m benchmarks` (what `make bench` runs): see benchmarks/report.py."""

from benchmarks.report import main

main()
