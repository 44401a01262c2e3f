"""A small OpenID Connect provider on loopback for tests: discovery, authorize, token and JWKS
endpoints over real HTTP, with an RSA key made when it starts. It signs in whoever the test says
(`identity`) without asking, checks PKCE (S256), the client's credentials and the redirect URI,
accepts each code once, and can be told to misbehave (`tamper`: claims to override, or
`foreign_key`: sign with a key it does not publish)."""

import base64
import hashlib
import json
import secrets
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlsplit

from joserfc import jwt
from joserfc.jwk import RSAKey


class LoopbackOIDC:
    def __init__(self, client_id: str = "test-client", client_secret: str = "test-secret"):
        self.client_id, self.client_secret = client_id, client_secret
        self.key = RSAKey.generate_key(2048, parameters={"kid": "loopback-1", "use": "sig", "alg": "RS256"})
        self.foreign = RSAKey.generate_key(2048, parameters={"kid": "loopback-1", "use": "sig", "alg": "RS256"})
        self.identity: dict = {"sub": "sub-1", "email": "someone@example.com", "email_verified": True, "name": "Some One"}
        self.tamper: dict = {}
        self.foreign_key = False
        self.authorize_requests: list[dict] = []
        self._codes: dict[str, dict] = {}
        self._used: set[str] = set()
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"

    @property
    def discovery_url(self) -> str:
        return f"{self.url}/.well-known/openid-configuration"

    def start(self) -> "LoopbackOIDC":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def reset(self, **identity) -> None:
        self.identity = {"sub": f"sub-{secrets.token_hex(6)}", "email": f"oidc-{secrets.token_hex(5)}@example.com",
                         "email_verified": True, "name": "Olive Idc", **identity}
        self.tamper, self.foreign_key = {}, False

    def _discovery(self) -> dict:
        return {"issuer": self.url, "authorization_endpoint": f"{self.url}/authorize",
                "token_endpoint": f"{self.url}/token", "jwks_uri": f"{self.url}/jwks",
                "response_types_supported": ["code"], "subject_types_supported": ["public"],
                "id_token_signing_alg_values_supported": ["RS256"], "code_challenge_methods_supported": ["S256"]}

    def _id_token(self, grant: dict) -> str:
        now = int(time.time())
        claims = {"iss": self.url, "aud": self.client_id, "iat": now, "exp": now + 300, "nonce": grant["nonce"],
                  **grant["identity"], **grant["tamper"]}
        key = self.foreign if grant["foreign_key"] else self.key
        return jwt.encode({"alg": "RS256", "kid": key.kid}, claims, key)

    def _handler(self):
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _json(self, status: int, body: dict) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self):
                parts = urlsplit(self.path)
                if parts.path == "/.well-known/openid-configuration":
                    return self._json(200, provider._discovery())
                if parts.path == "/jwks":
                    return self._json(200, {"keys": [provider.key.as_dict(private=False)]})
                if parts.path == "/authorize":
                    q = {k: v[0] for k, v in parse_qs(parts.query).items()}
                    provider.authorize_requests.append(q)
                    if q.get("client_id") != provider.client_id or q.get("response_type") != "code" \
                            or q.get("code_challenge_method") != "S256" or not q.get("code_challenge"):
                        return self._json(400, {"error": "invalid_request"})
                    code = secrets.token_urlsafe(16)
                    with provider._lock:
                        provider._codes[code] = {
                            "challenge": q["code_challenge"], "redirect_uri": q["redirect_uri"],
                            "nonce": q.get("nonce"), "identity": dict(provider.identity),
                            "tamper": dict(provider.tamper), "foreign_key": provider.foreign_key}
                    self.send_response(302)
                    self.send_header("Location", f"{q['redirect_uri']}?{urlencode({'code': code, 'state': q['state']})}")
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return None
                return self._json(404, {"error": "not_found"})

            def do_POST(self):
                if urlsplit(self.path).path != "/token":
                    return self._json(404, {"error": "not_found"})
                form = {k: v[0] for k, v in parse_qs(self.rfile.read(int(self.headers["Content-Length"])).decode()).items()}
                if form.get("client_id") != provider.client_id or form.get("client_secret") != provider.client_secret:
                    return self._json(401, {"error": "invalid_client"})
                code = form.get("code", "")
                with provider._lock:
                    grant = provider._codes.get(code)
                    if grant is None or code in provider._used:
                        return self._json(400, {"error": "invalid_grant", "error_description": "code unknown or used"})
                    provider._used.add(code)
                verifier = form.get("code_verifier", "")
                challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
                if challenge != grant["challenge"] or form.get("redirect_uri") != grant["redirect_uri"]:
                    return self._json(400, {"error": "invalid_grant", "error_description": "PKCE or redirect_uri"})
                return self._json(200, {"access_token": secrets.token_urlsafe(16), "token_type": "Bearer",
                                        "expires_in": 300, "id_token": provider._id_token(grant)})

        return Handler
