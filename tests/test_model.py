"""The stance classifier is a real scikit-learn estimator, and it sees which country is the target."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.model_selection import GridSearchCV, GroupKFold

from stance.data import load_annotations
from stance.features import target_views
from stance.model import SentenceBaseline, StanceClassifier


def pairs(sentence: str, *mentions: tuple[str, str]) -> pd.DataFrame:
    """Rows for the given (surface, country) mentions of one sentence."""
    rows = []
    for surface, country in mentions:
        start = sentence.index(surface)
        rows.append({"sentence": sentence, "mention_start": start, "mention_end": start + len(surface),
                     "country": country, "role": "actor"})
    return pd.DataFrame(rows)


@pytest.fixture(scope="module")
def frame() -> pd.DataFrame:
    return load_annotations()


def test_clone_keeps_parameters_and_drops_fitted_state(trained_model):
    copy = clone(trained_model)
    assert copy.get_params() == trained_model.get_params()
    assert not hasattr(copy, "classifier_")
    copy.set_params(C=0.123, window=4)
    assert copy.get_params()["C"] == 0.123
    assert trained_model.get_params()["C"] != 0.123


def test_predicting_before_fit_raises_not_fitted():
    with pytest.raises(NotFittedError):
        StanceClassifier().predict(pairs("Spain closed its embassy.", ("Spain", "ESP")))


def test_classes_follow_predict_proba_columns(trained_model, frame):
    sample = frame.sample(200, random_state=0)
    proba = trained_model.predict_proba(sample)
    assert proba.shape == (200, len(trained_model.classes_))
    np.testing.assert_allclose(proba.sum(axis=1), 1, rtol=1e-5)
    assert (trained_model.classes_[proba.argmax(axis=1)] == trained_model.predict(sample)).all()
    assert set(trained_model.classes_) == {"closed", "open", "limited", "opposed", "none"}


def test_fit_rejects_what_is_not_a_frame_of_pairs():
    with pytest.raises(TypeError, match="pandas DataFrame"):
        StanceClassifier().fit(["Spain closed its embassy."], ["closed"])
    with pytest.raises(ValueError, match="lacks column"):
        StanceClassifier().fit(pd.DataFrame({"sentence": ["x"]}), ["closed"])


def test_works_inside_grid_search_with_groups(frame):
    search = GridSearchCV(StanceClassifier(), {"C": [1.0, 10.0]}, cv=GroupKFold(n_splits=3),
                          scoring="f1_macro")
    search.fit(frame, frame["label"], groups=frame["event_id"])
    assert search.best_params_["C"] in (1.0, 10.0)
    assert 0 < search.best_score_ <= 1


def test_target_masking_gives_countries_of_one_sentence_different_views():
    sentence = "France and the UK kept theirs open while Germany cut its staff."
    rows = pairs(sentence, ("France", "FRA"), ("UK", "GBR"), ("Germany", "DEU"))
    full_fra, local_fra = target_views(sentence, [(0, 6)], [(15, 17), (41, 48)])
    full_deu, local_deu = target_views(sentence, [(41, 48)], [(0, 6), (15, 17)])
    assert full_fra != full_deu
    assert "cut" in local_deu and "cut" not in local_fra
    assert len(rows) == 3


@pytest.mark.parametrize("sentence, country, label", [
    ("Die Schweiz hat ihre Botschaft vorübergehend geschlossen.", "Die Schweiz", "closed"),
    ("Deutschland hat seine Diplomaten aus Kabul abgezogen.", "Deutschland", "closed"),
    ("Frankreich hält seine Botschaft in Kiew geöffnet.", "Frankreich", "open"),
    ("Die USA haben das Personal ihrer Botschaft verringert.", "Die USA", "limited"),
    ("L'Italia ha sospeso le attività della sua ambasciata.", "L'Italia", "closed"),
    ("L'Italia riduce il personale dell'ambasciata.", "L'Italia", "limited"),
    ("España mantiene abierta su embajada en Kiev.", "España", "open"),
    ("Russland verurteilte die Entscheidung scharf.", "Russland", "opposed"),
])
def test_posture_cues_in_german_italian_and_spanish(sentence, country, label):
    """The training sentences are French and English; the cue stems carry the posture words of the
    other three languages the mention finder reads."""
    start = sentence.index(country)
    _, local = target_views(sentence, [(start, start + len(country))], [])
    assert f"cue_{label}" in local.split()


@pytest.mark.parametrize("sentence, first, second", [
    ("Frankreich hält seine Botschaft geöffnet, während Deutschland seine geschlossen hat.",
     "Frankreich", "Deutschland"),
    ("Francia mantiene abierta su embajada, mientras que Alemania la ha cerrado.", "Francia", "Alemania"),
    ("La Francia tiene aperta l'ambasciata, mentre la Germania l'ha chiusa.", "La Francia", "la Germania"),
])
def test_clause_breaks_in_german_spanish_and_italian(sentence, first, second):
    spans = {name: (sentence.index(name), sentence.index(name) + len(name)) for name in (first, second)}
    _, local_first = target_views(sentence, [spans[first]], [spans[second]])
    _, local_second = target_views(sentence, [spans[second]], [spans[first]])
    assert "cue_open" in local_first.split() and "cue_closed" not in local_first.split()
    assert "cue_closed" in local_second.split() and "cue_open" not in local_second.split()


def test_a_posture_named_as_another_countrys_is_not_the_targets():
    sentence = "Russia declined to comment on the closure of the American embassy."
    _, local_rus = target_views(sentence, [(0, 6)], [(50, 58)])
    _, local_usa = target_views(sentence, [(50, 58)], [(0, 6)])
    assert "ocue_closed" in local_rus.split() and "cue_closed" not in local_rus.split()
    assert "cue_closed" in local_usa.split()


@pytest.mark.parametrize("sentence, opposer, decider", [
    ("Ankara a vivement condamné la décision de Washington de fermer son consulat.", "Ankara", "Washington"),
    ("Beijing denounced Washington's decision to close the consulate in Houston.", "Beijing", "Washington"),
    ("Tokyo protested after Seoul's decision to shut its embassy.", "Tokyo", "Seoul"),
])
def test_opposition_to_another_countrys_decision_is_read_from_each_side(sentence, opposer, decider):
    """The guidelines' hard case: the country that opposes is opposed, the country whose decision
    it is keeps that decision's label; each side's view gives the other's posture word as owned."""
    spans = {name: (sentence.index(name), sentence.index(name) + len(name)) for name in (opposer, decider)}
    _, local_opposer = target_views(sentence, [spans[opposer]], [spans[decider]])
    _, local_decider = target_views(sentence, [spans[decider]], [spans[opposer]])
    assert "cue_opposed" in local_opposer.split() and "ocue_closed" in local_opposer.split()
    assert "cue_closed" in local_decider.split() and "ocue_opposed" in local_decider.split()
    assert "cue_opposed" not in local_decider.split()


