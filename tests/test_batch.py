"""Batch prediction on Dask equals predict_many, on a real LocalCluster, and resumes."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import pandas as pd
import pytest

from stance.batch import read_output, result_frame, run
from stance.data import load_articles
from stance.predict import predict_many

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def cluster():
    from dask.distributed import LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                      silence_logs=40) as local:
        yield local


@pytest.fixture(scope="module")
def corpus() -> list[dict]:
    articles = sorted(load_articles().values(), key=lambda a: a["article_id"])[:14]
    return [{"id": a["article_id"], "text": a["text"], "date": a["date"], "language": a["language"]}
            for a in articles]


def expected(records, trained_model, level="article") -> pd.DataFrame:
    results = predict_many([r["text"] for r in records], dates=[r["date"] for r in records],
                           languages=[r["language"] for r in records], model=trained_model)
    return result_frame(records, results, level=level)


def write_jsonl(path, records, extra_lines=()):
    with open(path, "w", encoding="utf-8") as handle:
        for record in records:
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
        for line in extra_lines:
            handle.write(line + "\n")


def test_equals_predict_many_and_counts_bad_records(tmp_path, corpus, cluster, model_path, trained_model):
    source = tmp_path / "corpus.jsonl"
    write_jsonl(source, corpus[:10], ['{"id": "broken", "text": ', '{"id": "no-text", "text": null}',
                                      '{"id": "number", "text": 42}'])
    result = run(source, tmp_path / "out", scheduler=cluster.scheduler_address, partition_size=3,
                 model_path=model_path, progress=False)
    assert result.articles == 10 and result.written == result.partitions == 4  # 3 + 3 + 3 + 1 good records
    assert sorted(reason for _, reason in result.bad) == [
        "malformed JSON line (JSONDecodeError)", "no text", "text is int, not a string"]
    assert {rid for rid, _ in result.bad} == {"corpus.jsonl:11", "no-text", "number"}
    pd.testing.assert_frame_equal(read_output(tmp_path / "out"), expected(corpus[:10], trained_model))


@pytest.mark.parametrize("kind", ["csv", "parquet", "text", "sentence-level"])
def test_other_inputs_and_sentence_level(tmp_path, corpus, cluster, model_path, trained_model, kind):
    records = corpus[:5]
    level = "sentence" if kind == "sentence-level" else "article"
    if kind == "text":
        folder = tmp_path / "texts"
        folder.mkdir()
        for index, record in enumerate(records):
            (folder / f"{index:02d}.txt").write_text(record["text"], encoding="utf-8")
        (folder / "empty.txt").write_text("", encoding="utf-8")
        source = folder
        records = [{"id": str(folder / f"{i:02d}.txt"), "text": r["text"], "date": None, "language": None}
                   for i, r in enumerate(records)]
    elif kind == "csv":
        source = tmp_path / "corpus.csv"
        pd.DataFrame(records).to_csv(source, index=False)
    else:
        source = tmp_path / "corpus.parquet"
        pd.DataFrame(records).to_parquet(source, index=False)
    result = run(source, tmp_path / "out", scheduler=cluster.scheduler_address, partition_size=2,
                 model_path=model_path, level=level, progress=False)
    assert result.articles == 5
    if kind == "text":
        assert [reason for _, reason in result.bad] == ["empty text"]
    pd.testing.assert_frame_equal(read_output(tmp_path / "out"), expected(records, trained_model, level),
                                  check_dtype=False)


def test_rerun_skips_written_partitions(tmp_path, corpus, cluster, model_path):
    source = tmp_path / "corpus.jsonl"
    write_jsonl(source, corpus[:9])
    out = tmp_path / "out"
    first = run(source, out, scheduler=cluster.scheduler_address, partition_size=3, model_path=model_path,
                progress=False)
    complete = read_output(out)
    (out / "part-00001.parquet").unlink()
    second = run(source, out, scheduler=cluster.scheduler_address, partition_size=3, model_path=model_path,
                 progress=False)
    assert (first.written, second.written, second.skipped) == (3, 1, 2)
    pd.testing.assert_frame_equal(read_output(out), complete)


def test_cli_on_its_own_local_cluster_resumes_after_being_killed(tmp_path, corpus, model_path, trained_model):
    records = (corpus * 4)[:48]
    records = [dict(r, id=f"{r['id']}#{i}") for i, r in enumerate(records)]
    source = tmp_path / "corpus.jsonl"
    write_jsonl(source, records)
    out = tmp_path / "out"
    command = [sys.executable, "-m", "stance", "batch", str(source), "--out", str(out), "--workers", "2",
               "--partition-size", "2", "--model", str(model_path), "--quiet"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
    deadline = time.monotonic() + 120
    while not list(out.glob("part-*.parquet")) and time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.1)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    written = len(list(out.glob("part-*.parquet")))
    assert 0 < written
    again = subprocess.run(command, capture_output=True, text=True)
    assert again.returncode == 0, again.stderr
    assert f"{written} already there" in again.stdout
    pd.testing.assert_frame_equal(read_output(out), expected(records, trained_model))


def test_cli_against_a_scheduler_address(tmp_path, corpus, cluster, model_path, trained_model):
    source = tmp_path / "corpus.jsonl"
    write_jsonl(source, corpus[:4])
    result = subprocess.run([sys.executable, "-m", "stance", "batch", str(source), "--out", str(tmp_path / "o"),
                             "--scheduler", cluster.scheduler_address, "--model", str(model_path), "--quiet"],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "4 article(s)" in result.stdout
    pd.testing.assert_frame_equal(read_output(tmp_path / "o"), expected(corpus[:4], trained_model))


def test_bad_input_paths_are_one_line(tmp_path):
    result = subprocess.run([sys.executable, "-m", "stance", "batch", str(tmp_path / "none"), "--out",
                             str(tmp_path / "o")], capture_output=True, text=True)
    assert result.returncode == 2 and "no such file or folder" in result.stderr
    (tmp_path / "x.bin").write_bytes(b"\0")
    result = subprocess.run([sys.executable, "-m", "stance", "batch", str(tmp_path / "x.bin"), "--out",
                             str(tmp_path / "o")], capture_output=True, text=True)
    assert result.returncode == 2 and "expected a folder of text files" in result.stderr
