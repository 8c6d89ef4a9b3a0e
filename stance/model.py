"""The stance classifier: TF-IDF and logistic regression over target-aware views of a sentence.

One sample is one (sentence, target mention) pair, given as a row of a DataFrame with the columns
``sentence``, ``mention_start``, ``mention_end`` and, when known, ``country``. Other rows of the
same frame that share the sentence are the sentence's other mentions: mentions of the target's
country are masked as the target, the rest as other countries (see :mod:`stance.features`).
"""

from __future__ import annotations

import copy
import functools

import numpy as np
import pandas as pd
import scipy.sparse as sp
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.utils.validation import check_is_fitted

from stance.features import target_tokens

REQUIRED = ("sentence", "mention_start", "mention_end")


def _ngrams(view: tuple[list[str], list[str]], *, ngram_range: tuple[int, int]) -> list[str]:
    """Word n-grams of a view ``(words, cue features)``, as :meth:`StanceClassifier._views` gives
    it; the cue features of :func:`stance.features.cue_tokens` are taken as single features, never
    joined into n-grams."""
    words, extras = view
    low, high = ngram_range
    grams = list(words) if low == 1 else []
    if low <= 2 <= high:
        grams += [f"{a} {b}" for a, b in zip(words, words[1:])]
    for n in range(max(low, 3), high + 1):
        grams += [" ".join(words[i:i + n]) for i in range(len(words) - n + 1)]
    return grams + extras


def _views(
    X: pd.DataFrame, *, window: int, stem: int, negation: bool, cues: bool, clauses: bool
) -> tuple[list[tuple[list[str], list[str]]], list[tuple[list[str], list[str]]]]:
    """The sentence and local views of every row of ``X``, each as ``(words, cue features)``."""
    if not isinstance(X, pd.DataFrame):
        raise TypeError(f"X must be a pandas DataFrame with columns {', '.join(REQUIRED)}, "
                        f"not {type(X).__name__}")
    missing = [column for column in REQUIRED if column not in X.columns]
    if missing:
        raise ValueError(f"X lacks column(s) {', '.join(missing)}")
    sentences = X["sentence"].tolist()
    starts = X["mention_start"].tolist()
    ends = X["mention_end"].tolist()
    countries = X["country"].tolist() if "country" in X.columns else [None] * len(X)
    places = (X["role"] == "location").tolist() if "role" in X.columns else [False] * len(X)
    spans_by_sentence: dict[str, list[tuple[int, int, object, bool]]] = {}
    for sentence, start, end, country, place in zip(sentences, starts, ends, countries, places):
        spans_by_sentence.setdefault(sentence, []).append((start, end, country, place))
    full, local = [], []
    for sentence, start, end, country in zip(sentences, starts, ends, countries):
        target, others, where = [(start, end)], [], []
        for s, e, c, place in spans_by_sentence[sentence]:
            if (s, e) == (start, end):
                continue
            if place:
                where.append((s, e))
            elif country is not None and c == country:
                target.append((s, e))
            else:
                others.append((s, e))
        words, near, extras = target_tokens(
            sentence, target, others, where, window=window, stem=stem, negation=negation, cues=cues,
            clauses=clauses,
        )
        full.append((words, []))
        local.append((near, extras))
    return full, local


def _pool_mentions(X: pd.DataFrame, proba: np.ndarray) -> np.ndarray:
    """Average the probabilities of the actor mentions of one country in one sentence: a label
    belongs to a (sentence, country) pair, and each mention is one view of it."""
    if "country" not in X.columns:
        return proba
    actor = (X["role"] != "location").tolist() if "role" in X.columns else [True] * len(X)
    groups: dict[tuple, list[int]] = {}
    for i, (sentence, country, is_actor) in enumerate(zip(X["sentence"].tolist(), X["country"].tolist(), actor)):
        if is_actor and country is not None:
            groups.setdefault((sentence, country), []).append(i)
    pooled = proba.copy()
    for rows in groups.values():
        if len(rows) > 1:
            pooled[rows] = proba[rows].mean(axis=0)
    return pooled


