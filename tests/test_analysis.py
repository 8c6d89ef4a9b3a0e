"""The notebooks' helpers: gold roll-ups, timeline, n-grams, tables and charts."""

from __future__ import annotations

import matplotlib
import numpy as np
import pandas as pd
import pytest

from stance import analysis, config, schema

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

NAMES = {"ESP": "Spain", "FRA": "France", "DEU": "Germany", "UKR": "Ukraine", "TUR": "Türkiye", "ITA": "Italy"}

# (article, event, date, language, sentence_start, sentence, country, mention_start, role, label)
ROWS = [
    ("a1", "e1", "2022-02-14", "en", 0, "Spain closed its embassy in Kyiv.", "ESP", 0, "actor", "closed"),
    ("a1", "e1", "2022-02-14", "en", 0, "Spain closed its embassy in Kyiv.", "UKR", 28, "location", "none"),
    ("a1", "e1", "2022-02-14", "en", 34, "France kept its mission open; Spain said nothing.", "FRA", 0,
     "actor", "open"),
    ("a1", "e1", "2022-02-14", "en", 34, "France kept its mission open; Spain said nothing.", "ESP", 30,
     "actor", "none"),
    ("a1", "e1", "2022-02-14", "en", 84, "Germany cut staff, then Germany reopened.", "DEU", 0, "actor", "limited"),
    ("a1", "e1", "2022-02-14", "en", 84, "Germany cut staff, then Germany reopened.", "DEU", 24, "actor", "open"),
    ("a2", "e1", "2022-02-20", "fr", 0, "L'Espagne a rouvert son ambassade.", "ESP", 2, "actor", "open"),
    ("a2", "e1", "2022-02-20", "fr", 35, "La France reste ouverte.", "FRA", 3, "actor", "open"),
    ("a2", "e1", "2022-02-20", "fr", 60, "La France l'a dit, la France reste, la France part.", "FRA", 3,
     "actor", "closed"),
    ("a3", "e2", "2023-05-01", "en", 0, "Türkiye condemned Spain.", "TUR", 0, "actor", "opposed"),
    ("a3", "e2", "2023-05-01", "en", 0, "Türkiye condemned Spain.", "ESP", 18, "actor", "none"),
    ("a4", "e3", "2023-05-01", "en", 0, "Spain closed it, and Spain kept it open.", "ESP", 0, "actor", "closed"),
    ("a4", "e3", "2023-05-01", "en", 0, "Spain closed it, and Spain kept it open.", "ESP", 21, "actor", "open"),
]
COLUMNS = ["article_id", "event_id", "date", "language", "sentence_start", "sentence", "country",
           "mention_start", "role", "label"]


@pytest.fixture
def rows() -> pd.DataFrame:
    return pd.DataFrame(ROWS, columns=COLUMNS)


@pytest.fixture(autouse=True)
def names(monkeypatch):
    """Fixed display names, so these tests do not depend on the country gazetteer."""
    monkeypatch.setattr(analysis, "display_name", lambda code: NAMES.get(code, code))


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def posture_of(table: pd.DataFrame, article: str, country: str) -> pd.Series:
    match = table[(table["article_id"] == article) & (table["country"] == country)]
    assert len(match) == 1, match
    return match.iloc[0]


# --------------------------------------------------------------------------- article_postures


@pytest.mark.parametrize(
    ("article", "country", "posture", "support", "role", "conflicts"),
    [
        ("a1", "ESP", "closed", 1, "actor", ""),  # a none mention does not outweigh a posture
        ("a1", "UKR", "none", 0, "location", ""),  # only a place
        ("a1", "FRA", "open", 1, "actor", ""),
        ("a1", "DEU", "limited", 1, "actor", "open"),  # tie: the label that comes first wins
        ("a2", "FRA", "open", 1, "actor", "closed"),  # tie again, first in the article
        ("a3", "ESP", "none", 0, "actor", ""),  # an actor with no posture
        ("a4", "ESP", "closed", 1, "actor", "open"),
    ],
)
def test_article_postures_rolls_up_each_country(rows, article, country, posture, support, role, conflicts):
    entry = posture_of(analysis.article_postures(rows), article, country)
    assert (entry["posture"], entry["support"], entry["role"], entry["conflicts"]) == (
        posture, support, role, conflicts)


