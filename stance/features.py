"""Turn (sentence, target mention) pairs into text the vectorizers read, and lexical cues.

A sentence is seen from one target country at a time. :func:`target_views` returns two views:

- the *sentence view*: the whole sentence, lowercased, with the target's mentions replaced by
  ``xtgtx`` and every other country's by ``xothx``, and tokens after a negation cue prefixed
  ``neg_``; the vectorizer reads its word n-grams;
- the *local view*: the tokens of the target's clause within a window around the target, so that
  "France kept its embassy open while Germany cut its staff" gives France and Germany different
  features, joined by the words right of the target (``r_``) and posture cues (see :func:`cue_tokens`).
"""

from __future__ import annotations

import functools
import re
import unicodedata

TARGET, SAME, OTHER, PLACE = "xtgtx", "xsamx", "xothx", "xlocx"
_MENTIONS = (TARGET, SAME, OTHER)
_PLACEHOLDERS = frozenset({TARGET, SAME, OTHER, PLACE})

NEGATION = re.compile(
    r"n['’]t\b|\bn['’](?=\w)|\b(?:not|never|no longer|no plans?|neither|nor|without|"
    r"ne|pas|jamais|aucune?|ni|sans|"
    r"nicht|kein\w*|nie|niemals|no|nunca|ningún|ninguna|non|mai|nessun\w*)\b",
    re.IGNORECASE,
)
REOPENING = re.compile(
    r"\b(?:re-?open\w*|resum\w*|return\w*|rouv\w*|réouv\w*|reprend\w*|repris\w*|retour\w*|"
    r"wieder\w*|reabr\w*|riapr\w*)",
    re.IGNORECASE,
)

# Tokens: words (apostrophe elisions split off), and the punctuation that bounds clauses.
_TOKEN = re.compile(r"\w+(?:['’]t\b)?|[,;:()«»“”\"!?]")
_NEGATORS = frozenset({
    "not", "never", "no", "nor", "neither", "without", "n't", "n’t", "ne", "n", "pas", "jamais",
    "aucun", "aucune", "ni", "sans", "nicht", "kein", "keine", "keinen", "nie", "niemals",
    "nunca", "ningun", "ninguna", "non", "mai", "nessun", "nessuna", "plus",
})
_NEGATION_SCOPE_END = frozenset(",;:()«»“”\"!?")
# Words that open a new clause: the target's clause stops at them. Folded, like the tokens they
# are compared with ("wahrend", not "während").
_CLAUSE_BREAKS = frozenset({
    "while", "whereas", "but", "although", "though", "meanwhile", "however", "unlike",
    "tandis", "alors", "mais", "cependant", "contrairement",
    "wahrend", "aber", "jedoch", "sondern", "obwohl", "wahrenddessen",
    "mientras", "pero", "sino", "aunque",
    "mentre", "invece", "ma", "tuttavia", "sebbene", "benche",
    ";",
})


def has_negation_or_reopening(sentence: str) -> bool:
    """True when the sentence holds a negation cue or speaks of a reopening."""
    return bool(NEGATION.search(sentence) or REOPENING.search(sentence))


def _accent_table() -> dict[int, str]:
    """Latin letters with diacritics (U+00C0 to U+024F) mapped to their base letters."""
    table = {}
    for code in range(0xC0, 0x250):
        base = "".join(c for c in unicodedata.normalize("NFKD", chr(code)) if not unicodedata.combining(c))
        if base and base != chr(code):
            table[code] = base
    return table


_ACCENTS = _accent_table()
# Characters the table does not cover (beyond Latin Extended-B and general punctuation): those
# texts take the slower Unicode decomposition.
_BEYOND_TABLE = re.compile("[^\x00-\u024f\u2000-\u206f]")


def fold(text: str) -> str:
    """Lowercase and strip accents, keeping the text's meaning for matching words.

    >>> fold("Réouverture de l’ambassade à Bakou, Ağdam")
    'reouverture de l’ambassade a bakou, agdam'
    """
    text = text.lower().translate(_ACCENTS)
    if not _BEYOND_TABLE.search(text):
        return text
    text = unicodedata.normalize("NFKD", text)
    return "".join(char for char in text if not unicodedata.combining(char))


def mask(
    sentence: str,
    target: list[tuple[int, int]],
    others: list[tuple[int, int]],
    places: tuple[tuple[int, int], ...] | list[tuple[int, int]] = (),
) -> str:
    """Replace the target mention (the first span of ``target``) by ``xtgtx``, the target
    country's other mentions by ``xsamx``, other countries' by ``xothx`` and mentions that are only
    places by ``xlocx``."""
    spans = sorted(
        [(s, e, TARGET if i == 0 else SAME) for i, (s, e) in enumerate(target)]
        + [(s, e, OTHER) for s, e in others]
        + [(s, e, PLACE) for s, e in places]
    )
    pieces, cursor = [], 0
    for start, end, token in spans:
        if start < cursor:  # overlapping spans: keep the first
            continue
        pieces.append(sentence[cursor:start])
        pieces.append(f" {token} ")
        cursor = end
    pieces.append(sentence[cursor:])
    return "".join(pieces)


