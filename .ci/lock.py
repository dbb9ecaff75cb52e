"""Merge the `pip freeze` of CI's newest passes into requirements/tested.txt (on stdout).

Usage: ``python .ci/lock.py FREEZE_3_11 FREEZE_3_13 > requirements/tested.txt``; run by
``UPDATE_TESTED=1 bash .ci/run`` once every CI step has passed. A package at the same version
on both Pythons is pinned once; one that differs (newer releases that need Python >= 3.12) is
pinned per Python with a ``python_version`` marker, so the file installs on either.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

HEADER = """\
# The exact set of packages CI tested with the newest versions setup.cfg allows: a `pip freeze`
# of the Python 3.11 and the Python 3.13 passes of .ci/run (without the project itself), merged;
# a version that differs between the two carries a python_version marker (3.12 takes the 3.13
# set, untested). Rewritten by `UPDATE_TESTED=1 bash .ci/run` after every CI step has passed.
# To install exactly what CI tested:
#     pip install -c requirements/tested.txt '.[test]'
# CI itself installs the newest versions (no constraints) and the oldest (requirements/oldest.txt).
"""


def read_freeze(path: str) -> dict[str, str]:
    """``{normalised name: "Name==version"}`` from one ``pip freeze`` output."""
    pins = {}
    for line in Path(path).read_text().splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if "==" not in line:
            raise SystemExit(f"{path}: not a pinned requirement: {line!r}")
        name = line.split("==", 1)[0]
        pins[re.sub(r"[-_.]+", "-", name).lower()] = line
    return pins


def merge(old: dict[str, str], new: dict[str, str]) -> list[str]:
    """Pins for both Pythons: ``old`` from 3.11, ``new`` from 3.13."""
    lines = []
    for key in sorted(old.keys() | new.keys()):
        a, b = old.get(key), new.get(key)
        if a == b:
            lines.append(a)
            continue
        if a is not None:
            lines.append(f'{a} ; python_version < "3.12"')
        if b is not None:
            lines.append(f'{b} ; python_version >= "3.12"')
    return lines


def main(argv: list[str]) -> int:
    if len(argv) != 3:
        print(__doc__.splitlines()[2], file=sys.stderr)
        return 2
    sys.stdout.write(HEADER + "\n".join(merge(read_freeze(argv[1]), read_freeze(argv[2]))) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
