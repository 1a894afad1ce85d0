"""The app with a library of real PDFs (issue 14): memory of the running app and answer latency with
N documents, plus the page-view / library / compare screenshots.

    python bench/ui_library.py [--docs 100] [--home DIR] [--screenshots docs/screenshots] [--json OUT]

The library is the real Jiangsu disclosures of ../shared/corpus-wild/jiangsu (22 files) and, to
reach --docs, byte-distinct copies of them (a comment appended after %%EOF, so each copy has its own
sha256 and id and is ingested as a document of its own). They are ingested with `gongkai ingest`
(vectors included: the copies' chunks hit the embedding cache). The app then runs as `gongkai ui`
in a child process; questions are typed into the chat in headless Chromium and timed until the
answer shows; RSS (VmRSS, and VmHWM = the peak) is read from /proc for the app process only.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import gongkai  # noqa: E402,F401  (offline environment)
from ui import server  # noqa: E402

from ui_measure import ARGS, CHROMIUM, rss_mb  # noqa: E402  (bench/ is the script's directory)

WILD = ROOT.parent / "shared" / "corpus-wild" / "jiangsu"
QUESTIONS = [("江苏省人大常委会办公厅2019年三公经费是多少？", "figure"),
             ("其中公务接待费是多少？", "follow-up"),
             ("江苏省人民检察院2018年机关运行经费是多少？", "figure"),
             ("江苏省委办公厅2018年部门预算的主要职能是什么？", "text")]
COMPARE_BODY = "江苏省人民检察院"


def make_corpus(n: int, out: Path) -> list[Path]:
    """The real PDFs, then byte-distinct copies of them until there are n files."""
    real = sorted(WILD.glob("*.pdf"))
    if not real:
        raise SystemExit(f"no PDFs in {WILD}")
    out.mkdir(parents=True, exist_ok=True)
    files = []
    for i in range(n):
        src = real[i % len(real)]
        k = i // len(real)
        dst = out / (src.name if k == 0 else f"{src.stem}-copy{k}.pdf")
        shutil.copyfile(src, dst)
        if k:
            with open(dst, "ab") as fh:
                fh.write(f"\n%gongkai bench copy {k}\n".encode())
        files.append(dst)
    return files


def ingest(home: Path, corpus: Path) -> float:
    env = dict(os.environ, GONGKAI_HOME=str(home))
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-m", "gongkai", "ingest", str(corpus), "--no-progress", "--workers", "2"],
                   env=env, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - t0


def shoot(pg, out: Path | None, name: str, selector: str | None = None) -> None:
    if out is None:
        return
    out.mkdir(parents=True, exist_ok=True)
    pg.wait_for_timeout(600)
    if selector:
        pg.locator(selector).screenshot(path=str(out / f"{name}.png"))
    else:
        pg.screenshot(path=str(out / f"{name}.png"))


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--docs", type=int, default=100)
    ap.add_argument("--home", type=Path, help="an already ingested home (skips making and ingesting the corpus)")
    ap.add_argument("--screenshots", type=Path)
    ap.add_argument("--json", type=Path)
    args = ap.parse_args()
    from playwright.sync_api import sync_playwright

    result: dict = {"docs_wanted": args.docs}
    home = args.home
    if home is None:
        work = Path(tempfile.mkdtemp(prefix="gongkai_ui_library_"))
        home = work / "home"
        make_corpus(args.docs, work / "corpus")
        result["ingest_s"] = round(ingest(home, work / "corpus"), 1)
    from ingest.store import Store

    result["docs_in_library"] = len(Store(home).catalog())
    running = server.start(home, timeout=300)
    result["start_s"] = round(running.start_s, 2)
    pid = running.proc.pid
    try:
        time.sleep(1)
        result["rss_after_start_mb"] = rss_mb(pid)["VmRSS"]
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            pg = browser.new_page(viewport={"width": 1400, "height": 1000})
            t0 = time.perf_counter()
            pg.goto(running.url, wait_until="domcontentloaded")
            pg.wait_for_selector("#gk-question textarea", timeout=120_000)
            result["page_ready_s"] = round(time.perf_counter() - t0, 2)
            time.sleep(8)  # let the warm-up (index, records, embedder) finish: answers as a user sees them later
            result["rss_warm_mb"] = rss_mb(pid)["VmRSS"]

            def ask(q: str, n: int) -> float:
                pg.fill("#gk-question textarea", q)
                t = time.perf_counter()
                pg.click("#gk-ask")
                pg.wait_for_function("n => document.querySelectorAll(\"#gk-chat [data-testid='bot']\").length >= n",
                                     arg=n, timeout=300_000)
                return round(time.perf_counter() - t, 2)

            result["answers"] = []
            for n, (q, kind) in enumerate(QUESTIONS, 1):
                s = ask(q, n)
                text = pg.locator("#gk-chat [data-testid='bot']").nth(n - 1).inner_text()
                result["answers"].append({"q": q, "kind": kind, "s": s, "answer": " ".join(text.split())[:120]})
            # the first answer's source: the page rendered with the figure boxed
            pg.click("#gk-new")
            pg.wait_for_function("() => document.querySelectorAll(\"#gk-chat [data-testid='bot']\").length == 0")
            ask(QUESTIONS[0][0], 1)
            if pg.locator("#gk-sources label").count():
                t = time.perf_counter()
                pg.locator("#gk-sources label").first.click()
                pg.locator("#gk-passage .gk-pdfimg").wait_for(timeout=60_000)
                result["page_view_s"] = round(time.perf_counter() - t, 2)
                result["page_view_figure_boxes"] = pg.locator("#gk-passage .gk-box-figure").count()
                shoot(pg, args.screenshots, "pageview")
            else:  # e.g. the body's disclosure is in the library several times (copies): the answer asks which
                result["page_view_s"] = None
            pg.get_by_role("tab", name="文件库 Library").click()
            pg.locator("#gk-docs", has_text="江苏省").wait_for(timeout=60_000)
            pg.evaluate("() => document.querySelector('#gk-embed-status').scrollIntoView({block: 'start'})")
            shoot(pg, args.screenshots, "library")
            pg.get_by_role("tab", name="对比 Compare").click()
            pg.click("#gk-cmp-bodies input")
            pg.locator("#gk-cmp-bodies [role=option]", has_text=COMPARE_BODY).first.click()
            pg.keyboard.press("Escape")
            pg.locator("#gk-cmp-chart .gk-bar").first.wait_for(timeout=60_000)
            result["compare_bars"] = pg.locator("#gk-cmp-chart .gk-bar").count()
            pg.evaluate("() => window.scrollTo(0, 0)")
            shoot(pg, args.screenshots, "compare")
            browser.close()
        mem = rss_mb(pid)
        result["rss_after_use_mb"], result["rss_peak_mb"] = mem["VmRSS"], mem["VmHWM"]
    finally:
        running.stop()
    print(json.dumps(result, ensure_ascii=False, indent=1))
    if args.json:
        args.json.write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
