"""The bundled problem library: problem files found by name, model cards beside them, and
readers/generators of benchmark instances (OR-Library, generated portfolios)."""
