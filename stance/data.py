"""The annotated dataset: build it from event files, load it, validate it, describe it.

``annotations/`` holds the event files (``events/*.md``, what people write), the compiled rows
(``rows.jsonl``, built by :func:`build`) and article texts (``articles.jsonl``), and the rows pulled
from Label Studio (``labelstudio.jsonl``). :func:`load_annotations` is the contract later stages use.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from stance import config, schema
from stance.authoring import Event, Problem, parse_events
from stance.features import has_negation_or_reopening

ROWS_FILE = "rows.jsonl"
ARTICLES_FILE = "articles.jsonl"
LABELSTUDIO_FILE = "labelstudio.jsonl"
LABELSTUDIO_ARTICLES = "labelstudio_articles.jsonl"
ROW_FILES = (ROWS_FILE, LABELSTUDIO_FILE)

#: The size and balance the dataset card promises; ``stance data stats`` checks them.
GOALS = {
    "rows": 2500,
    "language_share": {"fr": 0.40, "en": 0.40},
    "label_rows": {"closed": 300, "open": 300, "limited": 300, "opposed": 300, "none": 400},
    "multi_country_share": 0.30,
    "mixed_label_rows": 300,
    "negation_or_reopening_rows": 150,
    "events": 40,
}

#: One writer's share of the goals, for ``stance data check`` over a batch of event files.
HELPER_GOALS = {
    "rows": 480,
    "language_share": {"fr": 0.45, "en": 0.45},
    "label_rows": {"closed": 70, "open": 70, "limited": 70, "opposed": 70, "none": 90},
    "multi_country_share": 0.35,
    "mixed_label_rows": 60,
    "negation_or_reopening_rows": 30,
    "events": 7,
}


class DatasetError(ValueError):
    """The dataset on disk cannot be read as rows; ``line`` is 0 when the whole file is at fault."""

    def __init__(self, path: Path, line: int, reason: str):
        super().__init__(f"{path}:{line}: {reason}" if line else f"{path}: {reason}")
        self.path, self.line, self.reason = path, line, reason


# --------------------------------------------------------------------------- files


def write_atomic(path: Path, write) -> None:
    """Call ``write(temporary_path)`` on a temporary file beside ``path``, then rename it over
    ``path``: readers see the old file or the new one, never half of one."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    os.close(handle)
    try:
        write(Path(temporary))
        os.chmod(temporary, 0o666 & ~_umask())  # mkstemp makes it owner-only; give it the usual mode
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_jsonl_atomic(path: Path, records: list[dict]) -> None:
    """Write records as JSON Lines to ``path`` through a temporary file and a rename."""

    def write(temporary: Path) -> None:
        with open(temporary, "w", encoding="utf-8", newline="\n") as out:
            for record in records:
                out.write(json.dumps(record, ensure_ascii=False, sort_keys=False) + "\n")

    write_atomic(path, write)


def read_jsonl(path: Path) -> list[tuple[int, dict]]:
    """Read JSON Lines; return (line number, record) pairs. Raises DatasetError on bad input."""
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise DatasetError(path, 0, f"cannot be read: {error.strerror}") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise DatasetError(path, 0, f"is not UTF-8 text (byte {error.start})") from None
    records = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as error:
            raise DatasetError(path, number, f"malformed JSON: {error.msg}") from None
        if not isinstance(record, dict):
            raise DatasetError(path, number, "expected a JSON object per line")
        records.append((number, record))
    return records


def event_files(annotations_dir: Path | None = None) -> list[Path]:
    events_dir = Path(annotations_dir or config.ANNOTATIONS_DIR) / "events"
    return sorted(path for path in events_dir.glob("*.md") if path.name != "README.md")


# --------------------------------------------------------------------------- build


@dataclass
class BuildResult:
    events: list[Event]
    problems: list[Problem]
    rows: int
    articles: int


def compile_events(paths: list[Path]) -> BuildResult:
    """Parse event files and check them together (ids unique across files)."""
    events = parse_events(paths, repo_dir=config.REPO_DIR)
    problems = [problem for event in events for problem in event.problems]
    seen: dict[str, str] = {}
    for event in events:
        event_id = event.header.get("event_id")
        if event_id in seen:
            problems.append(Problem(str(event.path), 2, f"event_id {event_id!r} also in {seen[event_id]}"))
        elif event_id:
            seen[event_id] = str(event.path)
    rows = sum(len(event.rows) for event in events)
    articles = sum(len(event.articles) for event in events)
    return BuildResult(events, problems, rows, articles)


