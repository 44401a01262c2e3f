"""The LLM service: langchain-openai against any OpenAI-compatible endpoint.

`config/llm_config.json` (LLM_CONFIG_FILE) routes each task category to an ordered list of
models; each call has a timeout and retries, then falls through to the next model. Requests per
provider are limited per minute across every process through Redis. Answers are JSON validated
with pydantic, with one repair round. When no provider has a key, `configured()` is False and
callers use the offline generator instead."""

import json
import logging
import os
import re
import time
from dataclasses import dataclass
from functools import cache

from pydantic import BaseModel, ValidationError

from career_app import db
from career_app.settings import settings

log = logging.getLogger(__name__)
CATEGORIES = ("analysis", "generation", "comparison", "chat")
OFFLINE = "offline"


class LLMUnavailable(RuntimeError):
    """Every model routed for a category failed or was rate limited."""


@dataclass(frozen=True)
class Route:
    provider: str
    model: str
    api_key: str
    base_url: str | None
    timeout: float
    max_retries: int
    rate_limit_per_minute: int

    @property
    def label(self) -> str:
        return f"{self.provider}:{self.model}"


@cache
def _read_config(path: str, _mtime: float) -> dict:
    with open(path, encoding="utf-8") as fh:
        return json.load(fh)


def _config() -> dict:
    path = settings.llm_config_file
    try:
        return _read_config(str(path), os.path.getmtime(path))  # re-read when the file changes
    except FileNotFoundError:
        return {"providers": {}, "routes": {}}


def routes(category: str) -> list[Route]:
    """The usable models for a category, in order; those without an API key are left out."""
    config = _config()
    usable = []
    for entry in config.get("routes", {}).get(category, []):
        provider = config.get("providers", {}).get(entry.get("provider"), {})
        key = provider.get("api_key") or os.environ.get(provider.get("api_key_env", ""), "")
        if provider.get("api_key_env") == "OPENAI_API_KEY":
            key = key or (settings.openai_api_key or "")
        if not key:
            continue
        base_url = provider.get("base_url") or os.environ.get(provider.get("base_url_env", ""), "") or None
        if provider.get("base_url_env") == "OPENAI_BASE_URL":
            base_url = base_url or settings.openai_base_url
        usable.append(Route(
            provider=entry["provider"], model=entry["model"], api_key=key, base_url=base_url,
            timeout=float(entry.get("timeout", 30)), max_retries=int(entry.get("max_retries", 1)),
            rate_limit_per_minute=int(provider.get("rate_limit_per_minute", 60)),
        ))
    return usable


def configured(category: str = "generation") -> bool:
    return bool(routes(category))


def _take_rate_slot(route: Route) -> bool:
    """A fixed one-minute window per provider, shared by every process through Redis."""
    key = f"llm:rate:{route.provider}:{int(time.time() // 60)}"
    r = db.app_redis()
    count = r.incr(key)
    if count == 1:
        r.expire(key, 120)
    return count <= route.rate_limit_per_minute


_FENCE_RE = re.compile(r"^```(?:json)?\s*|\s*```$", re.MULTILINE)


def _parse(content: str, schema: type[BaseModel]) -> BaseModel:
    text = _FENCE_RE.sub("", content.strip()).strip()
    start, end = text.find("{"), text.rfind("}")
    if start == -1 or end == -1:
        raise ValueError("the answer holds no JSON object")
    return schema.model_validate(json.loads(text[start:end + 1]))


def _chat(route: Route):
    from langchain_openai import ChatOpenAI

    return ChatOpenAI(model=route.model, api_key=route.api_key, base_url=route.base_url, timeout=route.timeout,
                      max_retries=route.max_retries, temperature=0.3)


def _instructions(system: str, schema: type[BaseModel]) -> str:
    return f"{system}\nAnswer with one JSON object only, matching this JSON schema:\n{json.dumps(schema.model_json_schema())}"


def structured(category: str, system: str, prompt: str, schema: type[BaseModel]) -> tuple[BaseModel, str]:
    """Ask the category's models in turn for JSON matching `schema`; returns it and the model label."""
    if category not in CATEGORIES:
        raise ValueError(f"unknown LLM task category {category!r}")
    instructions = _instructions(system, schema)
    errors = []
    for route in routes(category):
        if not _take_rate_slot(route):
            errors.append(f"{route.label}: rate limited")
            continue
        messages = [("system", instructions), ("human", prompt)]
        try:
            llm = _chat(route)
            answer = llm.invoke(messages).content
            try:
                return _parse(answer, schema), route.label
            except (ValueError, ValidationError) as exc:  # one repair round, then the next model
                messages += [("ai", answer), ("human", f"That answer was invalid ({str(exc)[:500]}). "
                                                       "Reply with the corrected JSON object only.")]
                return _parse(llm.invoke(messages).content, schema), route.label
        except Exception as exc:  # timeouts, HTTP errors, invalid JSON twice: try the next model
            log.warning("LLM %s failed for %s: %s", route.label, category, exc)
            errors.append(f"{route.label}: {type(exc).__name__}: {str(exc)[:200]}")
    if not errors:
        raise LLMUnavailable(f"no LLM is configured for {category}")
    raise LLMUnavailable("; ".join(errors))


def repair(category: str, label: str, system: str, prompt: str, schema: type[BaseModel], answer: BaseModel,
           request: str) -> BaseModel:
    """One more round with the model that gave `answer` (its label, from `structured`): the same
    conversation, its answer, and what a check found wrong with it (`request`). Raises when that
    model is no longer routed, is rate limited, fails, or answers with invalid JSON."""
    route = next((r for r in routes(category) if r.label == label), None)
    if route is None:
        raise LLMUnavailable(f"{label} is no longer routed for {category}")
    if not _take_rate_slot(route):
        raise LLMUnavailable(f"{route.label}: rate limited")
    messages = [("system", _instructions(system, schema)), ("human", prompt), ("ai", answer.model_dump_json()),
                ("human", request)]
    return _parse(_chat(route).invoke(messages).content, schema)


async def stream(category: str, messages: list[tuple[str, str]]):
    """Stream a chat answer from the category's models in turn: yields (model label, text chunk).
    A model that fails before its first chunk falls through to the next; one that fails midway
    raises (its partial answer was already shown)."""
    import asyncio

    errors = []
    for route in routes(category):
        if not await asyncio.to_thread(_take_rate_slot, route):
            errors.append(f"{route.label}: rate limited")
            continue
        started = False
        try:
            async for chunk in _chat(route).astream(messages):
                if chunk.content:
                    started = True
                    yield route.label, chunk.content
            return
        except Exception as exc:
            if started:
                raise
            log.warning("LLM %s failed for %s: %s", route.label, category, exc)
            errors.append(f"{route.label}: {type(exc).__name__}: {str(exc)[:200]}")
    raise LLMUnavailable("; ".join(errors) if errors else f"no LLM is configured for {category}")
