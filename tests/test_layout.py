"""``render``'s own layout against rich's: the same characters and styles, byte for byte."""

import io

from hypothesis import given, settings
from hypothesis import strategies as st

from optimizer import api
from optimizer.report.tables import console, layout, solution_tables, table


def rich_render(renderables, width: int, color: bool) -> str:
    buf = io.StringIO()
    con = console(buf, width=width, color=color)
    for i, r in enumerate(renderables):
        if i:
            con.print()
        con.print(r)
    return buf.getvalue()


words = st.text(alphabet="abcdefghij0123456789.,-()$%", min_size=1, max_size=25)
cells = st.lists(words, max_size=8).map(" ".join) | st.sampled_from(["", " a", "a  b", "x  "])
numbers = st.floats(-1e5, 1e5) | st.integers(0, 5000) | st.none()


@st.composite
def tables(draw):
    n = draw(st.integers(1, 6))
    rows = draw(st.lists(st.lists(cells | numbers, min_size=n, max_size=n), max_size=8))
    right = [j for j in range(n) if draw(st.booleans())]
    title = draw(st.none() | cells)
    return table(title, draw(st.lists(cells, min_size=n, max_size=n)), rows, right=right)


texts = st.lists(cells, min_size=1, max_size=3).map("\n".join) | st.builds(
    lambda a, b: f"[bold]{a}[/bold]\n{b}", cells, cells
)


@settings(max_examples=400, deadline=None)
@given(
    st.lists(tables() | texts, min_size=1, max_size=3),
    st.sampled_from([1, 4, 10, 20, 40, 80, 100, 120]),
    st.booleans(),
)
def test_layout_is_what_rich_prints(renderables, width, color):
    text = layout(renderables, width, color=color)
    if text is not None:  # None: beyond the simple cases, rich renders
        assert text == rich_render(renderables, width, color)


def test_the_bundled_problems_need_no_rich():
    for name in ("canada-us-2025", "small-example", "capital-budgeting", "farmer"):
        out = solution_tables(api.solve(api.load(name)))
        for color in (False, True):
            text = layout(out, 100, color=color)
            assert text is not None and text == rich_render(out, 100, color)