def build(annotations_dir: Path | None = None) -> BuildResult:
    """Compile every event file into ``rows.jsonl`` and ``articles.jsonl``.

    Nothing is written when any event file has a problem: the old files stay as they were.
    """
    annotations_dir = Path(annotations_dir or config.ANNOTATIONS_DIR)
    result = compile_events(event_files(annotations_dir))
    if result.problems:
        return result
    rows = [row for event in result.events for row in event.rows]
    articles = [
        {
            "article_id": a.article_id,
            "event_id": a.event_id,
            "language": a.language,
            "date": a.date,
            "source": a.source,
            "seed_file": a.seed_file,
            "text": a.text,
        }
        for event in result.events
        for a in event.articles
    ]
    write_jsonl_atomic(annotations_dir / ROWS_FILE, rows)
    write_jsonl_atomic(annotations_dir / ARTICLES_FILE, articles)
    return result


# --------------------------------------------------------------------------- load


def load_annotations(path: str | Path | None = None) -> pd.DataFrame:
    """Load the annotated rows as a DataFrame, one row per (sentence, country mention).

    Parameters
    ----------
    path : a folder like ``annotations/`` (its ``rows.jsonl`` and ``labelstudio.jsonl`` are read)
        or one JSON Lines file of rows. ``None`` loads the bundled dataset.

    Returns
    -------
    DataFrame with the columns of :data:`stance.schema.COLUMNS` (and any extra ones).

    Examples
    --------
    >>> frame = load_annotations()
    >>> sorted(frame["label"].unique())
    ['closed', 'limited', 'none', 'open', 'opposed']
    """
    path = Path(path) if path is not None else config.ANNOTATIONS_DIR
    if path.is_dir():
        files = [path / name for name in ROW_FILES if (path / name).exists()]
        if not files:
            raise FileNotFoundError(f"{path}: holds no {ROWS_FILE}; run 'stance data build'")
    elif path.exists():
        files = [path]
    else:
        raise FileNotFoundError(f"{path}: no such file or folder")
    records = [record for file in files for _, record in read_jsonl(file)]
    frame = pd.DataFrame.from_records(records)
    missing = [column for column in schema.COLUMNS if column not in frame.columns]
    if records and missing:
        raise DatasetError(path, 0, f"rows lack column(s) {', '.join(missing)}")
    if not records:
        frame = pd.DataFrame(columns=list(schema.COLUMNS))
    for column in schema.INT_COLUMNS:
        frame[column] = frame[column].astype("int64")
    return frame


def load_articles(path: str | Path | None = None) -> dict[str, dict]:
    """Article records by article_id, from ``articles.jsonl`` (and ``labelstudio_articles.jsonl``)
    in the annotations folder, or from one articles file."""
    folder = Path(path) if path is not None else config.ANNOTATIONS_DIR
    files = (
        [folder / n for n in (ARTICLES_FILE, LABELSTUDIO_ARTICLES) if (folder / n).exists()]
        if folder.is_dir()
        else [folder]
    )
    return {record["article_id"]: record for file in files for _, record in read_jsonl(file)}


# --------------------------------------------------------------------------- validate


def validate(annotations_dir: Path | None = None) -> list[Problem]:
    """Check the event files and every compiled row; return the problems (empty when valid).

    Checks: event files parse; ``rows.jsonl`` is what the event files compile to; every row's
    schema, labels, ISO codes and offsets (the mention equals its slice of the sentence, the
    sentence its slice of the article); duplicate rows; one sentence giving the same mention
    conflicting labels; an event in two splits.
    """
    annotations_dir = Path(annotations_dir or config.ANNOTATIONS_DIR)
    problems: list[Problem] = []
    paths = event_files(annotations_dir)
    result = compile_events(paths)
    problems.extend(result.problems)

    articles: dict[str, dict] = {}
    for name in (ARTICLES_FILE, LABELSTUDIO_ARTICLES):
        articles_path = annotations_dir / name
        if articles_path.exists():
            try:
                articles.update({r.get("article_id"): r for _, r in read_jsonl(articles_path)})
            except DatasetError as error:
                problems.append(Problem(str(articles_path), error.line, error.reason))
    for name in ROW_FILES:
        rows_path = annotations_dir / name
        if not rows_path.exists():
            if name == ROWS_FILE:
                problems.append(Problem(str(rows_path), 0, "missing; run 'stance data build'"))
            continue
        problems.extend(validate_rows_file(rows_path, articles))

    if paths and not result.problems and (annotations_dir / ROWS_FILE).exists():
        compiled = [row for event in result.events for row in event.rows]
        try:
            stored = [record for _, record in read_jsonl(annotations_dir / ROWS_FILE)]
        except DatasetError:
            stored = compiled  # already reported above
        if compiled != stored:
            problems.append(
                Problem(
                    str(annotations_dir / ROWS_FILE),
                    0,
                    "differs from what the event files compile to; run 'stance data build'",
                )
            )
    return problems


