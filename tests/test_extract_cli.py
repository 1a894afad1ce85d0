"""`gongkai extract` / `validate` / `schema`, bulk runs (resumable after a kill, any executor), the store."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "data" / "corpus"
DOC1 = CORPUS / "001_4e595076af774e23.txt"


def gk(*args, **kw):
    return subprocess.run([sys.executable, "-m", "gongkai", *map(str, args)], capture_output=True, text=True,
                          cwd=ROOT, timeout=120, **kw)


def replicate(dest: Path, copies: int) -> list[Path]:
    out = []
    for i in range(copies):
        for f in sorted(CORPUS.glob("*.txt")):
            p = dest / f"c{i:02d}" / f.name
            p.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(f, p)
            out.append(p)
    return out


def test_extract_one_file_to_stdout_and_schema(home):
    out = gk("extract", DOC1)
    assert out.returncode == 0, out.stderr
    recs = json.loads(out.stdout)
    assert len(recs) == 1 and recs[0]["doc"] == DOC1.stem and recs[0]["income"]["total"]["value"] == 247.40
    schema = json.loads(gk("schema").stdout)
    assert "income" in schema["properties"] and "validation" in schema["properties"]


def test_csv_and_parquet_exports_have_document_and_item_tables(tmp_path, home):
    out = gk("extract", CORPUS, "--format", "csv", "-o", tmp_path / "rec.csv", "--no-progress", "--workers", "2")
    assert out.returncode == 0, out.stderr
    import pandas as pd

    docs = pd.read_csv(tmp_path / "rec.csv")
    items = pd.read_csv(tmp_path / "rec_items.csv")
    checks = pd.read_csv(tmp_path / "rec_validation.csv")
    assert len(docs) == 4 and "income.total" in docs.columns and "staffing.authorized" in docs.columns
    row = docs.set_index("doc").loc["002_77eafa45268ff922"]
    assert row["income.total"] == 2081.55 and row["validation.mismatch"] >= 1
    cell = items[(items.doc == "002_77eafa45268ff922") & (items.table == "general_budget_expenditure") & (items.code == 210)
                 & (items.column == "project")]
    assert cell["amount"].tolist() == [1801.0] and cell["line"].tolist() == [438]
    assert set(checks.status) <= {"pass", "rounding", "mismatch", "insufficient_data"}
    # project lines under their own names, 表7 beside 情况说明 七 (004 states 61.58 where 表7 prints 151.58)
    proj = items[(items.doc == "004_479787b2eb065ad4") & items.table.isin(["projects", "narrative_projects"])]
    first = proj[proj.name == "2023年自治区财政人身意外伤害保险补助资金"]
    assert first[["table", "amount", "line"]].values.tolist() == [["projects", 151.58, 755], ["narrative_projects", 61.58, 1167]]
    assert len(proj[proj.table == "narrative_projects"]) == 6
    # the status table is printed at the end
    assert "4 extracted, 0 already done, 0 failed, 1 skipped" in out.stderr  # data/corpus/README.md
    out = gk("extract", DOC1, CORPUS / "004_479787b2eb065ad4.txt", "--format", "parquet", "-o", tmp_path / "r.parquet",
             "--no-progress")
    assert out.returncode == 0, out.stderr
    assert len(pd.read_parquet(tmp_path / "r.parquet")) == 2 and len(pd.read_parquet(tmp_path / "r_items.parquet")) > 50


def test_validate_prints_the_report_with_findings(home):
    out = gk("validate", CORPUS / "004_479787b2eb065ad4.txt")
    assert out.returncode == 0
    assert "[mismatch] 收入总表 类 210 卫生健康支出" in out.stdout and "1202.75" in out.stdout
    js = json.loads(gk("validate", "--json", DOC1).stdout)
    assert js[0]["summary"]["pass"] > 100


def test_bad_file_is_reported_and_loses_nothing(tmp_path, home):
    bad = tmp_path / "empty.txt"
    bad.write_text("")
    shutil.copyfile(DOC1, tmp_path / "good.txt")
    out = gk("extract", tmp_path, "-o", tmp_path / "o.json", "--no-progress")
    assert out.returncode == 1
    assert "failed" in out.stderr and "empty.txt" in out.stderr
    recs = json.loads((tmp_path / "o.json").read_text())
    assert [r["doc"] for r in recs] == ["good"]


def test_killed_bulk_run_resumes_without_duplicates(tmp_path, home):
    files = replicate(tmp_path / "c", 10)  # 40 files
    state = tmp_path / "state"
    cmd = [sys.executable, "-m", "gongkai", "extract", str(tmp_path / "c"), "--state", str(state), "--workers", "1",
           "--no-progress", "--format", "jsonl", "-o", str(tmp_path / "o.jsonl")]
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    results = state / "results"
    deadline = time.time() + 60
    while time.time() < deadline and len(list(results.glob("*.json")) if results.exists() else []) < 3:
        time.sleep(0.02)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    done = len(list(results.glob("*.json")))
    assert 3 <= done < len(files)
    assert not (tmp_path / "o.jsonl").exists()
    out = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert f"{len(files) - done} extracted, {done} already done" in out.stderr
    lines = (tmp_path / "o.jsonl").read_text().splitlines()
    assert len(lines) == len(files) == len(list(results.glob("*.json")))
    assert len({json.loads(x)["path"] for x in lines}) == len(files)


def test_bulk_through_a_dask_executor(tmp_path):
    from dask.distributed import Client, LocalCluster

    from extract import bulk

    files = replicate(tmp_path / "c", 1)
    with LocalCluster(n_workers=1, threads_per_worker=2, processes=False, dashboard_address=None) as cluster, \
            Client(cluster) as client:
        statuses = bulk.run(files, tmp_path / "s", executor=client.get_executor(), progress=False)
    assert [s.status for s in statuses] == ["ok"] * 4
    assert [r["doc"] for r in bulk.records(statuses)] == [f.stem for f in files]


def test_extract_and_store_then_load_and_remove(home):
    from extract.api import extract_and_store
    from extract.store import load_records, remove_record
    from ingest.pipeline import load_document

    doc = load_document(DOC1)
    rec = extract_and_store(doc, home)
    assert (home / "records" / f"{doc.doc}.json").exists()
    loaded = load_records(home)
    assert [r["doc"] for r in loaded] == [doc.doc] and loaded[0]["income"]["total"] == rec["income"]["total"]
    assert not list((home / "records").glob(".*.tmp"))  # atomic write leaves no temp file
    assert remove_record(doc.doc, home) and load_records(home) == []


def test_record_readers_follow_validation_paths_into_lists(home):
    from extract.api import extract_path
    from extract.store import leaf, node

    rec = extract_path(DOC1)
    # every path a validation check names resolves to a leaf of the record (lists by index)
    paths = {p for c in rec["validation"] for p in c["paths"] if not p.startswith("tables.")}
    assert paths and all(leaf(rec, p)[0] is not None or node(rec, p) is not None for p in paths)
    assert leaf(rec, "projects.0.amount") == leaf(rec, "projects[0].amount") != (None, [])
    assert node(rec, "projects[99].amount") is None and node(rec, "department.value.x") is None


def test_output_read_only_in_part_ends_quietly(home):
    # `gongkai validate … --json --all | head -c 100`: the reader goes away after a few bytes
    proc = subprocess.Popen([sys.executable, "-m", "gongkai", "validate", "--json", "--all", str(CORPUS)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT)
    assert len(proc.stdout.read(100)) == 100
    proc.stdout.close()
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=120) == 0 and "Traceback" not in err and "BrokenPipe" not in err


def test_file_name_that_is_not_utf8_is_extracted_in_bulk(tmp_path, home):
    """GBK bytes in a name (old zip archives) — extracted by the worker, its path shown as \\xNN."""
    src = tmp_path / "in"
    src.mkdir()
    shutil.copyfile(DOC1, src / os.fsdecode(b"\xb9\xab\xbf\xaa.txt"))
    shutil.copyfile(DOC1, src / "good.txt")
    out = gk("extract", src, "--format", "csv", "-o", tmp_path / "o.csv", "--no-progress", "--workers", "2")
    assert out.returncode == 0, out.stderr
    assert "Traceback" not in out.stderr
    text = (tmp_path / "o.csv").read_text(encoding="utf-8")
    assert "\\xb9\\xab\\xbf\\xaa.txt" in text and "good.txt" in text
