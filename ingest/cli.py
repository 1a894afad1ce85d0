"""`gongkai ingest | embed | list | search | remove | reindex`. Light module: argparse only at import
time; each handler imports what it needs when it runs (so `gongkai list` starts fast)."""

from __future__ import annotations

import json
import sys


def register(sub) -> None:
    p = sub.add_parser("ingest", help="ingest disclosures (txt/md/pdf files or directories) into $GONGKAI_HOME")
    p.add_argument("paths", nargs="+", metavar="PATH")
    p.add_argument("--json", action="store_true", help="print one JSON object per file instead of text lines")
    p.add_argument("--no-extract", action="store_true", help="do not run extraction after ingesting")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    when = p.add_mutually_exclusive_group()
    when.add_argument("--background", action="store_true",
                      help="commit the documents (answerable at once), then embed them in a detached background "
                           "process (`gongkai list` shows its progress) instead of waiting for it")
    when.add_argument("--no-embed", action="store_true",
                      help="commit the documents (answerable at once) and leave the vectors to `gongkai embed`")
    p.add_argument("--workers", type=int, default=None, metavar="N",
                   help="parse/extract on N local processes (default: setting workers, 0 = one per core)")
    p.add_argument("--executor", choices=["process", "dask"], default="process",
                   help="where files are parsed, extracted and embedded: local processes or a Dask cluster")
    p.add_argument("--scheduler", default=None, metavar="ADDR",
                   help="Dask scheduler address (tcp://host:8786) for --executor dask; without it a local cluster "
                        "of --workers processes is started")
    p.set_defaults(func=cmd_ingest)

    e = sub.add_parser("embed", help="write the vectors of every ingested document that has none yet (resumable)")
    e.add_argument("--workers", type=int, default=0, metavar="N",
                   help="single-threaded embedder processes (default: setting workers, 0 = one per core); 1: this process")
    e.add_argument("--executor", choices=["process", "dask"], default="process")
    e.add_argument("--scheduler", default=None, metavar="ADDR", help="Dask scheduler address for --executor dask")
    e.add_argument("--no-progress", action="store_true", help="no progress bar")
    e.add_argument("--quiet", action="store_true", help="print nothing but errors (the background embedder)")
    e.add_argument("--wait", action="store_true",
                   help="when another process is embedding this library, wait for it, then embed what it left")
    e.set_defaults(func=cmd_embed)

    ls = sub.add_parser("list", help="list ingested documents and their state (answerable, embedded, incomplete…)")
    ls.add_argument("--json", action="store_true", help="print a JSON list")
    ls.set_defaults(func=cmd_list)

    s = sub.add_parser("search", help="hybrid retrieval (BM25 + dense) over the ingested chunks")
    s.add_argument("query")
    s.add_argument("-k", type=int, default=None, help="number of results (default: settings.top_k)")
    s.add_argument("--doc", action="append", dest="docs", metavar="DOC", help="restrict to a document (repeatable)")
    s.add_argument("--mode", choices=["hybrid", "bm25", "dense"], default="hybrid")
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=cmd_search)

    r = sub.add_parser("remove", help="remove ingested documents (and their chunks, index entries, records)")
    r.add_argument("docs", nargs="+", metavar="DOC")
    r.set_defaults(func=cmd_remove)

    ri = sub.add_parser("reindex", help="rebuild documents, chunks and the search index from the stored sources")
    ri.add_argument("--index-only", action="store_true", help="only rebuild the search index from stored chunks")
    ri.add_argument("--no-progress", action="store_true")
    ri.set_defaults(func=cmd_reindex)


def _tables(ids: list[str], names: bool = False) -> str:
    """How many standard tables were found (with `names`, which ones: 收支总表, “三公”经费支出表…)."""
    from ingest.catalog import zh_name

    if not ids:
        return "0 tables"
    return f"{len(ids)} tables ({'、'.join(zh_name(i) for i in ids)})" if names else f"{len(ids)} tables"


