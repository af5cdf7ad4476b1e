"""The batched PDFium reads of ``extractors/native/pdfium_batch.c``, when it is built.

The PDF hot path calls PDFium a few thousand times per table page (per character: text object,
box, size, matrix; per path segment: point, type, close). Through ctypes each call costs
0.3–0.6 µs; the C loops make the same calls for a whole page at once. The library is built by
``scripts/build_native.sh`` (``make native``; ``scripts/setup.sh`` runs it). When it is missing,
stale, or ``OGI_PDFIUM_NATIVE=0`` is set, :data:`LIB` is None and callers take their Python loops,
which give the same answers (``tests/extractors/test_pdfium_native.py`` compares the two).
"""

from __future__ import annotations

import ctypes
import logging
import os
from pathlib import Path
from typing import Any

import numpy as np

from extractors import pdfium_calls as P

log = logging.getLogger(__name__)

VERSION = 1  # OGI_BATCH_VERSION in pdfium_batch.c
SO_PATH = Path(__file__).with_name("native") / "_pdfium_batch.so"


def _fn(name: str) -> int:
    """Address of a PDFium function in the library pypdfium2 loaded."""
    addr = ctypes.cast(getattr(P._LIB, name), ctypes.c_void_p).value
    assert addr, name
    return addr


def load(path: Path = SO_PATH) -> Any:
    """The built helper library at ``path``, or None (missing, stale or unloadable: said in the log)."""
    if not path.exists():
        log.debug("%s not built (make native): using the Python loops", path)
        return None
    try:
        lib = ctypes.CDLL(str(path))
        if lib.ogi_batch_version() != VERSION:
            log.warning("%s is stale (rebuild: make native); using the Python loops", path)
            return None
    except (OSError, AttributeError) as e:
        log.warning("cannot load %s (%s); using the Python loops", path, e)
        return None
    lib.ogi_page_objects.restype = ctypes.c_int
    lib.ogi_count_segments.restype = ctypes.c_long
    lib.ogi_paths.restype = ctypes.c_long
    return lib


LIB = None if os.environ.get("OGI_PDFIUM_NATIVE", "1") == "0" else load()
# the PDFium functions the C loops call: their addresses in the library pypdfium2 loaded
_CHAR_FNS = tuple(ctypes.c_void_p(_fn(n)) for n in (
    "FPDFText_GetTextObject", "FPDFText_IsGenerated", "FPDFText_GetFontSize", "FPDFText_GetMatrix",
    "FPDFText_GetLooseCharBox"))
_BOX_FN = ctypes.c_void_p(_fn("FPDFText_GetLooseCharBox"))
_ANGLE_FN = ctypes.c_void_p(_fn("FPDFText_GetCharAngle"))
_OBJ_FNS = tuple(ctypes.c_void_p(_fn(n)) for n in ("FPDFPage_CountObjects", "FPDFPage_GetObject", "FPDFPageObj_GetType"))
_PATH_FNS = tuple(ctypes.c_void_p(_fn(n)) for n in (
    "FPDFPath_GetDrawMode", "FPDFPageObj_GetStrokeColor", "FPDFPageObj_GetFillColor", "FPDFPageObj_GetMatrix"))
_SEG_FNS = tuple(ctypes.c_void_p(_fn(n)) for n in (
    "FPDFPath_CountSegments", "FPDFPath_GetPathSegment", "FPDFPathSegment_GetPoint", "FPDFPathSegment_GetType",
    "FPDFPathSegment_GetClose"))


def _ptr(a: np.ndarray) -> Any:
    return a.ctypes.data_as(ctypes.c_void_p)


