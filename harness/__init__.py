"""Amazon's side, stood in for on this machine: a PKI shaped like Amazon's, requests signed with
it, and the production server on loopback trusting it. Shared by the tests and the benchmarks;
never part of the skill (not packaged, not imported by skill/ or responses/)."""