class StanceClassifier(ClassifierMixin, BaseEstimator):
    """Label a (sentence, target country) pair as closed, open, limited, opposed or none.

    Parameters
    ----------
    C : inverse regularisation strength of the logistic regression.
    ngram_range : word n-grams of the sentence view.
    local_ngram_range : word n-grams of the local view.
    local_weight : scale of the local view's features (0 turns the view off).
    window : tokens kept on each side of the target in the local view.
    stem : cut the n-gram words to this many characters (0 keeps them whole), after negation,
        clauses and cues were read from the whole words; 6 lets "closure" and "closures",
        "ambassade" and "ambassades" share features.
    negation : mark the tokens that follow a negation cue.
    cues : add the posture-cue features of :func:`stance.features.cue_tokens` to the local view.
    clauses : mark the sentence view's words outside the target's clause (``o_``).
    min_df : minimum document frequency of a kept n-gram.
    class_weight : passed to the logistic regression.
    pool : average the probabilities of one country's actor mentions in one sentence (rows need
        ``country``, and ``role`` to leave out the mentions that are only places).

    Examples
    --------
    >>> import pandas as pd
    >>> rows = pd.DataFrame({
    ...     "sentence": ["Spain closed its embassy.", "Spain kept its embassy open."] * 3,
    ...     "mention_start": [0] * 6, "mention_end": [5] * 6,
    ... })
    >>> model = StanceClassifier().fit(rows, ["closed", "open"] * 3)
    >>> model.predict(rows.iloc[:2]).tolist()
    ['closed', 'open']
    """

    def __init__(
        self,
        *,
        C: float = 3.0,
        ngram_range: tuple[int, int] = (1, 2),
        local_ngram_range: tuple[int, int] = (1, 2),
        local_weight: float = 1.0,
        window: int = 16,
        stem: int = 6,
        negation: bool = True,
        cues: bool = True,
        clauses: bool = True,
        min_df: int = 1,
        class_weight: str | None = "balanced",
        pool: bool = True,
    ):
        self.C = C
        self.ngram_range = ngram_range
        self.local_ngram_range = local_ngram_range
        self.local_weight = local_weight
        self.window = window
        self.stem = stem
        self.negation = negation
        self.cues = cues
        self.clauses = clauses
        self.min_df = min_df
        self.class_weight = class_weight
        self.pool = pool

    def __getstate__(self) -> dict:
        """Pickle the vectorizers' vocabularies as one string each: joblib unpickles with the
        pure-Python unpickler, which takes about a second over tens of thousands of dict entries."""
        state = dict(self.__dict__)
        for name in ("sentence_vectorizer_", "local_vectorizer_"):
            vectorizer = state.get(name)
            if vectorizer is None or not hasattr(vectorizer, "vocabulary_"):
                continue
            vectorizer = copy.copy(vectorizer)
            terms = sorted(vectorizer.vocabulary_, key=vectorizer.vocabulary_.__getitem__)
            if any("\n" in term for term in terms):  # not expected: tokens hold no newline
                continue
            del vectorizer.vocabulary_
            state[name] = vectorizer
            state[f"_{name}terms"] = "\n".join(terms)
        return state

    def __setstate__(self, state: dict) -> None:
        for name in ("sentence_vectorizer_", "local_vectorizer_"):
            terms = state.pop(f"_{name}terms", None)
            if terms is not None:
                words = terms.split("\n") if terms else []
                state[name].vocabulary_ = dict(zip(words, range(len(words))))
        self.__dict__.update(state)

    def _vectorizer(self, ngram_range: tuple[int, int]) -> TfidfVectorizer:
        return TfidfVectorizer(
            analyzer=functools.partial(_ngrams, ngram_range=tuple(ngram_range)),
            min_df=self.min_df, sublinear_tf=True, dtype=np.float32,
        )

    def _views(self, X: pd.DataFrame) -> tuple[list, list]:
        return _views(X, window=self.window, stem=self.stem, negation=self.negation, cues=self.cues,
                      clauses=self.clauses)

    def _features(self, full: list[str], local: list[str]) -> sp.csr_matrix:
        blocks = [self.sentence_vectorizer_.transform(full)]
        if self.local_vectorizer_ is not None:
            blocks.append(self.local_vectorizer_.transform(local) * self.local_weight)
        return sp.hstack(blocks, format="csr")

    def fit(self, X: pd.DataFrame, y) -> StanceClassifier:
        full, local = self._views(X)
        y = np.asarray(y)
        if len(y) != len(full):
            raise ValueError(f"X has {len(full)} rows but y has {len(y)} labels")
        self.sentence_vectorizer_ = self._vectorizer(self.ngram_range).fit(full)
        self.local_vectorizer_ = (
            self._vectorizer(self.local_ngram_range).fit(local) if self.local_weight > 0 else None
        )
        self.classifier_ = LogisticRegression(
            C=self.C, max_iter=3000, class_weight=self.class_weight
        ).fit(self._features(full, local), y)
        self.classes_ = self.classifier_.classes_
        return self

    def decision_function(self, X: pd.DataFrame) -> np.ndarray:
        check_is_fitted(self, "classifier_")
        return self.classifier_.decision_function(self._features(*self._views(X)))

    def predict_proba(self, X: pd.DataFrame) -> np.ndarray:
        check_is_fitted(self, "classifier_")
        proba = self.classifier_.predict_proba(self._features(*self._views(X)))
        return _pool_mentions(X, proba) if self.pool else proba

    def predict(self, X: pd.DataFrame) -> np.ndarray:
        check_is_fitted(self, "classifier_")
        return self.classes_[np.argmax(self.predict_proba(X), axis=1)]

    def feature_names(self) -> np.ndarray:
        """Names of the features, in the order of the logistic regression's coefficients."""
        check_is_fitted(self, "classifier_")
        names = [self.sentence_vectorizer_.get_feature_names_out()]
        if self.local_vectorizer_ is not None:
            names.append(np.char.add("local:", self.local_vectorizer_.get_feature_names_out().astype(str)))
        return np.concatenate(names)

    def explain(self, X: pd.DataFrame, *, top: int = 10) -> list[list[tuple[str, str, float]]]:
        """For each row: the ``top`` features with the largest weight (coefficient times value)
        toward the predicted label, as (label, feature, weight)."""
        check_is_fitted(self, "classifier_")
        features = self._features(*self._views(X))
        names = self.feature_names()
        coef = self.classifier_.coef_
        proba = self.classifier_.predict_proba(features)
        predicted = self.classes_[np.argmax(_pool_mentions(X, proba) if self.pool else proba, axis=1)]
        out = []
        for row, label in zip(features, predicted):
            index = int(np.flatnonzero(self.classes_ == label)[0]) if coef.shape[0] > 1 else 0
            row = row.tocoo()
            weights = row.data * coef[index, row.col]
            order = np.argsort(-np.abs(weights))[:top]
            out.append([(label, names[row.col[i]], float(weights[i])) for i in order])
        return out


class SentenceBaseline(ClassifierMixin, BaseEstimator):
    """The plain baseline: TF-IDF word n-grams of the raw sentence and logistic regression,
    blind to which country is the target."""

    def __init__(self, *, C: float = 10.0, ngram_range: tuple[int, int] = (1, 2)):
        self.C = C
        self.ngram_range = ngram_range

    def fit(self, X: pd.DataFrame, y) -> SentenceBaseline:
        self.pipeline_ = make_pipeline(
            TfidfVectorizer(ngram_range=self.ngram_range, sublinear_tf=True),
            LogisticRegression(C=self.C, max_iter=3000, class_weight="balanced"),
        ).fit(X["sentence"].tolist(), np.asarray(y))
        self.classes_ = self.pipeline_.classes_
        return self

    def predict_proba(self, X: pd.DataFrame) -> np.ndarray:
        check_is_fitted(self, "pipeline_")
        return self.pipeline_.predict_proba(X["sentence"].tolist())

    def predict(self, X: pd.DataFrame) -> np.ndarray:
        return self.classes_[np.argmax(self.predict_proba(X), axis=1)]
