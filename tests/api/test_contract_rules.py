"""The contract's rules, each checked on its own (issue 19, "The contract, exact"): every operation declares
what it answers, authentication comes before validation, one 422 shape, and the schema states the rules
the server enforces. tests/api/test_contract.py runs schemathesis over all of it; these name each hole."""

import re
import uuid

import pytest

from career_app.api.contract import BEYOND_SCHEMA
from career_app.services import social
from career_app.services.errors import Unprocessable
from tests.api.conftest import bearer

ERROR_BODIES = {"#/components/schemas/ErrorDetail", "#/components/schemas/ConflictDetail",
                "#/components/schemas/HTTPValidationError", "#/components/schemas/HealthReport"}


@pytest.fixture(scope="module")
def spec(api):
    return api.openapi()


def _operations(spec):
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            yield method.upper(), path, operation


def _required_sign_in(operation) -> bool:
    return bool(operation.get("security")) and {} not in operation["security"]


def test_every_operation_declares_its_errors_with_a_body(spec):
    missing = []
    for method, path, operation in _operations(spec):
        codes = set(operation["responses"])
        params = operation.get("parameters", [])
        wanted = set()
        if _required_sign_in(operation):
            wanted.add("401")
        if any(p["in"] == "path" and "enum" not in p["schema"] for p in params):
            wanted.add("404")
        if "requestBody" in operation:
            wanted |= {"413", "422"}
        if path.startswith("/api/"):
            wanted.add("503")
        if wanted - codes:
            missing.append(f"{method} {path}: {sorted(wanted - codes)}")
        for code, response in operation["responses"].items():
            if code >= "400" and set(response.get("content") or {"application/json": {}}) != {"text/html"}:
                schema = response.get("content", {}).get("application/json", {}).get("schema", {})
                assert schema.get("$ref") in ERROR_BODIES, (method, path, code, response)
    assert not missing, "\n".join(missing)


def test_role_and_state_answers_are_declared(spec):
    """The codes the issue found answered and declared by none, on operations that answer them."""
    paths = spec["paths"]
    assert "403" in paths["/api/v1/admin/users"]["get"]["responses"]
    assert "403" in paths["/api/v1/applications"]["get"]["responses"]
    assert {"404", "409"} <= set(paths["/api/v1/applications/{application_id}/status"]["post"]["responses"])
    assert "422" in paths["/api/v1/jobs/recommendations"]["get"]["responses"]  # no resume (ottobon-jobs-api.md)
    assert "429" in paths["/api/v1/chat/sessions/{session_id}/messages"]["post"]["responses"]
    assert "Retry-After" in paths["/api/v1/jobs/feed"]["get"]["responses"]["503"]["headers"]
    assert "401" in paths["/api/v1/auth/me"]["get"]["responses"]
    # public routes that show more to a signed-in caller take anonymous callers too
    assert {} in paths["/api/v1/jobs/{job_id}"]["get"]["security"]


BAD_BODIES = [
    ("PATCH", "/api/v1/notifications/settings", {"time_zone": ""}),
    ("POST", "/api/v1/admin/sources", {"kind": "rss", "name": "", "url": ""}),
    ("POST", "/api/v1/jobs/import", {"url": "00000000"}),
    ("POST", "/api/v1/notifications/mark-read", {"ids": [], "all": False}),
]


@pytest.mark.parametrize("method,path,body", BAD_BODIES)
def test_anonymous_gets_401_before_the_body_is_judged(client, method, path, body):
    resp = client.request(method, path, json=body)
    assert resp.status_code == 401, resp.text
    assert resp.headers["www-authenticate"] == "Bearer"


def test_every_protected_operation_authenticates_before_it_validates(client, spec):
    """Generated from the document: anonymous, with a body that is not even JSON and a bad query."""
    wrong = []
    for method, path, operation in _operations(spec):
        if not _required_sign_in(operation):
            continue
        url = re.sub(r"\{[^}]+\}", "x", path)
        resp = client.request(method, url, params={"limit": "-1", "skip": "nope"}, content=b"{not json",
                              headers={"Content-Type": "application/json"})
        if resp.status_code != 401:
            wrong.append(f"{method} {path}: {resp.status_code}")
    assert not wrong, wrong


