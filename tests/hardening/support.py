"""Helpers of the hardening tests (a plain module: fixtures stay in conftest.py): in-process runs,
the good text reports, and a raw loopback HTTP server whose answers are byte for byte what a test sets."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


# ---- in-process runs (the composition `ogi run --no-prefect` calls) ---------------------------

def ogi_run(source: Path | str, out: Path, **request) -> dict:
    """One run of :func:`pipeline.run.run` with the plain steps; its result dict."""
    from pipeline.run import RunRequest, plan
    from pipeline.run import run as run_planned

    return run_planned(plan(RunRequest(source=str(source), out=str(out), workers=request.pop("workers", 2),
                                       **request))).result


def read(out: Path, name: str = "reports"):
    import pandas as pd

    return pd.read_parquet(out / name)


TEXT = ROOT / "tests" / "fixtures" / "text"
#: three good text reports (fast to read), by agency year
GOOD = ("dashuikeng_2020.txt", "hongze_2024_plain.txt", "wangcun_2020_seedlike.txt")


# ---- a raw loopback HTTP server: each path answers exactly what a test says --------------------

class Loopback:
    """A threaded HTTP server on 127.0.0.1 whose answers are byte for byte what the test sets:
    raw Location headers (backslashes), trickled bodies, any status. Unknown paths are 404
    (robots.txt too, so everything is allowed unless a test says otherwise)."""

    def __init__(self) -> None:
        import http.server

        self.routes: dict[str, Callable] = {}
        self.fallback: Callable | None = None  # answers any path without a route (else 404)
        self.hits: list[str] = []
        self.stop = threading.Event()
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.0"

            def do_GET(self) -> None:  # noqa: N802 (http.server's name)
                outer.hits.append(self.path)
                answer = outer.routes.get(self.path, outer.fallback)
                try:
                    if answer is None:
                        self.send_error(404)
                    else:
                        answer(self)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def log_message(self, *args) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.server.block_on_close = False
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()

    @property
    def port(self) -> int:
        return self.server.server_address[1]

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def answer(self, path: str, status: int = 200, body: bytes = b"", headers: dict[str, str] | None = None) -> None:
        def send(h) -> None:
            h.send_response(status)
            for k, v in (headers or {}).items():
                h.send_header(k, v)
            h.send_header("Content-Length", str(len(body)))
            h.end_headers()
            h.wfile.write(body)

        self.routes[path] = send

    def raw(self, path: str, response: bytes) -> None:
        """Answer with exactly these bytes (status line, headers and body as given)."""
        def send(h) -> None:
            h.wfile.write(response)
            h.close_connection = True

        self.routes[path] = send

    def page(self, path: str, html: str) -> None:
        self.answer(path, body=html.encode(), headers={"Content-Type": "text/html; charset=utf-8"})

    def file(self, path: str, data: bytes, headers: dict[str, str] | None = None) -> None:
        self.answer(path, body=data, headers={"Content-Type": "application/pdf", **(headers or {})})

    def redirect(self, path: str, location: str, status: int = 302) -> None:
        self.answer(path, status=status, headers={"Location": location})

    def trickle(self, path: str, size: int = 1000, every: float = 10.0) -> None:
        """200 with a Content-Length of ``size``, then one byte every ``every`` seconds."""
        def send(h) -> None:
            h.send_response(200)
            h.send_header("Content-Type", "application/pdf")
            h.send_header("Content-Length", str(size))
            h.end_headers()
            h.wfile.write(b"%")
            h.wfile.flush()
            for _ in range(size - 1):
                if self.stop.wait(every):
                    return
                h.wfile.write(b"P")
                h.wfile.flush()

        self.routes[path] = send

    def close(self) -> None:
        self.stop.set()
        self.server.shutdown()
        self.server.server_close()


def listing(links: list[tuple[str, str]], title: str = "政府信息公开工作年度报告") -> str:
    """A listing page linking each (href, anchor text)."""
    items = "".join(f'<li><a href="{href}">{text}</a></li>' for href, text in links)
    return f"<html><head><title>{title}</title></head><body><ul>{items}</ul></body></html>"


PDFS = (ROOT / "tests" / "fixtures" / "pdf" / "hongze_2024_p3-4.pdf",
        ROOT / "tests" / "fixtures" / "portal" / "upload" / "2024" / "P020240110.pdf")
