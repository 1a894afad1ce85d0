"""The UI's calls into the other stages (ingest, extract, qa), in one place.

Each raises `Missing` with a plain message when the stage it needs is not installed, so the app
still starts and says what is unavailable.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

Stage = Callable[[str], None]

class Missing(RuntimeError):
    """A pipeline stage the UI needs is not available."""


def _store(home: Path):
    try:
        from ingest.store import Store
    except ImportError as exc:
        raise Missing("the ingest stage (ingest.store) is not installed") from exc
    return Store(home)


def list_documents(home: Path) -> list[dict]:
    try:
        return list(_store(home).list())
    except Missing:
        return []


def remove_document(doc: str, home: Path) -> None:
    """Remove a document, its chunks, index entries and record; KeyError if it is not in the library."""
    try:
        from ingest.service import remove_document as remove
    except ImportError as exc:
        raise Missing("the ingest stage (ingest.service) is not installed") from exc
    if not remove(doc, home):
        raise KeyError(f"{doc}: no such document")


def conversation(home: Path) -> Any:
    try:
        from qa.api import Conversation
    except ImportError as exc:
        raise Missing("question answering (qa.api) is not installed") from exc
    try:
        return Conversation(home=home)
    except TypeError:
        return Conversation()


def ingest_file(path: Path, home: Path, on_stage: Stage | None = None, *, embed: bool = True) -> dict:
    """Parse, extract and index one file (BM25): it is answerable when this returns; then start the
    background embedder for its vectors (`embed`). `on_stage` is told each stage as it starts
    (parse, structure, extract, index). Returns the ingest result as a dict (doc, department,
    fiscal_year, tables, chunks, status, extraction, validation, state). Raises GongkaiError on a
    bad file."""
    try:
        from ingest.document import sha256_file
        from ingest.service import ingest_file as ingest_one
        from ingest.store import Store, stale_parts
    except ImportError as exc:
        raise Missing("the ingest stage (ingest.service) is not installed") from exc
    store = Store(home)
    same = store.find_by_sha(sha256_file(path))
    if same:
        path.unlink(missing_ok=True)
        entry = store.catalog().get(same, {})
        note = "already in the library"
        if stale_parts(entry):
            note += (" (processed by an older Gongkai: run `gongkai reindex`, or `gongkai ingest` the "
                     "original file again, to re-process it)")
        return {**entry, "doc": same, "status": "unchanged", "note": note}
    result = ingest_one(path, store, embed="none", on_stage=on_stage)
    if not result.ok:
        path.unlink(missing_ok=True)
        raise _error(result.reason, result.message or f"{path.name}: could not be ingested")
    out = result.to_dict()
    if embed:
        kick_embedder(home)
    try:
        from ui.records import full, validation_summary

        out["validation"] = validation_summary(full(result.doc, home))
    except Exception:  # noqa: BLE001 - the summary is informative only
        pass
    return out


def _error(reason: str | None, message: str):
    from ingest import errors

    for cls in vars(errors).values():
        if isinstance(cls, type) and issubclass(cls, errors.GongkaiError) and cls.reason == reason:
            return cls(message)
    err = errors.GongkaiError(message)
    err.reason = reason or "error"
    return err


def warm(home: Path) -> None:
    """Load the records (qa) and then the search index and embedder, so the first answer is quick."""
    try:
        from qa.api import warm as warm_qa

        warm_qa(home)
    except ImportError:
        pass
    try:
        from ingest.search import search
    except ImportError:
        return
    if list_documents(home):
        search("预算", k=1, home=home)


def kick_embedder(home: Path) -> int | None:
    """Start the background embedder when documents wait for vectors and none is running (it is a
    detached, lower-priority `gongkai embed` process: it outlives the app, and the next start resumes
    what a killed one left). Returns its pid when one was started."""
    try:
        from ingest.embedding import start_background
    except ImportError:
        return None
    try:
        return start_background(home)
    except Exception:  # noqa: BLE001 - the documents stay answerable; the next kick retries
        return None


def embed_status(home: Path) -> dict:
    """{"waiting", "answerable", "running", "progress", "text"}: documents waiting for vectors and
    the background embedder's progress, with one sentence for the page (None when all are embedded)."""
    try:
        from ingest.embedding import describe_status, status
    except ImportError:
        return {"waiting": 0, "answerable": 0, "running": False, "progress": None, "text": None}
    st = status(home)
    st["text"] = describe_status(st)
    return st


def document_states(home: Path) -> dict[str, str]:
    """{doc: a few words on its state} (ready, answerable · vectors pending, INCOMPLETE …)."""
    try:
        from ingest.state import home_states
    except ImportError:
        return {}
    out = {}
    for doc, st in home_states(home).items():
        if st.state == "removing":
            continue
        out[doc] = {"embedded": "ready", "indexed": "answerable · vectors pending",
                    "incomplete": "INCOMPLETE — upload or ingest the file again"}.get(st.state, st.state)
        if st.note:
            out[doc] += f" · {st.note}"
    return out


# -- settings tab -------------------------------------------------------------------------------

def save_settings(url: str, model: str, key: str, drop_key: bool, top_k, timeout_s: float | None = None,
                  structured: str | None = None):
    """Save the settings tab's values (file mode 0600; a value that only the environment sets — the
    API key above all — is never written). Returns the settings now in effect. ValueError, saying
    every value refused and why, when one is invalid (nothing is saved then)."""
    from gongkai import settings as gsettings

    url = (url or "").strip()
    s = gsettings.load()
    wanted = {"llm_base_url": url, "top_k": top_k}
    if timeout_s not in (None, ""):
        wanted["llm_timeout_s"] = timeout_s
    if structured:
        wanted["llm_structured"] = structured
    problems = [msg for name, value in wanted.items() if (msg := gsettings.check(name, value))]
    if problems:
        raise ValueError("Not saved: " + "; ".join(problems) + ".")
    s.llm_base_url, s.llm_model, s.top_k = url, (model or "").strip(), int(float(top_k))
    if "llm_timeout_s" in wanted:
        s.llm_timeout_s = float(timeout_s)
    if structured:
        s.llm_structured = structured
    if drop_key:
        s.llm_api_key = ""
    elif key:
        s.llm_api_key = key
    gsettings.save(s)
    return gsettings.load()


def test_connection(url: str, model: str, key: str = "", timeout_s: float | None = None):
    """`gongkai llm check` on the values in the form (the stored key when none is typed); the report."""
    from gongkai import settings as gsettings
    from extract.endpoint import check

    cfg = gsettings.load()
    cfg.llm_base_url = (url or "").strip()
    cfg.llm_model = (model or "").strip()
    if key:
        cfg.llm_api_key = key
    if timeout_s:
        cfg.llm_timeout_s = max(1.0, float(timeout_s))
    return check.run(cfg)


def answer_markdown(conversation, question: str, home: Path) -> tuple[str, list]:
    """The chat's reply to `question` in `conversation`: (markdown, [(source label, citation)])."""
    from ui import answer as ans
    from ui import records as rec

    result = conversation.ask(question)
    md, srcs, _flags = ans.render(result, rec.load(home))
    return md, srcs


def answer_sources(conversation, question: str, home: Path) -> tuple[str, list, object]:
    """The chat's reply: (markdown, [(label, citation)], the figure the answer gives — the value the
    source view boxes where it is printed)."""
    from ui import answer as ans
    from ui import records as rec

    result = conversation.ask(question)
    md, srcs, _flags = ans.render(result, rec.load(home))
    value = None if result.get("declined") else result.get("value")
    return md, srcs, value
