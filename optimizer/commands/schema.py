"""``optimizer schema``: the JSON Schema of the problem format."""

from __future__ import annotations

import json

import click


@click.command(name="schema")
def command():
    """Print the JSON Schema of the problem format.

    \b
    Example:
      optimizer schema > problem.schema.json
    """
    from ..spec.schema import SCHEMA

    click.echo(json.dumps(SCHEMA, indent=2))
