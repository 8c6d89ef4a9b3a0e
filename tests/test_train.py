"""Saving and loading models: the manifest, the checksum, the card, atomic writes."""

from __future__ import annotations

import json
import pickle
import shutil

import joblib
import pytest
import sklearn

from stance.train import ModelError, card_path, load_model, manifest_path, save_model, train


@pytest.fixture(scope="module")
def saved(tmp_path_factory):
    folder = tmp_path_factory.mktemp("saved")
    return train(out=folder / "model.joblib")


def copy_of(saved, tmp_path):
    for path in (saved, manifest_path(saved), card_path(saved)):
        shutil.copy(path, tmp_path / path.name)
    return tmp_path / saved.name


def test_train_writes_model_manifest_and_card(saved):
    manifest = json.loads(manifest_path(saved).read_text(encoding="utf-8"))
    for key in ("stance_version", "sklearn_version", "python_version", "labels", "training_data_sha256",
                "trained_at", "metrics", "model_sha256"):
        assert manifest[key], key
    assert manifest["sklearn_version"] == sklearn.__version__
    assert sorted(manifest["labels"]) == ["closed", "limited", "none", "open", "opposed"]
    assert 0 < manifest["metrics"]["macro_f1"] <= 1
    assert "Model card" in card_path(saved).read_text(encoding="utf-8")


def test_same_predictions_after_save_and_load(saved, tmp_path):
    from stance.data import load_annotations

    model = load_model(saved)
    frame = load_annotations().sample(300, random_state=1)
    path = tmp_path / "again.joblib"
    save_model(model, path, {"labels": list(model.classes_), "sklearn_version": sklearn.__version__})
    again = load_model(path)
    assert (model.predict(frame) == again.predict(frame)).all()
    assert (model.predict_proba(frame) == again.predict_proba(frame)).all()


def test_missing_manifest_stops_with_how_to_retrain(saved, tmp_path):
    path = copy_of(saved, tmp_path)
    manifest_path(path).unlink()
    with pytest.raises(ModelError, match="manifest .* is missing; retrain it with 'stance train'"):
        load_model(path)


class _Trap:
    """Unpickling this leaves a mark on disk: proof that a file was unpickled."""

    def __init__(self, mark):
        self.mark = mark

    def __reduce__(self):
        return (open, (str(self.mark), "w"))


def test_checksum_mismatch_is_never_unpickled(saved, tmp_path):
    path = copy_of(saved, tmp_path)
    mark = tmp_path / "unpickled"
    path.write_bytes(pickle.dumps(_Trap(mark)))
    with pytest.raises(ModelError, match="sha256 does not match"):
        load_model(path)
    assert not mark.exists()


def test_other_sklearn_version_stops_with_how_to_retrain(saved, tmp_path):
    path = copy_of(saved, tmp_path)
    manifest = json.loads(manifest_path(path).read_text(encoding="utf-8"))
    manifest["sklearn_version"] = "0.24.2"
    manifest_path(path).write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises(ModelError, match="saved with scikit-learn 0.24.2.*retrain"):
        load_model(path)


def test_failed_save_leaves_the_old_model_whole(saved, tmp_path, monkeypatch):
    path = copy_of(saved, tmp_path)
    before = path.read_bytes()

    def broken_dump(obj, filename):
        with open(filename, "wb") as handle:
            handle.write(b"half a model")
        raise OSError("disk full")

    monkeypatch.setattr(joblib, "dump", broken_dump)
    with pytest.raises(OSError, match="disk full"):
        save_model(load_model(path), path, {"labels": []})
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        [path.name, manifest_path(path).name, card_path(path).name])
    load_model(path)


def test_train_cli_reports_where_the_model_went(tmp_path):
    import subprocess
    import sys

    out = tmp_path / "cli.joblib"
    result = subprocess.run([sys.executable, "-m", "stance", "train", "--out", str(out)],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert str(out) in result.stdout and out.exists() and manifest_path(out).exists()