def validate_rows_file(path: Path, articles: dict[str, dict]) -> list[Problem]:
    """Check every row of one JSON Lines file of rows against the schema and the articles."""
    name = str(path)
    try:
        records = read_jsonl(path)
    except DatasetError as error:
        return [Problem(name, error.line, error.reason)]
    problems = []
    seen_ids: dict[str, int] = {}
    seen_spans: dict[tuple, int] = {}
    labels_by_mention: dict[tuple, dict[str, int]] = {}
    splits_by_event: dict[str, dict[str, int]] = {}
    for number, row in records:
        row_problems = schema.row_problems(row)
        problems.extend(Problem(name, number, message) for message in row_problems)
        if row_problems:
            continue
        article = articles.get(row["article_id"])
        if article is None:
            problems.append(Problem(name, number, f"article {row['article_id']!r} is not in {ARTICLES_FILE}"))
        elif article["text"][row["sentence_start"] : row["sentence_end"]] != row["sentence"]:
            problems.append(
                Problem(
                    name,
                    number,
                    f"sentence does not equal the article slice {row['sentence_start']}:{row['sentence_end']}",
                )
            )
        if row["row_id"] in seen_ids:
            problems.append(Problem(name, number, f"row_id {row['row_id']!r} repeats line {seen_ids[row['row_id']]}"))
        seen_ids.setdefault(row["row_id"], number)
        span = (row["article_id"], row["sentence_start"], row["mention_start"], row["mention_end"], row["country"])
        if span in seen_spans:
            problems.append(Problem(name, number, f"duplicate of the mention on line {seen_spans[span]}"))
        seen_spans.setdefault(span, number)
        mention_key = (row["sentence"], row["mention_start"], row["mention_end"], row["country"])
        labels = labels_by_mention.setdefault(mention_key, {})
        labels.setdefault(row["label"], number)
        if len(labels) == 2 and row["label"] not in list(labels)[:1]:
            first = next(iter(labels.items()))
            problems.append(
                Problem(
                    name,
                    number,
                    f"mention {row['mention']!r} ({row['country']}) is labelled {row['label']!r} here "
                    f"and {first[0]!r} on line {first[1]} in the same sentence",
                )
            )
        splits = splits_by_event.setdefault(row["event_id"], {})
        splits.setdefault(row["split"], number)
        if len(splits) == 2 and list(splits)[-1] == row["split"] and splits[row["split"]] == number:
            other = next(s for s in splits if s != row["split"])
            problems.append(
                Problem(
                    name,
                    number,
                    f"event {row['event_id']!r} is in split {row['split']!r} here and in {other!r} "
                    f"on line {splits[other]}",
                )
            )
    return problems


# --------------------------------------------------------------------------- stats


def sentence_keys(frame: pd.DataFrame) -> pd.Series:
    return frame["article_id"] + "#" + frame["sentence_start"].astype(str)


