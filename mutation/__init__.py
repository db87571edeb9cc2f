"""`make mutate`: mutation testing of what keeps listeners safe and requests honest (mutmut),
reported in docs/mutation.md. Not part of `make test`."""
