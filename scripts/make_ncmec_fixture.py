"""Write the project's own small PDFs in the layout of NCMEC's "CyberTipline Reports by ESP" tables.

The fixtures under tests/fixtures/ncmec_reports_by_esp/ let a fresh clone test the parser without
the real PDFs. They reproduce what the parser relies on: an intro paragraph above the table, an
"ESP … Reports" header whose right edge the counts are right-aligned to, a page header and page
number from page 2, long ESP names wrapped onto a second line with the count beside the first
line (2019) or between the two lines (2021), the total row, the footer and the copyright line.
Rows are real rows of the published tables (see the README there); totals are the sums of the
rows shown, except where the README says a total was altered on purpose.

No PDF library is needed: the file is written by hand (standard Courier font, so every glyph is
0.6 em wide and right alignment is exact). The output is deterministic.

    python scripts/make_ncmec_fixture.py [--out tests/fixtures/ncmec_reports_by_esp]
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass, field
from pathlib import Path

PAGE_W, PAGE_H = 612, 792
LEFT, RIGHT = 122.0, 490.0  # name column start; right edge of header and counts
PITCH, WRAP = 16.3, 13.2  # row pitch and line pitch inside a wrapped name


@dataclass
class Page:
    ops: list[str] = field(default_factory=list)
    y: float = 0.0

    def text(self, x: float, y: float, s: str, size: float = 11) -> None:
        esc = s.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)").replace("©", "\\251")
        self.ops.append(f"BT /F1 {size:g} Tf {x:.2f} {y:.2f} Td ({esc}) Tj ET")

    def right(self, y: float, s: str, size: float = 11) -> None:
        self.text(RIGHT - 0.6 * size * len(s), y, s, size)

    def header(self, label: str) -> None:
        self.text(LEFT, self.y, "ESP", 12)
        self.right(self.y, label, 12)
        self.y -= 24

    def row(self, name: str, count: str) -> None:
        self.text(LEFT, self.y, name)
        self.right(self.y, count)
        self.y -= PITCH

    def wrapped(self, first: str, second: str, count: str, *, count_between: bool) -> None:
        self.text(LEFT, self.y, first)
        self.text(LEFT, self.y - WRAP, second)
        self.right(self.y - WRAP / 2 if count_between else self.y, count)
        self.y -= WRAP + PITCH


def page_top(year: int, number: int) -> Page:
    page = Page()
    if number > 1:
        page.text(LEFT, 740, f"{year} Reports by ESP", 14)
        page.right(740, str(number), 14)
        page.y = 700
    return page


def finish(page: Page, year: int, footer: str | None) -> str:
    if footer:
        page.text(203.5, 52, footer, 10)
    page.text(
        149.9,
        34,
        f"Copyright © {year + 1} National Center for Missing & Exploited Children. "
        "All rights reserved.",
        8,
    )
    return "\n".join(page.ops)


def title_page(year: int, intro: list[str]) -> Page:
    page = Page()
    page.text(174.5, 620, f"{year} CyberTipline Reports by", 18)
    page.text(156.1, 598, "Electronic Service Providers (ESP)", 18)
    y = 560.0
    for line in intro:
        page.text(72, y, line)
        y -= 14
    page.y = y - 24
    return page


def pdf_bytes(pages: list[str], title: str) -> bytes:
    """A minimal, valid PDF 1.4: catalog, page tree, one Courier font, one stream per page."""
    objects: list[bytes] = []
    n_pages = len(pages)
    kids = " ".join(f"{5 + 2 * i} 0 R" for i in range(n_pages))
    objects.append(b"<< /Type /Catalog /Pages 2 0 R >>")
    objects.append(f"<< /Type /Pages /Kids [{kids}] /Count {n_pages} >>".encode())
    objects.append(
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Courier /Encoding /WinAnsiEncoding >>"
    )
    objects.append(
        f"<< /Title ({title}) /Producer (transparency scripts/make_ncmec_fixture.py) >>".encode()
    )
    for i, content in enumerate(pages):
        stream = content.encode("latin-1")
        objects.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {PAGE_W} {PAGE_H}] "
            f"/Resources << /Font << /F1 3 0 R >> >> /Contents {6 + 2 * i} 0 R >>".encode()
        )
        objects.append(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R /Info 4 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def sample_2021() -> bytes:
    """Two pages, 2021 layout: both wrap styles, a name starting with digits, 'Total:'."""
    p1 = title_page(
        2021,
        [
            "NCMEC's CyberTipline is the nation's centralized reporting system for the online exploitation",
            "In 2021, the CyberTipline received more than 29.3 million reports. 29.1 million of these",
            "The following is a breakdown of reports by electronic service providers, page 1 of 2",
        ],
    )
    p1.header("Number of Reports")
    p1.row("4chan", "973")
    p1.row("Facebook", "22,118,952")
    p1.row("Instagram", "3,393,654")
    p1.wrapped("Web.com/Network Solutions/", "Register/NameBargain", "3", count_between=True)
    p1.row("Wickr", "15")
    p2 = page_top(2021, 2)
    p2.header("Number of Reports")
    p2.wrapped("EasyOnlineSolutions/MojoHost/", "North Tone/Hosthead", "41", count_between=True)
    p2.row("WhatsApp", "1,372,696")
    p2.row("Total:", "26,886,334")
    return pdf_bytes(
        [finish(p1, 2021, None), finish(p2, 2021, "MissingKids.org/CyberTiplineData")],
        "2021 Reports by Electronic Service Providers (ESP)",
    )


def sample_2019() -> bytes:
    """One page, 2019 layout: '*' family totals, count beside the first line of a wrapped name,
    'Totals:' one more than the rows (the warning case)."""
    p1 = title_page(
        2019,
        [
            "In 2019, the CyberTipline received 16.9 million reports related to suspected child sexual",
            "These reports contained 69.1 million videos, images and files.",
            "*Report totals for related platforms and companies have been combined.",
        ],
    )
    p1.header("Number of Reports")
    p1.row("Facebook*", "15,884,511")
    p1.wrapped("Deluxe Corporation/ColoCrossing /", "HudsonValleyHost", "22", count_between=False)
    p1.row("Google*", "449,283")
    p1.row("Twitter, Inc.", "45,726")
    p1.row("Totals:", "16,379,543")
    return pdf_bytes(
        [finish(p1, 2019, "MissingKids.org/CyberTiplineData")],
        "2019 CyberTipline Reports by Electronic Service Providers (ESP)",
    )


def sample_2023() -> bytes:
    """One page, 2023 layout: header 'ESP Reports', 'Total' without a colon, X's two accounts."""
    p1 = title_page(
        2023,
        [
            "NCMEC's CyberTipline is a designated reporting mechanism for the public and electronic",
            "CyberTipline received more than 36.2 million reports, with the vast majority referring to",
        ],
    )
    p1.header("Reports")
    p1.row("Instagram, Inc.", "11,430,007")
    p1.row("Twitter, Inc. / Vine.co", "597,087")
    p1.row("WhatsApp Inc.", "1,389,618")
    p1.row("X Corp", "273,416")
    p1.row("Total", "13,690,128")
    return pdf_bytes(
        [finish(p1, 2023, "NCMEC.org/CyberTiplineData")],
        "2023 CyberTipline Reports by Electronic Service Providers (ESP)",
    )


FIXTURES = {
    "ncmec-esp-sample-2019.pdf": sample_2019,
    "ncmec-esp-sample-2021.pdf": sample_2021,
    "ncmec-esp-sample-2023.pdf": sample_2023,
}


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument(
        "--out",
        type=Path,
        default=Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "ncmec_reports_by_esp",
    )
    args = ap.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    for name, make in FIXTURES.items():
        (args.out / name).write_bytes(make())
        print(f"wrote {args.out / name}")


if __name__ == "__main__":
    main()
