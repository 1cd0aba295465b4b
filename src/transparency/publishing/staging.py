"""Write a folder of outputs all at once: into a hidden folder beside the target, moved into place
only when everything was written. A failure, a full disk or Ctrl+C leaves the target as it was."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


@contextmanager
def staged_dir(target: Path, *, replace: bool = False) -> Iterator[Path]:
    """Yield an empty folder to write into; on success its files go to ``target`` (made if missing).

    ``replace``: the target folder is swapped for the new one as a whole (its old content goes);
    otherwise the new files are moved into it, replacing files of the same name and keeping others.
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.partial-", dir=target.parent))
    os.chmod(tmp, 0o777 & ~_umask())
    old: Path | None = None
    try:
        yield tmp
        if not target.exists():
            os.replace(tmp, target)
        elif replace:
            old = target.with_name(f".{target.name}.old-{os.getpid()}")
            os.replace(target, old)
            os.replace(tmp, target)
        else:
            for f in sorted(p for p in tmp.rglob("*") if p.is_file()):
                dest = target / f.relative_to(tmp)
                dest.parent.mkdir(parents=True, exist_ok=True)
                os.replace(f, dest)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
