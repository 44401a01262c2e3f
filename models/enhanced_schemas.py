"""Enhanced recommendations (issue 11): the ANN top 50 sorted into bands with reasons."""

import uuid
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from models.job_schemas import SeniorityFit, SkillEvidence

Band = Literal["Great", "Good", "Fair", "Poor"]
BANDS: tuple[str, ...] = ("Great", "Good", "Fair", "Poor")


class EnhancedRecommendation(BaseModel):
    job_id: uuid.UUID
    title: str
    company_name: str | None = None
    location: str | None = None
    band: Band
    match_score: float = Field(description="The match page's calibrated score")
    weighted_score: float = Field(description="The score with must-have requirements weighing twice nice-to-have ones")
    reasons: list[str] = Field(min_length=2, max_length=3)
    must_have_matched: list[str] = Field(default_factory=list)
    must_have_missing: list[str] = Field(default_factory=list)
    nice_to_have_matched: list[str] = Field(default_factory=list)
    nice_to_have_missing: list[str] = Field(default_factory=list)
    evidence: list[SkillEvidence] = Field(default_factory=list)
    seniority_fit: SeniorityFit = "fit"


class EnhancedRecommendations(BaseModel):
    items: list[EnhancedRecommendation]
    total: int
    generated_by: Literal["llm", "offline"]
    model: str | None = Field(default=None, description="The model that banded the jobs (llm only)")
    resume_version: str
    created_at: datetime
    cached: bool = Field(default=False, description="Reused: same resume and the same listings as the run before")


class EnhancedRunAccepted(BaseModel):
    task_id: str
    message: str = "Enhanced recommendations are being prepared; follow the task for progress."


# What the model is asked to return for a batch of jobs (validated, one repair retry: llm.structured).
# A job whose reasons are not two or three is left to the offline rule, not the whole batch.
class BandedJob(BaseModel):
    job_id: str
    band: Band
    reasons: list[str] = Field(description="Two or three short reasons, one sentence each")


class BandedBatch(BaseModel):
    jobs: list[BandedJob]
