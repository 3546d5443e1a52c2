"""Benchmarks of the keten chain: a load generator, its figures, and the broker+PostgreSQL baseline."""
