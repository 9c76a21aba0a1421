"""The Google stand-in's OAuth endpoints (mixed into :class:`.server.StandIn`).

The token endpoint verifies a service account's signed JWT (RS256, against the public
key registered when the key file was written) and hands out access tokens with the
requested scopes; the consent page of the installed-app flow redirects to the local
server with a code, which is exchanged (client secret, PKCE verifier) for a refresh
token; refresh-token grants give new access tokens. Errors are the endpoint's own JSON
(``{"error": "invalid_grant", "error_description": …}``).
"""

from __future__ import annotations

import base64
import hashlib
import random
import urllib.parse
from typing import TYPE_CHECKING, Any

from nscl.google.standin.common import ApiError, Identity, is_robot, json_answer, random_id

if TYPE_CHECKING:
    from nscl.google.standin.server import FakeClock

__all__ = ["OAuthEndpoints", "rsa_key_pair"]


class OAuthEndpoints:
    """``/token`` and ``/o/oauth2/auth``."""

    # What the stand-in (nscl.google.standin.server.StandIn) provides.
    rng: random.Random
    clock: FakeClock
    tokens: dict[str, Identity]
    refresh_tokens: dict[str, Identity]
    keys: dict[str, tuple[str, str]]
    clients: dict[str, str]
    codes: dict[str, dict[str, Any]]
    consenting_user: str

    if TYPE_CHECKING:
        @property
        def token_uri(self) -> str:
            """The token endpoint."""
            ...

    def _token(self, identity: Any, groups: tuple[str, ...], query: dict[str, str],
               query_lists: Any, headers: dict[str, str], body: bytes) -> tuple[Any, ...]:
        form = {k: v[-1] for k, v in urllib.parse.parse_qs(body.decode()).items()}
        basic = headers.get("authorization", "")
        if basic.lower().startswith("basic "):  # client credentials may come as HTTP Basic
            decoded = base64.b64decode(basic[6:].strip()).decode()
            client_id, _, secret = decoded.partition(":")
            form.setdefault("client_id", urllib.parse.unquote(client_id))
            form.setdefault("client_secret", urllib.parse.unquote(secret))
        grant = form.get("grant_type", "")
        if grant == "urn:ietf:params:oauth:grant-type:jwt-bearer":
            return self._jwt_grant(form.get("assertion", ""))
        if grant == "authorization_code":
            return self._code_grant(form)
        if grant == "refresh_token":
            found = self.refresh_tokens.get(form.get("refresh_token", ""))
            if found is None or self.clients.get(form.get("client_id", "")) != form.get(
                    "client_secret"):
                raise oauth_error("invalid_grant", "Token has been expired or revoked.")
            token = self._issue(found.email, found.scopes)
            return json_answer({"access_token": token, "expires_in": 3599,
                                 "scope": " ".join(sorted(found.scopes)),
                                 "token_type": "Bearer"})
        raise oauth_error("unsupported_grant_type", f"Invalid grant_type: {grant}")

    def _issue(self, email: str, scopes: frozenset[str]) -> str:
        token = "ya29.standin-" + random_id(self.rng, 24)
        self.tokens[token] = Identity(email, email.split("@")[0], is_robot(email), scopes,
                                      self.clock.monotonic() + 3599)
        return token

    def _jwt_grant(self, assertion: str) -> tuple[Any, ...]:
        from google.auth import exceptions, jwt

        try:
            claims = jwt.decode(assertion, verify=False)
        except (ValueError, exceptions.GoogleAuthError):
            raise oauth_error("invalid_grant", "Invalid JWT.") from None
        email = str(claims.get("iss", ""))
        if email not in self.keys:
            raise oauth_error("invalid_grant", "Invalid grant: account not found")
        _, public_pem = self.keys[email]
        try:
            # The audience Google's token endpoint expects (google-auth always sends it,
            # whatever the key's token_uri).
            jwt.decode(assertion, certs=public_pem, clock_skew_in_seconds=10,
                       audience=["https://oauth2.googleapis.com/token", self.token_uri])
        except (ValueError, exceptions.GoogleAuthError):
            raise oauth_error("invalid_grant", "Invalid JWT Signature.") from None
        scopes = frozenset(str(claims.get("scope", "")).split())
        if not scopes:
            raise oauth_error("invalid_scope", "Invalid OAuth scope or ID token audience "
                               "provided.")
        return json_answer({"access_token": self._issue(email, scopes), "expires_in": 3599,
                             "token_type": "Bearer"})

    def _authorize(self, identity: Any, groups: tuple[str, ...], query: dict[str, str],
                   query_lists: Any, headers: dict[str, str], body: bytes) -> tuple[Any, ...]:
        client = query.get("client_id", "")
        redirect = query.get("redirect_uri", "")
        target = urllib.parse.urlsplit(redirect)
        if client not in self.clients:
            return 401, {"Content-Type": "text/html"}, b"Error 401: invalid_client"
        if target.scheme != "http" or target.hostname not in ("localhost", "127.0.0.1"):
            return 400, {"Content-Type": "text/html"}, b"Error 400: redirect_uri_mismatch"
        code = "4/standin-" + random_id(self.rng, 30)
        scopes = frozenset(query.get("scope", "").split())
        self.codes[code] = {"client": client, "redirect": redirect, "scopes": scopes,
                            "challenge": query.get("code_challenge"),
                            "user": self.consenting_user}
        location = redirect + ("&" if "?" in redirect else "?") + urllib.parse.urlencode(
            {"state": query.get("state", ""), "code": code, "scope": " ".join(sorted(scopes))})
        return 302, {"Location": location, "Content-Type": "text/html"}, b""

    def _code_grant(self, form: dict[str, str]) -> tuple[Any, ...]:
        grant = self.codes.pop(form.get("code", ""), None)
        if grant is None:
            raise oauth_error("invalid_grant", "Malformed auth code.")
        if self.clients.get(form.get("client_id", "")) != form.get("client_secret") or \
                grant["client"] != form.get("client_id"):
            raise oauth_error("invalid_client", "Unauthorized")
        if grant["redirect"] != form.get("redirect_uri"):
            raise oauth_error("redirect_uri_mismatch", "Bad Request")
        if grant["challenge"]:
            verifier = form.get("code_verifier", "")
            digest = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest())
            if digest.rstrip(b"=").decode() != grant["challenge"]:
                raise oauth_error("invalid_grant", "Invalid code verifier.")
        refresh = "1//standin-" + random_id(self.rng, 30)
        self.refresh_tokens[refresh] = Identity(grant["user"], grant["user"].split("@")[0],
                                                False, grant["scopes"])
        return json_answer({"access_token": self._issue(grant["user"], grant["scopes"]),
                             "expires_in": 3599, "refresh_token": refresh,
                             "scope": " ".join(sorted(grant["scopes"])),
                             "token_type": "Bearer"})


def oauth_error(error: str, description: str) -> ApiError:
    status = 401 if error == "invalid_client" else 400
    return ApiError(status, {"error": error, "error_description": description})


_KEY_CACHE: list[tuple[str, str]] = []


def rsa_key_pair() -> tuple[str, str]:
    """(private key PEM, public key PEM); one key per test process (generation is slow)."""
    if not _KEY_CACHE:
        from cryptography.hazmat.primitives import serialization
        from cryptography.hazmat.primitives.asymmetric import rsa

        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        private = key.private_bytes(serialization.Encoding.PEM,
                                    serialization.PrivateFormat.PKCS8,
                                    serialization.NoEncryption()).decode()
        public = key.public_key().public_bytes(
            serialization.Encoding.PEM,
            serialization.PublicFormat.SubjectPublicKeyInfo).decode()
        _KEY_CACHE.append((private, public))
    return _KEY_CACHE[0]
