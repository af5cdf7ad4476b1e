"""The review app in a real browser: Debian's chromium driven by playwright, `ogi review` as a
subprocess on 127.0.0.1, then `ogi run` again and the corrected value read back with pandas."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.review.support import facts, reports, run
from tests.support import ROOT

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian chromium not installed (scripts/setup.sh)")
CELL = "requests.new_received.commercial"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def served(dataset):
    src, out = dataset
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT), "OGI_NO_BROWSER": "1"}
    proc = subprocess.Popen([sys.executable, "-m", "pipeline.cli", "review", str(out), "--port", str(port)],
                            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while True:  # wait until it answers (startup imports take a while on a busy machine)
        try:
            urllib.request.urlopen(base + "/", timeout=30).read()
            break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                pytest.fail(f"ogi review did not start: {proc.stdout.read().decode(errors='replace')}")
            time.sleep(0.5)
    yield src, out, base
    proc.terminate()
    proc.wait(30)


@pytest.fixture
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


def watch(page) -> list[str]:
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    return errors


def test_review_a_flagged_pdf_in_the_browser_then_rerun(served, browser):
    src, out, base = served
    old = facts(out, "guiyang_2024_r1_broken.pdf").loc[CELL, "value"]
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    errors = watch(page)
    page.goto(base + "/")
    rows = page.locator("#reports tr.report")
    names = {n for n in rows.locator("a").all_inner_texts()}
    assert names == set(reports(out).query("status != 'ok'").index)
    page.select_option("#f-status", "checks_failed")
    page.click("#apply")
    page.wait_for_url("**/?status=checks_failed**")
    assert rows.locator("a").all_inner_texts() == ["guiyang_2024_r1_broken.pdf"]
    page.click("text=guiyang_2024_r1_broken.pdf")
    page.wait_for_selector("#source .page img")
    with_boxes = page.locator("#source .page:has(.box)").first
    with_boxes.scroll_into_view_if_needed()
    img = with_boxes.locator("img")
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=img.element_handle())
    ib, bb = img.bounding_box(), with_boxes.locator(".box").first.bounding_box()
    assert ib["width"] > 300 and ib["x"] <= bb["x"] <= ib["x"] + ib["width"] and ib["y"] <= bb["y"] <= ib["y"] + ib["height"]
    assert page.locator("td.failed input").count() > 0
    page.fill(f"input[data-cell='{CELL}']", str(int(old - 1)))
    page.fill("#reviewer", "playwright")
    page.fill("#note", "typed as printed")
    page.click("#save")
    page.wait_for_selector("#msg:has-text('Saved 1 correction')")
    assert errors == []

    run(src, out)
    f = facts(out, "guiyang_2024_r1_broken.pdf").loc[CELL]
    assert (f["value"], f["origin"], f["extracted_value"]) == (old - 1, "corrected", old)
    assert reports(out).loc["guiyang_2024_r1_broken.pdf", "reviewed"]


def test_quality_page_opens_without_console_errors(served, browser):
    _src, out, base = served
    for url in ((out / "quality.html").as_uri(), base + "/quality.html"):
        page = browser.new_page()
        errors = watch(page)
        page.goto(url)
        page.wait_for_load_state("load")
        assert page.locator("h1").inner_text() == "Dataset quality"
        assert page.locator("svg rect").count() == len(reports(out)["status"].unique())
        assert errors == []
