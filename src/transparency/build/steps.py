"""The build steps of the other domains, in order.

Each domain module exposes ``step(ctx: BuildContext) -> None`` which creates its own tables (DDL in
its own ``schema_<domain>.sql`` beside it) and fills them from ``ctx.data_dir`` and ``ctx.store``.
Problems are appended to ``ctx.findings`` (severity "error" fails the build, naming source, file
and row; the previous warehouse is kept). Add ``("name", module.step)`` here to include a step.
"""

from __future__ import annotations

from transparency.accountability import build_step as actions
from transparency.accountability import ncmec_crosscheck as ncmec
from transparency.sor import build_step as sor_build_step
from transparency.sor import platform_daily as sor_platform_daily

STEPS: list = [
    ("actions", actions.step),
    ("cybertipline_crosscheck", ncmec.step),
    ("sor", sor_build_step.step),
    ("sor_platform_daily", sor_platform_daily.step),
]
