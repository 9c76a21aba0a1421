"""Run log: ``<state>/logs/nscl-sync.log``, rotating (5 MB × 10 files), UTF-8."""

from __future__ import annotations

import logging
import logging.handlers
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

__all__ = ["LOGGER", "LOG_NAME", "log_path", "run_logging"]

LOG_NAME = "nscl-sync.log"
LOGGER = logging.getLogger("nscl.sync")


def log_path(state_dir: Path) -> Path:
    """Where the run log of a state folder is."""
    return state_dir / "logs" / LOG_NAME


@contextmanager
def run_logging(state_dir: Path, *, write: bool = True) -> Iterator[logging.Logger]:
    """Attach the rotating log file to the ``nscl.sync`` logger for one run."""
    handler: logging.Handler | None = None
    if write:
        path = log_path(state_dir)
        path.parent.mkdir(parents=True, exist_ok=True)
        handler = logging.handlers.RotatingFileHandler(
            path, maxBytes=5_000_000, backupCount=10, encoding="utf-8"
        )
        handler.setFormatter(
            logging.Formatter("%(asctime)s %(process)d %(levelname)s %(message)s")
        )
        LOGGER.addHandler(handler)
    LOGGER.setLevel(logging.INFO)
    LOGGER.propagate = False
    try:
        yield LOGGER
    finally:
        if handler is not None:
            LOGGER.removeHandler(handler)
            handler.close()
