"""`ogi review OUT`: the local review web app (stdlib http.server, 127.0.0.1 only).

Reads the published dataset, shows the reports that are not ok, and appends what a person
saves to ``<out>/corrections.csv`` (or ``--corrections``); the next ``ogi run`` applies it.
"""

from __future__ import annotations

import json
import logging
import os
import sys
import threading
import time
from dataclasses import dataclass
from functools import lru_cache
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from normalizers.values import parse_value
from review import pages
from review.corrections import REPORT_MARKS, STATUS_CELL, Correction, append_corrections, corrections_path, template_cells
from review.data import page_kind, png, read_rows, render_page, sha_matches, source_file

log = logging.getLogger(__name__)
HOST = "127.0.0.1"  # never another interface: the app writes files and has no login
MAX_BODY = 1 << 20


@dataclass(frozen=True, slots=True)
class ReviewSettings:
    out: str
    port: int = 8765
    corrections: str | None = None
    open_browser: bool = True
    zoom: float = 1.5  # page image pixels per PDF point

    def __post_init__(self) -> None:
        if not (Path(self.out) / "current").exists():
            raise ValueError(f"no published dataset at {self.out} (run `ogi run --out {self.out}` first)")
        if not 0 <= self.port <= 65535:
            raise ValueError(f"bad port {self.port}")
        if not 0.25 <= self.zoom <= 6:
            raise ValueError("zoom must be within 0.25..6")


class App:
    """What the handler needs: the dataset, the corrections file, a little caching of sources."""

    def __init__(self, settings: ReviewSettings) -> None:
        self.s = settings
        self.corrections = corrections_path(settings.out, settings.corrections)
        self.lock = threading.Lock()

    def report(self, report_id: str) -> dict | None:
        rows = read_rows(self.s.out, "reports", report_id).to_pylist()
        return rows[0] if rows else None

    def source(self, rep: dict) -> tuple[bytes, str | None] | None:
        path = source_file(rep)
        if path is None or (rep["sha256"] and not sha_matches(path, rep["sha256"])):
            return None
        data = path.read_bytes()
        return data, page_kind(data, rep["file_name"])

    def list_html(self, query: dict[str, str]) -> str:
        reports = read_rows(self.s.out, "reports").to_pylist()
        return pages.list_page(reports, pages.failed_rules(read_rows(self.s.out, "checks").to_pylist()), query)

    def report_html(self, rep: dict) -> str:
        from ogi.codebook import cells

        rid = rep["report_id"]
        facts = read_rows(self.s.out, "facts", rid).to_pylist()
        checks = read_rows(self.s.out, "checks", rid).to_pylist()
        ids = [c.id for c in cells()]
        bad = set().union(*(pages.rule_cells(c["rule"], ids) for c in checks if not c["passed"])) if checks else set()
        src = self.source(rep)
        if src is None:
            source_html = "<p>The source file is not where the dataset says (source_path / raw_path).</p>"
        elif src[1] is not None:
            source_html = pages.page_images(rid, _page_sizes(src[0], src[1]), facts, bad)
        else:
            source_html = pages.document_text(_document(rep["file_name"], src[0]), facts)
        template = rep["template"] or ("2021" if (rep["year"] or 2021) >= 2021 else "2019")
        form = pages.template_form(list(cells()), template, {pages._fact_id(f): f for f in facts}, bad)
        return pages.report_page(rep, source_html, form, checks)

    def page_png(self, rep: dict, n: int) -> bytes | None:
        src = self.source(rep)
        if src is None or src[1] is None:
            return None
        return png(render_page(src[0], src[1], n, self.s.zoom))

    def save(self, body: dict) -> tuple[int, dict]:
        """Validate a review and append it to the corrections file."""
        rep = self.report(str(body.get("report_id", "")))
        if rep is None or not rep["sha256"]:
            return 400, {"error": "unknown report (or its file could not be read)"}
        when = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
        who, note = str(body.get("reviewer") or "")[:100], str(body.get("note") or "")[:1000]
        rows = []
        for cell, raw in dict(body.get("cells") or {}).items():
            raw = str(raw).strip()
            if cell not in template_cells():
                return 400, {"error": f"no cell {cell} in fields.csv"}
            value = parse_value(raw)
            if value is None:
                return 400, {"error": f"{cell}: '{raw}' is not a printed number"}
            rows.append(Correction(rep["sha256"], cell, value, raw, who, when, note))
        mark = str(body.get("mark") or "")
        if mark:
            if mark not in REPORT_MARKS:
                return 400, {"error": f"unknown mark {mark}"}
            rows.append(Correction(rep["sha256"], STATUS_CELL, None, mark, who, when, note))
        if not rows:
            return 400, {"error": "nothing changed"}
        with self.lock:
            append_corrections(self.corrections, rows)
        log.info("saved %d corrections for %s", len(rows), rep["file_name"])
        return 200, {"saved": len(rows), "file": str(self.corrections)}


