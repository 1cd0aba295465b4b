"""Source declarations and their discovery.

Every module in the ``scrapers`` package declares one source as a module-level ``SOURCE``
(:class:`SourceDeclaration`) and provides ``parse(path) -> ParseResult``; most also provide
``fetch(client, store) -> list[Snapshot]``. The core finds them by walking the package, so it never
names an individual source.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from types import ModuleType

# "curated transcription": a third party's transcription of other publishers' figures; where the
# publisher's own file is also loaded, views that pick one source prefer the publisher's.
KINDS = ("platform report", "third party", "curated transcription", "regulator", "DSA")
REQUIRED_FIELDS = (
    "id",
    "publisher",
    "kind",
    "title",
    "homepage",
    "formats",
    "cadence",
    "licence",
    "verification",
)
# How far a source's parser is verified: against real published files (all the formats it reads,
# or only some), or only against a layout the project wrote because no real page was available.
VERIFIED = "real file"
VERIFIED_PARTLY = "real file, partial"
UNVERIFIED = "layout written by the project, not yet checked against a live page"
VERIFICATIONS = (VERIFIED, VERIFIED_PARTLY, UNVERIFIED)


@dataclass(frozen=True)
class SourceDeclaration:
    id: str
    publisher: str
    kind: str  # one of KINDS
    title: str
    homepage: str
    formats: tuple[str, ...]
    cadence: str  # "quarterly", "half-yearly", "annual", "daily", "event-driven", ...
    licence: str
    download_urls: tuple[str, ...] = ()  # exact URLs or URL patterns with {year}, {quarter}...
    hosts: tuple[str, ...] = ()  # the only hosts fetch may follow
    reporter: str = "platform"  # who states the numbers: the platform itself, or e.g. "NCMEC"
    # (a parser may set RawRecord.reporter per row where one file holds both)
    platform: str = ""  # registry id of the platform the source is about, if one
    coverage: str = ""  # what the parser does and does not extract
    expected_lag_days: int = 90  # how long after a period ends a release is due
    tags: tuple[str, ...] = field(default_factory=tuple)
    # one of VERIFICATIONS; every source must say it (the default fails the check below)
    verification: str = ""
    verification_note: str = ""  # what exactly was (not) checked, e.g. which formats

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"source {self.id}: kind {self.kind!r} is not one of {KINDS}")
        if self.verification not in VERIFICATIONS:
            raise ValueError(
                f"source {self.id}: verification {self.verification!r} is not one of "
                f"{VERIFICATIONS}"
            )


@dataclass(frozen=True)
class Source:
    """A declaration with the module that implements it."""

    decl: SourceDeclaration
    module: ModuleType

    @property
    def id(self) -> str:
        return self.decl.id

    @property
    def parse(self) -> Callable:
        return self.module.parse

    @property
    def fetch(self) -> Callable | None:
        return getattr(self.module, "fetch", None)


class UnknownSource(KeyError):
    def __str__(self) -> str:
        known = ", ".join(sorted(all_sources()))
        return f"unknown source {self.args[0]!r}; known sources: {known}"


@cache
def all_sources() -> dict[str, Source]:
    """Every declared source, by id, discovered from the ``scrapers`` package."""
    import scrapers

    found: dict[str, Source] = {}
    for info in sorted(pkgutil.iter_modules(scrapers.__path__), key=lambda i: i.name):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"scrapers.{info.name}")
        decl = getattr(module, "SOURCE", None)
        if not isinstance(decl, SourceDeclaration):
            continue
        if decl.id in found:
            raise ValueError(f"source id {decl.id!r} declared twice")
        found[decl.id] = Source(decl, module)
    return found


def get_source(source_id: str) -> Source:
    try:
        return all_sources()[source_id]
    except KeyError:
        raise UnknownSource(source_id) from None