def test_article_postures_majority_beats_first_appearance(rows):
    extra = pd.DataFrame(
        [("a2", "e1", "2022-02-20", "fr", 120, "La France ferme.", "FRA", 3, "actor", "closed")], columns=COLUMNS)
    entry = posture_of(analysis.article_postures(pd.concat([rows, extra])), "a2", "FRA")
    assert (entry["posture"], entry["support"], entry["conflicts"]) == ("closed", 2, "open")
    assert entry["evidence"] == "La France l'a dit, la France reste, la France part."


def test_article_postures_keeps_article_order_and_counts_mentions(rows):
    table = analysis.article_postures(rows.sample(frac=1, random_state=3))
    assert list(table.columns) == list(analysis.ARTICLE_POSTURE_COLUMNS)
    assert table[table["article_id"] == "a1"]["country"].tolist() == ["ESP", "UKR", "FRA", "DEU"]
    esp = posture_of(table, "a1", "ESP")
    assert (esp["mentions"], esp["actor_mentions"]) == (2, 2)
    assert esp["evidence"] == "Spain closed its embassy in Kyiv."
    assert posture_of(table, "a1", "UKR")["evidence"] == ""
    assert len(table) == 9


def test_article_postures_of_no_rows_is_an_empty_table(rows):
    table = analysis.article_postures(rows.iloc[:0])
    assert table.empty and list(table.columns) == list(analysis.ARTICLE_POSTURE_COLUMNS)


def test_article_postures_names_missing_columns(rows):
    with pytest.raises(ValueError, match="lacks column.*role"):
        analysis.article_postures(rows.drop(columns=["role"]))


# --------------------------------------------------------------------------- timeline


def test_timeline_has_one_row_per_date_country_event_posture(rows):
    table = analysis.timeline(rows)
    assert list(table.columns) == list(analysis.TIMELINE_COLUMNS)
    assert pd.api.types.is_datetime64_any_dtype(table["date"])
    assert table["date"].is_monotonic_increasing
    may = table[table["date"] == "2023-05-01"]
    # two events that day: Spain is none in one and closed in the other
    assert sorted(zip(may["country"], may["event_id"], may["posture"])) == [
        ("ESP", "e2", "none"), ("ESP", "e3", "closed"), ("TUR", "e2", "opposed")]
    assert not table.duplicated(["date", "country", "event_id", "posture"]).any()


def test_timeline_counts_articles_of_the_same_posture_together(rows):
    other = rows[rows["article_id"] == "a2"].assign(article_id="a2-bis")
    table = analysis.timeline(pd.concat([rows, other]))
    france = table[(table["country"] == "FRA") & (table["date"] == "2022-02-20")]
    assert france[["posture", "articles", "support"]].values.tolist() == [["open", 2, 2]]


def test_timeline_leaves_out_undated_rows_and_handles_no_rows(rows):
    table = analysis.timeline(rows.assign(date=np.where(rows["article_id"] == "a3", "unknown", rows["date"])))
    assert "TUR" not in set(table["country"])
    empty = analysis.timeline(rows.iloc[:0])
    assert empty.empty and list(empty.columns) == list(analysis.TIMELINE_COLUMNS)


def test_country_summary_follows_each_posture_over_time(rows):
    table = analysis.country_summary(analysis.timeline(rows))
    assert table["country"].tolist() == ["ESP", "FRA", "DEU", "TUR"]
    spain = table.iloc[0]
    assert spain["sequence"] == "closed → open → closed"
    assert (spain["events"], spain["postures"]) == (2, 3)
    assert (str(spain["first"].date()), str(spain["last"].date())) == ("2022-02-14", "2023-05-01")
    assert table.set_index("country").loc["FRA", "sequence"] == "open"  # repeats collapsed
    assert "UKR" not in set(table["country"])


# --------------------------------------------------------------------------- other dataset tables


