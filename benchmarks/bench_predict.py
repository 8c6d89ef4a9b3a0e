"""Throughput of predict_many and cold start of `stance predict`, printed as figures.

    .venv/bin/python benchmarks/bench_predict.py [--sentences 12000] [--runs 5]

Runs on one core (BLAS threads pinned to 1, the process bound to CPU 0 where the OS allows it).
Aims (issue 4): >= 20,000 (sentence, country) pairs/s and at least half the rate of a bare
TfidfVectorizer(ngram_range=(1, 2)) + LogisticRegression pipeline on the same sentences; cold
start <= 1.5 s.
"""

from __future__ import annotations

import os

for _name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_name, "1")

import argparse  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

REPO = Path(__file__).resolve().parents[1]


def one_core() -> None:
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {0})


def throughput(n_sentences: int) -> None:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    from stance.data import load_annotations
    from stance.predict import default_model, mention_rows, predict_many

    frame = load_annotations()
    unique = frame.drop_duplicates("sentence")["sentence"].tolist()
    sentences = (unique * (n_sentences // len(unique) + 1))[:n_sentences]
    model = default_model()
    predict_many(sentences[:200], model=model)  # warm up

    start = time.perf_counter()
    results = predict_many(sentences, model=model)
    ours = time.perf_counter() - start
    pairs = sum(len(r["sentences"]) for r in results)

    rows = mention_rows(sentences)
    bare = make_pipeline(TfidfVectorizer(ngram_range=(1, 2)), LogisticRegression(max_iter=2000))
    bare.fit(frame["sentence"], frame["label"])
    pair_sentences = rows["sentence"].tolist()
    start = time.perf_counter()
    bare.predict(pair_sentences)
    bare_time = time.perf_counter() - start

    start = time.perf_counter()
    mention_rows(sentences)
    finding = time.perf_counter() - start

    ours_rate, bare_rate = pairs / ours, len(pair_sentences) / bare_time
    print(f"sentences {len(sentences)}, (sentence, country) pairs {pairs}, one core")
    print(f"predict_many (split + find mentions + model + roll-up): {ours_rate:,.0f} pairs/s "
          f"({len(sentences) / ours:,.0f} sentences/s)  [aim >= 20,000 pairs/s]")
    print(f"  of which splitting and finding mentions: {finding / ours:.0%} of the time")
    print(f"bare TfidfVectorizer(1,2) + LogisticRegression.predict on the same pairs: {bare_rate:,.0f} pairs/s")
    print(f"ratio ours / bare: {ours_rate / bare_rate:.2f}  [aim >= 0.50]")


def cold_start(runs: int) -> None:
    stance = REPO / ".venv" / "bin" / "stance"
    command = [str(stance) if stance.exists() else sys.executable, *([] if stance.exists() else ["-m", "stance"]),
               "predict", str(REPO / "seeds" / "2024-11-20-kyiv-embassies.fr.txt")]
    subprocess.run(command, capture_output=True, check=True)  # trains the model if needed
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, capture_output=True, check=True)
        times.append(time.perf_counter() - start)
    print(f"cold start, `stance predict` on the seed article, median of {runs}: "
          f"{statistics.median(times):.2f} s (min {min(times):.2f}, max {max(times):.2f})  [aim <= 1.5 s]")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sentences", type=int, default=12000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    one_core()
    throughput(args.sentences)
    cold_start(args.runs)


if __name__ == "__main__":
    main()
