"""Social routes: the activity feed, privacy choices, share links (and the public view of one) and the
monthly leaderboard (services/social.py). Signed-in users only, except opening a shared link."""

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request

from career_app.api.deps import Caller, in_thread_session
from career_app.api.origins import public_base
from career_app.services import social
from models.social_schemas import (ActivityFeed, Leaderboard, ShareCreate, ShareCreated, SharedView, ShareOut,
                                   SocialSettingsOut, SocialSettingsUpdate)

router = APIRouter(prefix="/api/v1/social", tags=["social"])


@router.get("/activity", response_model=ActivityFeed)
async def activity(user: Caller) -> ActivityFeed:
    """Your milestones (applied, interview, offer), whether others see them, and the community's public
    milestones when you opted into the community feed."""
    return await in_thread_session(social.activity, user)


@router.get("/settings", response_model=SocialSettingsOut)
async def get_settings(user: Caller) -> SocialSettingsOut:
    """Your choices: every one is off until you turn it on."""
    return await in_thread_session(social.get_settings, user)


@router.patch("/settings", response_model=SocialSettingsOut)
async def update_settings(change: SocialSettingsUpdate, user: Caller) -> SocialSettingsOut:
    return await in_thread_session(social.update_settings, user, change)


@router.get("/leaderboard", response_model=Leaderboard)
async def leaderboard(user: Caller,
                      month: Annotated[str | None, Query(max_length=7, pattern=f"^{social.MONTH_PATTERN}$",
                                                         description="YYYY-MM (UTC) from 2000-01 to 2100-12; this "
                                                                     "month by default")] = None) -> Leaderboard:
    """Applications sent and interviews won in a month by those who opted in, under pseudonyms."""
    return await in_thread_session(social.leaderboard, user, month)


@router.post("/shares", response_model=ShareCreated, status_code=201,
             responses={404: {"description": "No resume to share, or not a job you may see"}})
async def create_share(data: ShareCreate, request: Request, user: Caller) -> ShareCreated:
    """A link to your resume or a job, opened without sign-in until it expires or you revoke it. The
    link is in this answer only."""
    out, secret = await in_thread_session(social.create_share, user, data)
    base = public_base(request.url.scheme, request.headers.get("host"))
    return ShareCreated(**out.model_dump(), token=secret, url=f"{base}{social.SHARED_PATH}{secret}",
                        api_url=f"{base}/api/v1/social/shared/{secret}")


@router.get("/shares", response_model=list[ShareOut])
async def list_shares(user: Caller) -> list[ShareOut]:
    """Your links, newest first (the last 100), with their view counts."""
    return await in_thread_session(social.list_shares, user)


@router.delete("/shares/{share_id}", response_model=ShareOut)
async def revoke_share(share_id: str, user: Caller) -> ShareOut:
    """The link stops working at once."""
    return await in_thread_session(social.revoke_share, user, share_id)


@router.get("/shared/{share_token}", response_model=SharedView)
async def open_share(share_token: Annotated[str, Path(max_length=100)]) -> SharedView:
    """Public: what a link shares, nothing else; 404 once it is revoked or expired."""
    return await in_thread_session(social.open_share, share_token)
