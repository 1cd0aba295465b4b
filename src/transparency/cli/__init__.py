"""The ``transparency`` command line: ``app`` holds the Typer app and its shared helpers, one
module per command group adds its commands, ``main`` puts them together. A new command goes in
the module of its group (or a new ``<group>_commands.py`` listed in ``main``).
"""