def test_a_wrong_role_is_refused_before_the_body_is_judged(client, register):
    seeker, _ = register("seeker")
    resp = client.post("/api/v1/admin/sources", json={"name": ""}, headers=bearer(seeker))
    assert resp.status_code == 403, resp.text


def _validation_array(resp):
    assert resp.status_code == 422, resp.text
    detail = resp.json()["detail"]
    assert isinstance(detail, list) and detail, detail
    for error in detail:
        assert {"type", "loc", "msg"} <= error.keys(), error
    return detail


def test_every_422_is_the_validation_array(client, register):
    seeker, _ = register("seeker")
    forged = "A" * 40  # shaped like a cursor, not issued by this server
    detail = _validation_array(client.get("/api/v1/jobs/feed", params={"cursor": forged}))
    assert detail[0]["loc"] == ["query", "cursor"] and detail[0]["type"] == "cursor_invalid"
    detail = _validation_array(client.get("/api/v1/jobs/search", params={"salary_min": 10, "salary_max": 1}))
    assert detail[0]["loc"] == ["query", "salary_min"] and detail[0]["type"] == "salary_order"
    detail = _validation_array(client.get("/api/v1/jobs/search", params={"salary_currency": "XQZ"}))
    assert detail[0]["loc"] == ["query", "salary_currency"]
    # a query value a service refuses names the parameter too (errors.invalid_query), never the loose ["body"]
    detail = _validation_array(client.get("/api/v1/market/snapshot", params={"country": "Atlantis"}))
    assert detail[0]["loc"] == ["query", "country"] and detail[0]["type"] == "country_unknown"
    assert social.month_start("2100-12").year == 2100
    with pytest.raises(Unprocessable) as refused:
        social.month_start("2026-13")
    assert refused.value.field == ("query", "month")
    detail = _validation_array(client.post("/api/v1/jobs/import", json={"url": "http://127.0.0.1:9/job"},
                                           headers=bearer(seeker)))
    assert detail[0]["loc"] == ["body", "url"] and detail[0]["type"] == "job_page_unusable"
    detail = _validation_array(client.patch("/api/v1/users/me", json={"headline": "Experience"},
                                            headers=bearer(seeker)))
    assert detail[0]["loc"] == ["body", "headline"]
    # a body that is not UTF-8 was FastAPI's own 400
    detail = _validation_array(client.patch("/api/v1/users/me", content=b'{"location": "\xff"}',
                                            headers={**bearer(seeker), "Content-Type": "application/json"}))
    assert detail[0]["type"] in ("json_invalid", "string_unicode")


def test_a_seeker_without_a_resume_gets_the_documented_422_as_a_validation_array(client, register):
    """ottobon-jobs-api.md documents 422 for matching without a resume; the body is the one 422 shape, with a
    type the document lists as beyond any schema (so schemathesis accepts it for a schema-valid request)."""
    seeker, _ = register("seeker")
    spec = client.get("/api/openapi.json").json()
    for method, path in (("GET", "/api/v1/jobs/recommendations"), ("GET", "/api/v1/recommendations/jobs"),
                         ("POST", "/api/v1/enhanced-recommendations/run")):
        resp = client.request(method, path, headers=bearer(seeker))
        detail = _validation_array(resp)
        assert detail[0]["type"] == "resume_missing" and "resume" in detail[0]["msg"], resp.text
        declared = spec["paths"][path][method.lower()]["responses"]["422"]
        assert declared["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/HTTPValidationError"}
    assert "resume_missing" in BEYOND_SCHEMA


def _pattern(spec, schema_name, field):
    schema = spec["components"]["schemas"][schema_name]["properties"][field]
    branch = next(b for b in schema.get("anyOf", [schema]) if b.get("type") in ("string", "array"))
    return (branch.get("items") or branch)["pattern"]


