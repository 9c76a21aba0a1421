"""Command-line sub-commands; each module exposes ``register(app)``.

Modules import their heavy dependencies inside the command functions so that
``nscl --help`` starts fast.
"""
