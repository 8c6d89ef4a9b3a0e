"""The dataset's schema, written down once: labels, roles, row columns and their checks."""

from __future__ import annotations

import re
from datetime import date
from functools import cache

LABELS = ("closed", "open", "limited", "opposed", "none")
ROLES = ("actor", "location")
SOURCES = ("seed", "written", "labelstudio")
SPLITS = ("train", "test")

COLUMNS = (
    "row_id",
    "article_id",
    "event_id",
    "date",
    "language",
    "sentence",
    "sentence_start",
    "sentence_end",
    "country",
    "mention",
    "mention_start",
    "mention_end",
    "role",
    "label",
    "source",
    "annotator",
    "split",
)
INT_COLUMNS = ("sentence_start", "sentence_end", "mention_start", "mention_end")

_EVENT_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


@cache
def country_codes() -> frozenset[str]:
    """ISO 3166-1 alpha-3 codes known to pycountry."""
    import pycountry

    return frozenset(country.alpha_3 for country in pycountry.countries)


@cache
def language_codes() -> frozenset[str]:
    """ISO 639-1 (two-letter) language codes known to pycountry."""
    import pycountry

    return frozenset(lang.alpha_2 for lang in pycountry.languages if hasattr(lang, "alpha_2"))


def is_iso_date(value: object) -> bool:
    if not isinstance(value, str):
        return False
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return len(value) == 10


def is_event_id(value: object) -> bool:
    return isinstance(value, str) and bool(_EVENT_ID.match(value))


def one_of(values: tuple[str, ...]) -> str:
    return ", ".join(values)


def row_problems(row: dict) -> list[str]:
    """Problems of one row taken alone (no article text needed); empty when it is valid."""
    problems = []
    missing = [column for column in COLUMNS if column not in row]
    if missing:
        return [f"missing column(s) {', '.join(missing)}"]
    for column in INT_COLUMNS:
        if not isinstance(row[column], int) or isinstance(row[column], bool):
            problems.append(f"{column} {row[column]!r} is not an integer")
    for column in ("row_id", "article_id", "sentence", "mention", "annotator"):
        if not isinstance(row[column], str) or not row[column]:
            problems.append(f"{column} {row[column]!r} is not a non-empty string")
    checks = (
        ("label", LABELS),
        ("role", ROLES),
        ("source", SOURCES),
        ("split", SPLITS),
    )
    for column, allowed in checks:
        if row[column] not in allowed:
            problems.append(f"{column} {row[column]!r} is not one of {one_of(allowed)}")
    if row["country"] not in country_codes():
        problems.append(f"country {row['country']!r} is not an ISO 3166-1 alpha-3 code")
    if row["language"] not in language_codes():
        problems.append(f"language {row['language']!r} is not an ISO 639-1 code")
    if not is_iso_date(row["date"]):
        problems.append(f"date {row['date']!r} is not an ISO 8601 date (YYYY-MM-DD)")
    if not is_event_id(row["event_id"]):
        problems.append(f"event_id {row['event_id']!r} is not lowercase-with-hyphens")
    if row["role"] == "location" and row["label"] != "none":
        problems.append(f"a location carries label {row['label']!r}; locations are always 'none'")
    if problems:
        return problems
    sentence = row["sentence"]
    start, end = row["mention_start"], row["mention_end"]
    if not 0 <= start < end <= len(sentence):
        problems.append(f"mention offsets {start}:{end} fall outside the sentence")
    elif sentence[start:end] != row["mention"]:
        problems.append(
            f"mention {row['mention']!r} does not equal the sentence slice "
            f"{start}:{end} {sentence[start:end]!r}"
        )
    if row["sentence_end"] - row["sentence_start"] != len(sentence):
        problems.append("sentence_end - sentence_start differs from the sentence length")
    return problems
