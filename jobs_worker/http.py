"""The one HTTP client every job source uses: polite to the sites it reads and robust to them.

- A self-identifying User-Agent.
- Per host: a rate limit (GCRA, shared by every worker process through Redis when given one) and a
  bound on concurrent requests (per process).
- Timeouts; retries with exponential backoff and jitter on 429, 5xx and connection errors,
  honouring Retry-After (seconds or an HTTP date) up to `max_backoff`.
- A per-host circuit breaker, shared through Redis: after `breaker_failures` failed attempts in a row
  the host is not asked again for `breaker_reset` seconds (CircuitOpen, at once); the first failure
  after that re-opens it, the first success closes it. A 429 is the host asking us to slow down, not
  a failure: it never trips the breaker.
- Response bodies capped at `max_bytes` while they stream in (after decompression).
- Redirects followed by hand (at most 5), each target checked like the first: hosts that resolve to
  private, loopback or link-local addresses are refused unless the source allows private networks
  (a LAN mirror, the tests' loopback server); link-local (cloud metadata) is always refused.

Nothing here downloads anything at install time."""

import email.utils
import ipaddress
import json
import logging
import random
import socket
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from urllib.parse import urljoin, urlsplit

import httpx
import redis

log = logging.getLogger(__name__)

USER_AGENT = "CareerCopilotBot/1.0 (self-hosted job search; reads public job feeds politely; +https://localhost/bot)"
RETRY_STATUSES = {429, 500, 502, 503, 504}
MAX_REDIRECTS = 5


class FetchError(Exception):
    def __init__(self, url: str, message: str, status: int | None = None):
        super().__init__(f"{message} ({url})")
        self.url, self.status, self.reason = url, status, message


class TooLarge(FetchError):
    pass


class CircuitOpen(FetchError):
    pass


class Refused(FetchError):
    """The address is not one this source may reach."""


@dataclass(frozen=True)
class HttpPolicy:
    user_agent: str = USER_AGENT
    rate_per_second: float = 2.0  # per host, across processes when Redis is given
    burst: int = 4
    concurrency: int = 4  # per host, per process
    connect_timeout: float = 5.0
    read_timeout: float = 20.0
    retries: int = 3
    backoff: float = 0.5  # first wait, doubled each retry, with jitter
    max_backoff: float = 60.0  # a longer Retry-After fails the request instead of holding the run
    max_bytes: int = 10 * 1024 * 1024
    breaker_failures: int = 5
    breaker_reset: float = 60.0
    allow_private: bool = False

    @classmethod
    def from_dict(cls, data: dict | None) -> "HttpPolicy":
        """Known keys only (a source's `params.http` may tune its own politeness)."""
        if not data:
            return cls()
        fields = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        return replace(cls(), **fields)


# --- rate limit: GCRA ------------------------------------------------------------------------