def test_multi_country_sentences(rows):
    table = analysis.multi_country_sentences(rows)
    assert table["sentence"].tolist() == [
        "Spain closed its embassy in Kyiv.",
        "France kept its mission open; Spain said nothing.",
        "Türkiye condemned Spain.",
    ]
    assert table["labels"].tolist()[:2] == ["Spain: closed; Ukraine: place", "France: open; Spain: none"]
    assert table["postures"].tolist() == [1, 1, 1]
    assert len(analysis.multi_country_sentences(rows, min_countries=3)) == 0
    assert len(analysis.multi_country_sentences(rows, min_countries=1)) == 8


def test_with_names_adds_a_name_column_after_country(rows):
    table = analysis.with_names(rows[["article_id", "country", "label"]])
    assert list(table.columns) == ["article_id", "country", "name", "label"]
    assert table["name"].iloc[0] == "Spain"


def test_cv_plan_groups_by_event_when_it_can(rows):
    frame, folds, grouping = analysis.cv_plan(rows, folds=5)
    assert (folds, grouping) == (3, "event") and frame is rows


def test_cv_plan_falls_back_to_sentences_for_a_single_event(rows):
    one = rows[rows["event_id"] == "e1"]
    frame, folds, grouping = analysis.cv_plan(one, folds=4)
    assert (folds, grouping) == (4, "sentence")
    assert frame["event_id"].nunique() == 6  # the sentences of a1 and a2
    assert frame.groupby("event_id")["sentence"].nunique().eq(1).all()
    with pytest.raises(ValueError, match="at least two sentences"):
        analysis.cv_plan(one.iloc[:1])


def test_article_for_file_finds_the_seed():
    articles = {"x": {"article_id": "x", "seed_file": "seeds/other.txt"},
                "k": {"article_id": "k", "seed_file": "seeds/2024-11-20-kyiv-embassies.fr.txt"},
                "w": {"article_id": "w", "seed_file": None}}
    assert analysis.article_for_file(articles, config.SEED_ARTICLE)["article_id"] == "k"
    assert analysis.article_for_file(articles, "seeds/2024-11-20-kyiv-embassies.fr.txt")["article_id"] == "k"
    assert analysis.article_for_file(articles, "seeds/missing.txt") is None


# --------------------------------------------------------------------------- model tables


class FakeModel:
    """What top_ngrams reads from a fitted StanceClassifier."""

    def __init__(self, classes, names, coef):
        self.classes_ = np.asarray(classes)
        self._names = np.asarray(names)
        self.classifier_ = type("LR", (), {"coef_": np.asarray(coef, dtype=float)})()

    def feature_names(self):
        return self._names


def test_top_ngrams_ranks_each_label_by_coefficient():
    model = FakeModel(
        ["open", "closed"],
        ["xtgtx ferme", "ouverte", "local:xtgtx reste", "neg_ferme"],
        [[-1.0, 2.0, 3.0, 0.5], [4.0, -2.0, 0.0, 1.0]],
    )
    table = analysis.top_ngrams(model, n=2)
    assert table["label"].tolist() == ["closed", "closed", "open", "open"]  # schema order
    assert table["ngram"].tolist() == ["[TARGET] ferme", "neg_ferme", "[TARGET] reste", "ouverte"]
    assert table["view"].tolist() == ["sentence", "sentence", "local", "sentence"]
    assert table["rank"].tolist() == [1, 2, 1, 2]
    assert table["weight"].tolist() == [4.0, 1.0, 3.0, 2.0]


def test_top_ngrams_with_two_classes_reads_one_coefficient_row():
    model = FakeModel(["closed", "open"], ["a", "b", "c"], [[1.0, -2.0, 0.5]])
    table = analysis.top_ngrams(model, n=1)
    assert table[["label", "ngram"]].values.tolist() == [["closed", "b"], ["open", "a"]]
    with pytest.raises(ValueError, match="n must be at least 1"):
        analysis.top_ngrams(model, n=0)


@pytest.mark.slow
def test_top_ngrams_of_a_fitted_model(rows):
    from stance.train import fit_model

    frame = rows.assign(mention_end=rows["mention_start"] + 4)
    table = analysis.top_ngrams(fit_model(frame), n=3)
    assert set(table["label"]) == set(rows["label"])
    assert (table.groupby("label").size() == 3).all()
    assert table.groupby("label")["weight"].apply(lambda w: w.is_monotonic_decreasing).all()


