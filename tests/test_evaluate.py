"""`stance evaluate`: the grouped CV, the fixed split, the baseline, the learning curve, the report."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from stance.data import load_annotations
from stance.evaluate import learning_curve, learning_curve_table

TRAIN_EVENTS = ("agartala-2024-12", "ankara-2023-10", "asuncion-2018-09", "baghdad-2019-05", "baghdad-2023-07",
                "bamako-2022-02", "bangui-2012-12", "beijing-2021-12", "kabul-2021-08", "khartoum-2023-04")
TEST_EVENTS = ("addis-ababa-2021-11", "baghdad-2019-12", "caracas-2019-03")


@pytest.fixture(scope="module")
def small_rows(tmp_path_factory):
    """A slice of the bundled dataset: ten training events and three test events."""
    frame = load_annotations()
    part = frame[frame["event_id"].isin(TRAIN_EVENTS + TEST_EVENTS)]
    assert set(part["split"]) == {"train", "test"}
    path = tmp_path_factory.mktemp("rows") / "rows.jsonl"
    path.write_text("".join(json.dumps(record, ensure_ascii=False) + "\n" for record in part.to_dict("records")),
                    encoding="utf-8")
    return path


@pytest.mark.slow
def test_evaluate_prints_and_writes_its_report(small_rows, tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "stance", "evaluate", "--data", str(small_rows), "--out", str(tmp_path),
         "--folds", "3"], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    for model in ("stance, grouped 3-fold CV", "baseline, grouped 3-fold CV", "stance, fixed test split",
                  "baseline, fixed test split"):
        assert model in result.stdout
    assert "true closed" in result.stdout and "share of training events" in result.stdout
    report = (tmp_path / "evaluation.md").read_text(encoding="utf-8")
    for heading in ("## Macro-F1 and per-class precision / recall / F1", "## Per language", "## Confusion matrix",
                    "## Most confused examples", "## Learning curve"):
        assert heading in report
    assert "Aim: macro-F1 >= 0.85" in report and "macro-F1 en" in report and "macro-F1 fr" in report
    assert (tmp_path / "confusion.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_learning_curve_grows_the_training_part_and_keeps_held_out_parts_whole(small_rows):
    frame = load_annotations(small_rows)
    curve = learning_curve(frame, shares=(0.5, 1.0), folds=3)
    assert [point["share"] for point in curve] == [0.5, 1.0]
    assert 0 < curve[0]["train_rows"] < curve[1]["train_rows"] < len(frame)
    assert all(0 <= point["macro_f1"] <= 1 for point in curve)
    assert "| 50% |" in learning_curve_table(curve) and "Each doubling" in learning_curve_table(curve)