def tokens(masked: str, *, negation: bool = True) -> list[str]:
    """Folded tokens of a masked sentence; ``neg_`` marks tokens in a negation's scope."""
    words = _TOKEN.findall(fold(masked))
    out, scope = [], 0
    for word in words:
        if word in _NEGATION_SCOPE_END:
            scope = 0
            out.append(word)
            continue
        if negation and scope:
            out.append("neg_" + word)
            scope -= 1
        else:
            out.append(word)
        if negation and (word in _NEGATORS or word.endswith("n't") or word.endswith("n’t")):
            scope = 4
    return out


# Words that join the members of a list of countries ("France, Britain and Germany").
_JOINERS = frozenset({
    ",", "and", "or", "as", "well", "et", "ou", "ainsi", "que", "und", "oder", "sowie", "y", "o", "e", "ed",
    "the", "le", "la", "les", "l", "el", "los", "las", "il", "lo", "gli", "i", "der", "die", "das", "den", "dem",
})


def collapse_lists(words: list[str]) -> list[str]:
    """Fold a list of countries that holds the target ("xothx , xothx and xtgtx") into one ``xtgtx``
    token, so that the target's window reaches the verb the list shares.

    >>> collapse_lists("la xothx , le xtgtx et l xothx y maintiennent".split())
    ['la', 'xtgtx', 'y', 'maintiennent']
    """
    out: list[str] = []
    i = 0
    while i < len(words):
        if words[i].removeprefix("neg_") not in _MENTIONS:
            out.append(words[i])
            i += 1
            continue
        members, j, end = [words[i]], i + 1, i + 1
        while j < len(words):
            k = j
            while k < len(words) and words[k].removeprefix("neg_") in _JOINERS:
                k += 1
            if k < len(words) and words[k].removeprefix("neg_") in _MENTIONS:
                members.append(words[k])
                j = end = k + 1
            else:
                break
        if len(members) > 1 and any(m.endswith(TARGET) for m in members):
            out.append(TARGET)
        else:
            out.extend(words[i:end])
        i = end
    return out


def local_tokens(words: list[str], *, window: int) -> list[str]:
    """The target's clause, cut to ``window`` tokens on each side of its first mention."""
    words = collapse_lists(words)
    try:
        at = next(i for i, word in enumerate(words) if word.endswith(TARGET))
    except StopIteration:
        return []
    left = at
    while left > 0 and at - left < window and words[left - 1].removeprefix("neg_") not in _CLAUSE_BREAKS:
        left -= 1
    right = at + 1
    while right < len(words) and right - at <= window and words[right].removeprefix("neg_") not in _CLAUSE_BREAKS:
        right += 1
    return words[left:right]


# Word beginnings (folded, accents stripped) that signal a posture, in the five languages. They
# give words the training sentences never held a feature shared with the words they did hold.
CUES = {
    "closed": "clos shut suspen evacu withdr pull left leav relocat move ferm rapatri quitt transf retir "
              "repli depart schlie geschlos evakui ausgesetz abgez zuruckgez cerr chius sospe ritir abandon empt "
              "airlift exit fled flee",
    "open": "open remain stay kept keep continu operat maint ouvert rest fonctionn rouv reouv resum return "
            "repris reprend retour normal geoffn abiert apert riapr reabr wieder",
    "limited": "reduc cut essential emergenc skeleton famil limit scal redui effectif minim restrei ralenti "
               "reduzi verring ridott ridu downsiz drawdown trim partial author",
    "opposed": "condemn denounc critic reject protest oppos slam accus outrag unaccept condamn denonc critiqu "
               "rejet fustig inaccept verurt kritis conden rechaz condann deplor regret furious hostil "
               "violat irrespons object",
}
# Words that make the noun before them belong to what follows: "the closure of the US embassy".
_GENITIVES = frozenset({
    "of", "de", "des", "du", "d", "der", "von", "vom", "del", "della", "dello", "dei", "degli", "delle", "di",
})
_POSTURES_OF_A_MISSION = frozenset({"closed", "open", "limited"})
OWNED = "of_"  # the prefix of the words mark_owned_postures gives to another country
_CUE = re.compile("|".join(
    f"(?P<{label}>{'|'.join(sorted(stems.split(), key=len, reverse=True))})" for label, stems in CUES.items()
))


@functools.lru_cache(maxsize=1 << 16)
def _cue_label(word: str) -> str | None:
    """The posture whose cue ``word`` begins with, or None."""
    match = _CUE.match(word)
    return match.lastgroup if match else None


