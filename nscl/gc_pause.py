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

__all__ = ["gc_paused", "spare_final_collections"]


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


def spare_final_collections() -> None:
    """Let the interpreter's shut-down collections skip every object alive now.

    For the end of a command-line process only. When Python exits it runs full
    collections over everything still tracked; after writing a master, that is some
    150,000 objects that XlsxWriter's workbook leaves in reference cycles, and walking and
    freeing them costs about 0.07 s that buys nothing, since the process's memory goes
    back to the system as a whole. Freezing moves them out of the collector's reach.
    """
    gc.disable()
    gc.freeze()
