"""A loopback OpenAI-compatible server for tests: real HTTP on 127.0.0.1, answering
/v1/chat/completions the way a model would, with switchable failure modes."""

import base64
import json
import struct
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

# Names two requirements of the tests' default job (tests/api/jobs_helpers.py: Python, Postgres), so
# that the guides check of enrichment (services/advice.py) passes it as a software job.
GUIDES = {
    "resume_guide": [f"Loopback guide bullet {i}: show Python and PostgreSQL in one project" for i in range(1, 6)],
    "interview_questions": [{"question": f"Loopback question {i}: how have you used Python with PostgreSQL?",
                             "answer_strategy": f"Loopback strategy {i}: be concrete."} for i in range(1, 6)],
}
ANALYSIS = {"skills": ["python", "Postgres", "Kubernetes"], "salary_min": 90000, "salary_max": 120000,
            "currency": "USD", "seniority": "senior"}


class LoopbackLLM:
    """mode: "ok", "invalid_once" (first answer is not JSON, the repair succeeds), "error" (HTTP 500).
    delay: seconds each chat answer takes (a slow model). guides: the resume guide and interview prep
    it answers with; repaired_guides: its answer in a repair round (a conversation longer than the
    system message and the prompt), when it should differ."""

    def __init__(self, mode: str = "ok", delay: float = 0.0, stream_delay: float = 0.01, guides: dict | None = None,
                 repaired_guides: dict | None = None):
        self.mode = mode
        self.guides = guides or GUIDES
        self.repaired_guides = repaired_guides
        self.delay = delay
        self.stream_delay = stream_delay  # seconds between the words of a streamed chat answer
        self.chat_answer = "Loopback coach: practise your STAR stories and show Kubernetes in a project."
        self.answer: dict | None = None  # the JSON a structured request gets instead of ANALYSIS
        self.requests: list[dict] = []
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_port}/v1"

    def __enter__(self) -> "LoopbackLLM":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._server.shutdown()
        self._server.server_close()

    def _answer(self, body: dict) -> tuple[int, str | None]:
        with self._lock:
            self.requests.append(body)
            count = len(self.requests)
        time.sleep(self.delay)
        if self.mode == "error":
            return 500, None
        system = body["messages"][0]["content"]
        repairing = len(body["messages"]) > 2
        payload = self.answer if self.answer is not None else ANALYSIS
        if "resume-tailoring" in system:
            payload = self.repaired_guides if repairing and self.repaired_guides is not None else self.guides
        if self.mode == "invalid_once" and not repairing and count % 2 == 1:
            return 200, "Sure! Here are some thoughts, but no JSON."
        return 200, "```json\n" + json.dumps(payload) + "\n```"

    def _stream(self, handler: BaseHTTPRequestHandler, body: dict) -> None:
        """A streamed chat answer (server-sent events), one word per chunk, `stream_delay` apart."""
        with self._lock:
            self.requests.append(body)
        if self.mode == "error":
            handler.send_response(500)
            handler.send_header("Content-Type", "application/json")
            handler.end_headers()
            handler.wfile.write(b'{"error": {"message": "loopback failure"}}')
            return
        handler.send_response(200)
        handler.send_header("Content-Type", "text/event-stream")
        handler.end_headers()
        words = [f"{w} " for w in self.chat_answer.split()]
        try:
            for word in words:
                chunk = {"id": "chatcmpl-stream", "object": "chat.completion.chunk", "created": int(time.time()),
                         "model": body.get("model", "loopback"),
                         "choices": [{"index": 0, "delta": {"content": word}, "finish_reason": None}]}
                handler.wfile.write(f"data: {json.dumps(chunk)}\n\n".encode())
                handler.wfile.flush()
                time.sleep(self.stream_delay)
            handler.wfile.write(b"data: [DONE]\n\n")
            handler.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client stopped reading (a takeover cancelled the reply)

    @staticmethod
    def embeddings_response(body: dict) -> dict:
        """A deterministic, un-normalised vector per input: its length in the first slot, 1 in the second."""
        texts = body["input"] if isinstance(body["input"], list) else [body["input"]]
        dims = body.get("dimensions") or 1536
        data = []
        for i, text in enumerate(texts):
            vector = [0.0] * dims
            vector[0], vector[1] = float(len(str(text))), 1.0
            if body.get("encoding_format") == "base64":
                encoded = base64.b64encode(struct.pack(f"<{dims}f", *vector)).decode()
                data.append({"object": "embedding", "index": i, "embedding": encoded})
            else:
                data.append({"object": "embedding", "index": i, "embedding": vector})
        return {"object": "list", "data": data, "model": body.get("model", "loopback"),
                "usage": {"prompt_tokens": 1, "total_tokens": 1}}

    def _handler(self):
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                if self.headers.get("Authorization") != "Bearer test-key":
                    self._send(401, {"error": {"message": "bad key"}})
                    return
                if self.path == "/v1/embeddings":
                    with outer._lock:
                        outer.requests.append(body)
                    self._send(200, outer.embeddings_response(body))
                    return
                if self.path != "/v1/chat/completions":
                    self._send(404, {"error": {"message": "no such route"}})
                    return
                if body.get("stream"):
                    outer._stream(self, body)
                    return
                status, content = outer._answer(body)
                if status != 200:
                    self._send(status, {"error": {"message": "loopback failure", "type": "server_error"}})
                    return
                self._send(200, {
                    "id": f"chatcmpl-{len(outer.requests)}", "object": "chat.completion", "created": int(time.time()),
                    "model": body.get("model", "loopback"),
                    "choices": [{"index": 0, "finish_reason": "stop",
                                 "message": {"role": "assistant", "content": content}}],
                    "usage": {"prompt_tokens": 10, "completion_tokens": 10, "total_tokens": 20},
                })

            def _send(self, status: int, payload: dict):
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        return Handler


def write_config(path, *servers: tuple[str, "LoopbackLLM"], rate_limit: int = 1000) -> None:
    """Route every category through the given servers, in order."""
    providers = {name: {"api_key": "test-key", "base_url": srv.base_url, "rate_limit_per_minute": rate_limit}
                 for name, srv in servers}
    chain = [{"provider": name, "model": "loopback-model", "timeout": 10, "max_retries": 0} for name, _ in servers]
    config = {"providers": providers,
              "routes": {c: chain for c in ("analysis", "generation", "comparison", "chat")}}
    tmp = f"{path}.tmp"
    with open(tmp, "w") as fh:
        json.dump(config, fh)
    import os

    os.replace(tmp, path)
