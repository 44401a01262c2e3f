"""A loopback job-feed server for the ingestion tests: real HTTP on 127.0.0.1 serving fixtures in
the shapes the real feeds use, with scripted failures (429s, 500 bursts, slow or huge answers)."""

import json
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

FIXTURES = Path(__file__).parent / "data" / "sources"


def fixture(name: str) -> str:
    return (FIXTURES / name).read_text()


def fixture_json(name: str):
    return json.loads(fixture(name))


@dataclass
class Reply:
    status: int = 200
    body: bytes | str | dict | list = b""
    headers: dict = field(default_factory=dict)
    delay: float = 0.0
    chunked: bool = False  # no Content-Length: the size is only known while reading

    def payload(self) -> tuple[bytes, str]:
        if isinstance(self.body, (dict, list)):
            return json.dumps(self.body).encode(), "application/json"
        if isinstance(self.body, str):
            return self.body.encode(), "text/html; charset=utf-8"
        return self.body, "application/octet-stream"


class FeedServer:
    """routes: (method, path) -> a list of replies served in order (the last one repeats), or a
    function (query, body) -> Reply for pagination."""

    def __init__(self):
        self.routes: dict[tuple[str, str], object] = {}
        self.hits: Counter = Counter()
        self.requests: list[dict] = []
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self._server.server_port}"

    def url(self, path: str) -> str:
        return self.base + path

    def route(self, path: str, *replies, method: str = "GET") -> None:
        with self._lock:
            self.routes[(method, path)] = replies[0] if len(replies) == 1 and callable(replies[0]) else list(replies)
            self.hits[(method, path)] = 0

    def count(self, path: str, method: str = "GET") -> int:
        return self.hits[(method, path)]

    def __enter__(self) -> "FeedServer":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._server.shutdown()
        self._server.server_close()

    def _reply(self, method: str, path: str, query: dict, body: bytes) -> Reply:
        with self._lock:
            self.hits[(method, path)] += 1
            served = self.hits[(method, path)]
            route = self.routes.get((method, path))
            self.requests.append({"method": method, "path": path, "query": query, "body": body})
        if route is None:
            return Reply(404, {"error": "not found"})
        if callable(route):
            return route(query, body)
        return route[min(served, len(route)) - 1]

    def _handler(self):
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _serve(self, method: str) -> None:
                parts = urlsplit(self.path)
                query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                reply = server._reply(method, parts.path, {**query, "_ua": self.headers.get("User-Agent", "")}, body)
                time.sleep(reply.delay)
                payload, content_type = reply.payload()
                self.send_response(reply.status)
                headers = {"Content-Type": content_type, **reply.headers}
                for key, value in headers.items():
                    self.send_header(key, value)
                if reply.chunked:
                    self.send_header("Connection", "close")
                    self.end_headers()
                    try:
                        for start in range(0, len(payload), 65536):
                            self.wfile.write(payload[start:start + 65536])
                    except (BrokenPipeError, ConnectionResetError):
                        pass
                    self.close_connection = True
                    return
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                try:
                    self.wfile.write(payload)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def do_GET(self):
                self._serve("GET")

            def do_POST(self):
                self._serve("POST")

        return Handler
