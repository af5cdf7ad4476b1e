"""The review app over real HTTP on 127.0.0.1 (no browser: see test_browser.py for that)."""

from __future__ import annotations

import json
import threading
import urllib.error
import urllib.request

import pytest

from review.corrections import read_corrections
from review.pages import rule_cells
from review.server import ReviewSettings, make_server
from tests.review.support import reports


@pytest.fixture
def app(dataset):
    _src, out = dataset
    srv = make_server(ReviewSettings(out=str(out), port=0, open_browser=False))
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{srv.server_address[1]}", out
    srv.shutdown()
    srv.server_close()


def get(url: str) -> tuple[int, str, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=60) as r:
            return r.status, r.headers["Content-Type"], r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.headers["Content-Type"], e.read()


def post(url: str, body: dict) -> tuple[int, dict]:
    req = urllib.request.Request(url, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=60) as r:
            return r.status, json.loads(r.read())
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read())


def test_binds_loopback_only(app):
    base, _ = app
    assert base.startswith("http://127.0.0.1:")


def test_lists_every_report_that_is_not_ok_and_filters(app):
    base, out = app
    reps = reports(out)
    _, _, body = get(base + "/")
    page = body.decode()
    for name, r in reps.iterrows():
        assert (name in page) == (r["status"] != "ok")
    _, _, body = get(base + "/?rule=R1")
    assert "guiyang_2024_r1_broken.pdf" in body.decode() and "tongwei_img_tables_gbk.html" not in body.decode()
    _, _, body = get(base + "/?status=tables_missing")
    assert "guiyang_2024_r1_broken.pdf" not in body.decode() and "tongwei_img_tables_gbk.html" in body.decode()


def test_report_page_shows_page_images_with_boxes_and_marks_failed_cells(app):
    base, out = app
    rid = reports(out).loc["guiyang_2024_r1_broken.pdf", "report_id"]
    code, _, body = get(f"{base}/report/{rid}")
    page = body.decode()
    assert code == 200 and f"/page/{rid}/1.png" in page and "class='box" in page
    assert "class='cell failed'" in page and "data-cell='requests.carried_over.commercial'" in page
    code, ctype, img = get(f"{base}/page/{rid}/1.png")
    assert code == 200 and ctype == "image/png" and img.startswith(b"\x89PNG")
    assert get(f"{base}/page/{rid}/999.png")[0] in (404, 500)


def test_text_report_is_shown_as_text_with_its_table_highlighted(app):
    base, out = app
    rid = reports(out).loc["ok_2019_tabs.txt", "report_id"]
    page = get(f"{base}/report/{rid}")[2].decode()
    assert "<table id=doc-table-" in page and "class=hl data-cell='requests.new_received.total'" in page


def test_save_appends_corrections_and_rejects_what_is_not_a_number(app):
    base, out = app
    rep = reports(out).loc["guiyang_2024_r1_broken.pdf"]
    code, got = post(base + "/api/save", {"report_id": rep["report_id"], "cells": {"requests.new_received.commercial": "13"},
                                          "reviewer": "ann", "note": "read again"})
    assert code == 200 and got["saved"] == 1
    (c,) = read_corrections(out / "corrections.csv")
    assert (c.sha256, c.cell, c.value, c.raw, c.reviewer, c.note) == (
        rep["sha256"], "requests.new_received.commercial", 13.0, "13", "ann", "read again")
    assert post(base + "/api/save", {"report_id": rep["report_id"], "cells": {"requests.new_received.commercial": "abc"}})[0] == 400
    assert post(base + "/api/save", {"report_id": rep["report_id"], "cells": {"requests.bogus.total": "1"}})[0] == 400
    assert post(base + "/api/save", {"report_id": "nope", "cells": {}})[0] == 400
    assert len(read_corrections(out / "corrections.csv")) == 1


def test_rule_cells_name_the_cells_an_identity_reads():
    ids = ["requests.new_received.total", "requests.granted.total", "requests.handled_total.total",
           "requests.carried_over.total", "requests.granted.commercial", "appeals.review.total"]
    assert rule_cells("R2 requests.total", ids) == {"requests.granted.total", "requests.handled_total.total"}
    assert rule_cells("R3 requests.granted", ids) == {"requests.granted.total", "requests.granted.commercial"}
    assert rule_cells("R4 appeals.review", ids) == {"appeals.review.total"}


def test_refuses_a_folder_without_a_dataset(tmp_path):
    with pytest.raises(ValueError):
        ReviewSettings(out=str(tmp_path))


def test_save_refuses_cross_site_requests(app):
    base, out = app
    rid = reports(out).loc["guiyang_2024_r1_broken.pdf", "report_id"]
    body = json.dumps({"report_id": rid, "cells": {"requests.new_received.commercial": "1"}}).encode()
    for headers in ({"Content-Type": "text/plain"}, {"Content-Type": "application/json", "Host": "evil.example:80"}):
        req = urllib.request.Request(base + "/api/save", data=body, headers=headers)
        with pytest.raises(urllib.error.HTTPError) as e:
            urllib.request.urlopen(req, timeout=60)
        assert e.value.code == 403
    assert not (out / "corrections.csv").exists()
