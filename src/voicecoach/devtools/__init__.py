"""Tools for the project's own tests, benchmarks and evaluations (need the `dev` extras)."""
