"""A real HTTP server on 127.0.0.1 speaking the Chat Completions wire format, for the openai
provider's tests (driven by the real openai client). Answers come from a script: a list of
steps, each (status, body, headers) or ("sleep", seconds, step); the last step repeats."""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def completion(content: str | None = None, tool_args: str | None = None, name: str = "answer") -> dict:
    msg: dict = {"role": "assistant", "content": content}
    if tool_args is not None:
        msg["content"] = None
        msg["tool_calls"] = [{"id": "call_1", "type": "function",
                              "function": {"name": name, "arguments": tool_args}}]
    return {"id": "chatcmpl-1", "object": "chat.completion", "created": 1700000000, "model": "fake",
            "choices": [{"index": 0, "message": msg,
                         "finish_reason": "tool_calls" if tool_args is not None else "stop"}],
            "usage": {"prompt_tokens": 11, "completion_tokens": 7, "total_tokens": 18}}


def ok(content: str) -> tuple:
    return (200, completion(content), {})


def error(status: int, headers: dict | None = None) -> tuple:
    return (status, {"error": {"message": f"fake error {status}", "type": "server_error"}}, headers or {})


class FakeLLM:
    def __init__(self, script: list):
        self.script = list(script)
        self.requests: list[dict] = []
        self.lock = threading.Lock()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *a):  # quiet
                pass

            def do_POST(self):
                n = int(self.headers.get("content-length", 0))
                body = json.loads(self.rfile.read(n) or b"{}")
                with fake.lock:
                    fake.requests.append({"path": self.path, "body": body,
                                          "auth": self.headers.get("authorization")})
                    step = fake.script.pop(0) if len(fake.script) > 1 else fake.script[0]
                if step[0] == "sleep":
                    time.sleep(step[1])
                    step = step[2]
                status, payload, headers = step
                data = json.dumps(payload).encode()
                try:
                    self.send_response(status)
                    self.send_header("content-type", "application/json")
                    self.send_header("content-length", str(len(data)))
                    for k, v in headers.items():
                        self.send_header(k, v)
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/v1"

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
