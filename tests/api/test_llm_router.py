"""The LLM router in-process against the loopback server: the per-provider rate limit lives in
Redis (shared by every process), and an unknown category is refused."""

import os
import time
from pathlib import Path

import pytest

from career_app.services import llm
from models.ai import JobAnalysis
from tests.llm_server import LoopbackLLM, write_config

CONFIG = Path(os.environ["LLM_CONFIG_FILE"])


@pytest.fixture
def config_path():
    yield CONFIG
    CONFIG.unlink(missing_ok=True)


def test_rate_limit_is_shared_through_redis(config_path):
    from career_app.db import app_redis

    for key in app_redis().scan_iter("llm:rate:*"):
        app_redis().delete(key)
    if time.time() % 60 > 50:  # both calls must fall in one fixed one-minute window
        time.sleep(61 - time.time() % 60)
    with LoopbackLLM() as server:
        write_config(config_path, ("limited", server), rate_limit=1)
        answer, label = llm.structured("analysis", "Extract skills.", "Python job", JobAnalysis)
        assert label == "limited:loopback-model" and answer.seniority == "senior"
        with pytest.raises(llm.LLMUnavailable, match="rate limited"):
            llm.structured("analysis", "Extract skills.", "Python job", JobAnalysis)
    assert len(server.requests) == 1  # the second call never left this process
    counters = [app_redis().get(key) for key in app_redis().scan_iter("llm:rate:limited:*")]
    assert counters == ["2"]  # both attempts counted in Redis, where other workers see them


def test_unconfigured_and_unknown_categories(config_path):
    config_path.unlink(missing_ok=True)
    assert llm.configured("generation") is False
    with pytest.raises(llm.LLMUnavailable, match="no LLM is configured"):
        llm.structured("analysis", "x", "y", JobAnalysis)
    with pytest.raises(ValueError):
        llm.structured("poetry", "x", "y", JobAnalysis)
