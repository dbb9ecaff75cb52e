"""The docs and the bundled problem documents as the API tests read them: a fenced block of a
Markdown page, a problem file as a plain TOML document."""

from __future__ import annotations

import re
import tomllib

from conftest import ROOT

DOCS = ROOT / "docs"


def fenced_after(text: str, marker: str, lang: str) -> str:
    """The first ```lang block after ``marker`` in a Markdown text."""
    at = text.index(marker)
    m = re.compile(rf"```{lang}\n(.*?)```", re.S).search(text, at)
    assert m, f"no ```{lang} block after {marker}"
    return m.group(1)


def document(name: str) -> dict:
    return tomllib.loads((ROOT / "problems" / f"{name}.toml").read_text())
