"""The report's blocks for a problem with conditional tranches (``stage = 2``): each
scenario's tranches of the recommended offer, and what the analyses mean by a package."""

from __future__ import annotations

from ..document import Note, Paragraph, Table


def recommendation_blocks(spec, sol) -> list:
    """One row per scenario: the tranches the recommended offer takes there."""
    if not getattr(sol, "tranches", None):
        return []
    names = {c.id: c.name for c in spec.commitments}
    rows = []
    for sid, choices in sol.tranches.items():
        taken = ", ".join(str(c) for c in choices) or "none"
        what = "; ".join(names.get(c.commitment) or c.commitment for c in choices)
        rows.append([sid, taken, what])
    return [
        Paragraph(
            "The package above is the offer, decided now. Its conditional tranches (stage 2) "
            "are decided in each scenario once it is known; the analyses below name, count and "
            "compare offers, each with its tranches re-optimised per scenario."
        ),
        Table(
            ["scenario", "tranches taken", "what they are"],
            rows,
            caption="Conditional tranches of the recommended offer, by scenario",
            id="tranches",
        ),
    ]


def sensitivity_blocks(rep) -> list:
    """The tornado's base-offer values and the notes of a sensitivity with tranches."""
    if not getattr(rep, "offers", False):
        return []
    rows = [
        [r.input, r.value_low, r.offer_low, r.value_high, r.offer_high]
        for r in rep.tornado
        if r.swing > 1e-9
    ]
    out: list = [Note(n) for n in rep.notes]
    if rows:
        out.append(
            Table(
                ["input", "optimum at low", "offer at low", "optimum at high", "offer at high"],
                rows,
                right=(1, 2, 3, 4),
                caption=(
                    "The recommended offer's value at each tornado setting, its tranches "
                    "re-optimised there, beside the optimum"
                ),
                id="tornado-offer",
            )
        )
    return out


def alternatives_blocks(alts) -> list:
    """Each listed offer's best conditional tranches, one column per scenario."""
    from ...analysis.package_diff import package_text

    listed = [a for a in alts.alternatives if a.tranches]
    if not listed:
        return []
    sids = list(listed[0].tranches)
    rows = [
        [str(a.rank), *(package_text(a.tranches[s]) if a.tranches.get(s) else "none" for s in sids)]
        for a in listed
    ]
    return [
        Table(
            ["#", *sids],
            rows,
            caption="Each offer's best conditional tranches, by scenario",
            id="alternatives-tranches",
        )
    ]
