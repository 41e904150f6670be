"""A real HTTP receiver on loopback (http.server in a thread) that keeps every request it gets
and answers with the statuses it is told, in order (the last one repeats)."""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class Receiver:
    port: int = 0
    statuses: list[int] = field(default_factory=lambda: [200])
    delay: float = 0.0
    received: list[Received] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hooks/rapport"


DOCS = Path(__file__).resolve().parents[2] / "docs" / "webhooks.md"


def _documented_verify() -> Callable[[str, str, bytes], bool]:
    """The verification snippet of docs/webhooks.md, run as a receiver would copy it: the
    tests verify every delivery with it, so the documentation cannot drift from the code."""
    [snippet] = re.findall(r"```python\n(.*?)```", DOCS.read_text(encoding="utf-8"), re.S)
    namespace: dict[str, Any] = {}
    exec(compile(snippet, str(DOCS), "exec"), namespace)
    return namespace["verify_signature"]


verify = _documented_verify()


@contextmanager
def running_receiver(*statuses: int, delay: float = 0.0) -> Iterator[Receiver]:
    receiver = Receiver(statuses=list(statuses or [200]), delay=delay)

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", 0))
            body = self.rfile.read(length)
            receiver.received.append(Received(self.path, dict(self.headers.items()), body))
            if receiver.delay:
                time.sleep(receiver.delay)
            statuses = receiver.statuses
            status = statuses.pop(0) if len(statuses) > 1 else statuses[0]
            answer = f"answer {status} " + "x" * 5000
            self.send_response(status)
            if status in (301, 302, 307):
                self.send_header("Location", "http://127.0.0.1:1/elsewhere")
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer.encode())

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    receiver.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield receiver
    finally:
        server.shutdown()
        server.server_close()
