"""Tables and charts for the analysis notebooks, built on the dataset, the model and predictions.

The notebooks under ``notebooks/`` call these functions and keep no logic of their own. Tables are
pandas DataFrames; charts use matplotlib, imported only when a chart is drawn (``pip install
stance[plot]``), and every chart function draws on the given ``ax`` (or a new figure) and returns it.

Terms: a *posture* is one of :data:`stance.schema.LABELS`; a country's posture in an article is the
roll-up of the labels of its mentions there (see :func:`article_postures`).
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from stance import config, schema

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes

#: One colour per posture, shared by every chart (Okabe-Ito palette, readable by colour-blind readers).
POSTURE_COLOURS: dict[str, str] = {
    "closed": "#D55E00",
    "limited": "#E69F00",
    "open": "#009E73",
    "opposed": "#0072B2",
    "none": "#999999",
}

#: Readable stand-ins for the masks of :mod:`stance.features` in n-gram names.
MASK_NAMES: dict[str, str] = {"xtgtx": "[TARGET]", "xothx": "[OTHER]", "xlocx": "[PLACE]"}

ARTICLE_POSTURE_COLUMNS = (
    "article_id", "event_id", "date", "language", "country", "posture", "support", "actor_mentions",
    "mentions", "role", "conflicts", "evidence",
)
TIMELINE_COLUMNS = ("date", "country", "event_id", "posture", "articles", "support")


def _require(frame: pd.DataFrame, columns: Iterable[str], what: str) -> None:
    missing = [column for column in columns if column not in frame.columns]
    if missing:
        raise ValueError(f"{what} lacks column(s) {', '.join(missing)}; found {', '.join(map(str, frame.columns))}")


def _pyplot():
    try:
        import matplotlib.pyplot as plt
    except ImportError:  # pragma: no cover - depends on the environment
        raise ImportError("charts need matplotlib: pip install 'stance[plot]'") from None
    return plt


# --------------------------------------------------------------------------- names


def display_name(code: str) -> str:
    """The English name of a country a reader knows (``"ESP"`` → ``"Spain"``), else the code.

    Parameters
    ----------
    code : ISO 3166-1 alpha-3 code.

    Returns
    -------
    The name given by :func:`stance.countries.country_name`, or ``code`` when it has none.
    """
    from stance.countries import country_name

    return country_name(code, "en") or code


def with_names(table: pd.DataFrame, *, column: str = "country") -> pd.DataFrame:
    """A copy of ``table`` with a ``name`` column (the country's display name) after ``column``.

    Parameters
    ----------
    table : a frame with a column of ISO 3166-1 alpha-3 codes.
    column : the name of that column.

    Returns
    -------
    The copy; an existing ``name`` column is replaced.
    """
    _require(table, [column], "the table")
    out = table.drop(columns=["name"], errors="ignore")
    names = {code: display_name(code) for code in out[column].dropna().unique()}
    out.insert(out.columns.get_loc(column) + 1, "name", out[column].map(names))
    return out


# --------------------------------------------------------------------------- dataset tables


def article_postures(frame: pd.DataFrame) -> pd.DataFrame:
    """Roll annotated rows up to one posture per (article, country): the gold answer per article.

    A country's posture in an article is the non-none label carried by most of its actor
    mentions there; a tie goes to the label that appears first in the article. A country whose
    actor mentions are all ``none``, or that is only mentioned as a place, has posture ``none``.

    Parameters
    ----------
    frame : annotated rows, as :func:`stance.data.load_annotations` returns them.

    Returns
    -------
    One row per (article, country), in article order then order of first mention, with columns
    ``article_id``, ``event_id``, ``date``, ``language``, ``country``, ``posture``, ``support``
    (actor mentions with that posture), ``actor_mentions``, ``mentions`` (all roles), ``role``
    (``actor`` when it has an actor mention, else ``location``), ``conflicts`` (the other non-none
    labels it got, most supported first, joined by ``", "``; empty when none) and ``evidence``
    (the first sentence that gives it its posture; empty for ``none``).

    Examples
    --------
    >>> rows = pd.DataFrame({
    ...     "article_id": ["a"] * 3, "event_id": ["e"] * 3, "date": ["2024-01-02"] * 3,
    ...     "language": ["en"] * 3, "country": ["ESP", "ESP", "UKR"],
    ...     "sentence": ["Spain closed.", "Spain left.", "In Kyiv."], "sentence_start": [0, 14, 26],
    ...     "mention_start": [0, 0, 3], "role": ["actor", "actor", "location"],
    ...     "label": ["closed", "closed", "none"],
    ... })
    >>> article_postures(rows)[["country", "posture", "support"]].values.tolist()
    [['ESP', 'closed', 2], ['UKR', 'none', 0]]
    """
    needed = ("article_id", "event_id", "date", "language", "country", "sentence", "sentence_start",
              "mention_start", "role", "label")
    _require(frame, needed, "the annotated rows")
    if frame.empty:
        return pd.DataFrame(columns=list(ARTICLE_POSTURE_COLUMNS))
    ordered = frame.sort_values(["article_id", "sentence_start", "mention_start"], kind="stable")
    article_order = {article: i for i, article in enumerate(pd.unique(frame["article_id"]))}
    records = []
    for (article, country), group in ordered.groupby(["article_id", "country"], sort=False):
        actors = group[group["role"] == "actor"]
        postures = actors[actors["label"] != "none"]
        first = group.iloc[0]
        record = {
            "article_id": article,
            "event_id": first["event_id"],
            "date": first["date"],
            "language": first["language"],
            "country": country,
            "posture": "none",
            "support": 0,
            "actor_mentions": len(actors),
            "mentions": len(group),
            "role": "actor" if len(actors) else "location",
            "conflicts": "",
            "evidence": "",
            "_order": (article_order[article], int(first["sentence_start"]), int(first["mention_start"])),
        }
        if len(postures):
            counts = postures["label"].value_counts(sort=False)  # labels in order of first appearance
            ranked = sorted(counts.index, key=lambda label: -counts[label])  # stable: ties keep that order
            best = ranked[0]
            record.update(
                posture=best,
                support=int(counts[best]),
                conflicts=", ".join(ranked[1:]),
                evidence=postures.loc[postures["label"] == best, "sentence"].iloc[0],
            )
        records.append(record)
    out = pd.DataFrame.from_records(records).sort_values("_order", kind="stable").drop(columns="_order")
    return out.reset_index(drop=True)[list(ARTICLE_POSTURE_COLUMNS)]


def timeline(frame: pd.DataFrame) -> pd.DataFrame:
    """One row per (date, country, event, posture) over the dataset's dated articles, for charting.

    Parameters
    ----------
    frame : annotated rows (:func:`stance.data.load_annotations`); they are rolled up per article
        with :func:`article_postures` first.

    Returns
    -------
    Columns ``date`` (``datetime64``), ``country``, ``event_id``, ``posture``, ``articles`` (how
    many articles of that date and event give the country that posture) and ``support`` (their
    actor mentions with that posture), sorted by date, country and posture. Rows without a valid
    date are left out.
    """
    postures = article_postures(frame)
    if postures.empty:
        out = pd.DataFrame(columns=list(TIMELINE_COLUMNS))
        out["date"] = pd.to_datetime(out["date"])
        return out
    postures = postures.assign(date=pd.to_datetime(postures["date"], format="%Y-%m-%d", errors="coerce"))
    postures = postures.dropna(subset=["date"])
    out = (
        postures.groupby(["date", "country", "event_id", "posture"], sort=False)
        .agg(articles=("article_id", "nunique"), support=("support", "sum"))
        .reset_index()
    )
    rank = {label: i for i, label in enumerate(schema.LABELS)}
    out = out.sort_values(["date", "country", "posture"], key=lambda s: s.map(rank) if s.name == "posture" else s)
    return out.reset_index(drop=True)[list(TIMELINE_COLUMNS)]


def country_summary(table: pd.DataFrame) -> pd.DataFrame:
    """One row per country of a :func:`timeline` table: when it appears and how its posture moves.

    Parameters
    ----------
    table : a :func:`timeline` table.

    Returns
    -------
    Columns ``country``, ``first`` and ``last`` (dates of its first and last non-none posture),
    ``events`` (distinct events with a posture), ``postures`` (how many dated postures it has) and
    ``sequence`` (its postures in date order, repeats in a row collapsed, joined by ``" → "``);
    countries with the most postures first. Countries that never have a non-none posture are left
    out.
    """
    _require(table, TIMELINE_COLUMNS[:4], "the timeline table")
    columns = ["country", "first", "last", "events", "postures", "sequence"]
    rank = {label: i for i, label in enumerate(schema.LABELS)}
    data = table[table["posture"] != "none"]
    data = data.assign(_rank=data["posture"].map(rank)).sort_values(["date", "_rank"], kind="stable")
    records = []
    for country, group in data.groupby("country", sort=False):
        labels = group["posture"].tolist()
        sequence = [label for i, label in enumerate(labels) if i == 0 or labels[i - 1] != label]
        records.append({
            "country": country,
            "first": group["date"].min(),
            "last": group["date"].max(),
            "events": group["event_id"].nunique(),
            "postures": len(group),
            "sequence": " → ".join(sequence),
        })
    out = pd.DataFrame.from_records(records, columns=columns)
    return out.sort_values(["postures", "first"], ascending=[False, True], kind="stable").reset_index(drop=True)


def multi_country_sentences(frame: pd.DataFrame, *, min_countries: int = 2) -> pd.DataFrame:
    """The annotated sentences that mention at least ``min_countries`` different countries.

    Parameters
    ----------
    frame : annotated rows.
    min_countries : the fewest distinct countries a kept sentence mentions.

    Returns
    -------
    One row per sentence with ``article_id``, ``language``, ``countries`` (distinct countries),
    ``postures`` (distinct non-none labels of its actor mentions), ``labels`` (each mention as
    ``"Name: label"``, places as ``"Name: place"``, joined by ``"; "``) and ``sentence``; sentences
    with the most postures come first.
    """
    _require(frame, ("article_id", "language", "sentence", "sentence_start", "mention_start", "country",
                     "role", "label"), "the annotated rows")
    columns = ["article_id", "language", "countries", "postures", "labels", "sentence"]
    if frame.empty:
        return pd.DataFrame(columns=columns)
    names = {code: display_name(code) for code in frame["country"].unique()}
    records = []
    ordered = frame.sort_values(["article_id", "sentence_start", "mention_start"], kind="stable")
    for (article, _), group in ordered.groupby(["article_id", "sentence_start"], sort=False):
        countries = group["country"].nunique()
        if countries < min_countries:
            continue
        actors = group[group["role"] == "actor"]
        parts = [
            f"{names[row.country]}: {'place' if row.role == 'location' else row.label}"
            for row in group.itertuples()
        ]
        records.append({
            "article_id": article,
            "language": group["language"].iloc[0],
            "countries": countries,
            "postures": actors.loc[actors["label"] != "none", "label"].nunique(),
            "labels": "; ".join(dict.fromkeys(parts)),
            "sentence": group["sentence"].iloc[0],
        })
    out = pd.DataFrame.from_records(records, columns=columns)
    return out.sort_values(["postures", "countries"], ascending=False, kind="stable").reset_index(drop=True)


def cv_plan(frame: pd.DataFrame, *, folds: int = 5) -> tuple[pd.DataFrame, int, str]:
    """How to cross-validate ``frame`` with :func:`stance.evaluate.grouped_cv` given its size.

    Folds are grouped by event when the dataset holds at least two events (no event is in training
    and test at once). With a single event, they are grouped by sentence instead: a weaker and more
    optimistic test, used only so that a small dataset can still be scored.

    Parameters
    ----------
    frame : annotated rows.
    folds : the number of folds wanted; fewer are used when there are fewer groups.

    Returns
    -------
    ``(rows, folds, grouping)``: the rows to pass to ``grouped_cv`` (with ``event_id`` replaced by
    the sentence key when grouping by sentence), the number of folds to use, and ``"event"`` or
    ``"sentence"``.

    Raises
    ------
    ValueError : fewer than two sentences, or ``folds`` below 2.
    """
    from stance.data import sentence_keys

    if folds < 2:
        raise ValueError(f"folds must be at least 2, got {folds}")
    events = frame["event_id"].nunique()
    if events >= 2:
        return frame, min(folds, events), "event"
    sentences = sentence_keys(frame) if len(frame) else pd.Series(dtype=object)
    if sentences.nunique() < 2:
        raise ValueError(f"cross-validation needs at least two sentences; the rows hold {sentences.nunique()}")
    return frame.assign(event_id=sentences), min(folds, sentences.nunique()), "sentence"


def article_for_file(articles: Mapping[str, dict], path: str | Path) -> dict | None:
    """The article record (from :func:`stance.data.load_articles`) compiled from a seed file.

    Parameters
    ----------
    articles : article records by ``article_id``.
    path : the seed file, absolute or relative to the repository.

    Returns
    -------
    The record whose ``seed_file`` is ``path``, or ``None`` when no article comes from it.
    """
    target = Path(path)
    if not target.is_absolute():
        target = config.REPO_DIR / target
    for record in articles.values():
        seed_file = record.get("seed_file")
        if seed_file and os.path.normpath(config.REPO_DIR / seed_file) == os.path.normpath(target):
            return record
    return None


# --------------------------------------------------------------------------- model and predictions


def readable_ngram(feature: str) -> str:
    """An n-gram name with the model's masks spelled out (``"xtgtx ferme"`` → ``"[TARGET] ferme"``)."""
    return " ".join(MASK_NAMES.get(word, word) for word in feature.split(" "))


def top_ngrams(model: Any, n: int = 10) -> pd.DataFrame:
    """The ``n`` n-grams that weigh most toward each label in a fitted model.

    Parameters
    ----------
    model : a fitted :class:`stance.model.StanceClassifier` (anything with ``feature_names()``,
        ``classifier_.coef_`` and ``classes_``).
    n : n-grams per label.

    Returns
    -------
    Columns ``label``, ``rank`` (1 is the weightiest), ``view`` (``sentence`` or ``local``, the
    target's clause), ``ngram`` (masks spelled out, see :data:`MASK_NAMES`), ``feature`` (the raw
    feature name) and ``weight`` (the logistic-regression coefficient), labels in the order of
    :data:`stance.schema.LABELS`. With two classes, the single coefficient row counts toward the
    second class and against the first.
    """
    if n < 1:
        raise ValueError(f"n must be at least 1, got {n}")
    names = np.asarray(model.feature_names(), dtype=str)
    coef = np.asarray(model.classifier_.coef_)
    classes = list(model.classes_)
    if coef.shape[0] == 1 and len(classes) == 2:
        coef = np.vstack([-coef[0], coef[0]])
    if coef.shape != (len(classes), len(names)):
        raise ValueError(f"coefficients of shape {coef.shape} do not match {len(classes)} classes "
                         f"and {len(names)} feature names")
    order = [label for label in schema.LABELS if label in classes] + [c for c in classes if c not in schema.LABELS]
    records = []
    for label in order:
        weights = coef[classes.index(label)]
        for rank, index in enumerate(np.argsort(-weights, kind="stable")[:n], 1):
            feature = names[index]
            local = feature.startswith("local:")
            records.append({
                "label": label,
                "rank": rank,
                "view": "local" if local else "sentence",
                "ngram": readable_ngram(feature.removeprefix("local:")),
                "feature": feature,
                "weight": float(weights[index]),
            })
    return pd.DataFrame.from_records(records, columns=["label", "rank", "view", "ngram", "feature", "weight"])


def postures_table(result: Mapping[str, Any]) -> pd.DataFrame:
    """One row per country of a :func:`stance.predict.predict_article` result.

    Returns
    -------
    Columns ``country``, ``name``, ``posture``, ``confidence``, ``role``, ``evidence`` (the most
    confident evidence sentence; empty for ``none``) and ``conflicts`` (other postures it got,
    joined by ``", "``), in the order of the result (postures first, most confident first).
    """
    columns = ["country", "name", "posture", "confidence", "role", "evidence", "conflicts"]
    records = [
        {
            "country": c["country"],
            "name": c.get("name") or display_name(c["country"]),
            "posture": c["stance"],
            "confidence": float(c["confidence"]),
            "role": c["role"],
            "evidence": c["evidence"][0]["sentence"] if c["evidence"] else "",
            "conflicts": ", ".join(x["stance"] for x in c.get("conflicts", [])),
        }
        for c in result["countries"]
    ]
    return pd.DataFrame.from_records(records, columns=columns)


def evidence_table(result: Mapping[str, Any]) -> pd.DataFrame:
    """Every evidence sentence of a :func:`stance.predict.predict_article` result.

    Returns
    -------
    One row per (country, posture, sentence), the chosen posture's evidence first then the
    conflicting ones: ``name``, ``posture``, ``chosen`` (``True`` for the country's posture),
    ``confidence``, ``start``, ``end`` (the sentence's offsets in the article) and ``sentence``.
    """
    columns = ["name", "posture", "chosen", "confidence", "start", "end", "sentence"]
    records = []
    for c in result["countries"]:
        name = c.get("name") or display_name(c["country"])
        groups = [(c["stance"], True, c["evidence"])]
        groups += [(x["stance"], False, x["evidence"]) for x in c.get("conflicts", [])]
        for posture, chosen, evidence in groups:
            for e in evidence:
                records.append({"name": name, "posture": posture, "chosen": chosen,
                                "confidence": float(e["confidence"]), "start": int(e["start"]),
                                "end": int(e["end"]), "sentence": e["sentence"]})
    return pd.DataFrame.from_records(records, columns=columns)


def score_table(outcomes: Mapping[str, Mapping[str, Any]] | Iterable[Any], *, metric: str = "f1") -> pd.DataFrame:
    """Per-label scores of several evaluations side by side.

    Parameters
    ----------
    outcomes : :class:`stance.evaluate.Outcome` objects, or figures dicts by model name.
    metric : ``"f1"``, ``"precision"`` or ``"recall"``.

    Returns
    -------
    One row per label of :data:`stance.schema.LABELS` plus a ``macro`` row (macro-F1, for
    ``metric="f1"`` only), one column per model.
    """
    if metric not in ("f1", "precision", "recall"):
        raise ValueError(f"metric {metric!r} is not one of f1, precision, recall")
    if isinstance(outcomes, Mapping):
        figures = dict(outcomes)
    else:
        figures = {outcome.name: outcome.figures for outcome in outcomes}
    table = pd.DataFrame({name: [f[metric][label] for label in schema.LABELS] for name, f in figures.items()},
                         index=list(schema.LABELS))
    if metric == "f1":
        table.loc["macro"] = [f["macro_f1"] for f in figures.values()]
    table.index.name = "label"
    return table


def scores_by_sentence_kind(outcomes: Iterable[Any], frame: pd.DataFrame) -> pd.DataFrame:
    """Macro-F1 of each evaluation on sentences naming one country and on those naming several.

    Parameters
    ----------
    outcomes : :class:`stance.evaluate.Outcome` objects (their ``rows`` hold held-out actor rows
        with ``label`` and ``predicted``).
    frame : every annotated row, to count the countries of each sentence.

    Returns
    -------
    Index ``one country`` and ``several countries``; a ``held-out mentions`` column (of the first
    outcome) then one macro-F1 column per outcome, averaged over the labels that occur (annotated
    or predicted) in that kind of sentence; ``NaN`` where it has no mention of that kind.
    """
    from sklearn.metrics import f1_score

    from stance.data import sentence_keys

    def macro_f1(true: pd.Series, predicted: pd.Series) -> float:
        labels = [label for label in schema.LABELS if label in set(true) | set(predicted)]
        return float(f1_score(true, predicted, labels=labels, average="macro", zero_division=0))

    countries = frame.groupby(sentence_keys(frame))["country"].nunique() if len(frame) else pd.Series(dtype=int)
    kinds = ["one country", "several countries"]
    table = pd.DataFrame(index=pd.Index(kinds, name="sentence"))
    for i, outcome in enumerate(outcomes):
        rows = outcome.rows
        kind = np.where(sentence_keys(rows).map(countries).fillna(1).to_numpy() >= 2, kinds[1], kinds[0])
        if i == 0:
            table["held-out mentions"] = pd.Series(kind).value_counts().reindex(kinds, fill_value=0).to_numpy()
        table[outcome.name] = [
            macro_f1(rows["label"][kind == k], rows["predicted"][kind == k]) if (kind == k).any()
            else np.nan
            for k in kinds
        ]
    return table


# --------------------------------------------------------------------------- charts


def _new_axes(ax: Axes | None, size: tuple[float, float]) -> Axes:
    if ax is not None:
        return ax
    _, ax = _pyplot().subplots(figsize=size)
    return ax


def _posture_legend(ax: Axes, postures: Iterable[str], **kwargs: Any) -> None:
    from matplotlib.lines import Line2D

    present = set(postures)
    handles = [
        Line2D([], [], marker="o", linestyle="", markersize=9, color=POSTURE_COLOURS[label], label=label)
        for label in schema.LABELS
        if label in present
    ]
    ax.legend(handles=handles, title="posture", **kwargs)


def plot_label_counts(frame: pd.DataFrame, ax: Axes | None = None, *, title: str | None = None) -> Axes:
    """Stacked bars of annotated rows per language, one colour per label.

    Parameters
    ----------
    frame : annotated rows (``language`` and ``label`` columns).
    ax : where to draw; ``None`` makes a new figure.
    title : the chart's title; a default one names what is counted.

    Returns
    -------
    The axes drawn on.
    """
    _require(frame, ("language", "label"), "the annotated rows")
    counts = pd.crosstab(frame["language"], frame["label"]).reindex(columns=list(schema.LABELS), fill_value=0)
    counts = counts.loc[counts.sum(axis=1).sort_values(ascending=False).index]
    ax = _new_axes(ax, (7, 4))
    bottom = np.zeros(len(counts))
    for label in schema.LABELS:
        values = counts[label].to_numpy()
        ax.bar(counts.index.astype(str), values, bottom=bottom, color=POSTURE_COLOURS[label], label=label)
        bottom += values
    ax.set_xlabel("language of the article (ISO 639-1)")
    ax.set_ylabel("annotated mentions (rows)")
    ax.set_title(title or f"Annotated rows by language and label ({len(frame)} rows)")
    ax.legend(title="label", loc="upper left", bbox_to_anchor=(1.01, 1))
    return ax


def plot_scores(table: pd.DataFrame, ax: Axes | None = None, *, title: str | None = None) -> Axes:
    """Grouped bars of a :func:`score_table`: one group per label, one bar per model.

    Returns
    -------
    The axes drawn on; the y axis runs from 0 to 1.
    """
    ax = _new_axes(ax, (8, 4))
    width = 0.8 / max(len(table.columns), 1)
    positions = np.arange(len(table.index))
    for i, model in enumerate(table.columns):
        ax.bar(positions + (i - (len(table.columns) - 1) / 2) * width, table[model].to_numpy(), width, label=model)
    ax.set_xticks(positions, [str(label) for label in table.index])
    ax.set_ylim(0, 1)
    ax.set_xlabel("label")
    ax.set_ylabel("score (0 to 1)")
    ax.set_title(title or "Held-out F1 per label")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.16), ncol=2, fontsize="small", frameon=False)
    ax.grid(axis="y", alpha=0.3)
    return ax


