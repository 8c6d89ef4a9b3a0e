"""Speed of stance.countries.find_mentions: sentences per second on one core.

Run: .venv/bin/python benchmarks/bench_countries.py [--sentences 50000]
The batch is the labelled evaluation sentences plus the seed article's sentences, repeated and
shuffled with a fixed seed.
"""

from __future__ import annotations

import argparse
import json
import random
import time
from pathlib import Path

from stance.countries import find_mentions
from stance.text import split_sentences

ROOT = Path(__file__).resolve().parent.parent


def _corpus() -> list[str]:
    lines = (ROOT / "tests/data/mentions_eval.jsonl").read_text(encoding="utf-8").splitlines()
    sentences = [json.loads(line)["text"] for line in lines if line.strip()]
    seeds = (ROOT / "seeds/2024-11-20-kyiv-embassies.fr.txt", ROOT.parent / "shared/seeds/000_dcdcaf7e58b4a633.txt")
    for seed in seeds:
        if seed.is_file():
            sentences += [span.text for span in split_sentences(seed.read_text(encoding="utf-8"))]
            break
    return sentences


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sentences", type=int, default=50_000, help="batch size (default 50000)")
    args = parser.parse_args()
    base = _corpus()
    batch = (base * (args.sentences // len(base) + 1))[:args.sentences]
    random.Random(0).shuffle(batch)

    started = time.perf_counter()
    find_mentions("warm-up: France")  # builds the automaton
    build = time.perf_counter() - started

    started = time.perf_counter()
    mentions = sum(len(find_mentions(sentence, date="2024-11-20")) for sentence in batch)
    elapsed = time.perf_counter() - started
    print(f"find_mentions: {len(batch)} sentences, {mentions} mentions in {elapsed:.2f} s "
          f"= {len(batch) / elapsed:,.0f} sentences/s on one core (automaton built in {build * 1000:.0f} ms)")


if __name__ == "__main__":
    main()
