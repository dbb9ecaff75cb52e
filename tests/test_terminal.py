"""The terminal: colour only on a terminal, numbers in a column sharing their decimals, every
command's help with an example, shell completion, ``-q`` printing nothing.
"""

from __future__ import annotations

import math
import os
import re

from click.testing import CliRunner

import optimizer
from optimizer.cli import cli
from optimizer.report.tables import fmt, format_column, render, table, use_color


def test_every_command_help_has_an_example() -> None:
    import click

    names = cli.list_commands(click.Context(cli))
    assert {"solve", "validate", "report", "scenarios", "alternatives", "compare"} <= set(names)
    for name in names:
        r = CliRunner().invoke(cli, [name, "--help"])
        assert r.exit_code == 0, (name, r.output)
        assert re.search(r"^\s*Examples?:\n\s+optimizer " + name, r.output, re.M), name
    r = CliRunner().invoke(cli, ["--help"])
    assert "_OPTIMIZER_COMPLETE=bash_source optimizer" in r.output


def test_shell_completion_lists_commands_and_problems() -> None:
    env = {"_OPTIMIZER_COMPLETE": "bash_complete", "COMP_WORDS": "optimizer sce", "COMP_CWORD": "1"}
    r = CliRunner().invoke(cli, [], env=env, prog_name="optimizer")
    assert "plain,scenarios" in r.output.splitlines()
    env.update(COMP_WORDS="optimizer solve canada", COMP_CWORD="2")
    r = CliRunner().invoke(cli, [], env=env, prog_name="optimizer")
    assert "plain,canada-us-2025" in r.output.splitlines()
    r = CliRunner().invoke(
        cli, [], env={"_OPTIMIZER_COMPLETE": "bash_source"}, prog_name="optimizer"
    )
    assert "_optimizer_completion()" in r.output


class FakeTerminal:
    def isatty(self) -> bool:
        return True


def test_colour_only_on_a_terminal_and_never_with_no_color(monkeypatch) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("TERM", "xterm")
    assert use_color(FakeTerminal())
    assert not use_color(open(os.devnull, "w"))  # noqa: SIM115
    monkeypatch.setenv("NO_COLOR", "1")
    assert not use_color(FakeTerminal())
    t = table("Title", ["a", "b"], [["x", 1.5]], right=(1,))
    assert "\x1b[" in render([t], color=True)
    assert "\x1b[" not in render([t], color=False)
    # through the command: stdout is not a terminal, so no escape codes
    monkeypatch.delenv("NO_COLOR")
    r = CliRunner().invoke(cli, ["solve", "small-example"])
    assert r.exit_code == 0 and "\x1b[" not in r.output


def test_numbers_in_a_column_share_their_decimals() -> None:
    assert format_column([6000.0, 310.0]) == ["6,000.00", "310.00"]
    assert format_column([0.8, 1.2, 0.096]) == ["0.800", "1.200", "0.096"]
    assert format_column([22.71, -0.269, 0.0, None, "n/a"]) == ["22.71", "-0.27", "0", "-", "n/a"]
    assert [fmt(x) for x in (6000.0, 310.0, 0.8, 0.096, -0.0, math.inf)] == [
        "6,000.00",
        "310.00",
        "0.80",
        "0.096",
        "0",
        "no limit",
    ]
    r = CliRunner().invoke(cli, ["solve", "small-example"])
    scen = r.stdout.split("Value by scenario")[1].split("\n\n")[0]
    assert re.search(r"good\s+0\.60\s+11\.00", scen) and re.search(
        r"expected\s+1\.00\s+9\.80", scen
    )


def test_quiet_prints_nothing_on_every_command_that_takes_a_problem(tmp_path) -> None:
    for args in (
        ["solve", "small-example"],
        ["validate", "small-example"],
        ["scenarios", "small-example"],
        ["alternatives", "small-example", "-k", "2"],
        ["export", "small-example", "--lp", str(tmp_path / "m.lp")],
    ):
        r = CliRunner().invoke(cli, [*args, "-q"])
        assert r.exit_code == 0, (args, r.output)
        assert r.output == "", args
    r = CliRunner().invoke(
        cli, ["solve", "small-example", "-q", "-o", str(tmp_path / "s.json"), "--format", "json"]
    )
    assert r.exit_code == 0 and r.output == ""
    assert optimizer.__name__ and (tmp_path / "s.json").read_text().startswith("{")
