"""Validation errors as a person would say them: the one place that turns pydantic's error records
("applied_on: Input should be a valid date or datetime, invalid character in year") into sentences
("the applied date '2026-13-40' is not a date; use YYYY-MM-DD") naming the field in plain words
and quoting what was written."""

from pydantic import ValidationError

# How a field is named in a sentence; a field not listed is named by its words ("job_url" -> "job url").
FIELD_WORDS = {
    "company_name": "the company",
    "job_title": "the job title",
    "job_url": "the job link",
    "location": "the location",
    "status": "the status",
    "applied_on": "the applied date",
    "notes": "the notes",
    "resume_sent": "the resume sent",
    "cover_letter_sent": "the cover letter sent",
    "job_id": "the job",
}
QUOTE_LIMIT = 60


def field_words(field: str) -> str:
    return FIELD_WORDS.get(field, "the " + field.replace("_", " "))


def quoted(value) -> str:
    text = " ".join(str(value).split())
    return "'" + (text if len(text) <= QUOTE_LIMIT else text[:QUOTE_LIMIT - 1] + "…") + "'"


def _expected(ctx: dict) -> str:
    # pydantic writes an enum's values as "'saved', 'applied' or 'rejected'"
    return str(ctx.get("expected", "")).replace("'", "")


def sentence(error: dict) -> str:
    """One pydantic error record as a sentence starting in lower case (it follows "Row 5: ")."""
    loc = [str(p) for p in error.get("loc", ()) if not isinstance(p, int)]
    field = loc[-1] if loc else ""
    kind, value, ctx = error.get("type", ""), error.get("input"), error.get("ctx") or {}
    name = field_words(field) if field else "this row"
    shown = quoted(value) if isinstance(value, (str, int, float)) and str(value).strip() else ""
    if kind == "missing" or (kind.endswith("_type") and value is None):
        return f"{name} is missing"
    if kind.startswith(("date_", "datetime_")):
        return f"{name} {shown} is not a date; use YYYY-MM-DD".replace("  ", " ")
    if kind == "enum":
        return f"{name} {shown} is not one we know; use one of: {_expected(ctx)}".replace("  ", " ")
    if kind == "string_too_long":
        return f"{name} is longer than {ctx.get('max_length')} characters"
    if kind == "string_too_short":
        return f"{name} is too short (at least {ctx.get('min_length')} characters)"
    if kind == "too_long":
        return f"{name} has more than {ctx.get('max_length')} entries"
    if kind == "extra_forbidden":
        return f"{field.replace('_', ' ')} is not a field we know"
    if kind.startswith(("int_", "float_", "decimal_")):
        return f"{name} {shown} is not a number".replace("  ", " ")
    if kind.startswith("bool_"):
        return f"{name} {shown} is not yes or no".replace("  ", " ")
    if kind.startswith(("uuid_", "url_")):
        return f"{name} {shown} is not valid".replace("  ", " ")
    if kind == "value_error":  # our own validators: "Value error, must be an http(s) URL"
        reason = str(ctx.get("error") or error.get("msg", "")).removeprefix("Value error, ")
        return f"{name} {shown} {reason}".replace("  ", " ") if field else reason
    return f"{name}: {error.get('msg', 'is not valid').lower()}"


def sentences(exc: ValidationError) -> list[str]:
    return [sentence(error) for error in exc.errors()]
