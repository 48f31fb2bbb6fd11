"""Beyond one machine: `validate --scheduler` on a Dask LocalCluster of two worker processes, and workbooks in
an S3-compatible store (moto's server on 127.0.0.1) read by the workers themselves. Each report must equal the
local run's."""

from __future__ import annotations

import io
import json
import os
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from xl_addin import cli, resources

CASES = Path(__file__).parent / "cases"
pytest.importorskip("distributed", reason="the dask extra is part of the test set-up")


def run(*args: str) -> tuple[int, str]:
    out = io.StringIO()
    return cli.main([*args, "--as-of", "2026-11-25", "--format", "json"], out=out), out.getvalue()


@pytest.fixture(scope="module")
def registers(tmp_path_factory: pytest.TempPathFactory) -> Path:
    drive = tmp_path_factory.mktemp("drive") / "registers"
    (drive / "team b").mkdir(parents=True)
    shutil.copyfile(resources.sample_path(), drive / "sample.xlsx")
    shutil.copyfile(CASES / "valid" / "status-every-value.xlsx", drive / "clean.xlsx")
    shutil.copyfile(CASES / "invalid" / "total-stale.xlsx", drive / "team b" / "stale.xlsx")
    (drive / "corrupt.xlsx").write_bytes(b"PK\x03\x04 broken")
    (drive / "snapshots").mkdir()
    shutil.copyfile(CASES / "invalid" / "total-stale.xlsx", drive / "snapshots" / "old.xlsx")
    return drive


@pytest.fixture(scope="module")
def cluster(store: str) -> Iterator[str]:
    """Two worker processes, started once the store's settings are in the environment they inherit."""
    from distributed import LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                      silence_logs=50) as local:
        yield local.scheduler_address


@pytest.fixture(scope="module")
def store(registers: Path) -> Iterator[str]:
    """An S3 bucket holding the same registers, served on 127.0.0.1; the fsspec settings reach the workers
    through the environment, as they would on a real cluster."""
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    settings = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
                "AWS_DEFAULT_REGION": "us-east-1", "FSSPEC_S3_ENDPOINT_URL": endpoint}
    saved = {name: os.environ.get(name) for name in settings}
    os.environ.update(settings)
    import fsspec.config
    import s3fs

    fsspec.config.conf.setdefault("s3", {})["endpoint_url"] = endpoint
    fs = s3fs.S3FileSystem(endpoint_url=endpoint)
    fs.mkdir("registers")
    for path in sorted(registers.rglob("*.xlsx")):
        fs.put_file(str(path), f"registers/{path.relative_to(registers).as_posix()}")
    try:
        yield "s3://registers"
    finally:
        fsspec.config.conf["s3"].pop("endpoint_url", None)
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        server.stop()


def _by_name(report: str, prefix: str) -> dict[str, list[tuple[str, str]]]:
    files = json.loads(report)["files"]
    return {f["file"].removeprefix(prefix): [(x["cell"], x["code"]) for x in f["findings"]] for f in files}


def test_a_cluster_gives_the_local_report(registers: Path, cluster: str) -> None:
    local = run("validate", str(registers), "--jobs", "1")
    distributed = run("validate", str(registers), "--scheduler", cluster)
    assert distributed == local
    assert local[0] == 2 and len(json.loads(local[1])["files"]) == 4  # snapshots/ left out


def test_workers_read_the_store_and_give_the_local_report(registers: Path, cluster: str, store: str) -> None:
    local = run("validate", str(registers), "--jobs", "1")
    on_cluster = run("validate", store, "--scheduler", cluster)
    here = run("validate", store, "--jobs", "1")  # a store address works without a cluster too
    assert on_cluster == here
    assert on_cluster[0] == local[0]
    assert _by_name(on_cluster[1], store + "/") == _by_name(local[1], str(registers) + "/")
    assert run("validate", f"{store}/team b/stale.xlsx")[0] == 1
    assert run("validate", f"{store}/*.xlsx", "--exclude", "corrupt*", "--scheduler", cluster)[0] == 1


def test_a_missing_store_address_is_said_plainly(store: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert run("validate", f"{store}/nosuchfolder/")[0] == 2
    assert capsys.readouterr().err == f"xlreg: Folder not found: {store}/nosuchfolder/.\n"


def test_a_missing_scheduler_fails_with_a_plain_message(registers: Path,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    started = time.monotonic()
    code, out = run("validate", str(registers), "--scheduler", "tcp://127.0.0.1:9")
    err = capsys.readouterr().err
    assert code == 2 and out == "" and time.monotonic() - started < 30
    assert err.startswith("xlreg: Could not reach the Dask scheduler at tcp://127.0.0.1:9") and "Traceback" not in err