def plot_postures(table: pd.DataFrame, ax: Axes | None = None, *, title: str | None = None) -> Axes:
    """Horizontal bars of each country's confidence in its posture, coloured by posture.

    Parameters
    ----------
    table : one row per country with ``country`` (or ``name``), ``posture`` (or ``stance``) and
        ``confidence`` columns, e.g. :func:`postures_table`.
    ax : where to draw; ``None`` makes a new figure sized to the number of countries.
    title : the chart's title.

    Returns
    -------
    The axes drawn on: one bar per country, grouped by posture, most confident first, the
    posture and confidence written at the end of each bar.
    """
    if "posture" not in table.columns and "stance" in table.columns:
        table = table.rename(columns={"stance": "posture"})
    _require(table, ("posture", "confidence"), "the postures table")
    if "name" not in table.columns:
        _require(table, ("country",), "the postures table")
        table = with_names(table)
    rank = {label: i for i, label in enumerate(schema.LABELS)}
    ordered = table.assign(_rank=table["posture"].map(rank)).sort_values(
        ["_rank", "confidence"], ascending=[True, False], kind="stable")
    ax = _new_axes(ax, (7.5, 0.4 * len(ordered) + 1.5))
    positions = np.arange(len(ordered))
    ax.barh(positions, ordered["confidence"], color=[POSTURE_COLOURS.get(p, "#333333") for p in ordered["posture"]])
    for y, (posture, confidence) in enumerate(zip(ordered["posture"], ordered["confidence"])):
        ax.text(min(confidence, 1.0) + 0.01, y, f"{posture} {confidence:.2f}", va="center", fontsize=8)
    ax.set_yticks(positions, ordered["name"].tolist())
    ax.invert_yaxis()
    ax.set_xlim(0, 1.18)
    ax.set_xticks(np.linspace(0, 1, 6))
    ax.set_xlabel("model confidence in the posture")
    ax.set_ylabel("country")
    ax.set_title(title or "Posture per country")
    _posture_legend(ax, ordered["posture"], loc="upper left", bbox_to_anchor=(1.01, 1), fontsize="small")
    ax.grid(axis="x", alpha=0.3)
    return ax


