"""The shared polite HTTP client against a loopback server: retries honouring Retry-After, the
per-host circuit breaker (shared through Redis), size caps, rate limits and address checks."""

import gzip
import time

import pytest

from career_app.db import app_redis
from jobs_worker.http import Breaker, CircuitOpen, FetchError, HttpPolicy, PoliteClient, Refused, TooLarge
from tests.feed_server import FeedServer, Reply

FAST = HttpPolicy(allow_private=True, rate_per_second=1000, burst=100, backoff=0.01, retries=3)


@pytest.fixture
def server():
    with FeedServer() as s:
        yield s


def test_429_then_success_waits_for_retry_after(server):
    server.route("/jobs", Reply(429, {"error": "slow down"}, headers={"Retry-After": "1"}), Reply(body={"jobs": [1]}))
    with PoliteClient(FAST) as client:
        started = time.monotonic()
        assert client.get_json(server.url("/jobs")) == {"jobs": [1]}
        assert time.monotonic() - started >= 0.95
    assert server.count("/jobs") == 2


def test_retry_after_longer_than_allowed_fails_at_once(server):
    server.route("/jobs", Reply(429, {}, headers={"Retry-After": "3600"}))
    with PoliteClient(FAST) as client, pytest.raises(FetchError, match="Retry-After"):
        client.get(server.url("/jobs"))
    assert server.count("/jobs") == 1


def test_503_burst_is_retried_with_backoff_then_succeeds(server):
    server.route("/jobs", Reply(503), Reply(502), Reply(body={"ok": True}))
    with PoliteClient(FAST) as client:
        assert client.get_json(server.url("/jobs")) == {"ok": True}
    assert server.count("/jobs") == 3


def test_500_burst_trips_the_breaker_for_the_host_shared_through_redis(server):
    r = app_redis()
    host_key = "ingest:breaker:127.0.0.1"
    r.delete(host_key)
    server.route("/jobs", Reply(500, {"error": "boom"}))
    policy = HttpPolicy(allow_private=True, rate_per_second=1000, burst=100, backoff=0.01, retries=2,
                        breaker_failures=4, breaker_reset=30)
    try:
        with PoliteClient(policy, r) as client:
            with pytest.raises(FetchError, match="HTTP 500 after 3 attempts"):
                client.get(server.url("/jobs"))
            with pytest.raises(CircuitOpen):
                client.get(server.url("/jobs"))
        assert server.count("/jobs") == 4  # 3 attempts, then 1 more: the 4th failure opened the circuit
        with PoliteClient(policy, r) as other_process, pytest.raises(CircuitOpen):
            other_process.get(server.url("/other"))  # another client (another worker): same host, still open
        assert server.count("/other") == 0
    finally:
        r.delete(host_key)


def test_breaker_closes_after_success_and_reopens_on_the_next_failure_after_reset():
    breaker = Breaker(None)
    policy = HttpPolicy(breaker_failures=2, breaker_reset=0.2)
    breaker.failure("h", policy)
    breaker.check("h", "u")
    breaker.failure("h", policy)
    with pytest.raises(CircuitOpen):
        breaker.check("h", "u")
    time.sleep(0.25)
    breaker.check("h", "u")  # half-open: one trial may go
    breaker.failure("h", policy)
    with pytest.raises(CircuitOpen):
        breaker.check("h", "u")
    breaker.success("h")
    breaker.check("h", "u")


def test_429_never_trips_the_breaker(server):
    server.route("/jobs", Reply(429, {}, headers={"Retry-After": "0"}))
    policy = HttpPolicy(allow_private=True, rate_per_second=1000, burst=100, backoff=0.01, retries=5,
                        breaker_failures=2)
    with PoliteClient(policy) as client:
        with pytest.raises(FetchError, match="HTTP 429"):
            client.get(server.url("/jobs"))
        server.route("/jobs", Reply(body={"ok": 1}))
        assert client.get_json(server.url("/jobs")) == {"ok": 1}


def test_huge_responses_are_cut_off_with_or_without_content_length(server):
    big = b"x" * 300_000
    server.route("/declared", Reply(body=big))
    server.route("/chunked", Reply(body=big, chunked=True))
    server.route("/bomb", Reply(body=gzip.compress(b"{" + b" " * 5_000_000 + b"}"),
                                headers={"Content-Encoding": "gzip", "Content-Type": "application/json"}))
    policy = HttpPolicy(allow_private=True, rate_per_second=1000, burst=100, backoff=0.01, max_bytes=100_000)
    with PoliteClient(policy) as client:
        for path in ("/declared", "/chunked", "/bomb"):
            with pytest.raises(TooLarge):
                client.get(server.url(path))
            assert server.count(path) == 1  # never retried
        server.route("/small", Reply(body=b"y" * 1000))
        assert len(client.get(server.url("/small")).content) == 1000


def test_private_addresses_need_the_sources_permission_and_link_local_is_never_fetched(server):
    server.route("/jobs", Reply(body={"ok": 1}))
    with PoliteClient(HttpPolicy()) as client, pytest.raises(Refused, match="private"):
        client.get(server.url("/jobs"))
    assert server.count("/jobs") == 0
    server.route("/redirect", Reply(302, b"", headers={"Location": "http://169.254.169.254/latest/meta-data/"}))
    with PoliteClient(FAST) as client:
        with pytest.raises(Refused, match="never fetched"):
            client.get(server.url("/redirect"))
        with pytest.raises(Refused):
            client.get("file:///etc/passwd")


def test_redirects_are_followed(server):
    server.route("/old", Reply(301, b"", headers={"Location": "/new"}))
    server.route("/new", Reply(body={"moved": True}))
    with PoliteClient(FAST) as client:
        assert client.get_json(server.url("/old")) == {"moved": True}


def test_rate_limit_spaces_requests_to_one_host(server):
    server.route("/jobs", Reply(body={}))
    r = app_redis()
    r.delete("ingest:rate:127.0.0.1")
    policy = HttpPolicy(allow_private=True, rate_per_second=10, burst=1)
    with PoliteClient(policy, r) as client:
        started = time.monotonic()
        for _ in range(6):
            client.get(server.url("/jobs"))
        elapsed = time.monotonic() - started
    assert elapsed >= 0.45  # 6 requests at 10/s with no burst: at least 5 intervals of 0.1 s


def test_invalid_json_is_a_fetch_error(server):
    server.route("/jobs", Reply(body="<html>maintenance</html>"))
    with PoliteClient(FAST) as client, pytest.raises(FetchError, match="invalid JSON"):
        client.get_json(server.url("/jobs"))
