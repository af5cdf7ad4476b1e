"""Extractors: file bytes → neutral :class:`ogi.types.Document`, by file type."""

from extractors.base import Extractor, extract_file, for_file, register, registered

__all__ = ["Extractor", "extract_file", "for_file", "register", "registered"]
