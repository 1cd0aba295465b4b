"""Build orchestration: compose a new warehouse file from ``data/`` and the snapshot store, run
the core steps and every domain's step (``steps``) in order, validate, and swap the new file in
atomically. A new build step is a ``step(ctx)`` function in its domain, listed in ``steps``.
"""
