"""Predicting articles: the seed article, output formats, bad input, and arbitrary text."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from stance import config
from stance.predict import predict_article, predict_many

EXPECTED_SEED = {"USA": "closed", "ESP": "closed", "ITA": "closed", "GRC": "closed",
                 "FRA": "open", "GBR": "open", "DEU": "limited", "TUR": "opposed"}


def stance_cli(*args, model_path=None, stdin: bytes | None = None, env=None):
    command = [sys.executable, "-m", "stance", *args]
    if model_path is not None and args and args[0] in ("predict", "explain"):
        command += ["--model", str(model_path)]
    return subprocess.run(command, capture_output=True, input=stdin, env=env)


def test_seed_article_postures(trained_model, seed_text):
    result = predict_article(seed_text, date="2024-11-20", model=trained_model)
    postures = {c["country"]: c["stance"] for c in result["countries"]}
    assert {code: postures.get(code) for code in EXPECTED_SEED} == EXPECTED_SEED
    assert postures["UKR"] == "none" and postures["RUS"] == "none"
    assert result["language"] == "fr"
    for country in result["countries"]:
        assert 0 <= country["confidence"] <= 1
        for evidence in country["evidence"]:
            assert seed_text[evidence["start"]:evidence["end"]] == evidence["sentence"]


def test_predict_many_equals_predict_article(trained_model, seed_text):
    texts = [seed_text, "Spain closed its embassy in Kyiv.", "Nothing here names a state."]
    many = predict_many(texts, model=trained_model)
    assert many == [predict_article(t, model=trained_model) for t in texts]
    assert many[2]["countries"] == []


def test_conflicting_evidence_is_reported(trained_model):
    text = ("Canada closed its embassy in Kyiv in February and moved its diplomats to Lviv. "
            "In May, Canada reopened its embassy in Kyiv.")
    (canada,) = [c for c in predict_article(text, model=trained_model)["countries"] if c["country"] == "CAN"]
    assert {canada["stance"], *(c["stance"] for c in canada["conflicts"])} == {"closed", "open"}


def _record(start: int, predicted: str, confidence: float, role: str = "actor") -> dict:
    probabilities = {f"p_{label}": 0.0 for label in ("closed", "open", "limited", "opposed", "none")}
    probabilities[f"p_{predicted}"] = confidence
    return {"country": "CAN", "role": role, "predicted": predicted, "confidence": confidence,
            "sentence": f"sentence {start}", "sentence_start": start, "sentence_end": start + 10,
            **probabilities}


def test_roll_up_leaves_out_postures_below_the_evidence_threshold():
    from stance.predict import MIN_EVIDENCE, roll_up

    weak, strong, weaker_open = (_record(0, "open", MIN_EVIDENCE - 0.05), _record(20, "closed", 0.8),
                                 _record(40, "open", MIN_EVIDENCE / 2))
    (only_weak,) = roll_up([weak])
    assert only_weak["stance"] == "none" and only_weak["evidence"] == []
    (canada,) = roll_up([weak, strong, weaker_open])
    assert canada["stance"] == "closed" and canada["conflicts"] == []
    (counted,) = roll_up([weak, strong], min_confidence=0.0)
    assert [c["stance"] for c in counted["conflicts"]] == ["open"]


def test_location_only_countries_are_none(trained_model):
    result = predict_article("Talks were held in Ankara on Monday.", model=trained_model)
    (turkey,) = result["countries"]
    assert turkey["country"] == "TUR" and turkey["stance"] == "none" and turkey["role"] == "location"


def test_json_output_has_the_documented_shape(model_path):
    result = stance_cli("predict", "--format", "json", str(config.SEED_ARTICLE), model_path=model_path)
    assert result.returncode == 0, result.stderr
    (line,) = result.stdout.decode().splitlines()
    record = json.loads(line)
    assert record["source"] == str(config.SEED_ARTICLE) and record["language"] == "fr"
    spain = next(c for c in record["countries"] if c["country"] == "ESP")
    assert spain["name"] == "Spain" and spain["stance"] == "closed"
    assert isinstance(spain["confidence"], float)
    assert {"sentence", "start", "end"} <= set(spain["evidence"][0])


def test_csv_and_sentence_level_output(model_path):
    result = stance_cli("predict", "--format", "csv", str(config.SEED_ARTICLE), model_path=model_path)
    rows = list(csv.DictReader(io.StringIO(result.stdout.decode())))
    assert {r["country"]: r["stance"] for r in rows}["DEU"] == "limited"
    result = stance_cli("predict", "--format", "csv", "--level", "sentence", str(config.SEED_ARTICLE),
                        model_path=model_path)
    rows = list(csv.DictReader(io.StringIO(result.stdout.decode())))
    assert any(r["mention"] == "Kiev" and r["role"] == "location" and r["stance"] == "none" for r in rows)


def test_reads_standard_input_and_folders(model_path, tmp_path):
    result = stance_cli("predict", "-", model_path=model_path, stdin=b"Spain closed its embassy.")
    assert result.returncode == 0 and b"Spain" in result.stdout
    (tmp_path / "a.txt").write_text("France kept its embassy open.", encoding="utf-8")
    (tmp_path / "b.txt").write_text("Italy shut its embassy.", encoding="utf-8")
    result = stance_cli("predict", "--format", "json", str(tmp_path), model_path=model_path)
    assert [json.loads(x)["source"] for x in result.stdout.decode().splitlines()] == [
        str(tmp_path / "a.txt"), str(tmp_path / "b.txt")]


BAD_INPUTS = {
    "empty": (b"", "is empty"),
    "binary": (bytes(range(256)) * 8, "is a binary file"),
    "latin-1": ("L’Espagne a fermé son ambassade à Kiev.".replace("’", "'").encode("cp1252"),
                "is not UTF-8 (byte 0xe9 at offset 16); it looks like Latin-1/Windows-1252"),
    "utf-16": ("Spain closed its embassy.".encode("utf-16"), "is UTF-16 text"),
}


@pytest.mark.parametrize("case", BAD_INPUTS)
def test_bad_input_gets_one_line_and_exit_2(model_path, tmp_path, case):
    content, message = BAD_INPUTS[case]
    path = tmp_path / f"{case}.txt"
    path.write_bytes(content)
    result = stance_cli("predict", str(path), model_path=model_path)
    stderr = result.stderr.decode()
    assert result.returncode == 2
    assert message in stderr and str(path) in stderr
    assert "Traceback" not in stderr and len(stderr.strip().splitlines()) == 1


def test_huge_file_is_refused_without_reading_it(model_path, tmp_path):
    path = tmp_path / "huge.txt"
    with open(path, "wb") as handle:
        handle.truncate(50 * 1024 * 1024)
    result = stance_cli("predict", str(path), model_path=model_path)
    assert result.returncode == 2
    assert "is 50.0 MB, more than the 5 MB limit" in result.stderr.decode()


def test_folder_without_text_files_and_missing_file(model_path, tmp_path):
    (tmp_path / "image.png").write_bytes(b"\x89PNG")
    result = stance_cli("predict", str(tmp_path), model_path=model_path)
    assert result.returncode == 2 and "holds no text file" in result.stderr.decode()
    result = stance_cli("predict", str(tmp_path / "missing.txt"), model_path=model_path)
    assert result.returncode == 2 and "no such file" in result.stderr.decode()


def test_text_naming_no_country_gives_an_empty_result(model_path, tmp_path):
    path = tmp_path / "weather.txt"
    path.write_text("It rained all day and the match was postponed.", encoding="utf-8")
    result = stance_cli("predict", "--format", "json", str(path), model_path=model_path)
    assert result.returncode == 0
    assert json.loads(result.stdout)["countries"] == []


def test_broken_model_file_is_one_line(tmp_path):
    model = tmp_path / "stance.joblib"
    model.write_bytes(b"not a model")
    result = stance_cli("predict", "--model", str(model), str(config.SEED_ARTICLE))
    assert result.returncode == 2
    assert "manifest" in result.stderr.decode() and "Traceback" not in result.stderr.decode()


def test_first_use_trains_and_caches_the_default_model(tmp_path):
    env = {**os.environ, "STANCE_MODELS": str(tmp_path)}
    result = stance_cli("predict", str(config.SEED_ARTICLE), env=env)
    assert result.returncode == 0, result.stderr
    assert "training one from the bundled annotations" in result.stderr.decode()
    assert (tmp_path / "stance.joblib").exists()
    again = stance_cli("predict", str(config.SEED_ARTICLE), env=env)
    assert "training" not in again.stderr.decode() and again.stdout == result.stdout


def test_explain_names_ngrams(model_path):
    result = stance_cli("explain", "France kept its embassy open while Germany cut its staff.",
                        "--country", "DEU", model_path=model_path)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.decode().splitlines()
    assert lines[0].startswith("DEU «Germany» (actor): ")
    assert len(lines) > 3 and all(line.strip()[0] in "+-" for line in lines[1:])
    result = stance_cli("explain", "Spain closed its embassy.", "--country", "FRA", model_path=model_path)
    assert result.returncode == 2 and "does not mention FRA" in result.stderr.decode()


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(max_size=400))
def test_arbitrary_unicode_never_crashes(trained_model, text):
    result = predict_article(text, model=trained_model)
    assert {"language", "countries", "sentences"} <= set(result)
    for country in result["countries"]:
        assert country["stance"] in {"closed", "open", "limited", "opposed", "none"}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from(["France", "l’Espagne", " closed ", " a fermé ", "Kyiv", ".", "\n\n",
                                 "« ", " »", "U.S.", "n't", "Biden", "Washington", "\u00a0", "🙂"]),
                max_size=40).map("".join))
def test_country_laden_noise_never_crashes(trained_model, text):
    result = predict_article(text, date="2024-11-20", model=trained_model)
    for row in result["sentences"]:
        assert row["mention_end"] > row["mention_start"]


def test_the_table_shows_each_conflict_with_its_confidence():
    from stance.output import article_table

    sentence = {"sentence": "Canada reopened its embassy.", "start": 0, "end": 28, "confidence": 0.41}
    result = {"language": "en", "countries": [{
        "country": "CAN", "name": "Canada", "stance": "closed", "confidence": 0.9, "role": "actor",
        "evidence": [{**sentence, "sentence": "Canada closed its embassy.", "confidence": 0.9}],
        "conflicts": [{"stance": "open", "confidence": 0.41, "evidence": [sentence]}]}]}
    lines = article_table("a.txt", result).splitlines()
    assert "closed" in lines[2] and "0.90" in lines[2]
    assert "also open" in lines[3] and "0.41" in lines[3] and "Canada reopened" in lines[3]
    assert lines[3].index("0.41") == lines[2].index("0.90")
