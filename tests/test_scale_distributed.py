"""Scale-out of bulk extraction on Dask distributed: a LocalCluster (separate worker processes,
TCP scheduler on 127.0.0.1) started by the test gives exactly the records of the local process pool,
through the library (`extract.bulk.run(executor=…)`) and through `gongkai extract --executor dask
--scheduler URL`."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from evals.synth import generate

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def synth_dir(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("synth")
    generate(6, d, seed=71, inject_rate=0.5, yuan_rate=0.5)
    return d / "text"


@pytest.fixture(scope="module")
def cluster():
    distributed = pytest.importorskip("dask.distributed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                                  dashboard_address=None) as c:
        yield c


def _by_path(records: list[dict]) -> dict[str, dict]:
    return {r["path"]: r for r in records}


def test_dask_executor_matches_process_pool(synth_dir, cluster, tmp_path):
    from dask.distributed import Client

    from extract import bulk

    local = bulk.run([synth_dir], tmp_path / "local", workers=2, progress=False)
    with Client(cluster.scheduler_address) as client:
        remote = bulk.run([synth_dir], tmp_path / "dask", executor=client.get_executor(), progress=False)
        # the work really ran on the cluster's worker processes
        assert len(client.scheduler_info()["workers"]) == 2
    assert [s.status for s in local] == ["ok"] * 6 == [s.status for s in remote]
    a, b = _by_path(bulk.records(local)), _by_path(bulk.records(remote))
    assert len(a) == 6 and a == b


def test_cli_with_scheduler_url_matches_local(synth_dir, cluster, tmp_path):
    def run(*extra: str, out: Path) -> list[dict]:
        cmd = [sys.executable, "-m", "gongkai", "extract", str(synth_dir), "--format", "jsonl", "-o", str(out),
               "--no-progress", "--workers", "2", *extra]
        res = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=180)
        assert res.returncode == 0, res.stderr
        return [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]

    local = run(out=tmp_path / "local.jsonl")
    remote = run("--executor", "dask", "--scheduler", cluster.scheduler_address, out=tmp_path / "dask.jsonl")
    assert cluster.scheduler_address.startswith("tcp://127.0.0.1:")
    assert len(local) == 6 and _by_path(local) == _by_path(remote)
