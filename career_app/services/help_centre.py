"""The help centre: articles written in Markdown, rendered to HTML that is safe to show (markdown-it
with raw HTML off, then nh3 with a short allow-list), searched with PostgreSQL full-text search.
Everyone reads published articles; admins also see drafts, and create, edit, publish and unpublish.
The shipped articles live in data/help_articles/ (one Markdown file each, a small header on top)."""

import uuid
from functools import cache
from pathlib import Path

import nh3
from markdown_it import MarkdownIt
from sqlalchemy import func, or_
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from career_app.services.errors import Conflict, InvalidInput, NotFound
from models.base import utcnow
from models.support import (HelpArticle, HelpArticleIn, HelpArticleList, HelpArticleOut, HelpArticleSummary,
                            HelpArticleUpdate)

SHIPPED = Path(__file__).parent / "data" / "help_articles"
_TAGS = {"p", "br", "hr", "h1", "h2", "h3", "h4", "strong", "em", "code", "pre", "blockquote", "ul", "ol", "li",
         "a", "table", "thead", "tbody", "tr", "th", "td"}
_HEADER_KEYS = ("title", "category", "summary", "page")


@cache
def _markdown() -> MarkdownIt:
    # "js-default": no raw HTML, links checked against javascript:/data: URLs; tables on top.
    return MarkdownIt("js-default").enable("table")


def render(markdown: str) -> str:
    """HTML for `markdown`; whatever it holds, the result carries no script, style, event handler
    or dangerous URL (nh3 strips what markdown-it let through)."""
    return nh3.clean(_markdown().render(markdown), tags=_TAGS, attributes={"a": {"href", "title"}, "th": {"align"},
                                                                             "td": {"align"}},
                     url_schemes={"http", "https", "mailto"}, link_rel="noopener noreferrer nofollow")


def parse_shipped(text: str, slug: str) -> dict:
    """A shipped article: `---`, `key: value` lines (title, category, summary, page), `---`, the body."""
    _, header, body = text.split("---\n", 2)
    fields = {}
    for line in header.strip().splitlines():
        key, _, value = line.partition(":")
        if key.strip() not in _HEADER_KEYS:
            raise ValueError(f"{slug}: unknown header {key!r}")
        fields[key.strip()] = value.strip()
    return {"slug": slug, "body": body.strip() + "\n", "page": fields.pop("page", None) or None, **fields}


def shipped_articles() -> list[HelpArticleIn]:
    return [HelpArticleIn(**parse_shipped(path.read_text(), path.stem), published=True)
            for path in sorted(SHIPPED.glob("*.md"))]


def shipped_rows() -> list[dict]:
    """The shipped articles as rows to insert (the migration fills the table with them)."""
    now = utcnow()
    return [{"id": uuid.uuid4(), **a.model_dump(), "created_at": now, "updated_at": now} for a in shipped_articles()]


def _summary(a: HelpArticle) -> HelpArticleSummary:
    return HelpArticleSummary(slug=a.slug, title=a.title, category=a.category, summary=a.summary, page=a.page,
                              published=a.published, updated_at=a.updated_at)


def to_out(a: HelpArticle) -> HelpArticleOut:
    return HelpArticleOut(**_summary(a).model_dump(), body=a.body, html=render(a.body))


def search(session: Session, q: str = "", category: str | None = None, *, drafts: bool = False,
           skip: int = 0, limit: int = 50) -> HelpArticleList:
    """Articles matching `q` (full-text, best first; a word prefix in a title matches too) in
    `category`; only published ones unless `drafts` (admins)."""
    query = select(HelpArticle)
    if not drafts:
        query = query.where(HelpArticle.published)
    if category:
        query = query.where(HelpArticle.category == category)
    q = " ".join(q.split())[:200]
    if q:
        document = func.to_tsvector("english", HelpArticle.title + " " + HelpArticle.summary + " " + HelpArticle.body)
        tsquery = func.websearch_to_tsquery("english", q)
        escaped = q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        query = query.where(or_(document.op("@@")(tsquery), HelpArticle.title.ilike(f"%{escaped}%", escape="\\")))
        order = [func.ts_rank(document, tsquery).desc(), HelpArticle.title]
    else:
        order = [HelpArticle.category, HelpArticle.title]
    total = session.exec(select(func.count()).select_from(query.subquery())).one()
    rows = session.exec(query.order_by(*order).offset(skip).limit(limit)).all()
    categories_query = select(HelpArticle.category).distinct().order_by(HelpArticle.category)
    if not drafts:
        categories_query = categories_query.where(HelpArticle.published)
    return HelpArticleList(items=[_summary(a) for a in rows], total=total,
                           categories=list(session.exec(categories_query).all()))


def _by_slug(session: Session, slug: str) -> HelpArticle | None:
    return session.exec(select(HelpArticle).where(HelpArticle.slug == slug)).first()


def get(session: Session, slug: str, *, drafts: bool = False) -> HelpArticleOut:
    article = _by_slug(session, slug)
    if article is None or not (article.published or drafts):
        raise NotFound("No such help article")
    return to_out(article)


def for_page(session: Session, page: str) -> str | None:
    """The slug of the published article that explains `page` (a route such as "/tracker"), or of the
    nearest route above it ("/jobs/[job_id]" -> "/jobs")."""
    mapping = page_articles(session)
    page = "/" + page.strip("/")[:120]
    while True:
        if page in mapping:
            return mapping[page]
        if page == "/":
            return None
        page = page.rsplit("/", 1)[0] or "/"


def page_articles(session: Session) -> dict[str, str]:
    """route -> slug of its article, for the "?" on every page."""
    rows = session.exec(select(HelpArticle.page, HelpArticle.slug).where(HelpArticle.published,
                                                                         HelpArticle.page.is_not(None))
                        .order_by(HelpArticle.created_at)).all()
    found: dict[str, str] = {}
    for page, slug in rows:
        found.setdefault(page, slug)
    return found


def create(session: Session, data: HelpArticleIn) -> HelpArticleOut:
    article = HelpArticle(**data.model_dump())
    session.add(article)
    try:
        session.commit()
    except IntegrityError as exc:
        session.rollback()
        raise Conflict("An article with this slug already exists") from exc
    session.refresh(article)
    return to_out(article)


def update(session: Session, slug: str, patch: HelpArticleUpdate) -> HelpArticleOut:
    article = _by_slug(session, slug)
    if article is None:
        raise NotFound("No such help article")
    changes = patch.model_dump(exclude_unset=True)
    for key in ("title", "category", "body", "published"):
        if key in changes and changes[key] is None:
            raise InvalidInput(f"{key} cannot be empty")
    for key, value in changes.items():
        setattr(article, key, value)
    article.updated_at = utcnow()
    session.add(article)
    session.commit()
    session.refresh(article)
    return to_out(article)
