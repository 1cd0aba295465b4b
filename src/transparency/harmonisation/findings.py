"""Findings: problems the build reports with source, file and row, instead of crashing or dropping."""

from __future__ import annotations

from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class Finding:
    severity: str  # "error" fails the build; "warning" is recorded and shown
    check: str  # e.g. "unmapped_label", "negative_count", "parse_warning"
    source_id: str
    file: str
    row: str
    message: str

    def __str__(self) -> str:
        where = ", ".join(x for x in (self.source_id, self.file, self.row) if x)
        return f"[{self.severity}] {where}: {self.message}"

    def as_row(self) -> dict:
        return asdict(self)


COLUMNS = ["severity", "check", "source_id", "file", "row", "message"]
