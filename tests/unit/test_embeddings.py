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


def test_a_text_gets_the_same_vector_whatever_its_batch():
    """Short texts run in length-sorted padded batches (fp32: the padding is masked), long ones one a
    run (int8: a run's activation scale would otherwise mix texts): either way a text's vector does
    not depend on the texts embedded with it."""
    import numpy as np

    long = "Registered nurse for a cardiac intensive care unit, twelve-hour shifts, BLS and ACLS required. " * 6
    other = "Warehouse associate: forklift licence, picking and packing, night shifts, safety shoes. " * 7
    short = ["Python", "Forklift operation and warehouse safety", "BLS", "Experience with Kubernetes clusters"]
    together = np.asarray(embeddings.embed_many([long, *short, other]))
    alone = np.asarray([embeddings.embed(t) for t in [long, *short, other]])
    assert np.abs(together - alone).max() < 1e-5  # a batch-wide int8 scale would move them by ~1e-3


def test_a_forked_work_horse_uses_the_sessions_made_before_the_fork():
    """RQ forks a work horse per task: with one ONNX Runtime thread the sessions load() made in the
    worker serve the horse (no thread pool to lose), with the same vectors."""
    import os

    import numpy as np

    from career_app.settings import settings

    assert settings.embeddings_threads == 1
    embeddings.load()
    texts = ["Python", "Backend engineer building Python APIs on PostgreSQL for a logistics platform. " * 5]
    parent = np.asarray(embeddings.embed_many(texts), dtype=np.float32)
    sessions = dict(embeddings._sessions)
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: report its vectors and whether it made a session of its own
        try:
            child = np.asarray(embeddings.embed_many(texts), dtype=np.float32)
            same = all(embeddings._sessions[k] is v for k, v in sessions.items()) and len(embeddings._sessions) == 2
            os.write(write, child.tobytes() + bytes([same]))
        finally:
            os._exit(0)
    os.close(write)
    data = b""
    while chunk := os.read(read, 1 << 16):
        data += chunk
    os.close(read)
    os.waitpid(pid, 0)
    assert data[-1] == 1
    assert np.array_equal(np.frombuffer(data[:-1], dtype=np.float32).reshape(parent.shape), parent)