RESULT = {
    "language": "fr",
    "countries": [
        {"country": "ESP", "name": "Spain", "stance": "closed", "confidence": 0.9, "role": "actor",
         "evidence": [{"sentence": "L'Espagne ferme.", "start": 0, "end": 16, "confidence": 0.9},
                      {"sentence": "Madrid ferme.", "start": 40, "end": 53, "confidence": 0.7}],
         "conflicts": [{"stance": "open", "confidence": 0.6,
                        "evidence": [{"sentence": "Elle rouvre.", "start": 20, "end": 32, "confidence": 0.6}]}]},
        {"country": "DEU", "name": "", "stance": "limited", "confidence": 0.55, "role": "actor",
         "evidence": [{"sentence": "Berlin réduit.", "start": 60, "end": 74, "confidence": 0.55}], "conflicts": []},
        {"country": "UKR", "name": "Ukraine", "stance": "none", "confidence": 1.0, "role": "location",
         "evidence": [], "conflicts": []},
    ],
}


def test_postures_table():
    table = analysis.postures_table(RESULT)
    assert table[["name", "posture", "confidence", "conflicts"]].values.tolist() == [
        ["Spain", "closed", 0.9, "open"], ["Germany", "limited", 0.55, ""], ["Ukraine", "none", 1.0, ""]]
    assert table["evidence"].tolist() == ["L'Espagne ferme.", "Berlin réduit.", ""]


def test_evidence_table_lists_chosen_then_conflicting_sentences():
    table = analysis.evidence_table(RESULT)
    assert table[["name", "posture", "chosen", "start"]].values.tolist() == [
        ["Spain", "closed", True, 0], ["Spain", "closed", True, 40], ["Spain", "open", False, 20],
        ["Germany", "limited", True, 60]]


def test_score_table():
    labels = list(schema.LABELS)
    figures = {
        "a": {"macro_f1": 0.5, "f1": dict.fromkeys(labels, 0.5), "precision": dict.fromkeys(labels, 0.4),
              "recall": dict.fromkeys(labels, 0.6)},
        "b": {"macro_f1": 0.7, "f1": {**dict.fromkeys(labels, 0.7), "none": 0.9},
              "precision": dict.fromkeys(labels, 0.1), "recall": dict.fromkeys(labels, 0.2)},
    }
    table = analysis.score_table(figures)
    assert table.index.tolist() == [*labels, "macro"]
    assert table.loc["none", "b"] == 0.9 and table.loc["macro", "a"] == 0.5
    assert "macro" not in analysis.score_table(figures, metric="recall").index
    with pytest.raises(ValueError, match="not one of f1"):
        analysis.score_table(figures, metric="accuracy")


def test_scores_by_sentence_kind(rows):
    held_out = rows[rows["role"] == "actor"].assign(predicted=lambda t: t["label"])
    held_out.loc[held_out["sentence_start"] == 84, "predicted"] = "none"  # a one-country sentence wrong
    perfect = type("Outcome", (), {"name": "perfect", "rows": held_out.assign(predicted=held_out["label"])})()
    flawed = type("Outcome", (), {"name": "flawed", "rows": held_out})()
    table = analysis.scores_by_sentence_kind([perfect, flawed], rows)
    assert table.index.tolist() == ["one country", "several countries"]
    assert table["held-out mentions"].tolist() == [7, 5]
    assert table["perfect"].tolist() == [1.0, 1.0]
    assert table.loc["several countries", "flawed"] == 1.0
    assert table.loc["one country", "flawed"] < 1.0


# --------------------------------------------------------------------------- charts


def bar_colours(ax) -> list[str]:
    return [matplotlib.colors.to_hex(patch.get_facecolor()).upper() for patch in ax.patches]