def char_info(tp: P.Handle, idx: list[int]) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """For the characters ``idx``: text objects (uintp, 0: none), ints (m×3: IsGenerated, matrix
    call result, box call result), nominal font sizes, matrices (m×6 float32), loose boxes (m×4 float32)."""
    m = len(idx)
    ix = np.asarray(idx, dtype=np.intc)
    objs = np.zeros(m, dtype=np.uintp)
    ints = np.zeros((m, 3), dtype=np.intc)
    nominal = np.zeros(m, dtype=np.float64)
    mats = np.zeros((m, 6), dtype=np.float32)
    boxes = np.zeros((m, 4), dtype=np.float32)
    LIB.ogi_char_info(tp, _ptr(ix), ctypes.c_int(m), *_CHAR_FNS,
                      _ptr(objs), _ptr(ints), _ptr(nominal), _ptr(mats), _ptr(boxes))
    return objs, ints, nominal, mats, boxes


def char_angles(tp: P.Handle, idx: list[int]) -> list[float]:
    """FPDFText_GetCharAngle of each of the characters ``idx``."""
    m = len(idx)
    ix = np.asarray(idx, dtype=np.intc)
    out = np.zeros(m, dtype=np.float32)
    LIB.ogi_char_floats(tp, _ptr(ix), ctypes.c_int(m), _ANGLE_FN, _ptr(out))
    return out.tolist()


def char_boxes(tp: P.Handle, idx: list[int]) -> tuple[np.ndarray, np.ndarray]:
    """Loose boxes (m×4 float32: left, top, right, bottom) of the characters ``idx`` and each call's result."""
    m = len(idx)
    ix = np.asarray(idx, dtype=np.intc)
    oks = np.zeros(m, dtype=np.intc)
    boxes = np.zeros((m, 4), dtype=np.float32)
    LIB.ogi_char_boxes(tp, _ptr(ix), ctypes.c_int(m), _BOX_FN, _ptr(oks), _ptr(boxes))
    return boxes, oks


def page_objects(page_raw: Any, kinds: tuple[int, ...] = (P.PATH, P.FORM)) -> list[tuple[int, P.Handle]]:
    """(type, handle) of a page's top-level objects of the types ``kinds`` (what the PDF path reads:
    rules from paths, Form XObjects to know their rules are not read), in order; one C call (without
    the library, :func:`extractors.pdfium_calls.page_objects` filtered)."""
    if LIB is None:
        return [(k, obj) for k, obj in P.page_objects(page_raw) if k in kinds]
    h = P.handle(page_raw)
    n = max(P.CountObjects(h), 0)  # -1: not a page (the loop's range() of it is empty)
    objs = np.zeros(n, dtype=np.uintp)
    types = np.zeros(n, dtype=np.intc)
    w = LIB.ogi_page_objects(h, ctypes.c_int(n), *_OBJ_FNS, _ptr(objs), _ptr(types))
    keep = np.flatnonzero(np.isin(types[:w], kinds))
    return list(zip(types[keep].tolist(), map(P.Handle, objs[keep].tolist())))


def paths(objs: list[P.Handle]) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray] | None:
    """What :func:`extractors.pdf_fast.rules_of` reads from the path objects ``objs``, in two C calls:
    ints (k×15: draw mode call, fill mode, stroke, stroke colour call, r, g, b, a, fill colour call,
    r, g, b, a, matrix call, segment count), matrices (k×6 float32), then every object's segments
    one after another: points (n×2 float32) and ints (n×2: type, close). None if they changed."""
    k = len(objs)
    arr = np.array([o.value for o in objs], dtype=np.uintp)
    total = LIB.ogi_count_segments(_ptr(arr), ctypes.c_int(k), _SEG_FNS[0])
    ints = np.zeros((k, 15), dtype=np.intc)
    mats = np.zeros((k, 6), dtype=np.float32)
    points = np.zeros((total, 2), dtype=np.float32)
    seg_ints = np.zeros((total, 2), dtype=np.intc)
    got = LIB.ogi_paths(_ptr(arr), ctypes.c_int(k), *_PATH_FNS, *_SEG_FNS, _ptr(ints), _ptr(mats),
                        ctypes.c_long(total), _ptr(points), _ptr(seg_ints))
    return (ints, mats, points, seg_ints) if got == total else None
