"""Turn a parsed document (the dict a TOML or JSON file gives) into a ``ProblemSpec``.

Every error names its location in the document, in the form
``commitments[3].options[1].use.fiscal: expected a number, got 'abc'``.

The reader is layered: ``read_base`` (keys and typed primitives), ``read_items`` (each item),
here the whole problem and its CSV tables.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import TYPE_CHECKING

from ..errors import InputError, did_you_mean, printable
from .bulk import CommitmentTable, join_tables
from .criteria import read_criteria
from .model import (
    SENSES,
    Amount,
    Commitment,
    Option,
    ProblemSpec,
    Scenario,
)
from .read_base import (
    MAX_YEARS,
    PROBLEM_KEYS,
    TABLE_KEYS,
    TOP_KEYS,
    UNCERTAINTY_KEYS,
    attach,
    describe,
    is_distribution,
    join,
    parse_distribution,
)
from .read_items import ItemReader
from .shifts import read_shifts

if TYPE_CHECKING:
    from .csvrows import Row


class Reader(ItemReader):
    """Typed, located access to a parsed document: a whole problem."""

    def problem(self, doc: Mapping, *, default_name: str = "problem") -> ProblemSpec:
        doc = self.table(doc, "")
        self.keys(doc, TOP_KEYS, "")
        head = self.table(doc.get("problem", {}), "problem")
        self.keys(head, PROBLEM_KEYS, "problem")
        years = self.year_pair(head["years"], "problem.years") if "years" in head else None
        if years and years[1] - years[0] + 1 > MAX_YEARS:
            raise InputError(
                f"a horizon of {years[1] - years[0] + 1} years is more than the {MAX_YEARS} allowed",
                path="problem.years",
            )
        rate = (
            self.number(head["discount_rate"], "problem.discount_rate")
            if "discount_rate" in head
            else 0.0
        )
        if not -0.5 < rate < 10:
            raise InputError(
                f"expected a rate such as 0.03, got {rate!r}", path="problem.discount_rate"
            )
        sense = self.text(head, "sense", "problem", "maximize")
        if sense not in SENSES:
            raise InputError(
                f"unknown sense '{sense}'{did_you_mean(sense, SENSES)}", path="problem.sense"
            )
        name = self.ident(head["name"], "problem.name") if "name" in head else default_name
        n_periods = 1 if years is None else years[1] - years[0] + 1

        scenarios = tuple(self.each(doc, "scenarios", self.scenario)) or (Scenario("base", 1.0),)
        resources = tuple(self.each(doc, "resources", self.resource, years, n_periods))
        commitments = self.each(doc, "commitments", self.commitment)
        tables = self.each(doc, "tables", self.csv_table)
        commitments = join_tables(commitments, tables)
        relations = tuple(self.each(doc, "relations", self.relation))
        responses = tuple(self.each(doc, "responses", self.response))
        parameters = tuple(self.each(doc, "parameters", self.parameter))
        constraints = tuple(self.each(doc, "constraints", self.constraint))
        if "uncertainty" in doc:
            unc = self.table(doc["uncertainty"], "uncertainty")
            self.keys(unc, UNCERTAINTY_KEYS, "uncertainty")
            if "probabilities" in unc:
                raw = unc["probabilities"]
                if not is_distribution(raw):
                    raise InputError(
                        f"expected a distribution table such as "
                        f'{{ dist = "dirichlet", concentration = 50 }}, got {describe(raw)}',
                        path="uncertainty.probabilities",
                    )
                where = "uncertainty.probabilities"
                self.uncertain.append((where, parse_distribution(raw, where)))
        spec = ProblemSpec(
            name=name,
            responses=responses,
            parameters=parameters,
            constraints=constraints,
            title=self.text(head, "title", "problem"),
            description=self.text(head, "description", "problem"),
            years=years,
            discount_rate=rate,
            sense=sense,  # type: ignore[arg-type]
            value_unit=self.text(head, "value_unit", "problem"),
            source=self.text(head, "source", "problem"),
            scenarios=scenarios,
            resources=resources,
            commitments=commitments,
            relations=relations,
        )
        if "shifts" in doc:
            spec = replace(spec, shifts=read_shifts(self, doc["shifts"]))
        if "criteria" in doc:
            spec = replace(spec, criteria=read_criteria(self, doc["criteria"]))
        return attach(spec, self.uncertain) if self.uncertain else spec

    def csv_table(self, t: Mapping, path: str) -> list[Commitment]:
        self.keys(t, TABLE_KEYS, path, required=("file",))
        kind = self.text(t, "kind", path, "options")
        if kind != "options":
            raise InputError(
                f"unknown table kind '{kind}'; allowed: options", path=join(path, "kind")
            )
        if self._tables is None:
            raise InputError("tables are read only from a problem file", path=join(path, "file"))
        rows = self._tables(t, join(path, "file"))
        if isinstance(rows, CommitmentTable):  # already checked as columns
            return rows
        return commitments_from_rows(self, rows, self.string(t["file"], join(path, "file")))


CSV_FIXED = (
    "commitment",
    "option",
    "name",
    "description",
    "group",
    "source",
    "required",
    "value_per_year",
    "start_earliest",
    "start_latest",
    "commitment_name",
)


def _cell_amount(reader: Reader, text: str, path: str) -> Amount:
    parts = [p.strip() for p in text.split(";")]
    nums: list[float] = []
    for p in parts:
        try:
            nums.append(float(p))
        except ValueError:
            raise InputError(
                f"expected a number or numbers separated by ';', got {describe(text)}", path=path
            ) from None
    for x in nums:
        reader.number(x, path)
    return nums[0] if len(nums) == 1 else tuple(nums)


def _cell_bool(text: str, path: str) -> bool:
    t = text.strip().lower()
    if t in ("", "false", "no", "0"):
        return False
    if t in ("true", "yes", "1"):
        return True
    raise InputError(f"expected true or false, got {describe(text)}", path=path)


def commitments_from_rows(reader: Reader, rows: list[Row], fname: str) -> list[Commitment]:
    """Group CSV rows (``csvrows.Row``, one per option) into commitments, in first-seen
    order; an option id repeated within a commitment is refused at its line."""
    grouped: dict[str, dict] = {}
    first_line: dict[tuple[str, str], int] = {}
    for row in rows:
        where = f"{fname}:{row.line}"
        for col in row:
            if col not in CSV_FIXED and not col.startswith(("use.", "value.")):
                allowed = (*CSV_FIXED, "use.<resource>", "value.<scenario>")
                raise InputError(f"unknown column '{col}'{did_you_mean(col, allowed)}", path=fname)
        cid = reader.ident(row.get("commitment") or "", f"{where}.commitment")
        entry = grouped.setdefault(cid, {"options": [], "row": row, "where": where})
        use, value = {}, {}
        for col, cell in row.items():
            if cell is None or cell.strip() == "":
                continue
            if col.startswith("use."):
                use[reader.ident(col[4:], fname)] = _cell_amount(reader, cell, f"{where}.{col}")
            elif col.startswith("value."):
                value[reader.ident(col[6:], fname)] = _cell_amount(reader, cell, f"{where}.{col}")
        start = None
        se, sl = (row.get("start_earliest") or "").strip(), (row.get("start_latest") or "").strip()
        if se or sl:
            try:
                start = (int(se or sl), int(sl or se))
            except ValueError:
                raise InputError(
                    f"expected start years, got {describe(se + '/' + sl)}",
                    path=f"{where}.start_earliest",
                ) from None
        oid = reader.ident((row.get("option") or "yes").strip(), f"{where}.option")
        if (cid, oid) in first_line:
            raise InputError(
                f"duplicate option id '{oid}' of commitment '{cid}' "
                f"(also at line {first_line[cid, oid]})",
                path=f"{where}.option",
            )
        first_line[cid, oid] = row.line
        entry["options"].append(
            Option(
                id=oid,
                name=printable(row.get("name") or ""),
                description=printable(row.get("description") or ""),
                source=printable(row.get("source") or ""),
                use=use,
                value=value,
                value_per_year=_cell_bool(
                    row.get("value_per_year") or "", f"{where}.value_per_year"
                ),
                start=start,
            )
        )
    out = []
    for cid, entry in grouped.items():
        row = entry["row"]
        out.append(
            Commitment(
                id=cid,
                name=printable(row.get("commitment_name") or ""),
                group=printable(row.get("group") or ""),
                required=_cell_bool(row.get("required") or "", f"{entry['where']}.required"),
                options=tuple(entry["options"]),
            )
        )
    return out
