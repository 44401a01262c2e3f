"""Enhanced recommendations (issue 11): run the banding of your top 50 as a task, read the latest result."""

from fastapi import APIRouter

from career_app.api.deps import RedisDep, RQDep, SeekerCaller, in_thread_session
from career_app.services import enhanced_recommendations as enhanced
from models.enhanced_schemas import EnhancedRecommendations, EnhancedRunAccepted

router = APIRouter(prefix="/api/v1/enhanced-recommendations", tags=["recommendations"])


@router.post("/run", response_model=EnhancedRunAccepted, status_code=202, responses={422: {"description": "No resume uploaded yet (type resume_missing)"}})
async def run(conn: RQDep, user: SeekerCaller) -> EnhancedRunAccepted:
    """Your 50 nearest listings sorted into Great / Good / Fair / Poor with two or three reasons each,
    missing must-haves weighing twice as much as nice-to-haves: by the LLM when one is configured,
    by the calibrated scorer otherwise. Follow the task (GET /api/v1/tasks/{task_id}, or live on
    your topic), then read GET /latest. Kept per resume version: a re-run with the same resume and
    the same listings reuses the last result."""
    task_id = await in_thread_session(lambda s: enhanced.start(s, conn, user))
    return EnhancedRunAccepted(task_id=task_id)


@router.get("/latest", response_model=EnhancedRecommendations,
            responses={404: {"description": "No run for your current resume yet"}, 422: {"description": "No resume uploaded yet (type resume_missing)"}})
async def latest(r: RedisDep, user: SeekerCaller) -> EnhancedRecommendations:
    """The last run made for your current resume (404 when there is none yet)."""
    return await in_thread_session(lambda s: enhanced.latest(s, r, user))
