"""Read articles from files, folders or standard input, refusing what is not usable text."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

MAX_ARTICLE_BYTES = 5 * 1024 * 1024
TEXT_SUFFIXES = (".txt", ".text", ".md")


class InputError(ValueError):
    """One input that cannot be read as an article; the message is one line naming it."""


@dataclass(frozen=True, slots=True)
class Article:
    source: str
    text: str


def decode(raw: bytes, source: str) -> str:
    """Decode bytes as UTF-8 text, or raise an :class:`InputError` that says what they are."""
    if len(raw) > MAX_ARTICLE_BYTES:
        raise _too_big(len(raw), source)
    if b"\x00" in raw[:8192]:
        if raw[:2] in (b"\xff\xfe", b"\xfe\xff"):
            raise InputError(f"{source}: is UTF-16 text; stance reads UTF-8 (convert it with "
                             f"'iconv -f UTF-16 -t UTF-8')")
        raise InputError(f"{source}: is a binary file, not text")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        guess = "Latin-1/Windows-1252" if _looks_single_byte(raw) else "not a known text encoding"
        raise InputError(
            f"{source}: is not UTF-8 (byte 0x{raw[error.start]:02x} at offset {error.start}); "
            f"it looks like {guess}; convert it to UTF-8, e.g. 'iconv -f WINDOWS-1252 -t UTF-8'"
        ) from None
    return text.removeprefix("\ufeff")


def _too_big(size: int, source: str) -> InputError:
    return InputError(
        f"{source}: is {'over ' if size == MAX_ARTICLE_BYTES + 1 else ''}"
        f"{size / 1024 / 1024:.1f} MB, more than the {MAX_ARTICLE_BYTES // 1024 // 1024} MB limit "
        f"for one article; split it into articles"
    )


def _looks_single_byte(raw: bytes) -> bool:
    high = sum(1 for byte in raw if byte >= 0x80)
    return high > 0 and sum(1 for byte in raw if byte < 0x09) == 0


def read_path(path: Path) -> Article:
    try:
        size = path.stat().st_size
        if size > MAX_ARTICLE_BYTES:
            raise _too_big(size, str(path))
        raw = path.read_bytes()
    except FileNotFoundError:
        raise InputError(f"{path}: no such file or folder") from None
    except IsADirectoryError:
        raise InputError(f"{path}: is a folder") from None
    except OSError as error:
        raise InputError(f"{path}: cannot be read: {error.strerror}") from None
    return Article(str(path), decode(raw, str(path)))


def expand(paths: list[str]) -> Iterator[Path | str]:
    """Files as given; folders as their text files, sorted; ``-`` as standard input."""
    for name in paths:
        if name == "-":
            yield "-"
            continue
        path = Path(name)
        if path.is_dir():
            files = sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in TEXT_SUFFIXES)
            if not files:
                raise InputError(f"{path}: folder holds no text file ({', '.join(TEXT_SUFFIXES)})")
            yield from files
        else:
            yield path


def read_articles(paths: list[str], *, stdin=None) -> Iterator[Article | InputError]:
    """Each input as an :class:`Article`, or the :class:`InputError` that explains why not."""
    import sys

    for item in expand(paths):
        if item == "-":
            stream = stdin if stdin is not None else sys.stdin.buffer
            try:
                yield Article("-", decode(stream.read(MAX_ARTICLE_BYTES + 1), "standard input"))
            except InputError as error:
                yield error
            continue
        try:
            yield read_path(item)
        except InputError as error:
            yield error
