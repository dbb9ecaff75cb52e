"""``optimizer solvers``: the solver back ends and whether each is available here."""

from __future__ import annotations

import json

import click


@click.command(name="solvers")
@click.option(
    "--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True
)
def command(fmt):
    """List the solver back ends and whether each is available here.

    \b
    Example:
      optimizer solvers
    """
    import solvers as reg

    infos = [reg.info(n) for n in reg.REGISTRY]
    if fmt == "json":
        click.echo(
            json.dumps(
                [
                    {
                        "name": i.name,
                        "available": i.available,
                        "via": i.via,
                        "features": sorted(f.value for f in i.features),
                        "reason": i.reason,
                    }
                    for i in infos
                ],
                indent=2,
            )
        )
        return
    from ..report.tables import render, table

    rows = [
        [
            i.name,
            "yes" if i.available else "no",
            i.via,
            ", ".join(sorted(f.value for f in i.features)),
            i.reason,
        ]
        for i in infos
    ]
    click.echo(
        render([table(None, ["solver", "available", "via", "features", "note"], rows)], width=120),
        nl=False,
    )
