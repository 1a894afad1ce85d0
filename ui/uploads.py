"""Check an uploaded file before it reaches the parser: type, size, name. Errors are the shared
`ingest.errors` types so the message is the same as on the command line."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from ingest.errors import BrokenFile, EmptyFile, ResourceLimit, UnsupportedFile

ALLOWED = {".pdf": "pdf", ".txt": "text", ".md": "text"}


def safe_name(name: str) -> str:
    """A file name that cannot leave the upload directory: base name only, odd characters replaced."""
    base = re.split(r"[\\/]", name or "")[-1]
    base = re.sub(r"[^\w.\-\u3000-\u9fff]+", "_", base).lstrip(".") or "upload"
    return base[:120]


def check(path: str | Path, name: str | None = None, max_mb: int = 50) -> str:
    """Validate an upload; returns its safe file name or raises a GongkaiError with a clear reason."""
    p = Path(path)
    shown = name or p.name
    ext = Path(shown).suffix.lower()
    if ext not in ALLOWED:
        raise UnsupportedFile(f"{shown}: unsupported file type '{ext or '(none)'}'; upload a PDF, .txt or .md file",
                              path=shown)
    if not p.is_file():  # gradio's temporary copy is deleted once staged: a second click finds none
        raise EmptyFile(f"{shown}: this upload is no longer here (already ingested?); choose the file again",
                        path=shown)
    size = p.stat().st_size
    if size == 0:
        raise EmptyFile(f"{shown}: the file is empty", path=shown)
    if size > max_mb * 1024 * 1024:
        raise ResourceLimit(f"{shown}: {size / 1048576:.1f} MB is over the upload limit of {max_mb} MB "
                            f"(setting max_upload_mb)", path=shown)
    with open(p, "rb") as fh:
        head = fh.read(1024)
    if ext == ".pdf" and b"%PDF-" not in head:
        raise BrokenFile(f"{shown}: not a PDF (no %PDF header); the file may be damaged or mislabelled", path=shown)
    if ext != ".pdf" and b"\x00" in head:
        raise BrokenFile(f"{shown}: binary data in a text file; upload the PDF or a UTF-8 text extraction",
                         path=shown)
    return safe_name(shown)


def stage(path: str | Path, name: str, home: Path) -> Path:
    """Copy a checked upload into $GONGKAI_HOME/uploads under a unique safe name."""
    target_dir = home / "uploads"
    target_dir.mkdir(parents=True, exist_ok=True)
    target = target_dir / safe_name(name)
    stem, suffix, n = target.stem, target.suffix, 1
    while target.exists():
        n += 1
        target = target_dir / f"{stem}-{n}{suffix}"
    shutil.copyfile(path, target)
    return target


def discard_temp(path: str | Path, home: Path) -> None:
    """Delete gradio's temporary copy of an upload (under $GONGKAI_HOME/tmp/gradio) once it is staged:
    the staged copy is the only one, so removing the document removes the file."""
    p = Path(path)
    tmp = (home / "tmp" / "gradio").resolve()
    try:
        if p.resolve().is_relative_to(tmp) and p.is_file():
            p.unlink()
            if p.parent.resolve() != tmp and not any(p.parent.iterdir()):
                p.parent.rmdir()
    except OSError:
        pass
