"""The build steps of the other domains, in order. Each domain module exposes one function
``step(ctx: BuildContext) -> None``; add it here to make it part of every build."""

from __future__ import annotations

STEPS: list = []
