"""The bad-input corpus: every malformed file gives exactly its one-line message and exit 2.

``tests/data/bad/expected.toml`` maps each file of the corpus to the message the loader must
give (``{file}`` stands for the path as given) and the exit code. ``optimizer solve FILE`` and
``optimizer validate FILE`` must print exactly ``error: MESSAGE`` on stderr, nothing on stdout,
and exit with that code; ``optimizer.load`` must raise an ``InputError`` with that message.

A file without read permission cannot be made with ``chmod`` when the tests run as root (root
reads it anyway), so that case is simulated: the corpus file is a valid problem, and opening
it is made to raise ``PermissionError`` -- what the operating system raises for a user.
"""

from __future__ import annotations

import builtins
import io
import os
import subprocess
import sys
import tomllib

import pytest
from click.testing import CliRunner
from conftest import ROOT

from optimizer.cli import cli
from optimizer.errors import InputError
from optimizer.spec import load

CORPUS = ROOT / "tests" / "data" / "bad"
MANIFEST: dict[str, dict] = tomllib.loads((CORPUS / "expected.toml").read_text(encoding="utf-8"))
TABLES = {"table-unknown-scenario.csv", "table-header-only.csv"}  # read by corpus problems
CASES = sorted(MANIFEST)
LOAD_ARGS = {"--max-columns": "max_columns", "--max-bytes": "max_bytes"}


def deny_reading(monkeypatch, path: str) -> None:
    """Opening ``path`` raises ``PermissionError``, as for a file without read permission."""
    target = os.path.realpath(path)
    real_open = io.open

    def guarded(file, *args, **kwargs):
        if isinstance(file, str | os.PathLike) and os.path.realpath(file) == target:
            raise PermissionError(13, "Permission denied", os.fspath(file))
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr(io, "open", guarded)
    monkeypatch.setattr(builtins, "open", guarded)


def expected_line(name: str) -> str:
    entry = MANIFEST[name]
    message = entry["message"]
    if sys.version_info >= (3, 13):  # the json module words some errors anew from 3.13
        message = entry.get("message_py313", message)
    return message.replace("{file}", str(CORPUS / name))


# ---- the corpus itself ------------------------------------------------------------------------
def test_the_corpus_is_large_and_every_file_has_its_message():
    assert len(MANIFEST) >= 50
    on_disk = {p.name for p in CORPUS.iterdir()} - {"expected.toml"} - TABLES
    listed = {n for n, e in MANIFEST.items() if not e.get("absent")}
    assert on_disk == listed
    for name, entry in MANIFEST.items():
        assert set(entry) <= {"message", "message_py313", "exit", "args", "absent", "simulate"}, (
            name
        )
        assert entry["message"].startswith("{file}: "), name
        assert "\n" not in entry["message"], name
        assert entry["exit"] == 2, name
        if entry.get("absent"):
            assert not (CORPUS / name).exists()
    # the simulated case is a valid problem: only the simulated denial makes it fail
    assert load(CORPUS / "no-permission.toml").name == "bad"


# ---- the command line -------------------------------------------------------------------------
@pytest.mark.parametrize("command", ["solve", "validate"])
@pytest.mark.parametrize("name", CASES)
def test_the_command_prints_one_line_and_exits_2(monkeypatch, name, command):
    entry = MANIFEST[name]
    path = str(CORPUS / name)
    if entry.get("simulate") == "permission":
        deny_reading(monkeypatch, path)
    result = CliRunner().invoke(cli, [command, path, *entry.get("args", [])])
    assert result.exit_code == entry["exit"], result.output
    assert isinstance(result.exception, SystemExit)  # an exit, not an escaped exception
    assert result.stdout == ""
    assert result.stderr == f"error: {expected_line(name)}\n"


# ---- the Python API --------------------------------------------------------------------------
@pytest.mark.parametrize("name", CASES)
def test_the_loader_raises_the_same_message(monkeypatch, name):
    entry = MANIFEST[name]
    path = str(CORPUS / name)
    if entry.get("simulate") == "permission":
        deny_reading(monkeypatch, path)
    args = entry.get("args", [])
    kwargs = {LOAD_ARGS[a]: int(v) for a, v in zip(args[::2], args[1::2], strict=True)}
    with pytest.raises(InputError) as info:
        load(path, **kwargs)
    assert str(info.value) == expected_line(name)
    assert info.value.exit_code == 2


# ---- a real process: no traceback reaches the terminal --------------------------------------------
def test_separate_processes_print_one_line():
    names = ["binary.toml", "deeply-nested.json", "expression-code.toml", "json-huge-number.json"]
    code = (
        "import sys\n"
        "from optimizer.cli import main\n"
        "sys.argv = ['optimizer', 'validate', sys.argv[1]]\n"
        "main()\n"
    )
    # one interpreter per file (each exits); run them side by side
    procs = {
        n: subprocess.Popen(
            [sys.executable, "-c", code, str(CORPUS / n)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=ROOT,
        )
        for n in names
    }
    for name, proc in procs.items():
        out, err = proc.communicate(timeout=60)
        assert proc.returncode == 2, (name, err)
        assert out == ""
        assert err == f"error: {expected_line(name)}\n"
