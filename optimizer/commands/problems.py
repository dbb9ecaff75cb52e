"""``optimizer problems``: list the bundled problems."""

from __future__ import annotations

import click

from ._options import handle_errors


@click.command(name="problems")
@handle_errors
def command():
    """List the bundled problems.

    \b
    Example:
      optimizer problems
    """
    from ..spec import bundled_names, load

    for name in bundled_names():
        spec = load(name)
        click.echo(f"{name:28s} {spec.title}")