def one_line(text) -> str:
    """Control characters (a newline in a file name…) escaped so each file stays on one line."""
    return "".join(c if c.isprintable() or c == " " else repr(c)[1:-1] for c in str(text))


def format_result(r) -> str:
    if r.status == "failed":
        return f"FAILED     {one_line(r.path)}: {one_line(r.message)} [{r.reason}]"
    unit = r.department or "(unit not found)"
    year = r.fiscal_year or "year?"
    tables = _tables(r.tables)
    kind = " · ".join(x for x in (r.doc_kind, r.level) if x)
    extra = f" · extraction {r.extraction}" if r.extraction and r.extraction not in ("ok", "skipped") else ""
    note = f"\n           {one_line(r.message)}" if r.message and r.status in ("repaired", "replaced", "refreshed") else ""
    return (f"{r.status:<10} {r.doc}  {unit} · {year}{' · ' + kind if kind else ''} · {tables} · {r.chunks} chunks"
            f"{extra}{note}")


def _n(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _executor(kind: str, workers: int, scheduler: str | None):
    if kind != "dask":
        return None
    from extract.bulk import make_executor

    return make_executor("dask", workers or 2, scheduler)


def _close(executor) -> None:
    if executor is None:
        return
    client = getattr(executor, "_gongkai_client", None)
    try:
        executor.shutdown(wait=True)
    except Exception:  # noqa: BLE001
        pass
    if client is not None:
        cluster = getattr(client, "cluster", None)
        client.close()
        if cluster is not None:
            cluster.close()


def cmd_ingest(args) -> int:
    import os
    import time

    from gongkai import settings
    from ingest.service import ingest_paths

    t0 = time.perf_counter()

    def emit(r):
        if args.json:
            print(json.dumps(r.to_dict(), ensure_ascii=False), flush=True)
        else:
            print(format_result(r), flush=True)

    workers = args.workers if args.workers is not None else (settings.load().workers or os.cpu_count() or 1)
    embed = "background" if args.background else "none" if args.no_embed else "foreground"
    executor = _executor(args.executor, workers, args.scheduler)
    embedded = []
    try:
        results = ingest_paths(args.paths, progress=None if not args.no_progress else False,
                               extract=not args.no_extract, on_result=emit, embed=embed, workers=workers,
                               executor=executor, embed_executor=executor, on_embed=embedded.append)
    finally:
        _close(executor)
    counts: dict[str, int] = {}
    for r in results:
        counts[r.status] = counts.get(r.status, 0) + 1
    if not results:
        print("no supported files (txt, md, pdf) in: " + " ".join(args.paths), file=sys.stderr)
        return 2
    summary = ", ".join(f"{n} {s}" for s, n in sorted(counts.items()))
    out = sys.stderr if args.json else sys.stdout
    for rep in embedded:
        if rep.busy_pid is not None:
            print(f"vectors: another process (pid {rep.busy_pid}) is embedding this library; it embeds these "
                  "documents too", file=out)
        elif rep.docs:
            print(f"vectors: {_n(rep.docs, 'document')} embedded ({rep.chunks} vectors, {rep.embedded} computed, the rest "
                  f"from the cache; {rep.seconds:.1f} s)", file=out)
    print(f"{len(results)} files: {summary} ({time.perf_counter() - t0:.1f} s)", file=out)
    if embed == "foreground":
        _warm_questions()
    _print_embedding_notice(embed)
    _print_stale_notice()  # other stored documents an older Gongkai made
    return 1 if counts.get("failed") else 0


def _warm_questions() -> None:
    """The question catalogue's meaning vectors, embedded once while the embedder is loaded anyway."""
    from gongkai.settings import home
    from qa import meaning

    meaning.warm(home())


def _print_embedding_notice(embed: str = "foreground") -> None:
    from gongkai.settings import home
    from ingest.embedding import describe_status, status

    note = describe_status(status(home()))
    if note:
        print(f"note: {note}", file=sys.stderr)


def cmd_embed(args) -> int:
    import time

    from gongkai.settings import home
    from ingest.embedding import describe_status, embed_pending, status

    executor = _executor(args.executor, args.workers, args.scheduler)
    t0 = time.perf_counter()
    try:
        rep = embed_pending(home(), progress=False if (args.no_progress or args.quiet) else None, executor=executor,
                            workers=args.workers, wait=args.wait)
    finally:
        _close(executor)
    if rep.busy_pid is not None:
        if not args.quiet:
            print(f"another process (pid {rep.busy_pid}) is embedding {home()}; it also embeds documents "
                  "ingested meanwhile (`gongkai list` shows its progress)")
        return 0
    _warm_questions()
    if not args.quiet:
        print(f"embedded {_n(rep.docs, 'document')} ({rep.chunks} vectors, {rep.embedded} computed now, the rest from "
              f"the cache) in {time.perf_counter() - t0:.1f} s")
        note = describe_status(status(home()))
        if note:
            print(f"note: {note}", file=sys.stderr)
    return 0


def _print_stale_notice() -> None:
    from ingest.store import stale_notice

    note = stale_notice()
    if note:
        print(note, file=sys.stderr)


def halves(entries: list[dict]) -> dict[str, str]:
    """doc → the other file of the same disclosure, for each text half + tables half pair."""
    by: dict[str, list[dict]] = {}
    for e in entries:
        if e.get("disclosure"):
            by.setdefault(e["disclosure"], []).append(e)
    out: dict[str, str] = {}
    for group in by.values():
        texts = [e for e in group if e.get("part") == "text"]
        tabs = [e for e in group if e.get("part") == "tables"]
        if len(texts) == 1 and len(tabs) == 1:
            out[texts[0]["doc"]], out[tabs[0]["doc"]] = tabs[0]["doc"], texts[0]["doc"]
    return out


def cmd_list(args) -> int:
    from gongkai.settings import home
    from ingest.state import describe, home_states
    from ingest.store import Store, removing, stale_parts

    keys = ("doc", "path", "department", "region", "level", "fiscal_year", "doc_kind", "part", "disclosure",
            "tables", "chunks", "sha256", "source_type", "pages")
    store = Store()
    catalog = store.catalog()
    states = home_states(home(), catalog)
    entries = [catalog[k] for k in sorted(catalog) if not removing(catalog[k])]
    pair = halves(entries)
    # "stale": what an older Gongkai made ("chunks", "record"); `gongkai reindex` re-makes it
    # "state": parsed | extracted | indexed (answerable, vectors pending) | embedded | incomplete
    rows = [{**{k: e.get(k) for k in keys}, "with": pair.get(e["doc"]), "stale": stale_parts(e),
             **states[e["doc"]].to_dict()} for e in entries]
    gone = [d for d, e in sorted(catalog.items()) if removing(e)]
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=1))
        _print_list_notes(gone)
        return 0
    if not rows:
        print("no documents ingested yet (gongkai ingest PATH…)")
        _print_list_notes(gone)
        return 0
    done: set[str] = set()

    def line(r: dict, indent: str = "") -> str:
        old = f" · STALE ({' and '.join(r['stale'])} from an older Gongkai)" if r["stale"] else ""
        part = f" · {r['part']} part" if r.get("with") else ""
        return (f"{indent}{r['doc']}  {r['department'] or '?'} · {r['region'] or '?'} ({r['level'] or '?'}) · "
                f"{r['fiscal_year'] or '?'} · {r['doc_kind'] or '?'}{part} · {_tables(r['tables'] or [])} · "
                f"{r['chunks']} chunks · {r['path']} · {describe(states[r['doc']])}{old}")

    by_doc = {r["doc"]: r for r in rows}
    for r in rows:
        if r["doc"] in done:
            continue
        other = by_doc.get(r.get("with") or "")
        if other is not None:
            body, year, kind = (r.get("disclosure") or "||").split("|")
            print(f"{r['department'] or body} · {year} · {kind} — one disclosure in two files (text + tables):")
            for x in sorted((r, other), key=lambda x: x.get("part") != "text"):
                print(line(x, "  "))
                done.add(x["doc"])
            continue
        print(line(r))
    _print_list_notes(gone)
    return 0


