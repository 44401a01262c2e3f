from typing import Annotated

from fastapi import APIRouter, Query

from career_app.api.deps import RedisDep, SeekerUser, SessionDep, Token, caller, in_thread_session
from career_app.services import matching
from models.job_schemas import JobRecommendation, SkillsGapReport
from models.user import Role

router = APIRouter(prefix="/api/v1/recommendations", tags=["recommendations"])


@router.get("/jobs", response_model=list[JobRecommendation])
async def recommended_jobs(r: RedisDep, token: Token,
                           limit: Annotated[int, Query(ge=1, le=matching.MAX_RECOMMENDATIONS)] = 10
                           ) -> list[JobRecommendation]:
    """Active listings nearest to your resume by meaning, with match score and skill overlap."""
    user = await caller(r, token, Role.seeker)
    return await in_thread_session(lambda s: matching.recommend(s, r, user, limit))


@router.get("/skills-gap", response_model=SkillsGapReport)
def skills_gap(user: SeekerUser, session: SessionDep, r: RedisDep) -> SkillsGapReport:
    """Your skills against the most demanded skills across active listings."""
    return matching.skills_gap(session, r, user)
