"""Shared fixtures: the repository's paths, a small event file, a model trained once per session."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from stance import config

REPO = config.REPO_DIR

SMALL_EVENT = """+++
event_id = "{event_id}"
title = "A small test event"
place = "Kyiv"
host = "UKR"
date = "2022-02-14"
split = "{split}"

[[sources]]
outlet = "Test Wire"
date = "2022-02-14"
fact = "a fact for the tests"
+++

## en-1 | en | 2022-02-14

[Spain](ESP:closed) closed its embassy in [Kyiv](UKR:none:location) on Monday.
[France](FRA:open) kept its mission open, while [Germany](DEU:limited) cut its staff.

[Turkey](TUR:opposed) condemned the move.
"""


def write_event(folder: Path, event_id: str = "test-event", split: str = "train", text: str | None = None) -> Path:
    events = folder / "events"
    events.mkdir(parents=True, exist_ok=True)
    path = events / f"{event_id}.md"
    path.write_text(text if text is not None else SMALL_EVENT.format(event_id=event_id, split=split),
                    encoding="utf-8")
    return path


@pytest.fixture
def small_annotations(tmp_path: Path) -> Path:
    """An annotations folder with two small events, built."""
    from stance.data import build

    folder = tmp_path / "annotations"
    write_event(folder, "test-event", "train")
    write_event(folder, "other-event", "test")
    result = build(folder)
    assert not result.problems, result.problems
    return folder


@pytest.fixture
def annotations_copy(tmp_path: Path) -> Path:
    """A copy of the bundled annotations folder."""
    target = tmp_path / "annotations"
    shutil.copytree(config.ANNOTATIONS_DIR, target)
    return target


@pytest.fixture(scope="session")
def model_path(tmp_path_factory) -> Path:
    """The target-aware model trained on the bundled dataset, saved once per test session."""
    from stance.train import train

    return train(out=tmp_path_factory.mktemp("model") / "stance.joblib", metrics=False)


@pytest.fixture(scope="session")
def trained_model(model_path):
    from stance.train import load_model

    return load_model(model_path)


@pytest.fixture(scope="session")
def seed_text() -> str:
    return config.SEED_ARTICLE.read_text(encoding="utf-8")
