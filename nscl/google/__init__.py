"""The Google layer: Drive v3 and Sheets v4 over one HTTP client with nscl's own retry.

Modules, each small: :mod:`.urls` (every endpoint URL, honouring ``api_root``),
:mod:`.errors` (the exception tree, Vietnamese messages), :mod:`.retry` (back-off,
``Retry-After``, pacing under the per-user quota, the per-run deadline, an injectable
clock), :mod:`.transport` (:class:`~nscl.google.transport.GoogleHttp`: timeouts,
retries, the request counter), :mod:`.auth` (service-account keys, the OAuth
installed-app login, scopes), :mod:`.drive` and :mod:`.sheets` (one method per
endpoint), :mod:`.config` (the ``[google]`` section of ``nscl.toml``),
:mod:`.session` (:func:`~nscl.google.session.connect`: everything wired together) and
:mod:`.publish` (the official templates published as Google Sheets).

Nothing here is imported by ``nscl --help``; requests and google-auth load on first use.
"""