# KEYS[1] the host's key; ARGV: interval ms, burst. Returns ms to wait (0: the request may go now).
_GCRA = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local interval = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local tat = tonumber(redis.call('GET', KEYS[1]) or now)
if tat < now then tat = now end
local new_tat = tat + interval
local allow_at = new_tat - burst * interval
if allow_at > now then return allow_at - now end
redis.call('SET', KEYS[1], new_tat, 'PX', math.max(1, new_tat - now) + 1000)
return 0
"""


class RateLimiter:
    def __init__(self, r: redis.Redis | None = None):
        self._r = r
        self._script = r.register_script(_GCRA) if r is not None else None
        self._local: dict[str, float] = {}
        self._lock = threading.Lock()

    def _delay(self, host: str, policy: HttpPolicy) -> float:
        interval = 1.0 / policy.rate_per_second
        if self._script is not None:
            try:
                return int(self._script(keys=[f"ingest:rate:{host}"],
                                        args=[max(1, int(interval * 1000)), policy.burst])) / 1000
            except redis.RedisError as exc:
                log.warning("shared rate limit unavailable (%s); limiting in this process", exc)
        with self._lock:
            now = time.monotonic()
            tat = max(self._local.get(host, now), now)
            allow_at = tat + interval - policy.burst * interval
            if allow_at > now:
                return allow_at - now
            self._local[host] = tat + interval
            return 0.0

    def wait(self, host: str, policy: HttpPolicy) -> None:
        while (delay := self._delay(host, policy)) > 0:
            time.sleep(delay)


# --- circuit breaker -------------------------------------------------------------------------


class Breaker:
    """Failures in a row per host, and until when the host is left alone; in Redis when given one
    (RQ forks a process per task: a breaker in process memory would forget everything each run)."""

    def __init__(self, r: redis.Redis | None = None):
        self._r = r
        self._local: dict[str, dict] = defaultdict(lambda: {"failures": 0, "open_until": 0.0})
        self._lock = threading.Lock()

    def _key(self, host: str) -> str:
        return f"ingest:breaker:{host}"

    def open_until(self, host: str) -> float:
        if self._r is not None:
            try:
                value = self._r.hget(self._key(host), "open_until")
                return float(value) if value else 0.0
            except redis.RedisError:
                pass
        with self._lock:
            return self._local[host]["open_until"]

    def check(self, host: str, url: str) -> None:
        until = self.open_until(host)
        if until > time.time():
            raise CircuitOpen(url, f"circuit open for {host} for {until - time.time():.0f} s more")

    def failure(self, host: str, policy: HttpPolicy) -> None:
        if self._r is not None:
            try:
                key = self._key(host)
                failures = self._r.hincrby(key, "failures", 1)
                if failures >= policy.breaker_failures:
                    self._r.hset(key, "open_until", time.time() + policy.breaker_reset)
                    log.warning("circuit opened for %s after %d failures", host, failures)
                self._r.expire(key, int(policy.breaker_reset * 4) + 60)
                return
            except redis.RedisError:
                pass
        with self._lock:
            state = self._local[host]
            state["failures"] += 1
            if state["failures"] >= policy.breaker_failures:
                state["open_until"] = time.time() + policy.breaker_reset

    def success(self, host: str) -> None:
        if self._r is not None:
            try:
                self._r.delete(self._key(host))
                return
            except redis.RedisError:
                pass
        with self._lock:
            self._local.pop(host, None)


# --- the client ------------------------------------------------------------------------------


def _retry_after(response: httpx.Response | None) -> float | None:
    value = response.headers.get("retry-after") if response is not None else None
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def _address_refusal(host: str, allow_private: bool) -> str | None:
    """Why `host` may not be fetched, or None when it may."""
    try:
        infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except socket.gaierror as exc:
        return f"cannot resolve {host}: {exc.strerror}"
    for info in infos:
        address = ipaddress.ip_address(info[4][0].split("%")[0])
        if address.is_link_local or address.is_multicast or address.is_unspecified:
            return f"{host} resolves to {address}, which is never fetched"
        if not allow_private and (address.is_private or address.is_loopback or address.is_reserved):
            return f"{host} resolves to the private address {address} (allow_private_network is off)"
    return None


class PoliteClient:
    def __init__(self, policy: HttpPolicy | None = None, r: redis.Redis | None = None,
                 limiter: RateLimiter | None = None, breaker: Breaker | None = None):
        self.policy = policy or HttpPolicy()
        self.limiter = limiter or RateLimiter(r)
        self.breaker = breaker or Breaker(r)
        self._semaphores: dict[str, threading.BoundedSemaphore] = {}
        self._checked: dict[str, str | None] = {}
        self._lock = threading.Lock()
        self._client = httpx.Client(
            headers={"User-Agent": self.policy.user_agent, "Accept-Encoding": "gzip, deflate"},
            timeout=httpx.Timeout(self.policy.read_timeout, connect=self.policy.connect_timeout),
            follow_redirects=False,
            limits=httpx.Limits(max_connections=32, max_keepalive_connections=16),
        )

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> "PoliteClient":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _semaphore(self, host: str) -> threading.BoundedSemaphore:
        with self._lock:
            if host not in self._semaphores:
                self._semaphores[host] = threading.BoundedSemaphore(self.policy.concurrency)
            return self._semaphores[host]

    def _check_address(self, url: str) -> str:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise Refused(url, "only http(s) URLs are fetched")
        host = parts.hostname.lower()
        if host not in self._checked:
            self._checked[host] = _address_refusal(host, self.policy.allow_private)
        if self._checked[host]:
            raise Refused(url, self._checked[host])
        return host

    # -- public API --

    def get(self, url: str, *, accept: str = "*/*", params: dict | None = None) -> httpx.Response:
        return self.request("GET", url, accept=accept, params=params)

    def get_json(self, url: str, *, params: dict | None = None):
        return self._json(self.get(url, accept="application/json", params=params))

    def post_json(self, url: str, body: dict):
        return self._json(self.request("POST", url, accept="application/json", json_body=body))

    @staticmethod
    def _json(response: httpx.Response):
        try:
            return json.loads(response.content)
        except (ValueError, UnicodeDecodeError) as exc:
            raise FetchError(str(response.url), f"invalid JSON: {exc}"[:200], response.status_code) from exc

    def request(self, method: str, url: str, *, accept: str = "*/*", params: dict | None = None,
                json_body: dict | None = None) -> httpx.Response:
        """The response (2xx/3xx resolved) with its body read, or FetchError."""
        for _hop in range(MAX_REDIRECTS + 1):
            response = self._with_retries(method, url, accept, params, json_body)
            if response.status_code in (301, 302, 303, 307, 308) and response.headers.get("location"):
                url = urljoin(str(response.url), response.headers["location"])
                params = None
                if response.status_code == 303:
                    method, json_body = "GET", None
                continue
            return response
        raise FetchError(url, "too many redirects")

    def _with_retries(self, method: str, url: str, accept: str, params: dict | None,
                      json_body: dict | None) -> httpx.Response:
        policy = self.policy
        host = self._check_address(url)
        for attempt in range(policy.retries + 1):
            self.breaker.check(host, url)
            self.limiter.wait(host, policy)
            response, problem = None, None
            with self._semaphore(host):
                try:
                    response = self._send(method, url, accept, params, json_body)
                except TooLarge:
                    raise
                except httpx.HTTPError as exc:
                    problem = f"{type(exc).__name__}: {exc}"[:200] or type(exc).__name__
            if response is not None and response.status_code not in RETRY_STATUSES:
                self.breaker.success(host)
                if response.status_code >= 400:
                    raise FetchError(url, f"HTTP {response.status_code}", response.status_code)
                return response
            if response is not None:
                problem = f"HTTP {response.status_code}"
                if response.status_code != 429:
                    self.breaker.failure(host, policy)
            else:
                self.breaker.failure(host, policy)
            if attempt == policy.retries:
                raise FetchError(url, f"{problem} after {attempt + 1} attempts",
                                 response.status_code if response is not None else None)
            wait = _retry_after(response)
            if wait is None:
                wait = min(policy.max_backoff, policy.backoff * 2 ** attempt) * random.uniform(0.5, 1.5)
            elif wait > policy.max_backoff:
                raise FetchError(url, f"{problem}: Retry-After {wait:.0f} s is longer than {policy.max_backoff:.0f} s",
                                 response.status_code)
            log.info("%s %s: %s; retrying in %.2f s", method, url, problem, wait)
            time.sleep(wait)
        raise AssertionError("unreachable")

    def _send(self, method: str, url: str, accept: str, params: dict | None, json_body: dict | None) -> httpx.Response:
        request = self._client.build_request(method, url, params=params, json=json_body, headers={"Accept": accept})
        response = self._client.send(request, stream=True)
        try:
            declared = response.headers.get("content-length")
            if declared and declared.isdigit() and int(declared) > self.policy.max_bytes:
                raise TooLarge(url, f"response of {int(declared)} bytes is over the {self.policy.max_bytes} byte cap",
                               response.status_code)
            body = bytearray()
            for chunk in response.iter_bytes():
                body += chunk
                if len(body) > self.policy.max_bytes:
                    raise TooLarge(url, f"response over the {self.policy.max_bytes} byte cap", response.status_code)
            response._content = bytes(body)
        finally:
            response.close()
        return response
