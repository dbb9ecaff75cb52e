"""The largest magnitude a coefficient may have (``LARGEST``, 1e15), shared by the reader's
checks (a criterion's score) and the compiled model's (``optimizer.numerics``, which says why)."""

LARGEST = 1e15
