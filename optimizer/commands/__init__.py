"""One module per command; each defines ``command`` (a Click command), registered by name in
``optimizer.cli.LAZY_COMMANDS``.

Shared option decorators, the problem loader and error handling are in ``_options``; printing
a result in the chosen ``--format`` is in ``_output``.
"""
