"""Format article predictions as a table, JSON Lines or CSV."""

from __future__ import annotations

import csv
import io
import json

ARTICLE_CSV = ("source", "language", "country", "name", "stance", "confidence", "role",
               "evidence", "evidence_start", "evidence_end", "conflicts")
SENTENCE_CSV = ("source", "language", "sentence_start", "sentence_end", "country", "mention",
                "mention_start", "mention_end", "role", "stance", "confidence", "sentence")


def article_json(source: str, result: dict, *, level: str = "article") -> str:
    """One JSON object (one line) for one article."""
    record = {"source": source, "language": result["language"]}
    if level == "sentence":
        record["sentences"] = result["sentences"]
    else:
        record["countries"] = [
            {key: country[key] for key in
             ("country", "name", "stance", "confidence", "role", "evidence", "conflicts")}
            for country in result["countries"]
        ]
    return json.dumps(record, ensure_ascii=False)


def csv_header(level: str = "article") -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow(SENTENCE_CSV if level == "sentence" else ARTICLE_CSV)
    return buffer.getvalue().rstrip("\n")


def article_csv(source: str, result: dict, *, level: str = "article") -> str:
    """CSV rows (no header) for one article: per country, or per sentence mention."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    if level == "sentence":
        for row in result["sentences"]:
            writer.writerow([source, result["language"], *(row[k] for k in SENTENCE_CSV[2:])])
    else:
        for c in result["countries"]:
            top = c["evidence"][0] if c["evidence"] else {"sentence": "", "start": "", "end": ""}
            conflicts = ";".join(x["stance"] for x in c["conflicts"])
            writer.writerow([source, result["language"], c["country"], c["name"], c["stance"],
                             c["confidence"], c["role"], top["sentence"], top["start"], top["end"],
                             conflicts])
    return buffer.getvalue().rstrip("\n")


def _clip(text: str, width: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def article_table(source: str, result: dict, *, level: str = "article", width: int = 70) -> str:
    """A readable table for one article."""
    lines = [f"{source}  (language {result['language']})"]
    if level == "sentence":
        lines.append(f"  {'country':<8}{'mention':<22}{'role':<10}{'stance':<9}{'conf.':>6}  sentence")
        for row in result["sentences"]:
            lines.append(f"  {row['country']:<8}{_clip(row['mention'], 20):<22}{row['role']:<10}"
                         f"{row['stance']:<9}{row['confidence']:>6.2f}  {_clip(row['sentence'], width)}")
    else:
        if not result["countries"]:
            lines.append("  no country mentioned")
        else:
            lines.append(f"  {'country':<24}{'stance':<9}{'conf.':>6}  evidence")
        for c in result["countries"]:
            name = f"{c['name']} ({c['country']})"
            evidence = c["evidence"][0]["sentence"] if c["evidence"] else (
                "(only as a place)" if c["role"] == "location" else "")
            lines.append(f"  {_clip(name, 23):<24}{c['stance']:<9}{c['confidence']:>6.2f}  "
                         f"{_clip(evidence, width)}")
            for conflict in c["conflicts"]:
                lines.append(f"  {'':<20}{'also ' + conflict['stance']:<13}{conflict['confidence']:>6.2f}  "
                             f"{_clip(conflict['evidence'][0]['sentence'], width)}")
    return "\n".join(lines)
