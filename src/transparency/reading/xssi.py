"""Google's transparency-report JSON: responses start with the anti-XSSI guard ``)]}'``.

The guard (and the newline after it) must be stripped before the body is JSON. A body without the
guard is not one of these API responses (a consent page or an error page, say) and is refused.
"""

from __future__ import annotations

import json
from pathlib import Path

from transparency.reading.records import ParseError

PREFIX = ")]}'"


class XssiError(ValueError):
    """A body that is not a guarded JSON API response."""


def loads(data: bytes | str) -> object:
    """Strip the ``)]}'`` guard and parse the JSON that follows."""
    try:
        text = data.decode("utf-8-sig") if isinstance(data, bytes) else data.lstrip("\ufeff")
    except UnicodeDecodeError as exc:
        raise XssiError(f"not UTF-8 text (bad byte at offset {exc.start})") from exc
    text = text.lstrip()
    if not text.startswith(PREFIX):
        head = text[:40].replace("\n", "\\n")
        raise XssiError(
            f"does not start with the {PREFIX} guard of Google's JSON API (starts {head!r})"
        )
    try:
        return json.loads(text[len(PREFIX) :])
    except json.JSONDecodeError as exc:
        raise XssiError(f"not JSON after the {PREFIX} guard: {exc}") from exc


def load_file(path: Path) -> object:
    """The guarded JSON of a stored response; a ParseError naming the file when it is not one."""
    try:
        return loads(Path(path).read_bytes())
    except XssiError as exc:
        raise ParseError(path, str(exc)) from exc
