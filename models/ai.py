"""Structures the AI produces, validated the same whether a model or the offline generator made them."""

from pydantic import BaseModel, Field, field_validator


def _clean(value: str) -> str:
    return " ".join(str(value).split())


class InterviewQuestion(BaseModel):
    question: str = Field(min_length=8, max_length=500)
    answer_strategy: str = Field(min_length=8, max_length=1000)

    _tidy = field_validator("question", "answer_strategy", mode="before")(_clean)


class JobAnalysis(BaseModel):
    """The skills a job needs and its level. No salary: a model's guess would contradict a posted range or
    invent one (estimates come from similar listings' posted salaries, services/salary.py)."""

    skills: list[str] = Field(default_factory=list, max_length=30)
    seniority: str = Field(default="mid", max_length=40)


class JobGuides(BaseModel):
    resume_guide: list[str] = Field(min_length=5, max_length=5)
    interview_questions: list[InterviewQuestion] = Field(min_length=5, max_length=5)

    @field_validator("resume_guide")
    @classmethod
    def _bullets(cls, value: list[str]) -> list[str]:
        value = [_clean(v) for v in value]
        if any(len(v) < 8 for v in value):
            raise ValueError("each bullet needs at least 8 characters")
        return value