def stats(frame: pd.DataFrame) -> dict:
    """Size and balance figures of a frame of rows (see :data:`GOALS`)."""
    if frame.empty:
        return {
            "rows": 0,
            "events": 0,
            "articles": 0,
            "sentences": 0,
            "by_language": {},
            "by_label": {},
            "by_language_label": {},
            "multi_country_rows": 0,
            "multi_country_share": 0.0,
            "mixed_label_rows": 0,
            "mixed_posture_rows": 0,
            "negation_or_reopening_rows": 0,
            "by_split": {},
            "by_source": {},
        }
    keys = sentence_keys(frame)
    countries_per_sentence = frame.groupby(keys)["country"].nunique()
    multi = keys.map(countries_per_sentence) >= 2

    actors = frame[frame["role"] == "actor"]
    actor_keys = sentence_keys(actors)
    per_country = actors.groupby([actor_keys, actors["country"]])["label"].agg(lambda s: s.mode().iat[0])
    labels_per_sentence = per_country.groupby(level=0).nunique()
    postures = per_country[per_country != "none"].groupby(level=0).nunique()
    mixed = keys.map(labels_per_sentence).fillna(0) >= 2
    mixed_postures = keys.map(postures).fillna(0) >= 2
    negation = frame["sentence"].map(has_negation_or_reopening)

    return {
        "rows": len(frame),
        "events": frame["event_id"].nunique(),
        "articles": frame["article_id"].nunique(),
        "sentences": keys.nunique(),
        "by_language": frame["language"].value_counts().to_dict(),
        "by_label": frame["label"].value_counts().reindex(schema.LABELS, fill_value=0).to_dict(),
        "by_language_label": pd.crosstab(frame["language"], frame["label"]).to_dict(orient="index"),
        "multi_country_rows": int(multi.sum()),
        "multi_country_share": float(multi.mean()),
        "mixed_label_rows": int(mixed.sum()),
        "mixed_posture_rows": int(mixed_postures.sum()),
        "negation_or_reopening_rows": int(negation.sum()),
        "by_split": frame["split"].value_counts().to_dict(),
        "by_source": frame["source"].value_counts().to_dict(),
    }


def goal_checks(figures: dict, goals: dict | None = None) -> list[tuple[str, str, str, bool]]:
    """(figure, value, goal, met) for every goal in :data:`GOALS`."""
    goals = goals or GOALS
    rows = max(figures["rows"], 1)
    checks = [("rows", str(figures["rows"]), f">= {goals['rows']}", figures["rows"] >= goals["rows"])]
    for language, share in goals["language_share"].items():
        value = figures["by_language"].get(language, 0) / rows
        checks.append((f"{language} share", f"{value:.1%}", f">= {share:.0%}", value >= share))
    for label, minimum in goals["label_rows"].items():
        value = figures["by_label"].get(label, 0)
        checks.append((f"{label} rows", str(value), f">= {minimum}", value >= minimum))
    share = figures["multi_country_share"]
    checks.append(
        (
            "rows in multi-country sentences",
            f"{share:.1%}",
            f">= {goals['multi_country_share']:.0%}",
            share >= goals["multi_country_share"],
        )
    )
    value = figures["mixed_label_rows"]
    checks.append(
        (
            "rows in mixed-label sentences",
            str(value),
            f">= {goals['mixed_label_rows']}",
            value >= goals["mixed_label_rows"],
        )
    )
    value = figures["negation_or_reopening_rows"]
    checks.append(
        (
            "rows with negation or reopening",
            str(value),
            f">= {goals['negation_or_reopening_rows']}",
            value >= goals["negation_or_reopening_rows"],
        )
    )
    checks.append(("events", str(figures["events"]), f">= {goals['events']}", figures["events"] >= goals["events"]))
    return checks


def format_stats(figures: dict, *, goals: dict | None = None) -> str:
    """The stats as readable text, with each goal and whether it is met."""
    lines = [
        f"rows {figures['rows']}, sentences {figures['sentences']}, articles {figures['articles']}, "
        f"events {figures['events']}",
        "",
        "rows by language and label:",
    ]
    table = pd.DataFrame(figures["by_language_label"]).T.reindex(columns=list(schema.LABELS), fill_value=0)
    if not table.empty:
        table = table.fillna(0).astype(int)
        table["total"] = table.sum(axis=1)
        table.loc["total"] = table.sum()
        lines.append(table.to_string())
    lines += [
        "",
        f"rows by split: {figures['by_split']}",
        f"rows by source: {figures['by_source']}",
        f"rows in sentences whose actor countries carry two or more different non-none postures: "
        f"{figures['mixed_posture_rows']}",
        "",
        "goals:",
    ]
    for name, value, goal, met in goal_checks(figures, goals):
        lines.append(f"  {'ok  ' if met else 'MISS'} {name:<34} {value:>8}  (goal {goal})")
    return "\n".join(lines)


def check_files(paths: list[Path]) -> tuple[list[Problem], dict]:
    """Parse some event files alone; return their problems and the stats of their rows."""
    result = compile_events([path for path in paths if path.name != "README.md"])
    frame = pd.DataFrame([row for event in result.events for row in event.rows])
    return result.problems, stats(frame)