def test_plot_postures_draws_one_bar_per_country_coloured_by_posture():
    ax = analysis.plot_postures(analysis.postures_table(RESULT), title="Seed article")
    assert ax.get_title() == "Seed article"
    assert ax.get_xlabel() and ax.get_ylabel()
    assert [t.get_text() for t in ax.get_yticklabels()] == ["Spain", "Germany", "Ukraine"]
    assert bar_colours(ax) == [analysis.POSTURE_COLOURS[p] for p in ("closed", "limited", "none")]
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["closed", "limited", "none"]
    assert [p.get_width() for p in ax.patches] == [0.9, 0.55, 1.0]


def test_plot_postures_accepts_codes_and_stance_column():
    table = pd.DataFrame({"country": ["TUR", "FRA"], "stance": ["opposed", "open"], "confidence": [0.4, 0.8]})
    ax = analysis.plot_postures(table)
    assert [t.get_text() for t in ax.get_yticklabels()] == ["France", "Türkiye"]  # schema order: open first
    assert ax.get_title() == "Posture per country"


def test_plot_timeline_places_postures_by_date_and_country(rows):
    ax = analysis.plot_timeline(rows)
    # countries with a posture, earliest first; Ukraine (a place only) is left out
    assert [t.get_text() for t in ax.get_yticklabels()] == ["Spain", "France", "Germany", "Türkiye"]
    offsets = ax.collections[0].get_offsets()
    assert len(offsets) == 7  # every (date, country, event, posture) but the none ones
    assert ax.get_title() and ax.get_xlabel() == "article date" and ax.get_ylabel() == "country"
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend == ["closed", "open", "limited", "opposed"]


def test_plot_timeline_keeps_the_chosen_countries_and_their_order(rows):
    ax = analysis.plot_timeline(analysis.timeline(rows), countries=["TUR", "ESP"], include_none=True)
    assert [t.get_text() for t in ax.get_yticklabels()] == ["Türkiye", "Spain"]
    assert len(ax.collections[0].get_offsets()) == 5  # Türkiye once; Spain closed, open, none, closed
    # two postures of Spain on 2023-05-01 sit in different lanes, not on top of each other
    ys = sorted(y for x, y in ax.collections[0].get_offsets() if round(y) == 1)
    assert len(set(ys)) == 3  # closed, open and none lanes


def test_plot_timeline_merges_events_and_keeps_each_posture_in_its_lane(rows):
    other = pd.DataFrame(
        [("a5", "e4", "2023-05-01", "en", 0, "Spain shut it.", "ESP", 0, "actor", "closed")], columns=COLUMNS)
    ax = analysis.plot_timeline(pd.concat([rows, other]), countries=["ESP"])
    dots = ax.collections[0]
    offsets = dots.get_offsets()
    assert len(offsets) == 3  # closed twice (2022-02-14, 2023-05-01, two events merged), open once
    sizes = dict(zip(matplotlib.dates.num2date(offsets[:, 0]), dots.get_sizes()))
    assert sizes[max(sizes)] > sizes[min(sizes)]  # two articles behind the last dot
    colours = [matplotlib.colors.to_hex(c).upper() for c in dots.get_facecolors()]
    lanes = {colour: {float(y)} for colour, y in zip(colours, offsets[:, 1])}
    for colour, y in zip(colours, offsets[:, 1]):
        lanes[colour].add(float(y))
    assert all(len(ys) == 1 for ys in lanes.values()) and len(lanes) == 2


def test_plot_label_counts(rows):
    ax = analysis.plot_label_counts(rows)
    assert [t.get_text() for t in ax.get_xticklabels()] == ["en", "fr"]
    assert "13 rows" in ax.get_title()
    heights = {}
    for patch in ax.patches:
        heights[patch.get_x()] = heights.get(patch.get_x(), 0) + patch.get_height()
    assert sorted(heights.values()) == [3, 10]


def test_plot_scores():
    table = pd.DataFrame({"stance": [0.8, 0.6], "baseline": [0.5, 0.4]}, index=["closed", "open"])
    ax = analysis.plot_scores(table)
    assert len(ax.patches) == 4 and ax.get_ylim() == (0, 1)
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["stance", "baseline"]


def test_display_name_uses_the_gazetteer():
    assert analysis.display_name("ESP") == "Spain"
