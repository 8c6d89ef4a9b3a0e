"""Sentence splitting and small text helpers for news text in en, fr, de, es and it.

:func:`split_sentences` cuts a text into sentence spans that keep their offsets into the text.
:func:`fold` gives a lowercase, accent-free copy of a text with the same length, so that offsets
found in the copy are offsets in the original; :mod:`stance.countries` matches names on it.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

__all__ = ["Span", "split_sentences", "fold", "normalize_apostrophes", "APOSTROPHES"]

#: Characters used as apostrophes in news text; :func:`fold` maps all of them to ``'``.
APOSTROPHES = "’‘ʼ`´′"

_APOSTROPHE_TABLE = str.maketrans({c: "'" for c in APOSTROPHES})


@dataclass(frozen=True, slots=True)
class Span:
    """A piece of a text: ``text == source[start:end]``."""

    start: int
    end: int
    text: str


def normalize_apostrophes(text: str) -> str:
    """Replace typographic apostrophes (``’``, ``‘``, ``ʼ``...) by ``'``; the length is kept.

    >>> normalize_apostrophes("l’Italie")
    "l'Italie"
    """
    return text.translate(_APOSTROPHE_TABLE)


class _FoldTable(dict):
    """``str.translate`` table built lazily: one character -> one lowercase, unaccented character."""

    def __missing__(self, code: int) -> int:
        char = chr(code)
        if char in APOSTROPHES:
            folded = "'"
        elif char in "‐‑‒–—−":
            folded = "-"
        elif char == "\u00a0" or char == "\u202f":
            folded = " "
        else:
            base = unicodedata.normalize("NFD", char)[0]
            folded = base.lower()
            if len(folded) != 1:
                folded = base if len(base) == 1 else char
        self[code] = ord(folded)
        return self[code]


_FOLD_TABLE = _FoldTable()


def fold(text: str) -> str:
    """A lowercase copy of ``text`` without accents, with ``'`` for every apostrophe and ``-`` for
    every dash, of exactly the same length (offsets in the copy are offsets in ``text``).

    >>> fold("L’ÉTATS-UNIS d’Amérique")
    "l'etats-unis d'amerique"
    """
    if text.isascii():
        return text.lower()
    return text.translate(_FOLD_TABLE)


# --- sentence splitting -------------------------------------------------------------------------

# Words followed by a period that do not end a sentence (compared as written, then lowercased).
_ABBREVIATIONS = frozenset("""
mr mrs ms messrs dr prof st sr sra srta sres jr gen col lt sgt capt cpt cmdr adm maj brig gov sen rep
rev hon pres sec dept univ inc ltd co corp no nos nr nº vs approx ave blvd mt ft
jan feb mar apr jun jul aug sep sept oct nov dec
janv févr fév avr juil déc mme mmes mlle mlles mgr me
z b bzw ca vgl usw ggf hr fr dipl ing abs str
sig sigg dott dott.ssa ing avv on prof.ssa
pág pp p vol art cf ex al op ibid fig
""".split())

# Abbreviations that also count in lowercase; the others only with a capital (No., St., Sig.).
_LOWERCASE_ABBREVIATIONS = frozenset("bzw vgl usw ggf ca approx pp vol cf ibid vs sig sigg dott z b".split())

# Words that start a sentence often enough to end one after a dotted acronym ("...in the U.S. The").
_STARTERS = frozenset("""
the this that these those it he she they we i but and in on at a an its his her their there
le la les il elle ils elles on nous ce cette ces mais et en au un une
der die das ein eine er sie es wir aber und im am
el los las lo una pero y en ellos ellas
gli lo i una ma e nel
""".split())

_GERMAN_MONTHS = frozenset(
    "januar jänner februar märz april mai juni juli august september oktober november dezember".split()
)

_TERMINAL = re.compile(r"(?:\.\.\.|[.!?…]+)")
_CLOSERS = "»”\"’')]"
_OPENERS = "«“\"‘'([¿¡—–-"
_TOKEN_BEFORE = re.compile(r"(\S+)$")
_DOTTED = re.compile(r"^(?:\w{1,2}\.)+\w{1,2}$")


def split_sentences(text: str) -> list[Span]:
    """Cut a news text into sentences.

    A sentence ends at ``.``, ``!``, ``?`` or ``…`` (with any closing quotes or brackets after it)
    when the next word starts with a capital letter or a digit, except after an abbreviation
    (``Mr.``, ``M.``, ``Dr.``, ``z. B.``, ``Sig.``, ``Jan.``), an initial (``J. R. Smith``), a dotted
    acronym followed by an ordinary word (``U.S. officials``) or a German ordinal before a month
    (``am 3. März``). A blank line always ends a sentence; a single line break ends one unless the
    next line starts in lowercase or the line ends with a comma, semicolon, hyphen or open bracket
    (a hard-wrapped line), so captions and headlines without final punctuation stand alone.

    Parameters
    ----------
    text : str
        The text, of any length.

    Returns
    -------
    list of Span
        Sentences in order, each stripped of surrounding whitespace, with ``start``/``end``
        offsets into ``text``. Every non-space character of ``text`` is in exactly one span.

    Examples
    --------
    >>> [s.text for s in split_sentences("M. Dupont est arrivé. Il a parlé à J. R. Smith.")]
    ['M. Dupont est arrivé.', 'Il a parlé à J. R. Smith.']
    """
    spans: list[Span] = []
    for block_start, block_end in _blocks(text):
        previous = block_start
        for cut in _cuts(text, block_start, block_end):
            _add(spans, text, previous, cut)
            previous = cut
        _add(spans, text, previous, block_end)
    return spans


def _add(spans: list[Span], text: str, start: int, end: int) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if start < end:
        spans.append(Span(start, end, text[start:end]))


def _blocks(text: str) -> list[tuple[int, int]]:
    """Runs of lines that belong to one paragraph line: split at blank lines and at line breaks
    that end a sentence."""
    blocks: list[tuple[int, int]] = []
    start: int | None = None
    prev_end = 0
    last_line = ""
    position = 0
    for line in text.splitlines(keepends=True):
        line_start, line_end = position, position + len(line.rstrip("\r\n"))
        position += len(line)
        content = line.strip()
        if not content:
            if start is not None:
                blocks.append((start, prev_end))
                start = None
            continue
        if start is not None and _line_break_ends_sentence(last_line, content):
            blocks.append((start, prev_end))
            start = None
        if start is None:
            start = line_start
        prev_end = line_end
        last_line = content
    if start is not None:
        blocks.append((start, prev_end))
    return blocks


def _line_break_ends_sentence(previous: str, following: str) -> bool:
    if following[0].islower():
        return False
    return previous[-1] not in ",;-‐–(«“"


def _cuts(text: str, start: int, end: int) -> list[int]:
    """Offsets in ``text[start:end]`` right after each sentence end."""
    cuts = []
    for match in _TERMINAL.finditer(text, start, end):
        stop = match.end()
        # closing quotes and brackets belong to the sentence: ". »", ".”", '."', ".)"
        probe = stop
        while probe < end:
            if text[probe] in _CLOSERS:
                probe += 1
                stop = probe
            elif text[probe] in " \u00a0\u202f" and probe + 1 < end and text[probe + 1] in "»”":
                probe += 1
            else:
                break
        # the next sentence: whitespace, then opening quotes, then a capital letter or a digit
        probe = stop
        while probe < end and text[probe].isspace():
            probe += 1
        if probe == stop or probe >= end:
            continue
        first = probe
        while first < end and text[first] in _OPENERS:
            first += 1
        if first >= end or not (text[first].isupper() or text[first].isdigit()):
            continue
        if match.group() == "." and not _period_ends_sentence(text, start, match.start(), first, end):
            continue
        cuts.append(stop)
    return cuts


def _period_ends_sentence(text: str, block_start: int, period: int, next_word: int, end: int) -> bool:
    found = _TOKEN_BEFORE.search(text, block_start, period)
    if not found:
        return True
    token = found.group(1).lstrip(_OPENERS)
    if not token:
        return True
    lowered = token.lower()
    if lowered in _LOWERCASE_ABBREVIATIONS or lowered in _ABBREVIATIONS and token[0].isupper():
        return False
    if len(token) == 1 and token.isalpha():  # an initial: J. R. Smith, M. Dupont
        return False
    following = re.match(r"[\w'’-]+", text[next_word:end])
    following_word = following.group().lower() if following else ""
    if _DOTTED.match(token):  # U.S, z.B, E.U
        return following_word in _STARTERS
    if token.isdigit() and len(token) <= 2:  # am 3. März
        return following_word not in _GERMAN_MONTHS
    return True
