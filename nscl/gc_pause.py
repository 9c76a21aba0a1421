"""Pausing the cyclic garbage collector around allocation-heavy work.

Reading a table or writing the master allocates hundreds of thousands of small,
acyclic objects (cells, rows, XlsxWriter's cell tuples). Each of the collector's
generational passes walks every tracked object, so they cost a large share of such
work (about 35 % of writing the master's table) and free nothing: reference counting
still frees everything as usual. Pauses nest; the collector resumes when the outermost
pause ends.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["gc_paused"]


@contextmanager
def gc_paused() -> Iterator[None]:
    """Disable the cyclic garbage collector for the ``with`` block, then restore it."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
