"""Schemathesis hooks of the contract test (loaded through SCHEMATHESIS_HOOKS by tests/api/test_contract.py
and `make contract`).

Only these things are adjusted, both for rules a JSON Schema cannot state (career_app/api/contract.py):
- a schema-valid request refused with 422 is accepted when every error in the validation array is one of
  those rules: an error type in BEYOND_SCHEMA, or the loc ["body"] of a rule across the body's fields
  (each such rule is named in its schema's description); a 400 is accepted only where the operation
  declares one (the content of an uploaded file: a PDF, DOCX, CSV, JSON or XLSX the generator cannot make);
- an ingestion run asked to wait for its result waits at most a second (the test server has no worker,
  so the run would otherwise hold the request for the whole `wait`);
- the plain-text 404 of a path with a line break, which the API never sees (see filter_failure);
- ast.parse made one call at a time (a CPython 3.11 bug, see below), which is no check at all.
Every other failure of every check stands."""

import ast
import json
import threading

import schemathesis

# CPython 3.11's ast.parse is not safe in two threads at once ("AST constructor recursion depth mismatch"), and
# hypothesis parses lambdas' source to describe strategies while both schemathesis workers generate cases.
_PARSING = threading.Lock()
_parse = ast.parse


def _parse_one_at_a_time(*args, **kwargs):
    with _PARSING:
        return _parse(*args, **kwargs)


ast.parse = _parse_one_at_a_time

from career_app.api.contract import BEYOND_SCHEMA


def _beyond_schema(error: dict) -> bool:
    return error.get("type") in BEYOND_SCHEMA or error.get("loc") == ["body"]


def _union_member(error: dict) -> str | None:
    """The body schema an error is about when the body is one of several (["body", "JobCreate", ...])."""
    loc = error.get("loc") or []
    return loc[1] if len(loc) > 1 and isinstance(loc[1], str) and ("[" in loc[1] or loc[1][:1].isupper()) else None


def _refused_beyond_schema(detail: list[dict]) -> bool:
    """Every error is beyond a schema; for a body of several possible schemas, every error about one of them
    (the request matched that one by the document, so the others' errors say nothing)."""
    members = {_union_member(e) for e in detail}
    if None in members or len(members) < 2:
        return all(_beyond_schema(e) for e in detail)
    return any(all(_beyond_schema(e) for e in detail if _union_member(e) == m) for m in members)


def _line_break_in_path(case) -> bool:
    """A line break in a path parameter (which schemathesis may hold percent-encoded)."""
    return any(isinstance(v, str) and ("\n" in v or "%0a" in v.lower()) for v in (case.path_parameters or {}).values())


@schemathesis.hook
def filter_failure(context, failure, case, response) -> bool:
    """False drops the failure: a schema-valid request refused for a reason no schema can state, or the
    plain-text 404 of a path with a line break (which never reaches the API: the Starlette app Reflex puts
    around everything, rx.App, routes with a pattern whose `.` stops at a line break)."""
    if _line_break_in_path(case) and response.status_code == 404 and \
            response.headers.get("content-type", [""])[0].startswith("text/plain"):
        return False
    if type(failure).__name__ != "RejectedPositiveData":
        return True
    if response.status_code == 400:
        return "400" not in case.operation.definition.raw.get("responses", {})
    if response.status_code != 422:
        return True
    try:
        detail = json.loads(response.content).get("detail")
    except (ValueError, AttributeError):
        return True
    return not (isinstance(detail, list) and detail and _refused_beyond_schema(detail))


@schemathesis.hook
def map_case(context, case):
    if case.operation.path.endswith("/admin/ingest/{source_name}"):
        query = case.query if case.query is not None else {}
        try:
            query["wait"] = min(int(query.get("wait", 1)), 1)  # absent: the server's default is 60 s
        except (TypeError, ValueError):
            pass  # not a number: the server refuses it, as it should
        case.query = query
    return case