def plot_timeline(
    frame: pd.DataFrame,
    countries: Iterable[str] | None = None,
    ax: Axes | None = None,
    *,
    include_none: bool = False,
    max_countries: int = 25,
    title: str | None = None,
) -> Axes:
    """A dot chart of postures over time: x the article date, y the country, colour the posture.

    Parameters
    ----------
    frame : a :func:`timeline` table, or annotated rows (rolled up with :func:`timeline` first).
    countries : ISO codes of the countries to show, top to bottom; ``None`` shows the countries
        with a posture, the ``max_countries`` with the most dated postures, earliest first.
    ax : where to draw; ``None`` makes a new figure sized to the number of countries.
    include_none : also draw the ``none`` postures (countries mentioned without a posture).
    max_countries : the most countries shown when ``countries`` is ``None``.
    title : the chart's title.

    Returns
    -------
    The axes drawn on: one dot per (date, country, posture), events merged, each posture in its
    own lane of the country's row (closed, open, limited, opposed from top to bottom) so that
    postures close in time stay visible; a dot's size grows with the number of articles behind it.
    """
    import matplotlib.dates as mdates

    if "posture" not in frame.columns:
        frame = timeline(frame)
    _require(frame, TIMELINE_COLUMNS[:4], "the timeline table")
    data = frame.assign(date=pd.to_datetime(frame["date"]))
    if not include_none:
        data = data[data["posture"] != "none"]
    if countries is None:
        firsts = data.groupby("country")["date"].min()
        counts = data.groupby("country").size()
        chosen = counts.sort_values(ascending=False, kind="stable").index[:max_countries]
        order = firsts.loc[chosen].sort_values(kind="stable").index.tolist()
    else:
        order = list(dict.fromkeys(countries))
    data = data[data["country"].isin(order)]
    ax = _new_axes(ax, (10, 0.42 * max(len(order), 1) + 2))
    y_of = {country: i for i, country in enumerate(order)}
    if "articles" not in data.columns:
        data = data.assign(articles=1)
    # one dot per (date, country, posture), whatever the events; each posture in its own lane of
    # the country's row, so that dots of different postures never hide each other
    data = data.groupby(["date", "country", "posture"], as_index=False)["articles"].sum()
    lanes = [label for label in schema.LABELS if include_none or label != "none"]
    lane = {label: (i - (len(lanes) - 1) / 2) * 0.17 for i, label in enumerate(lanes)}
    y = data["country"].map(y_of) + data["posture"].map(lane).fillna(0.0)
    sizes = 30 + 20 * np.sqrt(data["articles"].astype(float).to_numpy())
    ax.scatter(data["date"], y, s=sizes, c=[POSTURE_COLOURS.get(p, "#333333") for p in data["posture"]],
               edgecolors="white", linewidths=0.5, alpha=0.9, zorder=3)
    ax.set_yticks(range(len(order)), [display_name(code) for code in order])
    ax.set_ylim(len(order) - 0.5, -0.5)
    for boundary in range(len(order) - 1):
        ax.axhline(boundary + 0.5, color="#dddddd", linewidth=0.8, zorder=0)
    ax.tick_params(axis="y", length=0)
    if len(data):
        low, high = data["date"].min(), data["date"].max()
        pad = max((high - low) * 0.03, pd.Timedelta(days=20))
        ax.set_xlim(low - pad, high + pad)
    locator = mdates.AutoDateLocator()
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
    ax.grid(axis="x", alpha=0.2, zorder=0)
    ax.set_xlabel("article date")
    ax.set_ylabel("country")
    ax.set_title(title or "Diplomatic postures per country over time")
    _posture_legend(ax, data["posture"], loc="upper left", bbox_to_anchor=(1.01, 1), fontsize="small")
    return ax
