"""Shared test fixtures: fixture paths, the optional ../shared corpus, a fixture portal on 127.0.0.1
(pytest-httpserver: GBK listings, reports, stubs, traps; page bodies are files under
tests/fixtures/portal/) and an S3 server on loopback (moto). Shared here, never imported from
another test module."""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from werkzeug import Request, Response

from fetchers.settings import FetchSettings
from tests.support import FIXTURES, SAMPLES

os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")


#: fixtures that start a server: a test using one is marked `server` (left out of `make test-fast`)
SERVER_FIXTURES = frozenset({"harness", "s3", "served"})


def pytest_collection_modifyitems(config, items) -> None:
    for item in items:
        if SERVER_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.server)


@pytest.fixture
def fixtures() -> Path:
    return FIXTURES


@pytest.fixture(scope="session")
def samples_workdir(tmp_path_factory) -> Path:
    """A folder holding ``data/dataset`` as `ogi run` builds it from the bundled samples (the README's
    setup), built once per session by the CLI's ``main`` in this process. Tests only read it."""
    from pipeline.cli import main

    work = tmp_path_factory.mktemp("samples")
    assert main(["run", "--no-prefect", "--source", str(SAMPLES), "--out", str(work / "data" / "dataset")]) == 0
    return work


PORTAL = FIXTURES / "portal"
LAST_MODIFIED = "Wed, 10 Jan 2024 08:00:00 GMT"

#: URL path → fixture file, where they differ (the same PDF under two URLs).
ALIASES = {"/xxgk/ndbg/202402/P020240110.pdf": "upload/2024/P020240110.pdf"}
#: A ".pdf" URL that answers 200 with an HTML error page (common on portals).
SOFT_404 = {"/upload/2018/P020180110.pdf"}
SOFT_404_PAGE = "<html><head><title>文件不存在</title></head><body>您访问的文件不存在</body></html>".encode()
FLAKY = {"/xxgk/ndbg/202402/t20240201_105.html"}  # 503 on the first request only
CONTENT_TYPES = {
    ".html": "text/html",  # no charset: GBK is declared only in <meta>
    ".txt": "text/plain",
    ".pdf": "application/octet-stream",
}
NO_ETAG = {".txt"}  # validated by Last-Modified only


@dataclass
class Portal:
    base: str
    host: str
    other_host: str
    served: dict[str, int] = field(default_factory=dict)

    def url(self, path: str) -> str:
        return self.base + path


def body_for(path: str, other_host: str) -> bytes | None:
    rel = ALIASES.get(path, path.lstrip("/"))
    if path.endswith("/"):
        rel += "index.html"
    f = PORTAL / rel
    if not rel or ".." in rel or not f.is_file():
        return None
    data = f.read_bytes()
    return data.replace(b"{{OTHER}}", other_host.encode()) if f.suffix == ".html" else data


def make_handler(portal: Portal):
    def handle(request: Request) -> Response:
        path = request.path
        portal.served[path] = portal.served.get(path, 0) + 1
        if path in FLAKY and portal.served[path] == 1:
            return Response("busy", status=503, headers={"Retry-After": "0"})
        if path in SOFT_404:
            return Response(SOFT_404_PAGE, status=200, content_type="application/pdf")
        data = body_for(path, portal.other_host)
        if data is None:
            return Response("not found", status=404, content_type="text/html")
        suffix = Path(path).suffix or ".html"
        headers = {"Last-Modified": LAST_MODIFIED}
        etag = None if suffix in NO_ETAG else '"' + hashlib.sha1(data).hexdigest()[:16] + '"'
        if etag:
            headers["ETag"] = etag
        if suffix == ".pdf":
            headers["Content-Disposition"] = "attachment; filename*=UTF-8''%E5%B9%B4%E6%8A%A5.pdf"
        if (etag and request.headers.get("If-None-Match") == etag) or (
                not etag and request.headers.get("If-Modified-Since") == LAST_MODIFIED):
            return Response(status=304, headers=headers)
        return Response(data, status=200, headers=headers, content_type=CONTENT_TYPES.get(suffix, "text/html"))

    return handle


@pytest.fixture
def portal(httpserver) -> Portal:
    host = f"127.0.0.1:{httpserver.port}"
    p = Portal(base=f"http://{host}", host=host, other_host=f"localhost:{httpserver.port}")
    httpserver.expect_request(re.compile(".*")).respond_with_handler(make_handler(p))
    return p


@pytest.fixture
def fast() -> FetchSettings:
    """No delays in tests; few tries so failures are quick."""
    return FetchSettings(delay=0.0, backoff=0.0, max_tries=3, timeout=5.0)


# ---- S3 (moto server mode on loopback, never a real endpoint) -------------------------------

@pytest.fixture(scope="module")
def s3():
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    opts = {"key": "testing", "secret": "testing", "endpoint_url": f"http://{host}:{port}",
            "client_kwargs": {"region_name": "us-east-1"}}
    import boto3
    import s3fs

    boto3.client("s3", endpoint_url=opts["endpoint_url"], aws_access_key_id="testing",
                 aws_secret_access_key="testing", region_name="us-east-1").create_bucket(Bucket="ogi-test")
    fs = s3fs.S3FileSystem(**opts)
    yield opts, fs
    server.stop()
