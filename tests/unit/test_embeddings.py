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