def _print_list_notes(gone: list[str]) -> None:
    from gongkai.settings import home
    from ingest.lock import is_locked

    if gone:
        if is_locked(home()):
            print(f"note: being removed now: {', '.join(gone)}", file=sys.stderr)
        else:
            print(f"note: the removal of {', '.join(gone)} was interrupted; run `gongkai remove "
                  f"{' '.join(gone)}` to finish it (they are no longer listed, searched or answered from)",
                  file=sys.stderr)
    _print_embedding_notice()
    _print_stale_notice()


def cmd_search(args) -> int:
    from ingest.search import search

    from ingest.errors import GongkaiError

    try:
        hits = search(args.query, k=args.k, docs=args.docs, mode=args.mode)
    except GongkaiError as exc:
        print(f"error: {exc} [{exc.reason}]", file=sys.stderr)
        return 1
    except ValueError as exc:  # e.g. an unknown embedder name in the settings
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if not hits and _index_missing():
        print("error: documents are stored but their search index is missing; rebuild it with "
              "`gongkai reindex --index-only` [index_damaged]", file=sys.stderr)
        return 1
    _print_search_notice(hits, args.mode)
    if args.json:
        print(json.dumps([h.to_dict() for h in hits], ensure_ascii=False, indent=1))
        return 0
    if not hits:
        print("no results (is anything ingested? see `gongkai list`)")
        return 0
    for n, h in enumerate(hits, 1):
        c = h.chunk
        where = f"p.{c.span.page} " if c.span.page else ""
        lines = f"{c.span.line}" + (f"–{c.span.line_end}" if c.span.line_end else "")
        ranks = " ".join(f"{k}#{v}" for k, v in h.ranks.items() if v)
        novec = "" if h.embedded or args.mode == "bm25" else " · no vector yet: BM25 only"
        print(f"{n}. [{c.doc} {where}line {lines}] {c.table_id or c.section or ''}  score {h.score:.4f} ({ranks}){novec}")
        body = c.text.replace("\n", " ⏎ ")
        print(f"   {body[:220]}")
    return 0


