"""The few PDFium calls the PDF hot path makes once per character or path segment, bound bare.

pypdfium2's raw bindings declare ``argtypes`` with typed pointer classes, and ctypes converts
every argument through them: 1–1.7 µs a call, measured on this machine, against 0.3–0.45 µs for
the same C function bound without ``argtypes``. A report makes ~10 000 such calls, so this is
about a third of the PDF path. Same shared library and the same handles as pypdfium2 (it opened
the document); only the Python-side call wrapper differs.

Without ``argtypes`` ctypes passes a Python ``int`` as a C ``int``, so every handle is passed as
a :class:`Handle` (a ``c_void_p``), never as an int, and integers passed are indexes only.
"""

from __future__ import annotations

import ctypes
import struct
from itertools import repeat
from pathlib import Path
from typing import Any

import pypdfium2.raw as pdfium_c
import pypdfium2_raw.bindings as _bindings


class Handle(ctypes.c_void_p):
    """An opaque PDFium handle (a subclass, so ctypes returns it as is instead of an int)."""


def _lib() -> ctypes.CDLL:
    """The library pypdfium2 loaded (dlopen hands back the same handle); pinned pypdfium2 5.15."""
    loaded = getattr(_bindings, "_libs", {}).get("pdfium")
    if loaded is not None:
        return ctypes.CDLL(loaded._name)
    here = Path(_bindings.__file__).parent
    return ctypes.CDLL(str(next(here.glob("*pdfium*.so*"), here / "libpdfium.so")))


_LIB = _lib()


def _bind(name: str, restype: Any) -> Any:
    fn = getattr(_LIB, name)
    fn.restype = restype
    return fn


IsGenerated = _bind("FPDFText_IsGenerated", ctypes.c_int)
GetLooseCharBox = _bind("FPDFText_GetLooseCharBox", ctypes.c_int)
GetCharBox = _bind("FPDFText_GetCharBox", ctypes.c_int)
GetFontSize = _bind("FPDFText_GetFontSize", ctypes.c_double)
GetCharMatrix = _bind("FPDFText_GetMatrix", ctypes.c_int)
GetCharAngle = _bind("FPDFText_GetCharAngle", ctypes.c_float)
GetTextObject = _bind("FPDFText_GetTextObject", ctypes.c_void_p)  # an int (None when the char has no object)
CountObjects = _bind("FPDFPage_CountObjects", ctypes.c_int)
GetObject = _bind("FPDFPage_GetObject", Handle)
GetType = _bind("FPDFPageObj_GetType", ctypes.c_int)
GetObjMatrix = _bind("FPDFPageObj_GetMatrix", ctypes.c_int)
GetDrawMode = _bind("FPDFPath_GetDrawMode", ctypes.c_int)
GetStrokeColor = _bind("FPDFPageObj_GetStrokeColor", ctypes.c_int)
GetFillColor = _bind("FPDFPageObj_GetFillColor", ctypes.c_int)
CountSegments = _bind("FPDFPath_CountSegments", ctypes.c_int)
GetPathSegment = _bind("FPDFPath_GetPathSegment", Handle)
SegmentGetPoint = _bind("FPDFPathSegment_GetPoint", ctypes.c_int)
SegmentGetType = _bind("FPDFPathSegment_GetType", ctypes.c_int)
SegmentGetClose = _bind("FPDFPathSegment_GetClose", ctypes.c_int)

PATH, IMAGE, FORM = pdfium_c.FPDF_PAGEOBJ_PATH, pdfium_c.FPDF_PAGEOBJ_IMAGE, pdfium_c.FPDF_PAGEOBJ_FORM
MOVETO, LINETO = pdfium_c.FPDF_SEGMENT_MOVETO, pdfium_c.FPDF_SEGMENT_LINETO


#: FS_RECTF's four floats (left, top, right, bottom) in one call, not four field reads
read_rect = struct.Struct("4f").unpack_from


def new_rect() -> Any:
    """A buffer laid out like FS_RECTF, to pass (byref) where PDFium writes one and read with read_rect."""
    return (ctypes.c_float * 4)()


def handle(raw: Any) -> Handle:
    """A pypdfium2 raw pointer (``page.raw``, ``textpage.raw``) as a bare handle."""
    return Handle(ctypes.cast(raw, ctypes.c_void_p).value)


def page_objects(page_raw: Any) -> list[tuple[int, Handle]]:
    """(type, handle) of a page's top-level objects, in one pass (``map`` over the bare calls: no
    Python step per object around them)."""
    h = handle(page_raw)
    n = CountObjects(h)
    objs = [obj for obj in map(GetObject, repeat(h, n), range(n)) if obj]
    return list(zip(map(GetType, objs), objs))
