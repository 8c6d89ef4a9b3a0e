"""Label Studio adapter: push articles with the model's suggestions, pull annotations back.

All Label Studio code lives here. The connection comes from ``LABEL_STUDIO_URL`` and
``LABEL_STUDIO_API_KEY`` (or the matching options) and uses the current SDK client,
``label_studio_sdk.LabelStudio``.

One task is one sentence with at least one country mention. An annotator marks each mention as a
span with a posture (``stance``), and gives it an ISO alpha-3 code (``country``) and a role
(``role``). Pulled rows land in ``annotations/labelstudio.jsonl``, their articles in
``annotations/labelstudio_articles.jsonl``; existing rows are never lost or silently overwritten.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
import tomllib
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from stance import __version__, config, schema

LABEL_CONFIG = """<View>
  <Header value="$article_id ($language, $date)"/>
  <Labels name="stance" toName="text" showInline="true">
    <Label value="closed" background="#d62728"/>
    <Label value="open" background="#2ca02c"/>
    <Label value="limited" background="#ff7f0e"/>
    <Label value="opposed" background="#9467bd"/>
    <Label value="none" background="#7f7f7f"/>
  </Labels>
  <Text name="text" value="$text"/>
  <View visibleWhen="region-selected">
    <Header value="Country of the selected mention (ISO 3166-1 alpha-3) and its role"/>
    <TextArea name="country" toName="text" perRegion="true" maxSubmissions="1" editable="true"/>
    <Choices name="role" toName="text" perRegion="true" choice="single">
      <Choice value="actor"/>
      <Choice value="location"/>
    </Choices>
  </View>
