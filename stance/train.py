"""Train the stance model, save it with its provenance, and load it back safely.

A saved model is three files side by side: ``NAME.joblib`` (the estimator), ``NAME.manifest.json``
(versions, label set, training-data hash, metrics, sha256 of the model file) and ``NAME.card.md``
(a short model card). :func:`load_model` reads the manifest first and never unpickles a file whose
checksum or scikit-learn version does not match.
"""

from __future__ import annotations

import hashlib
import json
import platform
from datetime import UTC, datetime
from pathlib import Path

from stance import __version__, config, schema
from stance.data import write_atomic

#: The model's settings, chosen on the grouped evaluation (see ``reports/evaluation.md``).
DEFAULT_PARAMS: dict = {}
RETRAIN_HINT = "retrain it with 'stance train' (or delete it: 'stance predict' retrains on first use)"


class ModelError(ValueError):
    """A saved model cannot be used as it is."""


def manifest_path(model_path: Path) -> Path:
    return model_path.with_name(model_path.stem + ".manifest.json")


def card_path(model_path: Path) -> Path:
    return model_path.with_name(model_path.stem + ".card.md")


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def data_hash(data: Path | None = None) -> str:
    """sha256 over the row files the model is trained from."""
    from stance.data import ROW_FILES

    path = Path(data) if data is not None else config.ANNOTATIONS_DIR
    files = [path / name for name in ROW_FILES if (path / name).exists()] if path.is_dir() else [path]
    digest = hashlib.sha256()
    for file in files:
        digest.update(file.name.encode())
        digest.update(file.read_bytes())
    return digest.hexdigest()


def fit_model(frame, *, params: dict | None = None):
    """Fit a :class:`~stance.model.StanceClassifier` on rows of the dataset."""
    from stance.model import StanceClassifier

    return StanceClassifier(**{**DEFAULT_PARAMS, **(params or {})}).fit(frame, frame["label"])


def train(
    data: str | Path | None = None,
    *,
    out: str | Path | None = None,
    params: dict | None = None,
    metrics: bool = True,
) -> Path:
    """Train on every row of the dataset and save the model, its manifest and its card.

    Parameters
    ----------
    data : annotations folder or rows file (``None``: the bundled dataset).
    out : where to write the model (``None``: ``models/stance.joblib``).
    params : settings passed to :class:`~stance.model.StanceClassifier`.
    metrics : also fit on the train split and score the test split, for the manifest.

    Returns
    -------
    The path of the saved model.
    """
    import sklearn

    from stance.data import load_annotations

    out = Path(out) if out is not None else config.DEFAULT_MODEL
    frame = load_annotations(data)
    if frame.empty:
        raise ValueError(f"{data or config.ANNOTATIONS_DIR}: holds no annotated rows to train on")
    model = fit_model(frame, params=params)
    scores = {}
    if metrics and (frame["split"] == "test").any():
        from stance.evaluate import split_scores

        scores = split_scores(frame, params=params)
    manifest = {
        "stance_version": __version__,
        "sklearn_version": sklearn.__version__,
        "python_version": platform.python_version(),
        "labels": list(model.classes_),
        "params": model.get_params(),
        "training_rows": len(frame),
        "training_data": str(data or config.ANNOTATIONS_DIR),
        "training_data_sha256": data_hash(data),
        "trained_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "metrics": scores,
    }
    save_model(model, out, manifest)
    return out


def save_model(model, path: str | Path, manifest: dict) -> None:
    """Write the model atomically, then its manifest (with the model's sha256) and card."""
    import joblib

    path = Path(path)
    write_atomic(path, lambda tmp: joblib.dump(model, tmp))
    manifest = {**manifest, "model_file": path.name, "model_sha256": sha256_file(path)}
    text = json.dumps(manifest, indent=2, ensure_ascii=False, default=str) + "\n"
    write_atomic(manifest_path(path), lambda tmp: tmp.write_text(text, encoding="utf-8"))
    card = model_card(manifest)
    write_atomic(card_path(path), lambda tmp: tmp.write_text(card, encoding="utf-8"))


def model_card(manifest: dict) -> str:
    """A short Markdown card from a manifest; facts the manifest lacks read 'unknown'."""
    metrics = manifest.get("metrics") or {}
    manifest = {key: "unknown" for key in ("trained_at", "training_rows", "training_data_sha256",
                                           "stance_version", "python_version")} | manifest
    lines = [
        "# Model card: stance",
        "",
        "Labels the diplomatic posture of one country in one sentence: "
        + ", ".join(manifest["labels"]) + ".",
        "",
        "- Model: TF-IDF word n-grams over target-aware views of the sentence (the target country "
        "masked, other countries masked apart, negation scope marked, the target's clause with "
        "multilingual posture cues) and multinomial logistic regression (scikit-learn).",
        f"- Trained {manifest['trained_at']} on {manifest['training_rows']} annotated rows "
        f"(sha256 {manifest['training_data_sha256'][:16]}…), every split included.",
        f"- Versions: stance {manifest['stance_version']}, scikit-learn {manifest['sklearn_version']}, "
        f"Python {manifest['python_version']}.",
        "- Intended use: news in French and English about embassies and diplomatic reactions. "
        "German, Spanish and Italian sentences get country mentions but the model has seen no "
        "training sentence in those languages: treat their postures as unreliable.",
        "- Limits: one sentence at a time; irony, long-range coreference ('it said its mission…' "
        "two sentences later) and postures stated only in headlines are missed.",
    ]
    if metrics:
        lines += [
            "",
            "## Scores on the fixed test split (model fitted on the train split)",
            "",
            f"macro-F1 {metrics['macro_f1']:.3f}; per class: "
            + ", ".join(f"{label} {value:.3f}" for label, value in metrics["f1"].items()),
        ]
    return "\n".join(lines) + "\n"


def load_model(path: str | Path | None = None):
    """Load a saved model after checking its manifest.

    Raises
    ------
    ModelError : the manifest is missing or unreadable, the model file's sha256 differs from the
        manifest's, or the model was saved with another scikit-learn version. The file is not
        unpickled in those cases.
    FileNotFoundError : there is no model file.
    """
    import sklearn

    path = Path(path) if path is not None else config.DEFAULT_MODEL
    if not path.exists():
        raise FileNotFoundError(f"{path}: no trained model; train one with 'stance train'")
    manifest_file = manifest_path(path)
    try:
        manifest = json.loads(manifest_file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ModelError(f"{path}: its manifest {manifest_file.name} is missing; {RETRAIN_HINT}") from None
    except (OSError, ValueError) as error:
        raise ModelError(f"{manifest_file}: unreadable manifest ({error}); {RETRAIN_HINT}") from None
    expected = manifest.get("model_sha256")
    if not expected or sha256_file(path) != expected:
        raise ModelError(f"{path}: sha256 does not match its manifest, so it was not loaded; {RETRAIN_HINT}")
    if manifest.get("sklearn_version") != sklearn.__version__:
        raise ModelError(
            f"{path}: saved with scikit-learn {manifest.get('sklearn_version')}, this is "
            f"{sklearn.__version__}; {RETRAIN_HINT}"
        )
    if set(manifest.get("labels", ())) - set(schema.LABELS):
        raise ModelError(f"{path}: manifest lists unknown labels {manifest['labels']}; {RETRAIN_HINT}")
    import joblib

    return joblib.load(path)