@lru_cache(maxsize=32)
def _page_sizes(data: bytes, kind: str) -> list[tuple[float, float]]:
    """Each page's (width, height) in PDF points."""
    if kind == "pdf":
        import pypdfium2 as pdfium

        pdf = pdfium.PdfDocument(data)
        try:
            return [tuple(pdf[i].get_size()) for i in range(len(pdf))]
        finally:
            pdf.close()
    import io

    from PIL import Image, ImageSequence

    from extractors.ocr_pages import image_dpi

    out = []
    for fr in ImageSequence.Iterator(Image.open(io.BytesIO(data))):
        f = 72.0 / image_dpi(fr)
        out.append((fr.width * f, fr.height * f))
    return out


@lru_cache(maxsize=16)
def _document(file_name: str, data: bytes):
    from extractors.base import extract_file

    return extract_file(file_name, data)


def make_handler(app: App) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        server_version = "ogi-review"

        def log_message(self, fmt: str, *args) -> None:  # to logging, not stderr
            log.debug("%s " + fmt, self.address_string(), *args)

        def _send(self, code: int, body: bytes, ctype: str) -> None:
            self.send_response(code)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            self.wfile.write(body)

        def _html(self, text: str, code: int = 200) -> None:
            self._send(code, text.encode("utf-8"), "text/html; charset=utf-8")

        def _json(self, code: int, obj: dict) -> None:
            self._send(code, json.dumps(obj, ensure_ascii=False).encode("utf-8"), "application/json")

        def do_GET(self) -> None:  # noqa: N802 (http.server's name)
            url = urlsplit(self.path)
            parts = [unquote(p) for p in url.path.split("/") if p]
            try:
                if not parts:
                    return self._html(app.list_html(pages.list_query(parse_qs(url.query))))
                if parts == ["quality.html"]:
                    q = Path(app.s.out) / "quality.html"
                    return self._html(q.read_text(encoding="utf-8")) if q.exists() else self._html("no quality page", 404)
                rep = app.report(parts[1]) if len(parts) >= 2 else None
                if rep is None:
                    return self._html("not found", 404)
                if parts[0] == "report" and len(parts) == 2:
                    return self._html(app.report_html(rep))
                if parts[0] == "page" and len(parts) == 3 and parts[2].endswith(".png") and parts[2][:-4].isdigit():
                    img = app.page_png(rep, int(parts[2][:-4]))
                    return self._send(200, img, "image/png") if img else self._html("no page image", 404)
                return self._html("not found", 404)
            except Exception as e:  # one bad page must not stop the app
                log.exception("GET %s failed", self.path)
                return self._html(f"error: {type(e).__name__}: {e}", 500)

        def _same_origin(self) -> bool:
            """Only this app's own page may save: a JSON body (a cross-site form cannot send one
            without a preflight this server never grants) to a Host naming loopback (no DNS rebinding)."""
            host = (self.headers.get("Host") or "").rsplit(":", 1)[0]
            ctype = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
            return host in (HOST, "localhost") and ctype == "application/json"

        def do_POST(self) -> None:  # noqa: N802
            if urlsplit(self.path).path != "/api/save":
                return self._json(404, {"error": "not found"})
            if not self._same_origin():
                return self._json(403, {"error": "only the review page on 127.0.0.1 may save"})
            n = int(self.headers.get("Content-Length") or 0)
            if not 0 < n <= MAX_BODY:
                return self._json(400, {"error": "bad request size"})
            try:
                body = json.loads(self.rfile.read(n))
            except ValueError:
                return self._json(400, {"error": "not JSON"})
            if not isinstance(body, dict):
                return self._json(400, {"error": "not a JSON object"})
            code, obj = app.save(body)
            return self._json(code, obj)

    return Handler


def make_server(settings: ReviewSettings) -> ThreadingHTTPServer:
    """The app bound to 127.0.0.1:port (port 0: any free port)."""
    srv = ThreadingHTTPServer((HOST, settings.port), make_handler(App(settings)))
    srv.daemon_threads = True
    return srv


def browser_available() -> bool:
    """A browser can be shown: a desktop session, not CI or a test run."""
    if os.environ.get("CI") or os.environ.get("PYTEST_CURRENT_TEST") or os.environ.get("OGI_NO_BROWSER"):
        return False
    if sys.platform in ("darwin", "win32"):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def serve(settings: ReviewSettings) -> None:
    srv = make_server(settings)
    url = f"http://{HOST}:{srv.server_address[1]}/"
    print(f"ogi review on {url} (Ctrl-C stops)", flush=True)  # the one line a person starting it needs
    if settings.open_browser and browser_available():
        import webbrowser

        threading.Timer(0.5, webbrowser.open, args=(url,)).start()
    try:
        srv.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        srv.server_close()
