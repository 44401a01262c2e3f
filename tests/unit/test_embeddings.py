import math

from career_app.services import embeddings


def test_vectors_are_384_dimensional_and_unit_length():
    vectors = embeddings.embed_many(["Python backend engineer", "Pastry chef with ten years in bakeries"])
    assert len(vectors) == 2
    for v in vectors:
        assert len(v) == embeddings.DIMENSIONS
        assert math.isclose(sum(x * x for x in v), 1.0, rel_tol=1e-3)


def test_meaning_ranks_related_texts_closer():
    resume = embeddings.embed("Senior Python developer: FastAPI services on PostgreSQL, Docker, AWS")
    backend_job = embeddings.embed("We are hiring a backend engineer to build Python APIs with a Postgres database")
    baker_job = embeddings.embed("Bakery seeks an experienced pastry chef for early morning shifts")
    assert embeddings.cosine(resume, backend_job) > embeddings.cosine(resume, baker_job) + 0.2


def test_empty_input():
    assert embeddings.embed_many([]) == []
    assert len(embeddings.embed("   ")) == embeddings.DIMENSIONS


def test_openai_backend_through_langchain_against_loopback(monkeypatch):
    """EMBEDDINGS_BACKEND=openai: real HTTP to an OpenAI-compatible server, 384 dimensions asked
    for, and vectors normalised like the local model's."""
    from career_app.services import embeddings
    from career_app.settings import settings
    from tests.llm_server import LoopbackLLM

    with LoopbackLLM() as server:
        monkeypatch.setattr(settings, "embeddings_backend", "openai")
        monkeypatch.setattr(settings, "openai_api_key", "test-key")
        monkeypatch.setattr(settings, "openai_base_url", server.base_url)
        embeddings._openai.cache_clear()
        try:
            vectors = embeddings.embed_many(["abc", "a longer text"])
        finally:
            embeddings._openai.cache_clear()
    assert len(server.requests) == 1 and server.requests[0]["dimensions"] == 384
    assert server.requests[0]["input"] == ["abc", "a longer text"]
    assert all(len(v) == 384 for v in vectors)
    assert abs(sum(x * x for x in vectors[0]) - 1.0) < 1e-5
    assert vectors[1][0] > vectors[0][0]  # longer text, larger first component after normalising
