"""Turn (sentence, target mention) pairs into text the vectorizer reads, and lexical cues."""

from __future__ import annotations

import re

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


def has_negation_or_reopening(sentence: str) -> bool:
    """True when the sentence holds a negation cue or speaks of a reopening."""
    return bool(NEGATION.search(sentence) or REOPENING.search(sentence))
