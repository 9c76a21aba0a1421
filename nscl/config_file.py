"""Reading nscl's TOML configuration file, with a Vietnamese reason when it cannot be read.

The nightly sync (:func:`sync.config.load_config`) and the Google commands
(:func:`nscl.google.config.load_google_config`) read the same file; each turns
:class:`ConfigFileError` into its own exception.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

__all__ = ["ConfigFileError", "read_config_file"]


class ConfigFileError(ValueError):
    """The configuration file is missing, unreadable or not valid TOML (Vietnamese)."""


def read_config_file(path: Path) -> dict[str, Any]:
    """The TOML document in ``path``; :class:`ConfigFileError` naming the file (and, for a
    syntax error, the line and column) when it cannot be read."""
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError as exc:
        raise ConfigFileError(f"Không tìm thấy tệp cấu hình «{path}».") from exc
    except tomllib.TOMLDecodeError as exc:
        where = re.search(r"line (\d+), column (\d+)", str(exc))
        at = f" ở dòng {where.group(1)}, cột {where.group(2)}" if where else ""
        raise ConfigFileError(
            f"Tệp cấu hình «{path}» sai cú pháp TOML{at} (xem mẫu nscl.example.toml; "
            "chuỗi phải đặt trong dấu nháy kép, mỗi dòng một mục tên = giá trị)."
        ) from exc
    except (OSError, UnicodeDecodeError) as exc:
        from nscl.reading import describe_error

        raise ConfigFileError(f"Không đọc được tệp cấu hình «{path}» "
                              f"({describe_error(exc)}).") from exc
