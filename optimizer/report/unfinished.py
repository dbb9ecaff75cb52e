"""The report under a time budget (``--max-time``): a note in each section that its step
finished after the budget ran out (its analysis was stopped, or cut short, at the budget)."""

from __future__ import annotations

from collections.abc import Callable

from solvers.deadline import expired

from ..analysis.partial import NOTE

# the sections of the report's steps, for a step not started because the budget was spent
STEPS = {
    "scenarios": ("voi", "Scenarios and the value of information"),
    "risk": ("risk", "Risk attitudes compared"),
    "sensitivity": ("sensitivity", "Sensitivity: tornado and tipping points"),
    "frontier": ("frontier", "Efficient frontier: value against resources"),
    "montecarlo": ("montecarlo", "Monte Carlo: how robust is the package?"),
    "alternatives": ("alternatives", "Alternatives: the next-best packages"),
}


class BudgetMarks:
    """Wraps the report's ``progress`` callback: at each step's start (and at ``finish``),
    the sections the previous step added are marked when the budget is spent by then."""

    def __init__(
        self, sections: list, note: Callable[[str], object], section: Callable[..., object]
    ) -> None:
        self.sections = sections  # the report's list, filled as the steps run
        self.note = note  # makes the block (build.Note), so this module needs no build
        self.section = section  # makes a section (document.Section)
        self.seen = 0
        self.check()

    def check(self) -> None:
        if expired():
            for sec in self.sections[self.seen :]:
                if not _marked(sec):
                    sec.blocks.insert(0, self.note(f"{NOTE}: this section is incomplete."))
        self.seen = len(self.sections)

    def late(self, step: str) -> bool:
        """Whether the budget is spent before ``step`` starts; if so the step's section is
        added, holding only the note that it was not computed (its analysis is not run)."""
        if not expired():
            return False
        self.check()
        sid, title = STEPS[step]
        text = f"{NOTE}: not computed (the budget ran out before this step)."
        self.sections.append(self.section(sid, title, [self.note(text)]))
        self.seen = len(self.sections)
        return True

    def wrap(self, say: Callable[[str], None]) -> Callable[[str], None]:
        def step(label: str) -> None:
            if not label.startswith("montecarlo "):  # draws within a step
                self.check()
            say(label)

        return step


def _marked(section) -> bool:
    return any(getattr(b, "text", "").startswith(NOTE) for b in section.blocks)


def unfinished_sections(report) -> list[str]:
    """The titles of the sections the budget left incomplete."""
    return [s.title for s in report.sections if _marked(s)]
