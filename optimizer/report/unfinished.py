"""The report under a time budget (``--max-time``): a note in each section that its step
finished after the budget ran out (its analysis was stopped, or cut short, at the budget)."""

from __future__ import annotations

from collections.abc import Callable

from solvers.deadline import expired

from ..analysis.partial import NOTE


class BudgetMarks:
    """Wraps the report's ``progress`` callback: at each step's start (and at ``finish``),
    the sections the previous step added are marked when the budget is spent by then."""

    def __init__(self, sections: list, note: Callable[[str], object]) -> None:
        self.sections = sections  # the report's list, filled as the steps run
        self.note = note  # makes the block (build.Note), so this module needs no build
        self.seen = 0
        self.check()

    def check(self) -> None:
        if expired():
            for sec in self.sections[self.seen :]:
                sec.blocks.insert(0, self.note(f"{NOTE}: this section is incomplete."))
        self.seen = len(self.sections)

    def wrap(self, say: Callable[[str], None]) -> Callable[[str], None]:
        def step(label: str) -> None:
            if not label.startswith("montecarlo "):  # draws within a step
                self.check()
            say(label)

        return step


def unfinished_sections(report) -> list[str]:
    """The titles of the sections the budget left incomplete."""
    return [
        s.title
        for s in report.sections
        if any(getattr(b, "text", "").startswith(NOTE) for b in s.blocks)
    ]