def _nearest_first(at: int, length: int) -> list[int]:
    """The positions of a view other than ``at``, nearest to it first, the left one of a tie first."""
    order = []
    for distance in range(1, max(at, length - at - 1) + 1):
        if at - distance >= 0:
            order.append(at - distance)
        if at + distance < length:
            order.append(at + distance)
    return order


# Nouns that make a following mission posture someone's decision: "Washington's decision to close".
_DECISIONS = frozenset({
    "decision", "decisions", "move", "order", "choice", "plan", "plans", "announcement",
    "choix", "annonce", "projet", "volonte", "entscheidung", "beschluss", "decisione",
})
_INFINITIVE_MARKS = frozenset({"to", "de", "d", "of", "zu", "di", "a"})
_ARTICLES = frozenset({
    "the", "le", "la", "les", "l", "el", "los", "las", "il", "lo", "gli", "der", "die", "das", "den",
})


def _mark_decisions_of_others(words: list[str], bare: list[str], out: list[str]) -> None:
    """Prefix ``of_`` to another country's decision to change its mission, from the decision noun
    to the posture verb: "la décision de xothx de fermer", "xothx s decision to close"."""
    if _DECISIONS.isdisjoint(bare):
        return
    for i, word in enumerate(bare):
        if word not in _DECISIONS:
            continue
        if i >= 2 and bare[i - 1] == "s" and bare[i - 2] == OTHER:  # English possessive
            first, j = i - 2, i + 1
        else:
            j = i + 1
            if j < len(bare) and bare[j] in _GENITIVES:
                j += 1
            while j < len(bare) and bare[j] in _ARTICLES:
                j += 1
            if j >= len(bare) or bare[j] != OTHER:
                continue
            first, j = i, j + 1
        if j + 1 < len(bare) and bare[j] in _INFINITIVE_MARKS and _cue_label(bare[j + 1]) in _POSTURES_OF_A_MISSION:
            out[first : j + 2] = [OWNED + w for w in words[first : j + 2]]


def _mark_opposition_of_others(words: list[str], bare: list[str], out: list[str]) -> None:
    """Prefix ``of_`` to a word of opposition whose nearest country on its left, in its clause, is
    another country while the target comes after it: "xothx condemned the decision of xtgtx", where
    the opposition is the other country's and the target is what it opposes."""
    try:
        at = bare.index(TARGET)
    except ValueError:
        return
    for i in range(at):
        if _cue_label(bare[i]) != "opposed":
            continue
        for j in range(i - 1, -1, -1):
            if bare[j] in _MENTIONS or bare[j] in _CLAUSE_BREAKS:
                if bare[j] == OTHER:
                    out[i] = OWNED + words[i]
                break


def mark_owned_postures(words: list[str]) -> list[str]:
    """Prefix ``of_`` to a mission-posture noun and its genitive when they name another country
    before the target comes back ("the closure of the xothx embassy"): that posture is the other
    country's, whoever speaks of it.

    >>> mark_owned_postures("xtgtx refused to comment on the closure of the xothx embassy".split())
    ['xtgtx', 'refused', 'to', 'comment', 'on', 'the', 'of_closure', 'of_of', 'of_the', 'of_xothx', 'embassy']
    """
    out = list(words)
    bare = [w.removeprefix("neg_") for w in words]
    _mark_decisions_of_others(words, bare, out)
    _mark_opposition_of_others(words, bare, out)
    for i in range(len(words) - 1):
        if bare[i + 1] not in _GENITIVES or _cue_label(bare[i]) not in _POSTURES_OF_A_MISSION:
            continue
        for j in range(i + 2, min(i + 7, len(words))):
            if bare[j] in (TARGET, SAME) or bare[j] in _NEGATION_SCOPE_END or bare[j] in _CLAUSE_BREAKS:
                break
            if bare[j] == OTHER:
                out[i : j + 1] = [OWNED + w for w in words[i : j + 1]]
                break
    return out