def test_one_countrys_mentions_in_a_sentence_share_one_posture(trained_model):
    sentence = ("Washington, which is keeping only essential staff at its embassy in Kyiv, "
                "urged Americans still in Ukraine to leave.")
    rows = pairs(sentence, ("Washington", "USA"), ("Americans", "USA"), ("Ukraine", "UKR"))
    rows.loc[2, "role"] = "location"
    pooled = trained_model.predict_proba(rows)
    alone = clone(trained_model).set_params(pool=False)
    alone.__dict__.update({k: v for k, v in trained_model.__dict__.items() if k.endswith("_")})
    apart = alone.predict_proba(rows)
    assert np.allclose(pooled[0], pooled[1]) and np.allclose(pooled[0], apart[:2].mean(axis=0))
    assert np.allclose(pooled[2], apart[2])  # a place is left out of the pool


def test_tells_apart_countries_in_the_same_sentence(trained_model):
    cases = [
        ("France and the UK kept their embassies open while Germany cut its staff to a minimum.",
         {"France": "FRA", "UK": "GBR", "Germany": "DEU"}, ["open", "open", "limited"]),
        ("Italy shut its embassy in Kyiv on Wednesday, but Britain said its mission would stay open.",
         {"Italy": "ITA", "Britain": "GBR"}, ["closed", "open"]),
        ("La Grèce a fermé son ambassade, tandis que la France a décidé de la garder ouverte.",
         {"La Grèce": "GRC", "la France": "FRA"}, ["closed", "open"]),
    ]
    for sentence, mentions, expected in cases:
        rows = pairs(sentence, *mentions.items())
        assert trained_model.predict(rows).tolist() == expected, sentence


def test_baseline_is_blind_to_the_target(frame):
    baseline = SentenceBaseline().fit(frame, frame["label"])
    sentence = "France kept its embassy open while Germany closed its own."
    rows = pairs(sentence, ("France", "FRA"), ("Germany", "DEU"))
    first, second = baseline.predict(rows)
    assert first == second


def test_explain_names_weighted_ngrams(trained_model):
    rows = pairs("Spain closed its embassy in Kyiv.", ("Spain", "ESP"))
    (explanation,) = trained_model.explain(rows, top=5)
    assert len(explanation) == 5
    label, feature, weight = explanation[0]
    assert label == trained_model.predict(rows)[0]
    assert isinstance(feature, str) and weight != 0
