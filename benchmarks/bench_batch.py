"""Scaling of `stance batch` on Dask: articles/s with 1 and 2 workers, printed as figures.

    .venv/bin/python benchmarks/bench_batch.py [--sentences 100000] [--partition-size 400]

The corpus is generated from the dataset's article texts, repeated with new ids until it holds at
least ``--sentences`` sentences. Aim (issue 7): >= 1.7x with 2 workers on this 2-core machine.
"""

from __future__ import annotations

import argparse
import json
import shutil
import tempfile
import time
from pathlib import Path


def make_corpus(path: Path, n_sentences: int) -> tuple[int, int]:
    from stance.data import load_articles
    from stance.text import split_sentences

    articles = sorted(load_articles().values(), key=lambda a: a["article_id"])
    sizes = [len(split_sentences(a["text"])) for a in articles]
    count = sentences = 0
    with open(path, "w", encoding="utf-8") as handle:
        while sentences < n_sentences:
            article, size = articles[count % len(articles)], sizes[count % len(articles)]
            handle.write(json.dumps({"id": f"doc-{count}", "text": article["text"], "date": article["date"],
                                     "language": article["language"]}, ensure_ascii=False) + "\n")
            count += 1
            sentences += size
    return count, sentences


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sentences", type=int, default=100_000)
    parser.add_argument("--partition-size", type=int, default=400)
    args = parser.parse_args()

    from stance import config
    from stance.batch import run
    from stance.predict import default_model

    default_model()  # trained and cached before timing, if needed
    work = Path(tempfile.mkdtemp(prefix="stance-bench-"))
    try:
        corpus = work / "corpus.jsonl"
        articles, sentences = make_corpus(corpus, args.sentences)
        print(f"corpus: {articles} articles, {sentences} sentences ({corpus.stat().st_size / 1e6:.1f} MB)")
        rates = {}
        for workers in (1, 2):
            out = work / f"out-{workers}"
            start = time.perf_counter()
            result = run(corpus, out, workers=workers, partition_size=args.partition_size,
                         model_path=config.DEFAULT_MODEL, progress=False)
            seconds = time.perf_counter() - start
            rates[workers] = result.articles / seconds
            print(f"{workers} worker(s): {seconds:.1f} s, {rates[workers]:,.0f} articles/s, "
                  f"{sentences / seconds:,.0f} sentences/s, {rates[workers] / workers:,.0f} articles/s per core "
                  f"(cluster start-up included)")
        print(f"speed-up with 2 workers: {rates[2] / rates[1]:.2f}x  [aim >= 1.7x]")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