def cue_tokens(local: list[str]) -> list[str]:
    """Features of the local view that generalise beyond its words: the words right of the target
    (``r_``), and for each posture cue in the view ``cue_<label>``, ``rcue_<label>`` when it follows
    the target and ``first_<label>`` for the cue nearest the target (``neg`` appended when negated).
    A cue that :func:`mark_owned_postures` gave to another country gives ``ocue_<label>`` instead.

    >>> cue_tokens("xtgtx neg_closed its embassy".split())  # doctest: +NORMALIZE_WHITESPACE
    ['r_neg_closed', 'r_its', 'r_embassy', 'first_closedneg', 'cue_closedneg', 'rcue_closedneg',
     'cue_noopen', 'cue_nolimited', 'cue_noopposed']
    >>> cue_tokens("xtgtx condemned the of_closure of_of of_the of_xothx embassy".split())[-7:]
    ['first_opposed', 'cue_opposed', 'rcue_opposed', 'ocue_closed', 'cue_noclosed', 'cue_noopen', 'cue_nolimited']
    """
    try:
        at = next(i for i, word in enumerate(local) if word.endswith(TARGET))
    except StopIteration:
        return []
    out = ["r_" + word for word in local[at + 1:]]
    first, seen = True, set()
    for i in _nearest_first(at, len(local)):
        word = local[i]
        owned = word.removeprefix(OWNED)
        bare = owned.removeprefix("neg_")
        label = _cue_label(bare)
        if label is None:
            continue
        name = label + ("neg" if bare is not owned else "")
        if owned is not word:
            out.append(f"ocue_{name}")
            continue
        seen.add(label)
        if first:
            out.append(f"first_{name}")
            first = False
        out.append(f"cue_{name}")
        if i > at:
            out.append(f"rcue_{name}")
    # the absence of a cue is evidence too: "stay open" with no word of reduction is not limited
    out += [f"cue_no{label}" for label in CUES if label not in seen]
    return out


def target_views(
    sentence: str,
    target: list[tuple[int, int]],
    others: list[tuple[int, int]],
    places: tuple[tuple[int, int], ...] | list[tuple[int, int]] = (),
    *,
    window: int = 16,
    stem: int = 0,
    negation: bool = True,
    cues: bool = True,
    clauses: bool = True,
) -> tuple[str, str]:
    """The sentence view and the local view of one target in one sentence (see module doc).

    With ``clauses``, words of the sentence view outside the target's clause are prefixed ``o_``,
    so "…, but xtgtx said it would stay open" does not read like "open, but with fewer staff".

    Examples
    --------
    >>> full, local = target_views("France kept it open while Germany cut staff", [(26, 33)], [(0, 6)])
    >>> full
    'o_xothx o_kept o_it o_open while xtgtx cut staff'
    >>> local
    'xtgtx cut staff r_cut r_staff first_limited cue_limited rcue_limited cue_noclosed cue_noopen cue_noopposed'
    """
    words, local, extras = target_tokens(sentence, target, others, places, window=window, stem=stem,
                                         negation=negation, cues=cues, clauses=clauses)
    return " ".join(words), " ".join(local + extras)


def target_tokens(
    sentence: str,
    target: list[tuple[int, int]],
    others: list[tuple[int, int]],
    places: tuple[tuple[int, int], ...] | list[tuple[int, int]] = (),
    *,
    window: int = 16,
    stem: int = 0,
    negation: bool = True,
    cues: bool = True,
    clauses: bool = True,
) -> tuple[list[str], list[str], list[str]]:
    """The tokens behind :func:`target_views`: the sentence view's words, the local view's words
    and the local view's cue features, as lists (the model reads them without joining them)."""
    words = mark_owned_postures(tokens(mask(sentence, target, others, places), negation=negation))
    local = local_tokens(words, window=window)
    extras = cue_tokens(local) if cues else []
    if clauses:
        words = mark_other_clauses(words)
    if stem:
        words, local = _stemmed(words, stem), _stemmed(local, stem)
    return words, local, extras


_MARKS = re.compile(r"^((?:o_|of_|neg_)*)(.*)$")


def _stemmed(words: list[str], stem: int) -> list[str]:
    """Words cut to ``stem`` characters, keeping their marks (``o_``, ``of_``, ``neg_``) and the
    mention placeholders whole. Cut after cues, negation and clauses were read from whole words."""
    return [word if len(word) <= stem else _stem_word(word, stem) for word in words]


@functools.lru_cache(maxsize=1 << 17)
def _stem_word(word: str, stem: int) -> str:
    marks, bare = _MARKS.match(word).groups()
    return word if len(bare) <= stem or bare in _PLACEHOLDERS else marks + bare[:stem]


def mark_other_clauses(words: list[str]) -> list[str]:
    """Prefix ``o_`` to the words outside the clause of the target (its first ``xtgtx``).

    >>> mark_other_clauses("xothx shut it , but xtgtx kept it open".split())
    ['o_xothx', 'o_shut', 'o_it', 'o_,', 'but', 'xtgtx', 'kept', 'it', 'open']
    """
    try:
        at = next(i for i, word in enumerate(words) if word.endswith(TARGET))
    except StopIteration:
        return words
    left = at
    while left > 0 and words[left - 1].removeprefix("neg_") not in _CLAUSE_BREAKS:
        left -= 1
    left = max(left - 1, 0)  # the word that opens the clause belongs to it
    right = at + 1
    while right < len(words) and words[right].removeprefix("neg_") not in _CLAUSE_BREAKS:
        right += 1
    return ["o_" + w for w in words[:left]] + words[left:right] + ["o_" + w for w in words[right:]]
