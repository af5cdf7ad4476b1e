"""Every value says where it was read; review.explain returns it with a crop of the cell."""

from __future__ import annotations

import io

import pytest
from PIL import Image

import review
from extractors.base import extract_file
from extractors.ocr import in_points
from extractors.text import lines_to_blocks
from ogi.types import Cell, RawTable
from review.provenance import parse_locator
from tests.review.support import facts, reports
from tests.support import FIXTURES


@pytest.mark.parametrize("path", [FIXTURES / "review" / "ok_2019_tabs.txt", FIXTURES / "text" / "gaotian_2024_layout.txt",
                                  FIXTURES / "text" / "yishui_2021_tsv.md", FIXTURES / "text" / "hongze_2024_plain.txt"],
                         ids=["tabs", "layout", "tsv-md", "plain"])
def test_text_cells_carry_the_line_they_were_printed_on(path):
    p = path
    lines = p.read_text(encoding="utf-8").splitlines()
    doc = extract_file(p)
    for t, table in enumerate(doc.tables, start=1):
        for c in table.cells:
            loc = parse_locator(c.locator)
            assert loc["table"] == t and loc["row"] == c.row + 1 and loc["col"] == c.col + 1
            assert c.text in lines[loc["line"] - 1]


def test_tables_split_by_blank_lines_keep_their_line_numbers():
    blocks = lines_to_blocks(["甲\t1\t2", "", "乙\t3\t4"])
    (table,) = blocks
    assert [(c.text, c.locator) for c in table.cells if c.text in ("1", "3")] == [("1", "line=1"), ("3", "line=3")]


def test_html_cells_are_located_by_table_row_and_column():
    doc = extract_file(FIXTURES / "html" / "lichuan_gbk_trs.html")
    assert doc.tables
    for t, table in enumerate(doc.tables, start=1):
        grid = table.grid()
        for c in table.cells:
            loc = parse_locator(c.locator)
            assert loc["table"] == t and grid[loc["row"] - 1][loc["col"] - 1] is c


def test_ocr_boxes_become_pdf_points():
    t = RawTable(cells=[Cell("1", 0, 0, bbox=(200.0, 400.0, 300.0, 450.0))])
    in_points([t], 200.0)
    assert t.cells[0].bbox == (72.0, 144.0, 108.0, 162.0)


def test_explain_a_pdf_cell_gives_page_box_and_its_picture(built):
    _src, out = built
    rep = reports(out).loc["guiyang_2024_r1_broken.pdf"]
    f = facts(out, "guiyang_2024_r1_broken.pdf").loc["requests.new_received.total"]
    got = review.explain(out, rep["report_id"], "requests.new_received.total")
    assert got["page"] == f["page"] and got["bbox"] == pytest.approx(list(f["bbox"]))
    assert "PDF points" in got["bbox_units"] and got["source_path"].endswith("guiyang_2024_r1_broken.pdf")
    img = Image.open(io.BytesIO(got["image_png"]))
    x0, top, x1, bottom = got["bbox"]
    assert img.size == pytest.approx(((x1 - x0 + 8) * 3, (bottom - top + 8) * 3), abs=2)  # 4 pt pad, 3 px/pt
    assert min(img.convert("L").getdata()) < 128  # the printed digits are in it


def test_explain_a_text_cell_gives_its_line(built):
    _src, out = built
    rid = reports(out).loc["ok_2019_tabs.txt", "report_id"]
    got = review.explain(out, rid, "requests.new_received.total")
    assert got["image_png"] is None and got["page"] is None
    line = (FIXTURES / "review" / "ok_2019_tabs.txt").read_text(encoding="utf-8").splitlines()[got["locator"]["line"] - 1]
    assert got["raw"] in line.split("\t")


def test_explain_an_unknown_cell_says_so(built):
    _src, out = built
    rid = reports(out).loc["ok_2019_tabs.txt", "report_id"]
    with pytest.raises(KeyError):
        review.explain(out, rid, "requests.nothing.total")
