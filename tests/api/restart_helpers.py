"""What a client sees after PostgreSQL restarts: once /health answers 200 again, every request
succeeds (no 503 or 500 for a connection the pool kept from before the restart). Shared by the
external-DATABASE_URL test (test_external_database) and the supervised one (test_resilience)."""

import selectors
import socket
import struct
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor

import httpx

CONCURRENCY = 12  # more than a few connections in each worker's pool (WEB_THREADS defaults to 12)


class Traffic:
    """A provider and a seeker with an application, and the requests made around the restart."""

    def __init__(self, url: str):
        self.url = url
        self.http = httpx.Client(base_url=url, timeout=30)
        self.seeker = self._register("seeker")
        self.provider = self._register("provider")
        self.round = 0

    def _register(self, role: str) -> dict[str, str]:
        body = {"email": f"{role}-{uuid.uuid4().hex[:10]}@example.com", "password": "correct-horse-1",
                "full_name": "Restart User", "role": role}
        resp = self.http.post("/api/v1/auth/register", json=body)
        assert resp.status_code == 201, resp.text
        return {"Authorization": f"Bearer {resp.json()['access_token']}"}

    def requests(self, n: int, reads_only: bool = False) -> list[tuple[str, str, dict | None, dict | None]]:
        """n requests over several endpoints, none answerable from a process cache: feed pages at
        offsets not asked for before (the driver-level fast path), search, signed-in reads through
        the ORM, and writes."""
        out = []
        for i in range(n):
            k = self.round * 1000 + i
            kind = i % 4 if reads_only else i % 6
            if kind == 0:
                out.append(("GET", f"/api/v1/jobs/feed?skip={k}&limit=1", None, None))
            elif kind == 1:
                out.append(("GET", f"/api/v1/jobs/search?q=restart{k}", None, None))
            elif kind == 2:
                out.append(("GET", "/api/v1/users/me", self.seeker, None))
            elif kind == 3:
                out.append(("GET", "/api/v1/applications", self.seeker, None))
            elif kind == 4:
                out.append(("POST", "/api/v1/applications", self.seeker,
                            {"company_name": f"Restart Co {k}", "job_title": "Engineer"}))
            else:
                out.append(("PATCH", "/api/v1/users/me", self.provider, {"full_name": f"Restart {k}"}))
        self.round += 1
        return out

    def _send(self, request) -> str | None:
        method, path, headers, body = request
        with httpx.Client(base_url=self.url, timeout=30) as http:
            resp = http.request(method, path, headers=headers, json=body)
        return None if resp.status_code < 300 else f"{method} {path}: {resp.status_code} {resp.text[:120]}"

    def run(self, n: int, concurrency: int = 1, reads_only: bool = False) -> list[str]:
        """Failures (any status >= 300) among n requests sent `concurrency` at a time."""
        with ThreadPoolExecutor(concurrency) as pool:
            return [f for f in pool.map(self._send, self.requests(n, reads_only)) if f]

    def warm(self) -> None:
        """Fill every worker's pool with several connections (concurrent requests), all answered."""
        for _ in range(3):
            assert not self.run(4 * CONCURRENCY, CONCURRENCY)

    def after_restart(self) -> list[str]:
        """Requests right after /health is 200 again: one at a time (each takes the next pooled
        connection, so every stale one is met), then many at once."""
        return self.run(4 * CONCURRENCY) + self.run(4 * CONCURRENCY, CONCURRENCY)


class VanishingHostProxy:
    """A TCP address (127.0.0.1) for PostgreSQL's unix socket, whose connections can be made to die
    as they do when the database's host goes away: `vanish()` cuts every open connection from the
    server, while the app's end hears nothing (no end of file to see while idle) until it sends a
    query, which is answered by a reset. New connections work as before."""

    def __init__(self, unix_socket: str):
        self.unix_socket = unix_socket
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.selector = selectors.DefaultSelector()
        self.selector.register(self.listener, selectors.EVENT_READ)
        self.peers: dict[socket.socket, socket.socket] = {}
        self.clients: set[socket.socket] = set()
        self.vanished: set[socket.socket] = set()
        self._vanish = threading.Event()
        self._vanished = threading.Event()
        self._stop = threading.Event()
        self.thread = threading.Thread(target=self._loop, daemon=True)
        self.thread.start()

    def vanish(self) -> int:
        """Cut every open connection; returns how many there were."""
        self._vanished.clear()
        self._vanish.set()
        assert self._vanished.wait(10)
        return len(self.vanished)

    def close(self) -> None:
        self._stop.set()
        self.thread.join(10)
        for sock in [self.listener, *self.peers]:
            sock.close()

    def _drop(self, sock: socket.socket, reset: bool = False) -> None:
        if reset:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.selector.unregister(sock)
        self.peers.pop(sock, None)
        self.clients.discard(sock)
        self.vanished.discard(sock)
        sock.close()

    def _loop(self) -> None:
        while not self._stop.is_set():
            if self._vanish.is_set():
                for client in list(self.clients):
                    self._drop(self.peers[client])  # the server sees its client leave
                    self.vanished.add(client)  # the app's end hears nothing yet
                self._vanish.clear()
                self._vanished.set()
            for key, _ in self.selector.select(0.05):
                sock = key.fileobj
                if sock is self.listener:
                    client, _ = self.listener.accept()
                    upstream = socket.socket(socket.AF_UNIX)
                    upstream.connect(self.unix_socket)
                    self.peers[client], self.peers[upstream] = upstream, client
                    self.clients.add(client)
                    self.selector.register(client, selectors.EVENT_READ)
                    self.selector.register(upstream, selectors.EVENT_READ)
                    continue
                if sock not in self.peers and sock not in self.vanished:
                    continue  # closed earlier in this round
                if sock in self.vanished:
                    self._drop(sock, reset=True)  # a query to a host that is gone
                    continue
                try:
                    data = sock.recv(65536)
                except OSError:
                    data = b""
                other = self.peers[sock]
                if not data:
                    self._drop(sock)
                    self._drop(other)
                    continue
                other.sendall(data)
