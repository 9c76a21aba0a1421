"""A loopback stand-in for Google Drive v3, Sheets v4 and Google's OAuth endpoints.

The Google tests run the real google-auth, requests and gspread against it, and
``nscl demo --google`` runs the nightly Google path against it, so that a newcomer sees
it work without a Google account. It lives in the package (not under ``tests/``) for
that reason; it imports nothing at ``nscl`` start-up and is never used unless asked for.

:class:`StandIn` (:mod:`.server`) serves HTTP on 127.0.0.1; the other modules are its
parts: :mod:`.oauth`, :mod:`.drive`, :mod:`.sheets` (with :mod:`.grid`, :mod:`.batch`,
:mod:`.values`, :mod:`.formulas`) and :mod:`.common`. ``tests/test_google_standin_contract.py``
keeps it faithful to recorded real traffic.
"""

from nscl.google.standin.server import Call, FakeClock, StandIn, WallClock, rfc3339

__all__ = ["Call", "FakeClock", "StandIn", "WallClock", "rfc3339"]
