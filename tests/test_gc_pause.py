"""The cyclic collector pause used around allocation-heavy work."""

from __future__ import annotations

import gc
import subprocess
import sys

import pytest

from nscl.gc_pause import gc_paused


def _child(code: str) -> subprocess.CompletedProcess[str]:
    """Run ``code`` in a fresh interpreter (the collector's freezing is process-wide)."""
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=False, timeout=60)


def test_pause_nests_and_restores_the_collector() -> None:
    assert gc.isenabled()
    with gc_paused():
        assert not gc.isenabled()
        with gc_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()  # the outer pause still holds
    assert gc.isenabled()


def test_pause_ends_on_error_and_leaves_a_disabled_collector_alone() -> None:
    with pytest.raises(RuntimeError), gc_paused():
        raise RuntimeError("boom")
    assert gc.isenabled()
    gc.disable()
    try:
        with gc_paused():
            pass
        assert not gc.isenabled()  # it was off before: it stays off
    finally:
        gc.enable()


def test_a_kept_pause_freezes_what_is_alive_until_released() -> None:
    # In a child process: freezing is process-wide.
    code = (
        "import gc\n"
        "from nscl.gc_pause import gc_paused, release_kept\n"
        "with gc_paused(keep=True):\n"
        "    rows = [[i] for i in range(20000)]\n"
        "kept = gc.get_freeze_count()\n"
        "release_kept()\n"
        "print(kept >= 20000, gc.get_freeze_count(), gc.isenabled(), len(rows))\n"
    )
    out = _child(code)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["True", "0", "True", "20000"]


def test_command_line_process_spares_its_final_collections() -> None:
    # The ``nscl`` entry point freezes what is alive when the command ends, so that the
    # interpreter's shut-down collections do not walk it; an at-exit hook registered
    # before the command runs after it and sees the frozen objects.
    code = (
        "import atexit, gc, sys\n"
        "atexit.register(lambda: print(gc.get_freeze_count(), gc.isenabled()))\n"
        "from nscl.cli import main\n"
        "sys.argv = ['nscl', '--version']\n"
        "main()\n"
    )
    out = _child(code)
    assert out.returncode == 0, out.stderr
    version_line, frozen_line = out.stdout.strip().splitlines()
    assert version_line.startswith("nscl ")
    frozen, enabled = frozen_line.split()
    assert int(frozen) > 1000
    assert enabled == "False"


def test_spare_final_collections_freezes_the_heap() -> None:
    # In a child process: freezing is for the end of a process only.
    code = (
        "import gc\n"
        "from nscl.gc_pause import spare_final_collections\n"
        "assert gc.get_freeze_count() == 0\n"
        "spare_final_collections()\n"
        "print(gc.get_freeze_count() > 0, gc.isenabled())\n"
    )
    out = _child(code)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["True", "False"]
