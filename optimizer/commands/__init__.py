"""One module per analysis command; each defines ``command`` (a Click command).

Shared option decorators and error handling come from ``optimizer.cli``.
"""
