"""Output files under faults: written whole or not at all, and never a false "wrote".

A full disk is a real fault here, not a mock: the console script runs with a file-size limit
(``RLIMIT_FSIZE``, ``SIGXFSZ`` ignored), so a write past the limit fails with ``EFBIG`` as it
would with ``ENOSPC``. A device that is always full is a private ``/dev/full`` node made in
the test's folder (so that a regression replaces that node, not the machine's). Each failure
must give exit 2, one line on stderr naming the file, no "wrote", the old file unchanged (or
no file), and no temporary file left in the folder.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import resource
import signal
import stat
import subprocess
import sys
import threading

import pytest
from click.testing import CliRunner
from conftest import ROOT

from optimizer.cli import cli

GUARD_S = 300  # a run not ended by then is stuck


def run(args, cwd, *, limit: int | None = None, umask: int | None = None, tmp=None):
    """The console script, with a file-size limit of ``limit`` bytes (and ``umask``, and
    ``tmp`` as its temporary folder)."""

    def setup() -> None:
        if limit is not None:
            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
            resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
        if umask is not None:
            os.umask(umask)

    return subprocess.run(
        [sys.executable, "-m", "optimizer", *map(str, args)],
        cwd=cwd,
        preexec_fn=setup,
        capture_output=True,
        text=True,
        timeout=GUARD_S,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1", **({"TMPDIR": str(tmp)} if tmp else {})},
    )


def assert_failed_cleanly(proc, target, folder, before, old: bytes | None, named=None) -> str:
    """Exit 2, one line naming ``target`` (or a file matching the pattern ``named``), no
    "wrote"; ``target`` as it was, nothing new in ``folder``."""
    assert proc.returncode == 2, (proc.returncode, proc.stderr)
    lines = proc.stderr.splitlines()
    assert len(lines) == 1, proc.stderr
    named = named or re.escape(target)
    assert re.match(rf"error: {named}: cannot write the output: ", lines[0]), lines[0]
    assert "wrote" not in proc.stdout and not re.search(r"^wrote ", proc.stderr, flags=re.M)
    assert "Traceback" not in proc.stderr
    if old is None:
        assert not (folder / target).exists()
    else:
        assert (folder / target).read_bytes() == old
    assert {p.name for p in folder.iterdir()} == before  # no temporary file left
    return lines[0]


# ---- a full disk ------------------------------------------------------------------------------
@pytest.mark.parametrize("option", ["--mps", "--lp"])
def test_export_on_a_full_disk_fails_and_keeps_the_old_file(tmp_path, option):
    """It printed "wrote F", exited 0 and left a file cut at the limit."""
    name = "model" + option.replace("--", ".")
    ok = run(["export", "canada-us-2025", option, name], tmp_path)
    assert ok.returncode == 0, ok.stderr
    old = (tmp_path / name).read_bytes()
    assert len(old) > 10_000
    before = {p.name for p in tmp_path.iterdir()}
    tmp = tmp_path.parent / f"{tmp_path.name}-tmp"  # where HiGHS writes first
    tmp.mkdir()
    proc = run(["export", "canada-us-2025", option, name], tmp_path, limit=len(old) // 2, tmp=tmp)
    assert_failed_cleanly(proc, name, tmp_path, before, old)
    assert list(tmp.iterdir()) == []


def test_export_on_a_full_disk_leaves_no_new_file(tmp_path):
    proc = run(["export", "canada-us-2025", "--mps", "new.mps"], tmp_path, limit=5000)
    assert_failed_cleanly(proc, "new.mps", tmp_path, set(), None)


def test_solve_output_on_a_full_disk_fails_and_keeps_the_old_file(tmp_path):
    target = tmp_path / "result.json"
    target.write_text("the previous result\n")
    before = {p.name for p in tmp_path.iterdir()}
    proc = run(
        ["solve", "canada-us-2025", "--format", "json", "-o", "result.json"], tmp_path, limit=500
    )
    line = assert_failed_cleanly(proc, "result.json", tmp_path, before, b"the previous result\n")
    assert line == "error: result.json: cannot write the output: File too large"


def test_frontier_plot_on_a_full_disk_fails_and_keeps_the_old_plot(tmp_path):
    """It ended in a traceback (exit 1)."""
    pytest.importorskip("matplotlib")
    args = ["frontier", "small-example", "--resource", "budget", "--steps", "4", "--plot", "f.png"]
    ok = run(args, tmp_path)  # also builds Matplotlib's font cache before the limit is set
    assert ok.returncode == 0, ok.stderr
    old = (tmp_path / "f.png").read_bytes()
    before = {p.name for p in tmp_path.iterdir()}
    proc = run(args, tmp_path, limit=len(old) // 2)
    assert_failed_cleanly(proc, "f.png", tmp_path, before, old)


@pytest.mark.parametrize("name", ["report.html", "report.md"])
def test_report_on_a_full_disk_fails_and_keeps_the_old_report(tmp_path, name):
    pytest.importorskip("matplotlib")
    args = ["report", "small-example", "--sections", "scenarios", "-o", name]
    ok = run(args, tmp_path)
    assert ok.returncode == 0, ok.stderr
    old = (tmp_path / name).read_bytes()
    (tmp_path / name).write_bytes(old + b"<!-- the previous report -->")
    before = {p.name for p in tmp_path.iterdir()}
    charts = sorted((tmp_path / "report_files").glob("*")) if name.endswith(".md") else []
    proc = run(args, tmp_path, limit=len(old) // 2)
    # Markdown: a chart (larger than the text, written first) is the file that cannot be written
    named = r"report_files/[\w-]+\.png" if charts else None
    assert_failed_cleanly(
        proc, name, tmp_path, before, old + b"<!-- the previous report -->", named
    )
    assert sorted((tmp_path / "report_files").glob("*")) == charts


def test_a_write_that_loses_bytes_is_caught_by_the_size_check(tmp_path, monkeypatch):
    """Whatever loses bytes on the way (a writer that reports more than it wrote), the size
    read back from the disk decides: exit 2, the old file kept, no temporary file."""
    from optimizer.report import output

    monkeypatch.setattr(output, "_write_all", lambda fd, data: os.write(fd, data[: len(data) // 2]))
    target = tmp_path / "result.json"
    target.write_text("old")
    r = CliRunner().invoke(cli, ["solve", "small-example", "--format", "json", "-o", str(target)])
    assert r.exit_code == 2 and r.stdout == ""
    assert re.fullmatch(
        rf"error: {re.escape(str(target))}: cannot write the output: only \d+ of \d+ bytes "
        r"reached the disk\n",
        r.stderr,
    ), r.stderr
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["result.json"]


@pytest.mark.parametrize("umask", [0o022, 0o027], ids=["umask-022", "umask-027"])
def test_exported_and_written_files_get_the_usual_permissions(tmp_path, umask):
    """Exported models were 0600 whatever the umask."""
    proc = run(["export", "small-example", "--mps", "m.mps", "--lp", "m.lp"], tmp_path, umask=umask)
    assert proc.returncode == 0, proc.stderr
    proc = run(["solve", "small-example", "-o", "r.txt"], tmp_path, umask=umask)
    assert proc.returncode == 0, proc.stderr
    for name in ("m.mps", "m.lp", "r.txt"):
        assert stat.S_IMODE((tmp_path / name).stat().st_mode) == 0o666 & ~umask, name


# ---- paths that cannot be written --------------------------------------------------------------
@pytest.mark.parametrize(
    "args",
    [
        ["export", "small-example", "--mps", "{missing}/x.mps"],
        ["export", "small-example", "--lp", "{missing}/x.lp"],
        ["solve", "small-example", "-o", "{missing}/x.json"],
        ["frontier", "small-example", "--resource", "budget", "--steps", "3", "--plot",
         "{missing}/f.png"],
    ],
    ids=["export-mps", "export-lp", "solve", "frontier-plot"],
)  # fmt: skip
def test_a_missing_folder_is_one_located_line_and_exit_2(tmp_path, args):
    """``export`` and ``frontier --plot`` ended in a traceback (exit 1)."""
    if "--plot" in args:
        pytest.importorskip("matplotlib")
    missing = tmp_path / "no-such-folder"
    args = [a.format(missing=missing) for a in args]
    r = CliRunner().invoke(cli, args)
    assert r.exit_code == 2, r.output
    assert r.stderr == f"error: {args[-1]}: cannot write the output: No such file or directory\n"
    assert not missing.exists()


def test_a_directory_is_not_replaced(tmp_path):
    """(The command line's ``-o`` refuses a directory itself; the helper does too.)"""
    from optimizer.errors import OutputError
    from optimizer.report.output import atomic_write

    (tmp_path / "out").mkdir()
    with pytest.raises(OutputError) as info:
        atomic_write(tmp_path / "out", "text")
    assert (
        info.value.one_line() == f"{tmp_path / 'out'}: cannot write the output: it is a directory"
    )
    assert info.value.exit_code == 2
    assert (tmp_path / "out").is_dir() and list((tmp_path / "out").iterdir()) == []


# ---- devices, named pipes and links ------------------------------------------------------------
def device(tmp_path, name: str, minor: int):
    """A private character device node (1, minor): 3 is /dev/null, 7 is /dev/full."""
    path = tmp_path / name
    try:
        os.mknod(path, stat.S_IFCHR | 0o666, os.makedev(1, minor))
        os.close(os.open(path, os.O_WRONLY))
    except OSError:
        pytest.skip("cannot make a device node here (needs CAP_MKNOD)")
    return path


def test_output_to_a_full_device_is_an_error_and_the_device_stays(tmp_path):
    """``-o /dev/full`` replaced the device by a regular file and reported success."""
    full = device(tmp_path, "full", 7)
    r = CliRunner().invoke(cli, ["solve", "small-example", "--format", "json", "-o", str(full)])
    assert r.exit_code == 2, r.output
    assert r.stderr == f"error: {full}: cannot write the output: No space left on device\n"
    assert stat.S_ISCHR(full.stat().st_mode)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["full"]


def test_output_to_a_null_device_succeeds_and_the_device_stays(tmp_path):
    null = device(tmp_path, "null", 3)
    r = CliRunner().invoke(cli, ["solve", "small-example", "-o", str(null)])
    assert r.exit_code == 0, r.output
    assert r.stderr == f"wrote {null}\n"
    assert stat.S_ISCHR(null.stat().st_mode)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["null"]


def test_output_to_a_named_pipe_reaches_its_reader_and_the_pipe_stays(tmp_path):
    """A FIFO given to ``-o`` was replaced by a regular file; its reader got nothing."""
    fifo = tmp_path / "result.fifo"
    os.mkfifo(fifo)
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()), daemon=True)
    reader.start()
    proc = run(["solve", "small-example", "--format", "json", "-o", fifo.name], tmp_path)
    if reader.is_alive():  # the command never opened the pipe: release the reader
        with contextlib.suppress(OSError):
            os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
    reader.join(GUARD_S)
    assert proc.returncode == 0, proc.stderr
    assert stat.S_ISFIFO(fifo.lstat().st_mode)
    assert json.loads(got[0])["objective"]["expected"] == pytest.approx(9.8)
    assert [p.name for p in tmp_path.iterdir()] == ["result.fifo"]


