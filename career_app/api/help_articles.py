"""The help centre: published articles for everyone; drafts, writing and publishing for admins."""

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from career_app.api.deps import AdminCaller, RedisDep, SessionDep, request_token, viewer
from career_app.services import help_centre
from models.support import HelpArticleIn, HelpArticleList, HelpArticleOut, HelpArticleUpdate
from models.user import Role

router = APIRouter(prefix="/api/v1", tags=["help"])


def _is_admin(session, r, token) -> bool:
    user = viewer(session, r, token)
    return user is not None and user.role == Role.admin


@router.get("/help-articles", response_model=HelpArticleList)
def list_articles(
    session: SessionDep,
    r: RedisDep,
    token: Annotated[str | None, Depends(request_token)],
    q: Annotated[str, Query(max_length=200, description="Words to search for")] = "",
    category: Annotated[str | None, Query(max_length=40)] = None,
    skip: Annotated[int, Query(ge=0, le=10_000)] = 0,
    limit: Annotated[int, Query(ge=1, le=100)] = 50,
) -> HelpArticleList:
    """Published help articles (admins also see drafts), best match first when searching."""
    return help_centre.search(session, q, category, drafts=_is_admin(session, r, token), skip=skip, limit=limit)


@router.get("/help-articles/{slug}", response_model=HelpArticleOut, responses={404: {"description": "No such article"}})
def get_article(slug: str, session: SessionDep, r: RedisDep,
                token: Annotated[str | None, Depends(request_token)]) -> HelpArticleOut:
    """One article with its Markdown and the HTML it renders to (sanitized)."""
    return help_centre.get(session, slug[:80], drafts=_is_admin(session, r, token))


@router.post("/help-articles", response_model=HelpArticleOut, status_code=201,
             responses={409: {"description": "Slug taken"}})
def create_article(data: HelpArticleIn, _admin: AdminCaller, session: SessionDep) -> HelpArticleOut:
    """Admins: write an article (a draft unless `published`)."""
    return help_centre.create(session, data)


@router.patch("/help-articles/{slug}", response_model=HelpArticleOut, responses={
    400: {"description": "title, category, body or published set to null (they can change, not go)"}})
def update_article(slug: str, data: HelpArticleUpdate, _admin: AdminCaller, session: SessionDep) -> HelpArticleOut:
    """Admins: edit an article, publish it (`published: true`) or unpublish it."""
    return help_centre.update(session, slug[:80], data)
