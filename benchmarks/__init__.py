"""Performance benchmarks of the cadre model: ``python -m benchmarks`` (see README.md)."""
