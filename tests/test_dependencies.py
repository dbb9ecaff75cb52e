"""The declared dependency range is the tested one: setup.cfg's lower bounds are the pins of
requirements/oldest.txt (CI's oldest pass), the tested lock lies inside the range, and the
code paths kept for older highspy releases do what the newer API does."""

from __future__ import annotations

import configparser
import importlib.util
from pathlib import Path

import numpy as np
import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[1]
# Extras CI installs (the test extra) or that only repeat its packages; "bench" (linopy) is
# not installed by CI, so its bound is declared but untested.
TESTED_EXTRAS = ("test", "plot", "distributed", "frames")


def _requirements(value: str) -> list[Requirement]:
    lines = (line.strip() for line in value.splitlines())
    return [Requirement(line) for line in lines if line and not line.startswith("#")]


def _setup_cfg() -> tuple[list[Requirement], dict[str, list[Requirement]]]:
    cfg = configparser.ConfigParser()
    cfg.read(ROOT / "setup.cfg")
    runtime = _requirements(cfg["options"]["install_requires"])
    extras = {k: _requirements(v) for k, v in cfg["options.extras_require"].items()}
    return runtime, extras


def _pins(name: str) -> list[Requirement]:
    text = (ROOT / "requirements" / name).read_text()
    reqs = []
    for line in text.splitlines():
        line = line.split(" #", 1)[0].strip()
        if line and not line.startswith("#"):
            reqs.append(Requirement(line))
    return reqs


def _lower_bound(req: Requirement) -> Version | None:
    bounds = [Version(s.version) for s in req.specifier if s.operator in (">=", "==", "~=")]
    return max(bounds) if bounds else None


def test_every_dependency_has_a_lower_bound():
    runtime, extras = _setup_cfg()
    assert runtime, "setup.cfg declares no install_requires"
    every = runtime + [r for reqs in extras.values() for r in reqs]
    missing = [str(r) for r in every if _lower_bound(r) is None]
    assert missing == []


def test_oldest_pins_are_the_declared_lower_bounds():
    runtime, extras = _setup_cfg()
    declared: dict[str, Version] = {}
    for req in runtime + [r for e in TESTED_EXTRAS for r in extras[e]]:
        name = canonicalize_name(req.name)
        bound = _lower_bound(req)
        assert declared.setdefault(name, bound) == bound, f"{name}: two lower bounds in setup.cfg"
    pins = {}
    for req in _pins("oldest.txt"):
        (spec,) = req.specifier  # exactly one "==" each
        assert spec.operator == "==", f"oldest.txt: {req} is not a pin"
        pins[canonicalize_name(req.name)] = Version(spec.version)
    assert pins == declared


def test_the_tested_lock_lies_inside_the_declared_range():
    runtime, extras = _setup_cfg()
    allowed = {canonicalize_name(r.name): r.specifier for r in runtime + extras["test"]}
    locked = _pins("tested.txt")
    names = {canonicalize_name(r.name) for r in locked}
    assert set(allowed) <= names, "tested.txt misses a direct dependency"
    outside = [
        str(r)
        for r in locked
        if canonicalize_name(r.name) in allowed
        and not allowed[canonicalize_name(r.name)].contains(next(iter(r.specifier)).version)
    ]
    assert outside == []
    assert "commitment-optimizer" not in names


def test_the_lock_merge_marks_only_what_differs_by_python(tmp_path):
    spec = importlib.util.spec_from_file_location("ci_lock", ROOT / ".ci" / "lock.py")
    lock = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(lock)
    (tmp_path / "a").write_text("numpy==2.4.6\nPuLP==3.3.2\nzipp==4.1.2\n")
    (tmp_path / "b").write_text("# a comment\nnumpy==2.5.5\nPuLP==3.3.2\npydantic==2.14.4\n")
    assert lock.merge(lock.read_freeze(tmp_path / "a"), lock.read_freeze(tmp_path / "b")) == [
        'numpy==2.4.6 ; python_version < "3.12"',
        'numpy==2.5.5 ; python_version >= "3.12"',
        "PuLP==3.3.2",
        'pydantic==2.14.4 ; python_version >= "3.12"',
        'zipp==4.1.2 ; python_version < "3.12"',
    ]


class _OneRowAtATime:
    """A ``Highs`` as highspy < 1.13 has it: no ``changeRowsBounds``."""

    def __init__(self, h):
        self.h = h

    def changeRowBounds(self, row, lower, upper):
        return self.h.changeRowBounds(row, lower, upper)


@pytest.mark.parametrize("old_api", [False, True], ids=["changeRowsBounds", "one-row"])
def test_row_bounds_change_in_place_on_every_highspy(old_api):
    highspy = pytest.importorskip("highspy")
    from solvers.highs import change_rows_bounds

    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    for _ in range(2):
        h.addCol(1.0, 0.0, 10.0, 0, np.array([], dtype=np.int32), np.array([], dtype=float))
    for _ in range(3):  # x0 + x1 in [0, 10], three times
        h.addRow(0.0, 10.0, 2, np.array([0, 1], dtype=np.int32), np.array([1.0, 1.0]))
    target = _OneRowAtATime(h) if old_api else h
    change_rows_bounds(target, np.array([0, 2]), np.array([1.0, -np.inf]), np.array([4.0, 3.0]))
    lp = h.getLp()
    assert list(lp.row_lower_) == [1.0, 0.0, -highspy.kHighsInf]
    assert list(lp.row_upper_) == [4.0, 10.0, 3.0]
    h.changeObjectiveSense(highspy.ObjSense.kMaximize)
    h.run()
    assert h.getInfo().objective_function_value == pytest.approx(3.0)
