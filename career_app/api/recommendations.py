from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from pydantic import TypeAdapter

from career_app.api.deps import RedisDep, SeekerCaller, SeekerUser, SessionDep, in_thread_session
from career_app.api.jobs import Cursor, _next_link
from career_app.api.users import FamilyName
from career_app.services import matching, skills_gap as skills_gap_service
from models.job_schemas import JobRecommendation, SkillsGapReport

router = APIRouter(prefix="/api/v1/recommendations", tags=["recommendations"])
_RECOMMENDATIONS = TypeAdapter(list[JobRecommendation])


@router.get("/jobs", response_model=list[JobRecommendation], responses={422: {"description": "No resume uploaded yet (type resume_missing)"}})
async def recommended_jobs(request: Request, r: RedisDep, user: SeekerCaller,
                           limit: Annotated[int, Query(ge=1, le=matching.MAX_RECOMMENDATIONS)] = 10,
                           cursor: Cursor = None):
    """Active listings nearest to your resume by meaning, with match score and skill overlap, best
    first by the match page's score. The next page's cursor is in X-Next-Cursor (and Link)."""

    def ranked_page(session) -> tuple[bytes, str | None]:
        items, following = matching.page("recommendations", limit, cursor,
                                         lambda n: matching.recommend(session, r, user, n))
        # Serialized here, off the event loop, by pydantic's own encoder (fastapi's jsonable_encoder
        # cost the loop several ms a page under load: bench/bench_load.py).
        return _RECOMMENDATIONS.dump_json(items), following

    body, following = await in_thread_session(ranked_page)
    return Response(body, media_type="application/json", headers=_next_link(request, following))


@router.get("/skills-gap", response_model=SkillsGapReport)
def skills_gap(user: SeekerUser, session: SessionDep, r: RedisDep,
               family: Annotated[list[FamilyName] | None, Query(
                   description="Occupational families whose listings make the market (repeatable); default: "
                               "the one set on your profile, else those your resume shows")] = None,
               ) -> SkillsGapReport:
    """Your skills against the most demanded must-haves of active listings in your field, with the
    ones to learn next and where to learn each."""
    return skills_gap_service.report(session, r, user, family)