</View>"""


class LabelStudioError(RuntimeError):
    """Label Studio cannot be used as asked; the message is one line saying what to do."""


# --------------------------------------------------------------------------- connection


def connect(url: str | None = None, api_key: str | None = None):
    """A ``LabelStudio`` client for ``url`` and ``api_key`` (default: the environment)."""
    from label_studio_sdk import LabelStudio

    url = url or os.environ.get("LABEL_STUDIO_URL")
    api_key = api_key or os.environ.get("LABEL_STUDIO_API_KEY")
    if not url:
        raise LabelStudioError("no Label Studio address: set LABEL_STUDIO_URL or pass --url")
    if not api_key:
        raise LabelStudioError("no Label Studio API key: set LABEL_STUDIO_API_KEY or pass --api-key")
    return _Client(LabelStudio(base_url=url, api_key=api_key, timeout=30), url)


class _Client:
    """The SDK client, with its failures turned into one-line :class:`LabelStudioError`."""

    def __init__(self, client, url: str):
        self.client, self.url = client, url

    def call(self, what: str, func, *args, **kwargs):
        import httpx
        from label_studio_sdk.core.api_error import ApiError

        try:
            return func(*args, **kwargs)
        except httpx.TransportError as error:
            raise LabelStudioError(
                f"cannot reach Label Studio at {self.url} ({type(error).__name__}); is the server running? "
                "(see README, 'Annotate')"
            ) from None
        except ApiError as error:
            if error.status_code in (401, 403):
                raise LabelStudioError(
                    f"Label Studio at {self.url} refused the API key ({error.status_code}); check LABEL_STUDIO_API_KEY"
                ) from None
            raise LabelStudioError(f"Label Studio at {self.url} answered {error.status_code} to {what}") from None

    def find_project(self, title: str):
        projects = self.call("listing projects", lambda: list(self.client.projects.list()))
        return next((p for p in projects if p.title == title), None)

    def project(self, title: str, *, create: bool = False):
        project = self.find_project(title)
        if project is None and create:
            project = self.call(
                "creating a project", self.client.projects.create, title=title, label_config=LABEL_CONFIG
            )
        if project is None:
            raise LabelStudioError(f"no project named {title!r} on Label Studio at {self.url}")
        return project

    def task_keys(self, project_id: int) -> set[str]:
        tasks = self.call("listing tasks", lambda: list(self.client.tasks.list(project=project_id)))
        return {(task.data or {}).get("task_key") for task in tasks}

    def export(self, project_id: int) -> list[dict]:
        return self.call("an export", self.client.projects.exports.as_json, project_id)


# --------------------------------------------------------------------------- push


@dataclass
class PushResult:
    project_id: int
    created: int
    skipped: int


def _article_meta(path: Path) -> dict:
    """Metadata of an article file from a ``.toml`` beside it (as in ``seeds/``), if any."""
    meta_path = path.with_suffix(".toml")
    if meta_path.exists():
        return tomllib.loads(meta_path.read_text(encoding="utf-8"))
    return {}


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "article"


def tasks_for_articles(
    paths: list[str],
    *,
    date: str | None = None,
    event_id: str | None = None,
    order: str = "article",
    model=None,
) -> list[dict]:
    """Label Studio tasks (with the model's predictions) for the sentences of some articles."""
    from stance.inputs import InputError, read_articles
    from stance.language import guess_language
    from stance.predict import predict_many

    articles = []
    for article in read_articles(paths):
        if isinstance(article, InputError):
            raise article
        meta = _article_meta(Path(article.source)) if article.source != "-" else {}
        day = date or meta.get("date")
        if not day or not schema.is_iso_date(str(day)):
            raise ValueError(f"{article.source}: no article date; pass --date YYYY-MM-DD")
        sha = hashlib.sha256(article.text.encode("utf-8")).hexdigest()
        stem = Path(article.source).name.split(".")[0] if article.source != "-" else "stdin"
        articles.append(
            {
                "article_id": meta.get("article_id") or f"ls-{_slug(stem)}-{sha[:8]}",
                "event_id": event_id or meta.get("event_id") or _slug(stem),
                "date": str(day),
                "language": meta.get("language") or guess_language(article.text),
                "text": article.text,
                "sha256": sha,
            }
        )
    for article in articles:
        if not schema.is_event_id(article["event_id"]):
            raise ValueError(f"event id {article['event_id']!r} must be lowercase-with-hyphens")
    results = predict_many(
        [a["text"] for a in articles],
        dates=[a["date"] for a in articles],
        languages=[a["language"] for a in articles],
        model=model,
    )
    version = f"stance-{__version__}"
    tasks = []
    for article, result in zip(articles, results):
        by_sentence: dict[int, list[dict]] = defaultdict(list)
        for row in result["sentences"]:
            by_sentence[row["sentence_start"]].append(row)
        for start, rows in sorted(by_sentence.items()):
            sentence = rows[0]["sentence"]
            regions = []
            for index, row in enumerate(rows):
                region = f"m{index + 1}"
                span = {"start": row["mention_start"], "end": row["mention_end"]}
                regions += [
                    {
                        "id": region,
                        "from_name": "stance",
                        "to_name": "text",
                        "type": "labels",
                        "value": {**span, "text": row["mention"], "labels": [row["stance"]]},
                    },
                    {
                        "id": region,
                        "from_name": "country",
                        "to_name": "text",
                        "type": "textarea",
                        "value": {**span, "text": [row["country"]]},
                    },
                    {
                        "id": region,
                        "from_name": "role",
                        "to_name": "text",
                        "type": "choices",
                        "value": {**span, "choices": [row["role"]]},
                    },
                ]
            score = min(row["confidence"] for row in rows)
            tasks.append(
                {
                    "data": {
                        "text": sentence,
                        "task_key": f"{article['article_id']}#{start}",
                        "article_id": article["article_id"],
                        "event_id": article["event_id"],
                        "date": article["date"],
                        "language": article["language"],
                        "sentence_start": start,
                        "sentence_end": rows[0]["sentence_end"],
                        "article_sha256": article["sha256"],
                        "article_text": article["text"],
                    },
                    "predictions": [{"result": regions, "score": round(float(score), 4), "model_version": version}],
                }
            )
    if order == "uncertainty":
        tasks.sort(key=lambda task: task["predictions"][0]["score"])
    elif order != "article":
        raise ValueError(f"order {order!r} is not one of article, uncertainty")
    return tasks


def push(
    paths: list[str],
    *,
    project: str,
    url: str | None = None,
    api_key: str | None = None,
    order: str = "article",
    date: str | None = None,
    event_id: str | None = None,
    model=None,
) -> PushResult:
    """Create or reuse ``project`` and add one task per sentence not already in it."""
    client = connect(url, api_key)
    found = client.project(project, create=True)  # fails fast when the server is down
    tasks = tasks_for_articles(paths, date=date, event_id=event_id, order=order, model=model)
    existing = client.task_keys(found.id)
    new = [task for task in tasks if task["data"]["task_key"] not in existing]
    if new:
        client.call("importing tasks", client.client.projects.import_tasks, id=found.id, request=new)
    return PushResult(found.id, len(new), len(tasks) - len(new))


# --------------------------------------------------------------------------- pull


@dataclass
class Conversion:
    rows: list[dict] = field(default_factory=list)
    articles: dict[str, dict] = field(default_factory=dict)
    conflicts: list[str] = field(default_factory=list)
    dropped: int = 0  # skipped or cancelled annotations
    agreement: dict[str, float] = field(default_factory=dict)
    annotators: int = 0


def _annotator(annotation: dict) -> str:
    who = annotation.get("completed_by")
    if isinstance(who, dict):
        return who.get("email") or f"user-{who.get('id')}"
    return f"user-{who}" if who is not None else "unknown"


def _regions(result: list[dict], where: str) -> list[dict]:
    """The annotated mentions of one annotation result: span, label, country, role."""
    grouped: dict[str, dict] = defaultdict(dict)
    for item in result:
        value = item.get("value") or {}
        region = grouped[item.get("id") or f"{value.get('start')}:{value.get('end')}"]
        if "start" in value and "end" in value:
            region["start"], region["end"] = value["start"], value["end"]
        if item.get("from_name") == "stance":
            labels = value.get("labels") or []
            region["label"] = labels[0] if labels else None
            region["text"] = value.get("text")
        elif item.get("from_name") == "country":
            text = value.get("text") or []
            region["country"] = (text[0] if isinstance(text, list) and text else str(text)).strip().upper()
        elif item.get("from_name") == "role":
            choices = value.get("choices") or []
            region["role"] = choices[0] if choices else None
    mentions = []
    for region in grouped.values():
        if "label" not in region:
            continue
        if not region.get("country"):
            raise ValueError(f"{where}: the mention {region.get('text')!r} has no country code")
        region.setdefault("role", "actor")
        for column, allowed in (("label", schema.LABELS), ("role", schema.ROLES)):
            if region[column] not in allowed:
                raise ValueError(
                    f"{where}: the mention {region.get('text')!r} has {column} {region[column]!r}, "
                    f"which is not one of {schema.one_of(allowed)}"
                )
        mentions.append(region)
    return mentions


def rows_from_export(tasks: list, *, test_events: frozenset[str] = frozenset()) -> Conversion:
    """Turn a Label Studio JSON export (a list of tasks) into dataset rows.

    Skipped and cancelled annotations are dropped. A mention that annotators labelled differently
    is a conflict: reported, and left out. Agreeing annotators give one row, naming them all.
    """
    if not isinstance(tasks, list):
        raise ValueError("a Label Studio JSON export is a list of tasks")
    out = Conversion()
    pairs: dict[tuple[str, str], list[tuple[str, str]]] = defaultdict(list)  # (a, b) -> [(label_a, label_b)]
    everyone = set()
    for number, task in enumerate(tasks, 1):
        if not isinstance(task, dict) or not isinstance(task.get("data"), dict):
            raise ValueError(f"task {number} of the export has no 'data' object")
        data, task_id = task["data"], task.get("id", number)
        needed = ("text", "article_id", "event_id", "date", "language", "sentence_start", "sentence_end")
        missing = [key for key in needed if key not in data]
        if missing:
            raise ValueError(
                f"task {task_id}: data lacks {', '.join(missing)} (was it pushed by 'stance annotate push'?)"
            )
        by_span: dict[tuple, dict[str, dict]] = defaultdict(dict)
        for annotation in task.get("annotations") or []:
            if annotation.get("was_cancelled") or not annotation.get("result"):
                out.dropped += 1
                continue
            who = _annotator(annotation)
            everyone.add(who)
            for region in _regions(annotation["result"], f"task {task_id}"):
                by_span[(region["start"], region["end"], region["country"])][who] = region
        for (start, end, country), votes in sorted(by_span.items()):
            labels = {(r["label"], r["role"]) for r in votes.values()}
            names = sorted(votes)
            for i, a in enumerate(names):
                for b in names[i + 1 :]:
                    pairs[(a, b)].append((votes[a]["label"], votes[b]["label"]))
            if len(labels) > 1:
                shown = ", ".join(f"{who}: {r['label']}/{r['role']}" for who, r in sorted(votes.items()))
                out.conflicts.append(
                    f"task {task_id} ({data['article_id']}), {country} {data['text'][start:end]!r}: {shown}"
                )
                continue
            label, role = labels.pop()
            out.rows.append(
                {
                    "row_id": f"{data['article_id']}/c{data['sentence_start']}/{start}-{end}-{country}",
                    "article_id": data["article_id"],
                    "event_id": data["event_id"],
                    "date": data["date"],
                    "language": data["language"],
                    "sentence": data["text"],
                    "sentence_start": int(data["sentence_start"]),
                    "sentence_end": int(data["sentence_end"]),
                    "country": country,
                    "mention": data["text"][start:end],
                    "mention_start": start,
                    "mention_end": end,
                    "role": role,
                    "label": label,
                    "source": "labelstudio",
                    "annotator": "+".join(names),
                    "split": "test" if data["event_id"] in test_events else "train",
                }
            )
        if "article_text" in data:
            out.articles[data["article_id"]] = {
                "article_id": data["article_id"],
                "event_id": data["event_id"],
                "language": data["language"],
                "date": data["date"],
                "source": "labelstudio",
                "seed_file": None,
                "text": data["article_text"],
            }
    out.annotators = len(everyone)
    out.agreement = agreement(pairs)
    return out


def agreement(pairs: dict[tuple[str, str], list[tuple[str, str]]]) -> dict[str, float]:
    """Cohen's kappa per label (that label against the rest) over mentions two annotators both
    labelled, pooled over annotator pairs; ``overall`` is the multi-class kappa."""
    from sklearn.metrics import cohen_kappa_score

    left = [a for votes in pairs.values() for a, _ in votes]
    right = [b for votes in pairs.values() for _, b in votes]
    if len(left) < 2:
        return {}
    figures = {"overall": float(cohen_kappa_score(left, right))} if len(set(left + right)) > 1 else {"overall": 1.0}
    for label in schema.LABELS:
        a = [x == label for x in left]
        b = [x == label for x in right]
        if any(a) or any(b):
            figures[label] = float(cohen_kappa_score(a, b)) if len(set(a + b)) > 1 else 1.0
    return figures


@dataclass
class MergeResult:
    added: int
    unchanged: int
    conflicts: list[str]


def merge(conversion: Conversion, annotations_dir: Path | None = None) -> MergeResult:
    """Add converted rows to ``labelstudio.jsonl``; never drop or overwrite a stored row.

    A row whose id is stored with other content is a conflict: reported, not written. Everything
    is checked before anything is written; files are replaced atomically.
    """
    from stance.data import (
        LABELSTUDIO_ARTICLES,
        LABELSTUDIO_FILE,
        load_articles,
        read_jsonl,
        validate_rows_file,
        write_jsonl_atomic,
    )

    folder = Path(annotations_dir or config.ANNOTATIONS_DIR)
    rows_path, articles_path = folder / LABELSTUDIO_FILE, folder / LABELSTUDIO_ARTICLES
    stored = [r for _, r in read_jsonl(rows_path)] if rows_path.exists() else []
    stored_articles = {r["article_id"]: r for _, r in read_jsonl(articles_path)} if articles_path.exists() else {}
    by_id = {row["row_id"]: row for row in stored}
    added, unchanged, conflicts = [], 0, list(conversion.conflicts)
    for row in conversion.rows:
        old = by_id.get(row["row_id"])
        if old is None:
            added.append(row)
            by_id[row["row_id"]] = row
        elif old == row:
            unchanged += 1
        else:
            conflicts.append(
                f"{row['row_id']}: stored as {old['label']}/{old['role']} by {old['annotator']}, "
                f"now {row['label']}/{row['role']} by {row['annotator']}; kept the stored row"
            )
    if not added:
        return MergeResult(0, unchanged, conflicts)
    for row in added:
        problems = schema.row_problems(row)
        if problems:
            raise ValueError(f"annotation {row['row_id']}: {problems[0]}")
    articles = {**stored_articles, **conversion.articles}
    merged = stored + added
    # Check the whole merged file in a scratch copy before touching annotations/.
    with tempfile.TemporaryDirectory() as scratch:
        scratch_rows = Path(scratch) / LABELSTUDIO_FILE
        write_jsonl_atomic(scratch_rows, merged)
        known = {**load_articles(folder), **articles}
        problems = validate_rows_file(scratch_rows, known)
        if problems:
            raise ValueError(
                f"pulled annotations are not valid rows: {problems[0].message} "
                f"(row {problems[0].line}); nothing was written"
            )
    write_jsonl_atomic(articles_path, list(articles.values()))
    write_jsonl_atomic(rows_path, merged)
    return MergeResult(len(added), unchanged, conflicts)


def test_events(annotations_dir: Path | None = None) -> frozenset[str]:
    from stance.data import ROWS_FILE, read_jsonl

    path = Path(annotations_dir or config.ANNOTATIONS_DIR) / ROWS_FILE
    if not path.exists():
        return frozenset()
    return frozenset(r["event_id"] for _, r in read_jsonl(path) if r.get("split") == "test")


def pull(
    *,
    project: str,
    url: str | None = None,
    api_key: str | None = None,
    annotations_dir: Path | None = None,
) -> tuple[Conversion, MergeResult]:
    """Export a project's annotations and merge them into the annotations folder."""
    client = connect(url, api_key)
    found = client.project(project)
    conversion = rows_from_export(client.export(found.id), test_events=test_events(annotations_dir))
    return conversion, merge(conversion, annotations_dir)


def import_export(path: str | Path, *, annotations_dir: Path | None = None) -> tuple[Conversion, MergeResult]:
    """The same conversion and merge as :func:`pull`, from a JSON export file."""
    path = Path(path)
    try:
        tasks = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise FileNotFoundError(f"{path}: no such file") from None
    except UnicodeDecodeError:
        raise ValueError(f"{path}: is not UTF-8 text") from None
    except json.JSONDecodeError as error:
        raise ValueError(f"{path}: malformed JSON at line {error.lineno}: {error.msg}") from None
    conversion = rows_from_export(tasks, test_events=test_events(annotations_dir))
    return conversion, merge(conversion, annotations_dir)


def format_pull(conversion: Conversion, result: MergeResult) -> str:
    lines = [
        f"{result.added} row(s) added, {result.unchanged} already there, "
        f"{conversion.dropped} skipped or cancelled annotation(s) dropped, "
        f"{len(result.conflicts)} conflict(s)"
    ]
    lines += [f"conflict: {c}" for c in result.conflicts]
    if conversion.agreement:
        lines.append(
            f"agreement between {conversion.annotators} annotators (Cohen's kappa): "
            + ", ".join(f"{k} {v:.2f}" for k, v in conversion.agreement.items())
        )
    return "\n".join(lines)
