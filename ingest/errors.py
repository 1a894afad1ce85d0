"""Errors a user sees. Each says plainly what is wrong with which file and what to do.

`reason` is a short machine-readable key (used in JSON output and tests); str(error) is the
one-line human message.
"""

from __future__ import annotations


class GongkaiError(Exception):
    reason = "error"

    def __init__(self, message: str, *, path: str | None = None):
        super().__init__(message)
        self.path = path


class UnsupportedFile(GongkaiError):
    reason = "unsupported_type"


class EmptyFile(GongkaiError):
    reason = "empty_file"


class BrokenFile(GongkaiError):
    reason = "broken_file"


class EncryptedFile(GongkaiError):
    reason = "encrypted"


class NeedsOCR(GongkaiError):
    reason = "needs_ocr"


class GarbledText(GongkaiError):
    reason = "garbled_text"


class ResourceLimit(GongkaiError):
    """Parsing exceeded its time or memory limit (hostile or huge file)."""

    reason = "resource_limit"


class NotADisclosure(GongkaiError):
    reason = "not_a_disclosure"


class StoreBusy(GongkaiError):
    reason = "store_busy"


class IndexDamaged(GongkaiError):
    """The derived search index is missing or unreadable; `gongkai reindex` rebuilds it."""

    reason = "index_damaged"
