"""One published figure of a harmonised report before it becomes a record: what the table says
about it (part, service, category, scope, indicator) and where it stood."""

from __future__ import annotations

from dataclasses import dataclass, field

from transparency.periods import Period

from .template import TOTAL, other_label


@dataclass
class Cell:
    part: int
    provider: str  # the provider's name as printed (part 1), else the service
    service: str  # the service as printed (plus the Google surface, from vlop-dsa.json)
    period: Period
    period_label: str
    metric_label: str  # "<section> | <indicator>[ | <qualifier>]"
    kind: str  # count, share, hours, date, fte
    text: object  # the value as printed (a string from a file, a number from the JSON)
    row: str  # where it stood: "10_AMAR.csv line 3", "t10[407]"
    file: str  # the input's file name (for warnings)
    category: str = TOTAL  # canonical category code (TOTAL, STATEMENT_CATEGORY_*, KEYWORD_*)
    parent: str = ""  # the high-level category of a KEYWORD_* row
    other: bool = False  # a "not captured by any other sub-category" row (KEYWORD_OTHER*)
    scope: str = "EU"  # EU, an ISO country code, lang:xx, or the cell as printed when unknown
    notes: list[str] = field(default_factory=list)
    report: str = ""  # the folder or workbook of the report it came from (several in one input)
    other_no: int = 0  # the n-th of several "Other" rows whose figures cannot be summed (medians)
    value: float | None = None  # set by emit.coerce
    qualifier: str = ""  # set by emit.coerce: "", "approx", "lower_bound", "not_a_number", ...
    value_text: str = ""

    @property
    def policy_label(self) -> str:
        """The raw policy label: the category code; "Other" rows name their parent."""
        if self.other:
            label = other_label(self.parent) if self.parent else self.category
            return f"{label} #{self.other_no}" if self.other_no else label
        return self.category

    @property
    def where(self) -> str:
        return f"{self.service}, {self.scope}" if self.scope != "EU" else self.service
