"""Pausing the cyclic garbage collector around allocation-heavy work.

Reading a table or writing the master allocates hundreds of thousands of small,
acyclic objects (cells, rows, XlsxWriter's cell tuples). Each of the collector's
generational passes walks every tracked object, so they cost a large share of such
work (about 35 % of writing the master's table) and free nothing: reference counting
still frees everything as usual. Pauses nest; the collector resumes when the outermost
pause ends.

A pause that ends with ``keep=True`` also moves everything then alive out of the
collector's generations (``gc.freeze``): for data that lives on until the end of a run
(the nightly run's reports), which each later full pass would otherwise walk again for
nothing, and for what a pause leaves in the youngest generation, which the first pass
after it would walk whole. :func:`release_kept` hands it all back to the collector
(``gc.unfreeze``), at the end of the run.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["gc_paused", "release_kept", "spare_final_collections"]


@contextmanager
def gc_paused(*, keep: bool = False) -> Iterator[None]:
    """Disable the cyclic garbage collector for the ``with`` block, then restore it; with
    ``keep``, first move every object then alive out of its reach (see the module)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if keep:
            gc.freeze()
        if was_enabled:
            gc.enable()


def release_kept() -> None:
    """Give the objects kept by :func:`gc_paused` back to the collector (the oldest
    generation, which it walks rarely)."""
    gc.unfreeze()


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
