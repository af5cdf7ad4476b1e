"""extractors.pdfium_native: the C batch reads give exactly what the Python loops give, page by page
and Document by Document, on real report pages; a page the C path cannot read exactly, a stale or
missing library, all fall back to the loops."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import numpy as np
import pypdfium2 as pdfium
import pytest

from extractors import pdf_fast, pdf_text
from extractors import pdfium_calls as P
from extractors import pdfium_native as native
from extractors.pdf import PdfExtractor
from extractors.pdf_layout import centres, printed_index
from tests.support import FIXTURES, ROOT

PDFS = sorted((FIXTURES / "pdf").glob("*.pdf")) + sorted((FIXTURES / "zeros").glob("*.pdf"))
SOURCE = ROOT / "extractors" / "native" / "pdfium_batch.c"


def _build(src: Path, out: Path) -> Path:
    cc = shutil.which("cc") or shutil.which("gcc")
    if cc is None:
        pytest.skip("no C compiler (scripts/setup.sh installs gcc)")
    subprocess.run([cc, "-O2", "-shared", "-fPIC", "-nostdlib", "-fno-stack-protector", "-o", str(out), str(src)],
                   check=True)
    return out


@pytest.fixture(scope="module")
def lib(tmp_path_factory):
    """The helper built from the checkout's source with the flags scripts/build_native.sh uses."""
    got = native.load(_build(SOURCE, tmp_path_factory.mktemp("native") / "_pdfium_batch.so"))
    assert got is not None
    return got


_OPEN: list = []  # documents stay open while their pages are used


def _pages(path: Path):
    pdf = pdfium.PdfDocument(str(path))
    _OPEN.append(pdf)
    for i in range(len(pdf)):
        page = pdf[i]
        yield page, page.get_textpage()


def _read(page, tp) -> tuple:
    """Everything the PDF path reads from PDFium on a page."""
    h = pdf_fast._size(page)[1]
    text = tp.get_text_range()
    objects = native.page_objects(page.raw)
    geom = pdf_fast.read_page_fast(page, tp, 1, text, objects)
    return (geom, objects and [k for k, _ in objects], pdf_fast.rules_of(page, h, objects=objects),
            pdf_text.pdfium_lines(tp, 1, h, text), pdf_fast._turn(tp, tp.count_chars()))


@pytest.mark.parametrize("path", PDFS, ids=lambda p: p.name)
def test_c_reads_equal_the_python_loops_on_every_page(path, lib, monkeypatch) -> None:
    for page, tp in _pages(path):
        monkeypatch.setattr(native, "LIB", None)
        loops = _read(page, tp)
        monkeypatch.setattr(native, "LIB", lib)
        batched = _read(page, tp)
        assert loops[0].glyphs, "a born-digital page has text"
        assert batched == loops


@pytest.mark.parametrize("path", PDFS[:4], ids=lambda p: p.name)
def test_documents_are_identical_with_and_without_the_library(path, lib, monkeypatch) -> None:
    data = path.read_bytes()
    monkeypatch.setattr(native, "LIB", None)
    loops = repr(PdfExtractor().extract(data, path.name))
    monkeypatch.setattr(native, "LIB", lib)
    assert repr(PdfExtractor().extract(data, path.name)) == loops


def test_page_objects_keep_the_order_and_handles_of_the_loop(lib, monkeypatch) -> None:
    page, _ = next(_pages(PDFS[0]))
    monkeypatch.setattr(native, "LIB", lib)
    every = native.page_objects(page.raw, kinds=(P.PATH, P.FORM, P.IMAGE, 1))
    assert [(k, h.value) for k, h in every] == [(k, h.value) for k, h in P.page_objects(page.raw)]
    assert all(isinstance(h, P.Handle) for _, h in every)


def test_a_page_with_a_generated_character_is_read_by_the_loop(lib, monkeypatch) -> None:
    """The C path declines pages it cannot read exactly like the loop (here: a character PDFium
    says it generated), and glyphs_of then gives the loop's answer."""
    page, tp = next(_pages(PDFS[0]))
    h = pdf_fast._size(page)[1]
    monkeypatch.setattr(native, "LIB", None)
    loops = pdf_fast.glyphs_of(tp, h, None)
    monkeypatch.setattr(native, "LIB", lib)
    real = native.char_info

    def one_generated(tp_, idx):
        objs, ints, nominal, mats, boxes = real(tp_, idx)
        ints[len(idx) // 2, 0] = 1
        return objs, ints, nominal, mats, boxes

    monkeypatch.setattr(native, "char_info", one_generated)
    assert pdf_fast._glyphs_native(tp, h, None, tp.get_text_range()) is None
    assert pdf_fast.glyphs_of(tp, h, None) == loops


def _biggest_object(objs: np.ndarray) -> np.ndarray:
    """Positions of the characters of the text object with the most characters."""
    keys, group, counts = np.unique(objs, return_inverse=True, return_counts=True)
    return np.flatnonzero(group == np.argmax(counts * (keys != 0)))


def test_sizes_differing_within_one_text_object_go_to_the_loop(lib, monkeypatch) -> None:
    """The loop reads a size once per text object, the C path every character's: a page where
    they would differ is left to the loop."""
    monkeypatch.setattr(native, "LIB", lib)
    page, tp = next((page, tp) for path in PDFS for page, tp in _pages(path)
                    if len(_biggest_object(native.char_info(P.handle(tp.raw), printed_index(tp.get_text_range()))[0])) > 1)
    real = native.char_info

    def uneven(tp_, idx):
        objs, ints, nominal, mats, boxes = real(tp_, idx)
        nominal[_biggest_object(objs)[-1]] += 1.0  # that object's last character: another size
        return objs, ints, nominal, mats, boxes

    assert pdf_fast._glyphs_native(tp, pdf_fast._size(page)[1], None, tp.get_text_range()) is not None
    monkeypatch.setattr(native, "char_info", uneven)
    assert pdf_fast._glyphs_native(tp, pdf_fast._size(page)[1], None, tp.get_text_range()) is None


def test_a_stale_or_missing_library_is_not_used(tmp_path) -> None:
    stale = tmp_path / "stale.c"
    stale.write_text("int ogi_batch_version(void) { return 999; }\n")
    assert native.load(_build(stale, tmp_path / "stale.so")) is None
    assert native.load(tmp_path / "missing.so") is None


@pytest.mark.parametrize("path", PDFS[:4], ids=lambda p: p.name)
def test_centres_read_with_the_glyphs_are_what_centres_computes(path, lib, monkeypatch) -> None:
    monkeypatch.setattr(native, "LIB", lib)
    for page, tp in _pages(path):
        geom = pdf_fast.read_page_fast(page, tp, 1)
        if geom.turn:
            continue
        assert geom.centres is not None
        for got, want in zip(geom.centres, centres(geom.glyphs)):
            assert np.array_equal(got, want)
