from typing import Annotated

from fastapi import APIRouter, Query

from career_app.api.deps import RedisDep, SeekerUser, SessionDep
from career_app.services import matching
from models.job_schemas import JobRecommendation, SkillsGapReport

router = APIRouter(prefix="/api/v1/recommendations", tags=["recommendations"])


@router.get("/jobs", response_model=list[JobRecommendation])
def recommended_jobs(user: SeekerUser, session: SessionDep, r: RedisDep,
                     limit: Annotated[int, Query(ge=1, le=matching.MAX_RECOMMENDATIONS)] = 10) -> list[JobRecommendation]:
    """Active listings nearest to your resume by meaning, with match score and skill overlap."""
    return matching.recommend(session, r, user, limit)


@router.get("/skills-gap", response_model=SkillsGapReport)
def skills_gap(user: SeekerUser, session: SessionDep, r: RedisDep) -> SkillsGapReport:
    """Your skills against the most demanded skills across active listings."""
    return matching.skills_gap(session, r, user)
