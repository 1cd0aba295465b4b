"""One CSV part -> raw aggregate counts and rejects, in pure Python (the canonical reading).

The Spark engine runs this in its Python workers; the DuckDB engine uses it for the parts its
fast path cannot vouch for (a reject, a DuckDB error, a line-count mismatch). Both therefore agree
line for line. Keys are the raw cell values of ``columns.RAW_KEYS`` ('' for an empty cell).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from transparency.sor import columns as C
from transparency.sor.csvtext import Repairer, parse_line, unrepair


class LayoutError(ValueError):
    """A part whose header is not one of the published column lists."""


@dataclass(frozen=True)
class Layout:
    columns: tuple[str, ...]
    version: int  # 1 (37/33 columns) or 2 (38/34 columns)
    variant: str  # "full" or "light"

    @property
    def n_fields(self) -> int:
        return len(self.columns)

    @property
    def key_index(self) -> tuple[int, ...]:
        return tuple(self.columns.index(k) for k in C.RAW_KEYS)


def layout_of(header: str, where: str) -> Layout:
    cols = tuple(c.strip() for c in header.rstrip("\r").split(","))
    found = C.HEADERS.get(cols)
    if found is None:
        raise LayoutError(
            f"{where}: header is not a published dump header ({len(cols)} columns: "
            f"{','.join(cols[:3])},…)"
        )
    return Layout(cols, *found)


@dataclass(frozen=True)
class Reject:
    file: str
    line: int
    reason: str
    raw: str


@dataclass
class PartResult:
    label: str
    layout: Layout | None = None
    counts: Counter = field(default_factory=Counter)
    rejects: list[Reject] = field(default_factory=list)
    data_lines: int = 0  # non-empty physical lines after the header
    mode: str = "python"  # how it was read (the DuckDB engine reports its fast path here)
    note: str = ""  # why the fast path was not used, when it was not

    @property
    def accepted(self) -> int:
        return sum(self.counts.values())


def _lines(chunks: Iterable[bytes], repaired: bool) -> Iterable[bytes]:
    """Physical lines (without the newline) of a byte stream, repaired on the way unless it is."""
    rep = Repairer()
    carry = b""
    for chunk in chunks:
        data = carry + (chunk if repaired else rep.feed(chunk))
        lines = data.split(b"\n")
        carry = lines.pop()
        yield from lines
    carry += rep.flush()
    if carry:
        yield carry


def parse_part(
    chunks: Iterable[bytes], label: str, expect: Layout | None = None, repaired: bool = False
) -> PartResult:
    """Read one part line by line (raw dump bytes, or bytes already passed through the repair)."""
    out = PartResult(label)
    lines = iter(_lines(chunks, repaired))
    first = next(lines, None)
    if first is None:
        raise LayoutError(f"{label}: empty part (not even a header)")
    layout = layout_of(first.decode("utf-8", "replace"), label)
    if expect is not None and layout != expect:
        raise LayoutError(f"{label}: header differs from the dump's other parts")
    out.layout = layout
    n, idx = layout.n_fields, layout.key_index
    counts = out.counts
    for lineno, raw in enumerate(lines, start=2):
        if not raw:
            continue
        out.data_lines += 1
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError:
            out.rejects.append(
                Reject(label, lineno, "invalid UTF-8", unrepair(raw.decode("utf-8", "replace")))
            )
            continue
        fields = parse_line(line, n)
        if isinstance(fields, str):
            out.rejects.append(Reject(label, lineno, fields, unrepair(line)))
            continue
        counts[tuple(fields[i] for i in idx)] += 1
    return out


@dataclass
class EngineResult:
    layout: Layout | None
    counts: Counter = field(default_factory=Counter)
    rejects: list[Reject] = field(default_factory=list)
    parts: int = 0
    stats: dict = field(default_factory=dict)

    def add(self, part: PartResult) -> None:
        self.counts.update(part.counts)
        self.rejects.extend(part.rejects)
        self.parts += 1

    @property
    def rows(self) -> int:
        return sum(self.counts.values())


def first_layout(reader) -> Layout:
    """The column layout, from the first part's header (every part is checked against it)."""
    if not reader.dump.parts:
        raise LayoutError(f"{reader.path.name}: the dump holds no CSV part")
    part = reader.dump.parts[0]
    head = b""
    for chunk in reader.stream(part):
        head += chunk
        if b"\n" in head or len(head) > 65536:
            break
    return layout_of(
        head.split(b"\n", 1)[0].decode("utf-8", "replace"), f"{reader.path.name}/{part.label}"
    )
