"""Where a "Learn" link points for a skill: a search fit for the field (per occupational family),
never a programming course for a nurse.

The templates are data (data/learning_links.json, or the file LEARNING_LINKS_FILE names, same
shape): per family a title and an https URL with {skill}. A family the file leaves out uses its
"general" entry."""

import json
from functools import cache
from pathlib import Path
from urllib.parse import quote_plus

from career_app.services import families
from career_app.settings import settings
from models.job_schemas import LearningLink

SHIPPED_FILE = Path(__file__).parent / "data" / "learning_links.json"


class LinkFileError(ValueError):
    pass


def _check(path: Path, data: dict) -> dict[str, dict[str, str]]:
    entries = data.get("families") if isinstance(data, dict) else None
    if not isinstance(entries, dict) or families.GENERAL not in entries:
        raise LinkFileError(f"{path}: needs a 'families' object with a '{families.GENERAL}' entry")
    for family, entry in entries.items():
        if not families.valid(family):
            raise LinkFileError(f"{path}: unknown family {family!r} (known: {', '.join(families.names())})")
        url, title = (entry or {}).get("url", ""), (entry or {}).get("title", "")
        if not (isinstance(url, str) and url.startswith("https://") and "{skill}" in url):
            raise LinkFileError(f"{path}: {family}: url must be https:// and contain {{skill}}")
        if not (isinstance(title, str) and "{skill}" in title):
            raise LinkFileError(f"{path}: {family}: title must contain {{skill}}")
    return entries


@cache
def _load(path: str) -> dict[str, dict[str, str]]:
    return _check(Path(path), json.loads(Path(path).read_text()))


def templates() -> dict[str, dict[str, str]]:
    """The templates in use, checked once per file."""
    return _load(str(settings.learning_links_file or SHIPPED_FILE))


def link(skill: str, family: str | None) -> LearningLink:
    """A place to learn `skill` for someone in `family` (a job's or a seeker's)."""
    entries = templates()
    entry = entries.get(family or families.GENERAL) or entries[families.GENERAL]
    return LearningLink(skill=skill, title=entry["title"].replace("{skill}", skill),
                        url=entry["url"].replace("{skill}", quote_plus(skill)))