def _print_search_notice(hits, mode: str) -> None:
    """Say (stderr; each hit's "embedded" in --json) when some documents have no vectors yet."""
    if mode == "bm25":
        return
    from ingest.search import searcher

    waiting, total = searcher().coverage()
    if waiting:
        how = "their passages are ranked by BM25 alone" if mode == "hybrid" else "dense search cannot find them yet"
        print(f"note: {waiting} of {total} documents are not embedded yet: {how} (`gongkai embed`, "
              "or wait for the background embedder; `gongkai list` shows its progress)", file=sys.stderr)


def _index_missing() -> bool:
    """Documents in the store but no BM25 token file at all (index deleted)."""
    from gongkai.settings import home
    from ingest.index import tokens_dir
    from ingest.store import Store

    return bool(Store().ids()) and not any(tokens_dir(home()).glob("*.json"))


def cmd_remove(args) -> int:
    from ingest.service import remove_document

    code = 0
    for d in args.docs:
        if remove_document(d):
            print(f"removed    {d}")
        else:
            print(f"FAILED     {d}: no such document (see `gongkai list`) [not_found]")
            code = 1
    return code


def cmd_reindex(args) -> int:
    from ingest.service import reindex

    results = reindex(index_only=args.index_only, progress=not args.no_progress and None)
    failed = 0
    for r in results:
        print(format_result(r))
        failed += r.status == "failed"
    print(f"reindexed {len(results) - failed} documents" + (f", {failed} failed" if failed else ""))
    _print_stale_notice()  # --index-only keeps chunks an older Gongkai made
    return 1 if failed else 0
