"""Compile event files (inline markup, one sentence per line) into articles and dataset rows.

The format is described in ``annotations/events/README.md``. A mention is written
``[surface](ISO3:label)`` or ``[surface](ISO3:none:location)``.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from stance import schema

MENTION = re.compile(r"\[([^\[\]\n]+)\]\(([^()\s]*)\)")
ARTICLE_HEADING = re.compile(r"^##\s+(.*)$")
LOCAL_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
HEADER_FIELDS = ("event_id", "title", "place", "host", "date", "split", "sources")


@dataclass(frozen=True, slots=True)
class Problem:
    """One problem found in a file, at a line (1-based; 0 when it concerns the whole file)."""

    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}" if self.line else f"{self.path}: {self.message}"


@dataclass
class Article:
    article_id: str
    event_id: str
    language: str
    date: str
    text: str
    source: str  # "written" or "seed"
    seed_file: str | None = None


@dataclass
class Event:
    """One compiled event file: its header, its articles and its rows."""

    path: Path
    header: dict
    articles: list[Article] = field(default_factory=list)
    rows: list[dict] = field(default_factory=list)
    row_lines: list[int] = field(default_factory=list)  # source line of each row
    problems: list[Problem] = field(default_factory=list)


def parse_event_file(path: str | Path, *, repo_dir: Path | None = None) -> Event:
    """Parse one event file into an :class:`Event`; problems are collected, never raised.

    Parameters
    ----------
    path : path of the event file.
    repo_dir : folder that ``source=seeds/...`` paths are relative to (the repository root).
    """
    path = Path(path)
    name = str(path)
    event = Event(path=path, header={})
    try:
        lines = path.read_text(encoding="utf-8").split("\n")
    except UnicodeDecodeError as error:
        event.problems.append(Problem(name, 0, f"is not UTF-8 text ({error.reason})"))
        return event
    except OSError as error:
        event.problems.append(Problem(name, 0, f"cannot be read: {error.strerror}"))
        return event

    body_start = _parse_header(event, lines)
    if event.problems:
        return event
    _parse_articles(event, lines, body_start, repo_dir or path.resolve().parents[2])
    return event


def _parse_header(event: Event, lines: list[str]) -> int:
    name = str(event.path)
    if not lines or lines[0].strip() != "+++":
        event.problems.append(Problem(name, 1, "must start with a '+++' line opening the header"))
        return 0
    try:
        close = next(i for i in range(1, len(lines)) if lines[i].strip() == "+++")
    except StopIteration:
        event.problems.append(Problem(name, 1, "header is never closed by a second '+++' line"))
        return 0
    try:
        header = tomllib.loads("\n".join(lines[1:close]))
    except tomllib.TOMLDecodeError as error:
        event.problems.append(Problem(name, 2, f"header is not valid TOML: {error}"))
        return 0
    missing = [key for key in HEADER_FIELDS if key not in header]
    if missing:
        event.problems.append(Problem(name, 1, f"header lacks {', '.join(missing)}"))
        return 0
    if header["event_id"] != event.path.stem or not schema.is_event_id(header["event_id"]):
        event.problems.append(
            Problem(
                name,
                2,
                f"event_id {header['event_id']!r} must equal the file name stem "
                f"{event.path.stem!r}, lowercase-with-hyphens",
            )
        )
    if header["split"] not in schema.SPLITS:
        event.problems.append(
            Problem(name, 2, f"split {header['split']!r} is not one of {schema.one_of(schema.SPLITS)}")
        )
    if header["host"] not in schema.country_codes():
        event.problems.append(Problem(name, 2, f"host {header['host']!r} is not an ISO alpha-3 code"))
    if not schema.is_iso_date(str(header["date"])):
        event.problems.append(Problem(name, 2, f"date {header['date']!r} is not YYYY-MM-DD"))
    sources = header["sources"]
    if not isinstance(sources, list) or not sources:
        event.problems.append(Problem(name, 2, "sources must hold at least one [[sources]] entry"))
    else:
        for number, source in enumerate(sources, 1):
            lacking = [key for key in ("outlet", "date", "fact") if not source.get(key)]
            if lacking:
                event.problems.append(Problem(name, 2, f"sources entry {number} lacks {', '.join(lacking)}"))
    header["date"] = str(header["date"])
    event.header = header
    return close + 1


def _parse_articles(event: Event, lines: list[str], start: int, repo_dir: Path) -> None:
    name = str(event.path)
    current: dict | None = None
    seen_ids: set[str] = set()

    def finish() -> None:
        if current is not None:
            _compile_article(event, current, repo_dir)

    for index in range(start, len(lines)):
        number = index + 1
        line = lines[index].rstrip()
        heading = ARTICLE_HEADING.match(line)
        if heading:
            finish()
            # A broken heading still opens an article, so its lines raise no further problems.
            current = _article_heading(event, heading.group(1), number, seen_ids) or {
                "broken": True,
                "paragraphs": [[]],
            }
            continue
        if current is None:
            if line.strip():
                event.problems.append(Problem(name, number, "text before the first '## <id> | <lang> | <date>' line"))
            continue
        if not line.strip():
            if current["paragraphs"][-1]:
                current["paragraphs"].append([])
            continue
        current["paragraphs"][-1].append((number, line.strip()))
    finish()
    if not event.articles and not event.problems:
        event.problems.append(Problem(name, 0, "holds no article"))


def _article_heading(event: Event, heading: str, number: int, seen: set[str]) -> dict | None:
    name = str(event.path)
    parts = [part.strip() for part in heading.split("|")]
    if len(parts) not in (3, 4):
        event.problems.append(
            Problem(
                name,
                number,
                "article heading must be '## <id> | <language> | <YYYY-MM-DD>'"
                " with an optional '| source=seeds/<file>'",
            )
        )
        return None
    local, language, day = parts[:3]
    problems = []
    if not LOCAL_ID.match(local):
        problems.append(f"article id {local!r} must be lowercase-with-hyphens")
    elif local in seen:
        problems.append(f"article id {local!r} is used twice in this file")
    if language not in schema.language_codes():
        problems.append(f"language {language!r} is not an ISO 639-1 code")
    if not schema.is_iso_date(day):
        problems.append(f"date {day!r} is not YYYY-MM-DD")
    seed_file = None
    if len(parts) == 4:
        if not parts[3].startswith("source="):
            problems.append(f"expected 'source=seeds/<file>', found {parts[3]!r}")
        else:
            seed_file = parts[3].removeprefix("source=")
    if problems:
        event.problems.extend(Problem(name, number, message) for message in problems)
        return None
    seen.add(local)
    return {
        "article_id": f"{event.header['event_id']}/{local}",
        "language": language,
        "date": day,
        "seed_file": seed_file,
        "line": number,
        "paragraphs": [[]],
    }


def _parse_sentence(event: Event, number: int, line: str) -> tuple[str, list[dict]] | None:
    """Strip the markup of one sentence line; return its text and its mentions."""
    name = str(event.path)
    pieces, mentions, cursor, plain_length = [], [], 0, 0
    ok = True
    for match in MENTION.finditer(line):
        before = line[cursor : match.start()]
        pieces.append(before)
        plain_length += len(before)
        surface, spec = match.group(1), match.group(2)
        parsed = _parse_spec(spec)
        if isinstance(parsed, str):
            event.problems.append(Problem(name, number, f"mention [{surface}]({spec}): {parsed}"))
            ok = False
        elif surface != surface.strip():
            event.problems.append(Problem(name, number, f"mention [{surface}] has leading or trailing spaces"))
            ok = False
        else:
            country, label, role = parsed
            mentions.append(
                {
                    "country": country,
                    "mention": surface,
                    "mention_start": plain_length,
                    "mention_end": plain_length + len(surface),
                    "role": role,
                    "label": label,
                }
            )
        pieces.append(surface)
        plain_length += len(surface)
        cursor = match.end()
    pieces.append(line[cursor:])
    text = "".join(pieces)
    stray = re.search(r"\]\(|\[[^\]]*$", text)
    if stray:
        event.problems.append(
            Problem(
                name,
                number,
                f"unbalanced or malformed markup near {text[max(0, stray.start() - 20) : stray.end() + 20]!r}",
            )
        )
        ok = False
    return (text, mentions) if ok else None


def _parse_spec(spec: str) -> tuple[str, str, str] | str:
    parts = spec.split(":")
    if len(parts) not in (2, 3):
        return "expected (ISO3:label) or (ISO3:none:location)"
    country, label = parts[0], parts[1]
    role = parts[2] if len(parts) == 3 else "actor"
    if country not in schema.country_codes():
        return f"country {country!r} is not an ISO 3166-1 alpha-3 code"
    if label not in schema.LABELS:
        return f"label {label!r} is not one of {schema.one_of(schema.LABELS)}"
    if role not in schema.ROLES:
        return f"role {role!r} is not one of {schema.one_of(schema.ROLES)}"
    if role == "location" and label != "none":
        return f"a location carries label {label!r}; locations are always 'none'"
    return country, label, role


def _compile_article(event: Event, article: dict, repo_dir: Path) -> None:
    if article.get("broken"):
        return
    name = str(event.path)
    paragraphs = [p for p in article["paragraphs"] if p]
    sentences = []  # (line number, text, mentions)
    for paragraph in paragraphs:
        for number, line in paragraph:
            parsed = _parse_sentence(event, number, line)
            if parsed is not None:
                sentences.append((number, *parsed))
    if not sentences:
        event.problems.append(Problem(name, article["line"], "article has no sentence"))
        return

    if article["seed_file"]:
        seed_path = repo_dir / article["seed_file"]
        try:
            text = seed_path.read_text(encoding="utf-8")
        except OSError:
            event.problems.append(Problem(name, article["line"], f"cannot read {article['seed_file']}"))
            return
        offsets, cursor = [], 0
        for number, sentence, _ in sentences:
            found = text.find(sentence, cursor)
            if found < 0:
                event.problems.append(Problem(name, number, f"sentence not found, in order, in {article['seed_file']}"))
                return
            offsets.append(found)
            cursor = found + len(sentence)
        source = "seed"
    else:
        offsets, parts, position = [], [], 0
        for p_index, paragraph in enumerate(paragraphs):
            if p_index:
                parts.append("\n\n")
                position += 2
            for s_index, (number, line) in enumerate(paragraph):
                if s_index:
                    parts.append(" ")
                    position += 1
                plain = next((s for n, s, _ in sentences if n == number), None)
                if plain is None:  # a line with broken markup: keep offsets honest
                    plain = MENTION.sub(lambda m: m.group(1), line)
                else:
                    offsets.append(position)
                parts.append(plain)
                position += len(plain)
        text = "".join(parts)
        source = "written"

    header = event.header
    event.articles.append(
        Article(
            article_id=article["article_id"],
            event_id=header["event_id"],
            language=article["language"],
            date=article["date"],
            text=text,
            source=source,
            seed_file=article["seed_file"],
        )
    )
    for s_index, ((number, sentence, mentions), start) in enumerate(zip(sentences, offsets)):
        for m_index, mention in enumerate(mentions):
            event.rows.append(
                {
                    "row_id": f"{article['article_id']}/s{s_index + 1:03d}/m{m_index + 1}",
                    "article_id": article["article_id"],
                    "event_id": header["event_id"],
                    "date": article["date"],
                    "language": article["language"],
                    "sentence": sentence,
                    "sentence_start": start,
                    "sentence_end": start + len(sentence),
                    **mention,
                    "source": source,
                    "annotator": header.get("annotator", "stance-team"),
                    "split": header["split"],
                }
            )
            event.row_lines.append(number)


def parse_events(paths: list[Path], *, repo_dir: Path | None = None) -> list[Event]:
    """Parse several event files; see :func:`parse_event_file`."""
    return [parse_event_file(path, repo_dir=repo_dir) for path in paths]
