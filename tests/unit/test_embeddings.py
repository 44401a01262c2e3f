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


def test_int8_onnx_vectors_match_the_fp32_model(monkeypatch):
    """The default backend (int8 ONNX export of the bundled model) against the fp32 model it was
    made from: the same meaning, padding of a mixed-length batch included."""
    import numpy as np

    from career_app.settings import settings

    texts = ["Python", "Registered nurse, ICU, three years of critical care",
             "We are hiring a backend engineer to build Python APIs with a Postgres database. " * 8]
    assert settings.embeddings_backend == "local"
    onnx_vectors = np.asarray(embeddings.embed_many(texts))
    monkeypatch.setattr(settings, "embeddings_backend", "torch")
    torch_vectors = np.asarray(embeddings.embed_many(texts))
    assert embeddings.onnx_path().exists()
    cosines = (onnx_vectors * torch_vectors).sum(axis=1)
    assert cosines.min() >= 0.99, cosines
    assert cosines[:2].min() >= 0.9999, cosines  # short texts (requirement phrases) go through the fp32 export
    assert embeddings.variant() == "minilm-fp32"


def test_each_distinct_phrase_is_embedded_once(monkeypatch):
    import numpy as np

    from career_app.services.embeddings import _phrase_key, _phrase_redis

    unique = f"Phrase cache check {np.random.default_rng().integers(1 << 40)}"
    phrases = [unique, "Forklift operation", unique]
    _phrase_redis().delete(_phrase_key())
    seen: list[list[str]] = []
    original = embeddings.embed_many
    monkeypatch.setattr(embeddings, "embed_many", lambda texts, **kw: seen.append(list(texts)) or original(texts))
    first = embeddings.embed_phrases(phrases)
    assert seen == [[unique, "Forklift operation"]]  # a repeat inside one call costs nothing either
    assert np.allclose(first[0], first[2]) and np.allclose(first[1], original(["Forklift operation"])[0], atol=1e-6)
    again = embeddings.embed_phrases(["Forklift  operation", unique])  # the same text once its spaces are tidied
    assert len(seen) == 1  # no model call: both came from the cache
    assert np.array_equal(again, first[[1, 0]])
    assert _phrase_redis().hlen(_phrase_key()) == 2