@pytest.mark.parametrize("schema_name,field,refused,accepted", [
    ("SourceCreate", "name", ["Bad Name!", "", "a" * 41 + "x"], ["greenhouse-eu", " Lever_2 "]),
    ("JobImportRequest", "url", ["00000000", "ftp://example.com/x", "http:// x"], ["https://example.com/jobs/1"]),
    ("RegisterRequest", "full_name", ["\u0007bell", "   ", "a\u202ez"], ["Ada Lovelace"]),
    ("ApplicationCreate", "job_url", ["javascript:alert(1)", "x\u0001"], ["", "http://example.com"]),
    ("ChatMessageIn", "content", ["   ", "\u0001\u0002"], ["Hello"]),
    ("NotificationSettingsUpdate", "quiet_start", ["7:00", "24:00", "22:00\n"], ["07:00", "23:59"]),
])
def test_the_schema_states_what_the_server_refuses(spec, schema_name, field, refused, accepted):
    # JSON Schema patterns are ECMA-262: `$` is the very end (Python's also takes a final line break).
    pattern = re.compile(_pattern(spec, schema_name, field).replace("$", r"\Z"))
    for value in refused:
        assert not pattern.search(value), (field, value)
    for value in accepted:
        assert pattern.search(value), (field, value)


def test_uploads_and_cursors_state_their_shape(spec):
    paths = spec["paths"]
    for path in ("/api/v1/users/resume", "/api/v1/resume/upload", "/api/v1/import/applications"):
        body = paths[path]["post"]["requestBody"]["content"]["multipart/form-data"]["schema"]["$ref"].split("/")[-1]
        assert spec["components"]["schemas"][body]["properties"]["file"]["minLength"] == 1, path
        assert "400" in paths[path]["post"]["responses"]  # a file the generator cannot make: declared
    cursor = next(p for p in paths["/api/v1/jobs/feed"]["get"]["parameters"] if p["name"] == "cursor")
    branch = next(b for b in cursor["schema"]["anyOf"] if b.get("type") == "string")
    assert branch["pattern"] and branch["maxLength"] == 512


@pytest.mark.parametrize("method", ["TRACE", "QUERY", "PUT"])
def test_an_undeclared_method_is_a_405_naming_the_declared_ones(client, method):
    resp = client.request(method, "/api/v1/jobs/feed")
    assert resp.status_code == 405 and resp.json() == {"detail": "Method Not Allowed"}
    assert resp.headers["allow"] == "GET"
    assert client.request(method, f"/api/v1/applications/{uuid.uuid4()}/status").headers["allow"] == "POST"


_ALMOST = ["a" * 5000 + "\x00", " a" * 2500 + "\x01", "a " * 2500 + "\n\x00", "http://" + "a" * 5000 + " \x00"]
_SEARCH_EACH = ("import json, re, sys\n"
                "for pattern in json.load(sys.stdin):\n"
                f"    [re.search(pattern, text) for text in {_ALMOST!r}]\n"
                "    print(flush=True)\n")


def test_every_pattern_takes_linear_time_in_a_backtracking_engine(spec):
    """Python's re (which generators of test data such as schemathesis use) and ECMA-262's engine backtrack: a
    pattern with nested overlapping repeats takes exponential time on a long text that almost matches
    (visible_pattern's first form stalled schemathesis for minutes). Each stated pattern runs on such texts."""
    import json
    import subprocess
    import sys

    patterns = sorted({p for p in re.findall(r'"pattern":\s*("(?:[^"\\]|\\.)*")', json.dumps(spec))})
    patterns = [json.loads(p) for p in patterns]
    try:
        done = subprocess.run([sys.executable, "-c", _SEARCH_EACH], input=json.dumps(patterns), capture_output=True,
                              text=True, timeout=60)
    except subprocess.TimeoutExpired as exc:
        stuck = (exc.stdout or b"").count(b"\n") if isinstance(exc.stdout, bytes) else (exc.stdout or "").count("\n")
        raise AssertionError(f"no answer within a minute from the pattern {patterns[stuck]!r}") from None
    assert done.returncode == 0 and done.stdout.count("\n") == len(patterns), done.stderr[-2000:]
