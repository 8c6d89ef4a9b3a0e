"""The dataset: the seed kept as given, the event-file compiler, validation, loading and stats."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from conftest import SMALL_EVENT, write_event

from stance import config, schema
from stance.data import GOALS, build, format_stats, goal_checks, load_annotations, stats, validate

SEED_META = config.SEEDS_DIR / "2024-11-20-kyiv-embassies.fr.toml"


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "stance", *args], capture_output=True, text=True)


# --------------------------------------------------------------------------- seed


def test_seed_article_is_kept_byte_for_byte():
    meta = tomllib.loads(SEED_META.read_text(encoding="utf-8"))
    raw = (config.SEEDS_DIR / meta["file"]).read_bytes()
    assert hashlib.sha256(raw).hexdigest() == meta["sha256"]
    assert meta["date"] == "2024-11-20" and meta["language"] == "fr"
    given = config.REPO_DIR.parent / "shared" / "seeds" / "000_dcdcaf7e58b4a633.txt"
    if given.exists():  # beside a clone, as in CI
        assert given.read_bytes() == raw


def test_every_seed_mention_is_annotated_with_the_expected_postures():
    frame = load_annotations()
    seed = frame[frame["source"] == "seed"]
    assert set(seed["article_id"]) == {"kyiv-2024-11-seed/seed"}
    text = config.SEED_ARTICLE.read_text(encoding="utf-8")
    for row in seed.itertuples():
        assert text[row.sentence_start : row.sentence_end] == row.sentence
    postures = seed[seed["label"] != "none"].groupby("country")["label"].agg(set).to_dict()
    assert postures == {
        "USA": {"closed"},
        "ESP": {"closed"},
        "ITA": {"closed"},
        "GRC": {"closed"},
        "FRA": {"open"},
        "GBR": {"open"},
        "DEU": {"limited"},
        "TUR": {"opposed"},
    }
    kyiv = seed[seed["mention"].isin(["Kiev", "Kyiv"])]
    assert set(kyiv["country"]) == {"UKR"} and set(kyiv["role"]) == {"location"}


# --------------------------------------------------------------------------- bundled dataset


def test_load_annotations_returns_the_contract_columns():
    frame = load_annotations()
    assert list(frame.columns[: len(schema.COLUMNS)]) == list(schema.COLUMNS)
    assert frame["row_id"].is_unique
    for column in schema.INT_COLUMNS:
        assert frame[column].dtype == "int64"
    assert set(frame["label"]) == set(schema.LABELS)
    sliced = [s[a:b] for s, a, b in zip(frame["sentence"], frame["mention_start"], frame["mention_end"])]
    assert sliced == frame["mention"].tolist()


def test_bundled_dataset_is_valid_and_built():
    assert validate() == []
    result = run_cli("data", "validate")
    assert result.returncode == 0, result.stderr


def test_bundled_dataset_meets_every_size_and_balance_goal():
    figures = stats(load_annotations())
    missed = [check for check in goal_checks(figures) if not check[3]]
    assert missed == []
    result = run_cli("data", "stats", "--strict")
    assert result.returncode == 0
    assert "rows in mixed-label sentences" in result.stdout


def test_split_is_by_event_and_fixed():
    frame = load_annotations()
    assert frame.groupby("event_id")["split"].nunique().max() == 1
    test_share = (frame["split"] == "test").mean()
    assert 0.1 <= test_share <= 0.35
    assert set(frame.loc[frame["split"] == "test", "label"]) == set(schema.LABELS)


def test_every_event_names_its_sources():
    for path in sorted(config.EVENTS_DIR.glob("*.md")):
        if path.name == "README.md":
            continue
        header = tomllib.loads(path.read_text(encoding="utf-8").split("+++")[1])
        assert header["sources"], path
        for source in header["sources"]:
            assert source["outlet"] and source["date"] and source["fact"], path


def test_dataset_card_shows_the_current_stats():
    card = (config.ANNOTATIONS_DIR / "README.md").read_text(encoding="utf-8")
    assert format_stats(stats(load_annotations()), goals=GOALS) in card, (
        "annotations/README.md's stats block is stale: paste the output of 'stance data stats'"
    )


def test_guidelines_define_every_label_and_decide_the_hard_cases():
    text = (config.ANNOTATIONS_DIR / "GUIDELINES.md").read_text(encoding="utf-8")
    for label in schema.LABELS:
        assert f"`{label}`" in text
    for case in (
        "Host country",
        "Relocation to another city",
        "Expelled ambassador",
        "Refused to comment",
        "Opposition to another country",
        "Reported speech",
        "One mention carrying two postures",
    ):
        assert case.lower() in text.lower(), case


# --------------------------------------------------------------------------- compiler


def test_build_compiles_markup_to_rows_with_offsets(small_annotations):
    frame = load_annotations(small_annotations)
    assert len(frame) == 10
    row = frame[(frame["event_id"] == "test-event") & (frame["country"] == "DEU")].iloc[0]
    assert row["label"] == "limited" and row["role"] == "actor" and row["mention"] == "Germany"
    articles = {
        json.loads(x)["article_id"]: json.loads(x)
        for x in (small_annotations / "articles.jsonl").read_text(encoding="utf-8").splitlines()
    }
    text = articles[row["article_id"]]["text"]
    assert text[row["sentence_start"] : row["sentence_end"]] == row["sentence"]
    assert text.count("\n\n") == 1  # two paragraphs
    assert set(frame.loc[frame["event_id"] == "other-event", "split"]) == {"test"}
    assert validate(small_annotations) == []


def test_build_writes_nothing_when_an_event_file_is_broken(small_annotations):
    before = (small_annotations / "rows.jsonl").read_bytes()
    write_event(
        small_annotations,
        "broken-event",
        text=SMALL_EVENT.format(event_id="broken-event", split="train").replace("(ESP:closed)", "(ESP:shut)"),
    )
    result = build(small_annotations)
    assert result.problems
    assert (small_annotations / "rows.jsonl").read_bytes() == before


BROKEN_EVENT_FILES = {
    "unknown label": (("(ESP:closed)", "(ESP:shut)"), r"broken-event\.md:17: .*label 'shut' is not one of"),
    "unknown country": (("(ESP:closed)", "(XXX:closed)"), r":17: .*country 'XXX' is not an ISO"),
    "location with a posture": (
        ("(UKR:none:location)", "(UKR:closed:location)"),
        r":17: .*locations are always 'none'",
    ),
    "unbalanced markup": (("[Spain](ESP:closed)", "[Spain(ESP:closed)"), r":17: .*malformed markup"),
    "bad split": (('split = "train"', 'split = "dev"'), r":2: split 'dev' is not one of"),
    "bad language": (("| en |", "| english |"), r":15: language 'english' is not an ISO 639-1"),
}


@pytest.mark.parametrize("case", BROKEN_EVENT_FILES)
def test_validate_names_file_and_line_of_broken_event_files(small_annotations, case):
    (old, new), pattern = BROKEN_EVENT_FILES[case]
    text = SMALL_EVENT.format(event_id="broken-event", split="train").replace(old, new)
    assert text != SMALL_EVENT.format(event_id="broken-event", split="train")
    write_event(small_annotations, "broken-event", text=text)
    problems = [str(p) for p in validate(small_annotations)]
    assert any(__import__("re").search(pattern, p) for p in problems), problems
    result = run_cli("data", "validate", "--annotations", str(small_annotations))
    assert result.returncode == 1
    assert "broken-event.md" in result.stderr


def _rewrite_rows(folder: Path, change) -> None:
    path = folder / "rows.jsonl"
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    rows = change(rows)
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")


def _set(index: int, **values):
    def change(rows):
        rows[index].update(values)
        return rows

    return change


BROKEN_ROWS = {
    "unknown label": (_set(0, label="shut"), r"rows\.jsonl:1: label 'shut' is not one of"),
    "bad country code": (_set(1, country="ES"), r"rows\.jsonl:2: country 'ES' is not an ISO 3166-1 alpha-3"),
    "mention offsets": (_set(0, mention_start=1), r"rows\.jsonl:1: mention 'Spain' does not equal the sentence slice"),
    "sentence offsets": (
        lambda rows: [
            dict(r, sentence_start=r["sentence_start"] + 1, sentence_end=r["sentence_end"] + 1) if i == 2 else r
            for i, r in enumerate(rows)
        ],
        r"rows\.jsonl:3: sentence does not equal the article slice",
    ),
    "duplicate": (
        lambda rows: rows + [dict(rows[0], row_id="x")],
        r"rows\.jsonl:11: duplicate of the mention on line 1",
    ),
    "conflicting labels": (
        lambda rows: (
            rows
            + [
                dict(
                    rows[0],
                    row_id="y",
                    article_id=rows[5]["article_id"],
                    event_id=rows[5]["event_id"],
                    split="test",
                    label="open",
                )
            ]
        ),
        r"rows\.jsonl:11: mention 'Spain' \(ESP\) is labelled 'open' here and 'closed' on line 1",
    ),
    "event in two splits": (
        _set(1, split="train"),
        r"rows\.jsonl:2: event 'other-event' is in split 'train' here and in 'test' on line 1",
    ),
    "missing column": (
        lambda rows: [{k: v for k, v in rows[0].items() if k != "role"}] + rows[1:],
        r"rows\.jsonl:1: missing column\(s\) role",
    ),
    "bad date": (_set(0, date="20/11/2024"), r"rows\.jsonl:1: date '20/11/2024' is not an ISO 8601 date"),
}


@pytest.mark.parametrize("case", BROKEN_ROWS)
def test_validate_names_file_and_line_of_broken_rows(small_annotations, case):
    change, pattern = BROKEN_ROWS[case]
    _rewrite_rows(small_annotations, change)
    problems = [str(p) for p in validate(small_annotations)]
    assert any(__import__("re").search(pattern, p) for p in problems), problems
    result = run_cli("data", "validate", "--annotations", str(small_annotations))
    assert result.returncode == 1


def test_validate_reports_malformed_json_with_its_line(small_annotations):
    path = small_annotations / "rows.jsonl"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[3] = lines[3][:-5]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    problems = [str(p) for p in validate(small_annotations)]
    assert any("rows.jsonl:4: malformed JSON" in p for p in problems), problems


def test_validate_reports_rows_out_of_date_with_event_files(small_annotations):
    _rewrite_rows(small_annotations, lambda rows: rows[:-1])
    problems = [str(p) for p in validate(small_annotations)]
    assert any("run 'stance data build'" in p for p in problems)


def test_load_annotations_errors_are_one_line(tmp_path):
    with pytest.raises(FileNotFoundError, match="no such file"):
        load_annotations(tmp_path / "nowhere")
    bad = tmp_path / "rows.jsonl"
    bad.write_bytes(b"\xff\xfe\x00garbage")
    with pytest.raises(ValueError, match="not UTF-8"):
        load_annotations(bad)


def test_stats_figures_on_a_small_dataset(small_annotations):
    figures = stats(load_annotations(small_annotations))
    assert figures["rows"] == 10 and figures["events"] == 2
    assert figures["by_label"] == {"closed": 2, "open": 2, "limited": 2, "opposed": 2, "none": 2}
    # Spain+Kyiv, France+Germany: multi-country; Turkey alone is not.
    assert figures["multi_country_rows"] == 8
    # France (open) and Germany (limited) differ; Spain (closed) stands with a location only.
    assert figures["mixed_label_rows"] == 4
    assert figures["negation_or_reopening_rows"] == 0
