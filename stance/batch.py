"""Predict postures over whole corpora on Dask: a local cluster or a scheduler's address.

The input is streamed in partitions of ``partition_size`` records, so memory stays bounded
whatever the corpus size; at most ``2 x workers`` partitions are in flight at once. Each partition
is predicted on a worker, which loads the model once (not shipped with every task), and written as
``OUTPUT/part-NNNNN.parquet`` through a temporary file and a rename: a rerun after an interruption
skips the partitions already written. A bad record (no text, not UTF-8, not a string...) is
reported with its id, counted and skipped; it never stops the job.

Input: a folder of text files, or a JSON Lines, CSV or Parquet file (or a folder of them) with a
``text`` column and optional ``id``, ``date``, ``language`` columns.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import pandas as pd

from stance import config

TABLE_SUFFIXES = {".jsonl": "jsonl", ".ndjson": "jsonl", ".csv": "csv", ".parquet": "parquet"}
ARTICLE_COLUMNS = ("id", "country", "name", "stance", "confidence", "role", "mentions", "evidence",
                   "evidence_start", "evidence_end", "conflicts", "language", "date")
SENTENCE_COLUMNS = ("id", "sentence_start", "sentence_end", "country", "mention", "mention_start",
                    "mention_end", "role", "stance", "confidence", "sentence")
TEXT_COLUMNS = frozenset({"id", "country", "name", "stance", "role", "evidence", "conflicts", "language", "date",
                          "mention", "sentence"})


@dataclass
class Partition:
    index: int
    records: list[dict]  # {"id", "text" or "path", "date", "language"}
    bad: list[tuple[str, str]] = field(default_factory=list)  # (id, reason) found while reading


@dataclass
class BatchResult:
    partitions: int
    written: int
    skipped: int
    articles: int
    rows: int
    bad: list[tuple[str, str]]


# --------------------------------------------------------------------------- reading


def _input_files(path: Path) -> tuple[str, list[Path]]:
    if path.is_file():
        kind = TABLE_SUFFIXES.get(path.suffix.lower())
        if kind is None:
            raise ValueError(f"{path}: expected a folder of text files, or a .jsonl, .csv or .parquet file")
        return kind, [path]
    if not path.is_dir():
        raise FileNotFoundError(f"{path}: no such file or folder")
    for kind in ("parquet", "jsonl", "csv"):
        files = sorted(p for p in path.rglob("*") if p.is_file() and TABLE_SUFFIXES.get(p.suffix.lower()) == kind)
        if files:
            return kind, files
    files = sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in (".txt", ".text", ".md"))
    if not files:
        raise ValueError(f"{path}: holds no text, .jsonl, .csv or .parquet file")
    return "text", files


def _record(raw: dict, fallback_id: str) -> tuple[dict | None, tuple[str, str] | None]:
    rid = raw.get("id")
    rid = fallback_id if rid is None or (isinstance(rid, float) and pd.isna(rid)) else str(rid)
    text = raw.get("text")
    if not isinstance(text, str):
        return None, (rid, "no text" if text is None or (isinstance(text, float) and pd.isna(text))
                      else f"text is {type(text).__name__}, not a string")
    if not text.strip():
        return None, (rid, "empty text")
    clean = {"id": rid, "text": text}
    for key in ("date", "language"):
        value = raw.get(key)
        clean[key] = None if value is None or (isinstance(value, float) and pd.isna(value)) else str(value)
    return clean, None


def _stream_records(kind: str, files: list[Path]) -> Iterator[tuple[dict | None, tuple[str, str] | None]]:
    """(record, None) or (None, (id, reason)) for every input record, in a stable order."""
    if kind == "text":
        for path in files:
            yield {"id": str(path), "path": str(path), "date": None, "language": None}, None
    elif kind == "jsonl":
        for path in files:
            with open(path, "rb") as handle:
                for number, line in enumerate(handle, 1):
                    where = f"{path.name}:{number}"
                    if not line.strip():
                        continue
                    try:
                        raw = json.loads(line.decode("utf-8"))
                    except (UnicodeDecodeError, json.JSONDecodeError) as error:
                        yield None, (where, f"malformed JSON line ({type(error).__name__})")
                        continue
                    if not isinstance(raw, dict):
                        yield None, (where, "a line that is not a JSON object")
                        continue
                    yield _record(raw, where)
    elif kind == "csv":
        for path in files:
            bad_lines: list[list[str]] = []
            reader = pd.read_csv(path, dtype=str, chunksize=2000, keep_default_na=False, engine="python",
                                 on_bad_lines=lambda line: bad_lines.append(line) and None)
            row = 0
            for chunk in reader:
                for raw in chunk.to_dict(orient="records"):
                    row += 1
                    yield _record(raw, f"{path.name}:row {row}")
                while bad_lines:
                    line = bad_lines.pop(0)
                    yield None, (f"{path.name}:{line[0][:30] if line else '?'}", "malformed CSV line")
    else:
        import pyarrow.parquet as pq

        for path in files:
            parquet = pq.ParquetFile(path)
            row = 0
            for batch in parquet.iter_batches(batch_size=2000):
                for raw in batch.to_pylist():
                    row += 1
                    yield _record(raw, f"{path.name}:row {row}")


def partitions(source: str | Path, *, partition_size: int = 500) -> Iterator[Partition]:
    """The input, streamed in partitions of ``partition_size`` records (bad records ride along)."""
    kind, files = _input_files(Path(source))
    current = Partition(0, [])
    for record, bad in _stream_records(kind, files):
        if bad is not None:
            current.bad.append(bad)
            continue
        current.records.append(record)
        if len(current.records) >= partition_size:
            yield current
            current = Partition(current.index + 1, [])
    if current.records or current.bad:
        yield current


# --------------------------------------------------------------------------- on a worker


@cache
def _worker_model(path: str | None):
    """The model, loaded once per worker process."""
    from stance.predict import default_model

    return default_model(Path(path) if path else None)


def predict_partition(partition: Partition, out_dir: str, *, model_path: str | None = None,
                      level: str = "article") -> dict:
    """Predict one partition and write its Parquet file atomically; return its counts."""
    from stance.inputs import InputError, read_path
    from stance.predict import predict_many

    bad = list(partition.bad)
    records = []
    for record in partition.records:
        if "path" in record:
            try:
                record = {**record, "text": read_path(Path(record["path"])).text}
            except InputError as error:
                bad.append((record["id"], str(error).split(": ", 1)[-1]))
                continue
            if not record["text"].strip():
                bad.append((record["id"], "empty text"))
                continue
        records.append(record)
    results = predict_many([r["text"] for r in records], dates=[r["date"] for r in records],
                           languages=[r["language"] for r in records], model=_worker_model(model_path))
    frame = result_frame(records, results, level=level)
    out = Path(out_dir) / f"part-{partition.index:05d}.parquet"
    temporary = out.with_name(f".{out.name}.tmp")
    frame.to_parquet(temporary, index=False)
    os.replace(temporary, out)
    return {"index": partition.index, "articles": len(records), "rows": len(frame), "bad": bad}


def result_frame(records: list[dict], results: list[dict], *, level: str = "article") -> pd.DataFrame:
    """Rows per (article, country), or per sentence mention when ``level`` is ``sentence``."""
    rows = []
    for record, result in zip(records, results):
        if level == "sentence":
            for s in result["sentences"]:
                rows.append({"id": record["id"], **{k: s[k] for k in SENTENCE_COLUMNS[1:]}})
            continue
        for c in result["countries"]:
            top = c["evidence"][0] if c["evidence"] else None
            rows.append({
                "id": record["id"], "country": c["country"], "name": c["name"], "stance": c["stance"],
                "confidence": c["confidence"], "role": c["role"], "mentions": c["mentions"],
                "evidence": top["sentence"] if top else None,
                "evidence_start": top["start"] if top else None,
                "evidence_end": top["end"] if top else None,
                "conflicts": ";".join(x["stance"] for x in c["conflicts"]) or None,
                "language": result["language"], "date": record["date"],
            })
    columns = SENTENCE_COLUMNS if level == "sentence" else ARTICLE_COLUMNS
    frame = pd.DataFrame(rows, columns=list(columns))
    for column in ("evidence_start", "evidence_end"):
        if column in frame:
            frame[column] = frame[column].astype("Int64")
    for column in TEXT_COLUMNS.intersection(frame.columns):
        # a string dtype even when a part holds only missing values, so every Parquet part agrees
        frame[column] = frame[column].astype("str")
    return frame


# --------------------------------------------------------------------------- driving


def run(
    source: str | Path,
    out_dir: str | Path,
    *,
    scheduler: str | None = None,
    workers: int = 2,
    partition_size: int = 500,
    level: str = "article",
    model_path: str | Path | None = None,
    progress: bool = True,
) -> BatchResult:
    """Predict a corpus into a folder of Parquet files, on a local cluster or at ``scheduler``."""
    from dask.distributed import Client, LocalCluster, as_completed

    if level not in ("article", "sentence"):
        raise ValueError(f"level {level!r} is not one of article, sentence")
    _input_files(Path(source))  # a bad input path fails before any cluster starts
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    model_path = str(model_path) if model_path else None
    if model_path is None:
        from stance.predict import default_model

        default_model()  # train once here, not on every worker, when no model is cached yet
        model_path = str(config.DEFAULT_MODEL)
    cluster = None
    if scheduler:
        client = Client(scheduler, timeout="20s")
    else:
        cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                               dashboard_address=None, silence_logs=40)
        client = Client(cluster)
    result = BatchResult(0, 0, 0, 0, 0, [])
    bar = None
    try:
        if progress:
            from tqdm import tqdm

            bar = tqdm(unit="partition", desc="stance batch", dynamic_ncols=True)
        limit = 2 * max(len(client.scheduler_info().get("workers", {})), 1)
        stream = partitions(source, partition_size=partition_size)
        running = as_completed()

        def submit_next() -> bool:
            for partition in stream:
                result.partitions += 1
                if (out_dir / f"part-{partition.index:05d}.parquet").exists():
                    result.skipped += 1
                    if bar is not None:
                        bar.update(1)
                    continue
                running.add(client.submit(predict_partition, partition, str(out_dir), model_path=model_path,
                                          level=level, key=f"stance-part-{partition.index}-{os.getpid()}",
                                          pure=False))
                return True
            return False

        for _ in range(limit):
            if not submit_next():
                break
        for future in running:
            counts = future.result()
            result.written += 1
            result.articles += counts["articles"]
            result.rows += counts["rows"]
            result.bad.extend(counts["bad"])
            if bar is not None:
                bar.update(1)
            submit_next()
    finally:
        if bar is not None:
            bar.close()
        client.close()
        if cluster is not None:
            cluster.close()
    return result


def read_output(out_dir: str | Path) -> pd.DataFrame:
    """All rows written by :func:`run`, in partition order."""
    files = sorted(Path(out_dir).glob("part-*.parquet"))
    if not files:
        return pd.DataFrame(columns=list(ARTICLE_COLUMNS))
    return pd.concat([pd.read_parquet(f) for f in files], ignore_index=True)
