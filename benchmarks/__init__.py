"""Benchmarks of registro and the generator of realistic registers they (and the tests) use."""
