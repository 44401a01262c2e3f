"""Schemathesis hooks of the contract test (loaded through SCHEMATHESIS_HOOKS by tests/api/test_contract.py
and `make contract`).

Only two things are adjusted, both for rules a JSON Schema cannot state (career_app/api/contract.py):
- a schema-valid request refused with 422 is accepted when every error in the validation array is one of
  those rules: an error type in BEYOND_SCHEMA, or the loc ["body"] of a rule across the body's fields
  (each such rule is named in its schema's description); a 400 is accepted only where the operation
  declares one (the content of an uploaded file: a PDF, DOCX, CSV, JSON or XLSX the generator cannot make);
- an ingestion run asked to wait for its result waits at most a second (the test server has no worker,
  so the run would otherwise hold the request for the whole `wait`);
- no path parameter holds a line break (see map_case).
Every other failure of every check stands."""

import json

import schemathesis

from career_app.api.contract import BEYOND_SCHEMA


def _beyond_schema(error: dict) -> bool:
    return error.get("type") in BEYOND_SCHEMA or error.get("loc") == ["body"]


@schemathesis.hook
def filter_failure(context, failure, case, response) -> bool:
    """False drops the failure: a schema-valid request refused for a reason no schema can state."""
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
    return not (isinstance(detail, list) and detail and all(_beyond_schema(e) for e in detail))


@schemathesis.hook("map_query").apply_to(path_regex=r"/admin/ingest/\{source_name\}$")
def short_wait(context, query):
    if query and query.get("wait", 0) > 1:
        query["wait"] = 1
    return query


@schemathesis.hook
def map_case(context, case):
    """A path parameter holding a line break never reaches the API: the Starlette app Reflex puts around
    everything (rx.App) routes with a pattern whose `.` stops at a line break and answers its own plain-text
    404. Nothing the API declares can change that, so a generated line break in a path becomes a space."""
    if case.path_parameters:
        case.path_parameters = {name: value.replace("\n", " ") if isinstance(value, str) else value
                                for name, value in case.path_parameters.items()}
    return case
