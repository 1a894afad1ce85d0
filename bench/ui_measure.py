"""Measure the UI: start time, time to first answer (in a real browser), memory of the running app.

    python bench/ui_measure.py [--home DIR] [--screenshots docs/screenshots]

Without --home, a fresh data directory is made and the sample corpus ingested into it first
(`gongkai ingest data/corpus`). The app runs as `gongkai ui` in a child process; the question is
typed into the chat in headless Chromium and timed until the answer is shown. With --screenshots,
one PNG per view is written there.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import gongkai  # noqa: E402,F401  (offline environment)
from ui import server  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]
QUESTION = "轮台县医保局2024年三公经费是多少？"
FOLLOW_UP = "其中公务接待费是多少？"
TEXT_QUESTION = "伽师县医疗保障局的主要职能是什么？"  # answered from retrieved passages (search index)


def rss_mb(pid: int) -> dict[str, float]:
    out = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, val = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            out[key] = round(int(val.split()[0]) / 1024, 1)
    return out


def ensure_home(home: Path | None) -> Path:
    if home:
        return home
    home = Path(tempfile.mkdtemp(prefix="gongkai_ui_bench_")) / "home"
    env = dict(__import__("os").environ, GONGKAI_HOME=str(home))
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-m", "gongkai", "ingest", str(ROOT / "data" / "corpus")], env=env, check=True)
    print(f"ingested sample corpus into {home} in {time.perf_counter() - t0:.1f} s", file=sys.stderr)
    return home


def shoot(pg, out: Path, name: str, full_page: bool = False) -> None:
    out.mkdir(parents=True, exist_ok=True)
    pg.wait_for_timeout(800)
    pg.screenshot(path=str(out / f"{name}.png"), full_page=full_page)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--home", type=Path)
    ap.add_argument("--screenshots", type=Path)
    args = ap.parse_args()
    from playwright.sync_api import sync_playwright

    home = ensure_home(args.home)
    running = server.start(home)
    result: dict = {"start_s": round(running.start_s, 2), "rss_idle_mb": None}
    try:
        time.sleep(1)
        result["rss_after_start_mb"] = rss_mb(running.proc.pid)["VmRSS"]
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            pg = browser.new_page(viewport={"width": 1400, "height": 1100})
            hosts: set[str] = set()
            pg.on("request", lambda r: hosts.add(r.url.split("/")[2] if "://" in r.url else r.url[:10]))
            t0 = time.perf_counter()
            pg.goto(running.url, wait_until="domcontentloaded")
            pg.wait_for_selector("#gk-question textarea", timeout=120_000)
            result["page_ready_s"] = round(time.perf_counter() - t0, 2)

            def ask(q: str, n: int) -> float:
                pg.fill("#gk-question textarea", q)
                t = time.perf_counter()
                pg.click("#gk-ask")
                pg.wait_for_function("n => document.querySelectorAll(\"#gk-chat [data-testid='bot']\").length >= n",
                                     arg=n, timeout=300_000)
                return round(time.perf_counter() - t, 2)

            result["first_answer_s"] = ask(QUESTION, 1)
            result["first_answer_text"] = pg.locator("#gk-chat [data-testid='bot']").nth(0).inner_text()[:200]
            result["follow_up_s"] = ask(FOLLOW_UP, 2)
            result["text_route_s"] = ask(TEXT_QUESTION, 3)
            result["text_route_answer"] = pg.locator("#gk-chat [data-testid='bot']").nth(2).inner_text()[-160:]
            pg.click("#gk-new")
            pg.wait_for_function("() => document.querySelectorAll(\"#gk-chat [data-testid='bot']\").length == 0")
            ask(QUESTION, 1)
            ask(FOLLOW_UP, 2)
            pg.locator("#gk-sources label").first.click()
            pg.locator("#gk-passage mark").first.wait_for(timeout=60_000)
            if args.screenshots:
                shoot(pg, args.screenshots, "chat")
                pg.get_by_role("tab", name="文件库 Library").click()
                pg.locator("#gk-docs", has_text="002_").wait_for(timeout=60_000)
                shoot(pg, args.screenshots, "library")
                pg.get_by_role("tab", name="提取与校验 Extraction").click()
                pg.click("#gk-ext-doc input")
                pg.locator("#gk-ext-doc [role=option]", has_text="特克斯").first.click()
                pg.click("#gk-validation-acc .label-wrap")
                pg.wait_for_selector("#gk-validation table", timeout=60_000)
                pg.click("#gk-v-sources input")  # open the printed row behind the first mismatch
                pg.locator("#gk-v-sources [role=option]").first.click()
                pg.locator("#gk-v-passage mark").first.wait_for(timeout=60_000)
                pg.evaluate("() => document.querySelector('#gk-validation').scrollIntoView({block: 'start'})")
                shoot(pg, args.screenshots, "validation")
                pg.click("#gk-val-sources input")  # open where the 三公 total is printed
                pg.keyboard.insert_text("三公”经费合计 =")
                pg.keyboard.press("End")
                pg.locator("#gk-val-sources [role=option]", has_text="三公”经费合计 =").first.click()
                pg.locator("#gk-val-passage mark").first.wait_for(timeout=60_000)
                pg.evaluate("() => document.querySelector('#gk-val-sources').scrollIntoView({block: 'start'})")
                shoot(pg, args.screenshots, "extraction")
                pg.get_by_role("tab", name="对比 Compare").click()
                pg.locator("#gk-cmp-table [role=gridcell]", has_text="轮台").first.click()
                pg.locator("#gk-cmp-passage mark").first.wait_for(timeout=60_000)
                shoot(pg, args.screenshots, "compare", full_page=True)
                pg.get_by_role("tab", name="设置 Settings").click()
                pg.wait_for_selector("#gk-settings-now", timeout=60_000)
                shoot(pg, args.screenshots, "settings")
            browser.close()
        mem = rss_mb(running.proc.pid)
        result["rss_after_answers_mb"], result["rss_peak_mb"] = mem["VmRSS"], mem["VmHWM"]
        result["browser_hosts"] = sorted(hosts)
    finally:
        running.stop()
    result.pop("rss_idle_mb")
    print(json.dumps(result, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
