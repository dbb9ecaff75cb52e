"""The report's inputs section: every number of the flagship listed with its object's source,
and each input's tag (source, judgment, source + judgment, missing) read from its source text.
"""

from __future__ import annotations

import re
import tomllib

from conftest import ROOT

import optimizer
from optimizer.report.build import build_report
from optimizer.report.html import render_html
from optimizer.report.inputs import input_groups, tag_of


def numbers(value) -> list[float]:
    """Every number in a document value (booleans are not numbers; a distribution counts as its
    point value, which is what the inputs section lists)."""
    if isinstance(value, bool | str):
        return []
    if isinstance(value, int | float):
        return [float(value)]
    if isinstance(value, dict) and isinstance(value.get("dist"), str):
        return [
            float(value.get("point", value.get("mode", value.get("median", value.get("mean")))))
        ]
    if isinstance(value, dict):
        return [x for v in value.values() for x in numbers(v)]
    if isinstance(value, list):
        return [x for v in value for x in numbers(v)]
    return []


def listed(group) -> set[float]:
    out = set()
    for it in group.items:
        for tok in re.findall(r"(?<!\d)-?\d+(?:\.\d+)?(?:e-?\d+)?", it.value):
            out.add(float(tok))
    return out


def test_every_number_of_the_flagship_is_listed_with_its_objects_source() -> None:
    # numbers read from the TOML file itself, object by object
    doc = tomllib.loads((ROOT / "problems" / "canada_us_2025.toml").read_text())
    groups = {g.path: g for g in input_groups(optimizer.load("canada-us-2025"))}
    assert set(numbers(doc["problem"])) <= listed(groups["problem"])
    for i, s in enumerate(doc["scenarios"]):
        g = groups[f"scenarios[{i}]"]
        assert set(numbers(s)) <= listed(g) and g.source == s["source"]
    for i, r in enumerate(doc["resources"]):
        g = groups[f"resources[{i}]"]
        assert set(numbers(r)) <= listed(g) and g.source == r["source"]
    for i, c in enumerate(doc["commitments"]):
        for j, o in enumerate(c.get("options", [c])):
            g = groups[f"commitments[{i}].options[{j}]"]
            assert set(numbers({k: o[k] for k in ("use", "value", "start") if k in o})) <= listed(g)
            assert g.source == (o.get("source") or c.get("source", ""))
    for i, r in enumerate(doc.get("relations", [])):
        g = groups[f"relations[{i}]"]
        assert set(numbers(r)) <= listed(g)
    # the flagship cites a source for everything
    assert not [g.label for g in groups.values() if g.missing]


def test_tags_say_source_judgment_or_missing(tmp_path) -> None:
    assert tag_of("") == "missing"
    assert tag_of("judgment") == "judgment"
    assert tag_of("scores [I], canada_us_facts.md B1") == "judgment"
    assert tag_of("judgement, anchored on https://example.org/budget") == "source + judgment"
    assert tag_of("engineering study ES-12") == "source"
    path = tmp_path / "p.toml"
    path.write_text(
        """
[problem]
name = "tags"
[[resources]]
id = "r"
capacity = 3
source = "plan, table 2"
[[commitments]]
id = "a"
source = "judgment"
  [[commitments.options]]
  id = "x"
  use = { r = 1 }
  value = 2
  [[commitments.options]]
  id = "y"
  use = { r = 2 }
  value = 3
  source = "quote Q-1 (https://example.org/q1)"
[[commitments]]
id = "b"
value = 1
"""
    )
    groups = {g.label: g for g in input_groups(optimizer.load(path))}
    assert (groups["a.x"].tag, groups["a.x"].source_from) == ("judgment", "commitment")
    assert (groups["a.y"].tag, groups["a.y"].source_from) == ("source", "")
    assert groups["b"].tag == "missing" and groups["r"].tag == "source"
    rep = build_report(optimizer.load(path), sections=["inputs"])
    html = render_html(rep)
    assert "no source given" in html and 'href="https://example.org/q1"' in html
    notes = [b.text for b in rep.section("recommendation").blocks if hasattr(b, "kind")]
    assert any("have no source" in t for t in notes)
