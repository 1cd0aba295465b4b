"""One published figure of a harmonised report before it becomes a record: what the table says
about it (part, service, category, scope, indicator) and where it stood."""

from __future__ import annotations

from dataclasses import dataclass, field

from transparency.reading.periods import Period

from .template import CATEGORIES, KEYWORD_PARENT, TOTAL, other_label


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
    own_code: str = ""  # an "Other" row kept under its own printed code (KEYWORD_OTHER_<...>)
    value: float | None = None  # set by emit.coerce
    qualifier: str = ""  # set by emit.coerce: "", "approx", "lower_bound", "not_a_number", ...
    value_text: str = ""

    @property
    def policy_label(self) -> str:
        """The raw policy label: the category code; "Other" rows name their parent."""
        if self.other and self.own_code:
            return f"{self.parent} / {self.own_code}" if self.parent else self.own_code
        if self.other:
            label = other_label(self.parent) if self.parent else self.category
            return f"{label} #{self.other_no}" if self.other_no else label
        return self.category

    @property
    def where(self) -> str:
        return f"{self.service}, {self.scope}" if self.scope != "EU" else self.service


class Parents:
    """The high-level category each row of a wide table (parts 3-6) sits under.

    A ``KEYWORD_*`` code of the template names its own category. A ``KEYWORD_OTHER`` row (or a
    provider's own keyword) sits under the category row above it: first the last one at the same
    service and scope; failing that, the category row above it at another scope of the same
    service, as when a provider prints each category once for all Member States
    (``AT, […], SE``) and its "Other" rows per country beneath it. A ``TOTAL`` row, or a keyword
    of another category in between, ends that block: no category is guessed across it.
    """

    def __init__(self) -> None:
        self._at: dict[tuple[str, str], str] = {}  # (service, scope) -> last category row there
        self._block: dict[str, str] = {}  # service -> the category whose block the table is in

    def of(self, service: str, scope: str, code: str, other: bool) -> tuple[str, str]:
        """(parent, how) for a row: how is "" when the parent is certain (or the row needs none),
        "above" when read from a category row at another scope, "none" when none was found."""
        if code == TOTAL:
            self._block[service] = ""
            return "", ""
        if code in CATEGORIES or code.startswith("STATEMENT_CATEGORY_"):
            self._at[(service, scope)] = self._block[service] = code
            return "", ""
        known = KEYWORD_PARENT.get(code, "")
        if known and not other:
            if self._block.get(service) != known:
                self._block[service] = ""
            return known, ""
        if not (other or code.startswith("KEYWORD_")):
            return "", ""
        if parent := self._at.get((service, scope), ""):
            return parent, ""
        if parent := self._block.get(service, ""):
            return parent, "above"
        return "", "none"


def other_parent_note(printed: str, service: str, parent: str, scope: str) -> str:
    """The warning for a row whose category is read from a row above it, or not found at all."""
    if parent:
        return (
            f"DQ: {printed} rows of {service} with no category row at their own scope (first: "
            f"scope {scope}) read under the category row above them ({parent})"
        )
    return (
        f"DQ: {printed} row of {service} under no high-level category (scope {scope}); kept "
        "as printed, not harmonised"
    )