@pytest.mark.parametrize("option", ["-o", "--mps"])
def test_output_through_a_symbolic_link_updates_its_target_and_keeps_the_link(tmp_path, option):
    """The link was replaced by a regular file and its target left stale."""
    (tmp_path / "real").mkdir()
    target = tmp_path / "real" / "result.mps"
    target.write_text("stale\n")
    link = tmp_path / "link.mps"
    link.symlink_to(target)
    args = ["solve", "small-example", "--format", "json", "-o", str(link)]
    if option == "--mps":
        args = ["export", "small-example", "--mps", str(link)]
    r = CliRunner().invoke(cli, args)
    assert r.exit_code == 0, r.output
    assert link.is_symlink() and link.resolve() == target
    text = target.read_text()
    assert text.rstrip().endswith("ENDATA") if option == "--mps" else json.loads(text)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link.mps", "real"]
    assert [p.name for p in target.parent.iterdir()] == ["result.mps"]


# ---- every writer goes through the one checked helper -------------------------------------------
WRITES = re.compile(
    r"\bos\.replace\(|\.write_text\(|\.write_bytes\(|\bmkstemp\(|NamedTemporaryFile\("
    r"|\bopen\([^)]*[\"'][wax]b?\+?[\"']|\.savefig\(|\bwriteModel\("
)
ALLOWED = {
    ("optimizer/report/output.py", "fig.savefig(buf, format=fmt, **options)"),
    ("optimizer/report/plots.py", 'fig.savefig(buf, format="svg", metadata={"Date": None})'),
    ("optimizer/report/plots.py", 'fig.savefig(buf, format="png", dpi=dpi, metadata={"Software": None})'),
    ("optimizer/bench/runs.py", 'with open("/proc/self/clear_refs", "w") as f:'),  # a kernel control
    ("optimizer/export.py", "return h.writeModel(tmp) != highspy.HighsStatus.kError"),  # via capture
}  # fmt: skip


def test_no_module_but_the_output_helper_writes_a_file():
    """Writes to the user's files go through ``atomic_write`` (figures into memory first,
    HiGHS' writer through ``capture``): a new writer cannot skip the checks unnoticed."""
    found = set()
    for path in sorted((ROOT / "optimizer").rglob("*.py")):
        rel = path.relative_to(ROOT).as_posix()
        for line in path.read_text(encoding="utf-8").splitlines():
            if WRITES.search(line) and not line.lstrip().startswith("#"):
                found.add((rel, line.strip()))
    output_helper = {f for f in found if f[0] == "optimizer/report/output.py"}
    assert {line for _, line in output_helper} >= {"os.replace(tmp, target)"}
    assert found - output_helper - ALLOWED == set()
