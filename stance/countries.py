"""Find the countries a sentence mentions, with the span, the kind of mention and its role.

Names come from CLDR (``babel``, in en, fr, de, es and it) and ``pycountry``; short forms,
demonyms, capitals, seats of power and leaders with their terms of office come from the small
curated file ``stance/resources/countries.toml``. All forms are compiled once into one
Aho-Corasick automaton that runs over a lowercase, accent-free copy of the text of the same
length (:func:`stance.text.fold`), so offsets map back one to one.

The spans and roles follow ``annotations/GUIDELINES.md``: a definite article standing right
before a name is part of the span (``[l’Italie]``, ``[les États-Unis]``), a preposition is not
(``des [États-Unis]``, ``dell’[Italia]``); a demonym is marked alone; a leader's title is not in
the span. A mention is a ``location`` when it is only a place (after a locative preposition, a
demonym of a place noun, a city that is not a capital) and an ``actor`` otherwise.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import pickle
import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from stance import config
from stance.text import fold

__all__ = ["Mention", "find_mentions", "evaluate", "format_evaluation", "country_name", "LANGUAGES"]

#: Languages whose country names, demonyms and capitals are known.
LANGUAGES = ("en", "fr", "de", "es", "it")

_RESOURCE = Path(__file__).with_name("resources") / "countries.toml"
_REPO = Path(__file__).resolve().parent.parent
_DEFAULT_EVAL = _REPO / "tests" / "data" / "mentions_eval.jsonl"

KINDS = ("name", "code", "demonym", "capital", "seat", "city", "leader")
ROLES = ("actor", "location")


@dataclass(frozen=True, slots=True)
class Mention:
    """One expression of a sentence that refers to a country.

    Attributes
    ----------
    country : str
        ISO 3166-1 alpha-3 code.
    start, end : int
        Offsets in the text; ``text == source[start:end]``.
    text : str
        The mention as written, with a directly preceding definite article for names.
    kind : str
        ``"name"``, ``"code"`` (US, U.K.), ``"demonym"``, ``"capital"``, ``"seat"`` (the Kremlin),
        ``"city"`` (other cities) or ``"leader"``.
    role : str
        ``"actor"`` (the country as a state) or ``"location"`` (only a place).
    """

    country: str
    start: int
    end: int
    text: str
    kind: str
    role: str


# --- the index ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Entry:
    country: str
    kind: str
    exact: str | None = None  # codes: the form as it must be written
    capital: bool = True  # the first letter must be a capital
    terms: tuple[tuple[dt.date, dt.date | None], ...] = ()
    surname: bool = False  # a leader's single-word name
    genitive: bool = False  # a capital's German genitive ("Berlins"): a capitalised noun follows it


@dataclass(frozen=True, slots=True)
class _Index:
    automaton: object
    stops: dict[str, tuple[tuple[str, ...], tuple[str, ...], bool]]  # before, after, not at a sentence start


_ARTICLES = frozenset("the le la les il lo gli el los las die der das den dem".split())
_ARTICLE_KINDS = frozenset({"name", "code", "seat"})
_CAPITAL_PLACES = frozenset({"capital", "seat", "city"})

# Prepositions after which any mention is a place (compared lowercase, as written).
_LOCATIVE = frozenset("""
in inside within across throughout into from near around outside via
en au aux dans depuis vers hors chez
im ins nach aus innerhalb
desde hacia
nel nella nello nei negli nelle verso
""".split())
# ... and after which a city or a seat of power is a place ("talks at", "à Moscou", "ad Ankara").
_CITY_LOCATIVE = frozenset("to at à a ad al alla allo all' zu bei".split())
# Multi-word prepositions (folded), optionally followed by an elided article.
_LOCATIVE_PHRASES = re.compile(
    r"(?:^|[^\w'])(?:pres d[e']|autour d[e']|en direction d[e']|a proximite d[e']|loin d[e']|"
    r"cerca de|dentro de|fuera de|lejos de|alrededor de|vicino a|vicino al|nei pressi di|"
    r"lontano da|out of|close to|next to|nahe|in der nahe von|aux environs d[e'])\s*(?:l'|la |le |les |the )?$"
)
_PHRASE_CUES = ("pres", "autour", "direction", "proximite", "loin", "cerca", "dentro", "fuera", "lejos",
                "alrededor", "vicino", "pressi", "lontano", "out of", "close to", "next to", "nahe", "environs")
_PHRASE_CUE = re.compile("|".join(_PHRASE_CUES))
# Nouns that make a demonym (or "X of" a name) a place: "territoire russe", "Russian soil".
_PLACE_NOUNS = frozenset("""
territory territories soil region regions province city cities town towns village villages border
airspace waters coast capital side land
territoire territoires sol region regions province ville villes village villages frontiere frontieres
espace aerien eaux cote capitale localite localites oblast
gebiet gebiete gebiets territorium boden region stadt stadte grenze luftraum hauptstadt staatsgebiet
hoheitsgebiet kuste
summit sommet gipfel cumbre vertice airport aeroport flughafen aeropuerto aeroporto port puerto porto hafen
territorio territorios suelo ciudad ciudades frontera fronteras aereo aguas costa capital provincia
regione citta confine confini spazio aereo acque costa capitale suolo
""".split())
# Verbs whose object is a place: "left Caracas", "a quitté Haïti", "besuchte Kiew".
_PLACE_VERBS = frozenset("""
leave left leaving leaves visit visited visiting visits fled flee fleeing reached tour toured
quitter quitte quitte quittent quittaient quittant visiter visite visitent visitait rejoint regagne
verlassen verliess verlasst besuchte besuchten besucht besuchen erreichte erreichten
abandonar abandono abandonaron salir visitar visito visitaron visita
lasciare lasciato lasciata lasciano lascia visitare visitato visitata visitano raggiunto
""".split())
# People before "from": "leaders from the UK" are the UK's, not people in a place.
_PEOPLE = frozenset("""
leaders officials diplomats delegation delegations envoys representatives ministers counterparts troops
soldiers negotiators delegates experts inspectors diplomaten vertreter delegation soldaten
""".split())
# Words that make a capital part of a treaty's or meeting's name: "Convention d'Ottawa", "Minsk agreements".
_TREATY_WORDS = frozenset("""
convention conventions treaty treaties protocol protocols accord accords agreement agreements format process
declaration statute traite traites protocole protocoles processus declarations statut accordi accordo
trattato trattati protocollo processo dichiarazione convenzione convenzioni tratado tratados protocolo
acuerdo acuerdos proceso declaracion convencion convenciones vertrag vertrage abkommen protokoll prozess
erklarung konvention ubereinkommen
group groupe grupo gruppo gruppe
""".split())
_TREATY_LINKS = frozenset("of de d' di von del du the la le l'".split())
_OF = frozenset("of de du des d' di del della dell' der".split())
_CONJUNCTIONS = frozenset("and et und y e ou or o oder sowie ni".split())
_TITLES = frozenset("""
president prime minister chancellor secretary foreign mr mrs ms dr sir lord king queen emir prince
premier leader sheikh sultan ayatollah general
president presidente premier ministre ministro ministra chef chancelier chanceliere canciller
cancelliere signor signora sig sr sra don dona monsieur madame m mme herr frau
prasident prasidentin kanzler kanzlerin bundeskanzler bundeskanzlerin aussenminister
aussenministerin regierungschef regierungschefin staatschef amtskollege amtskollegin ministerprasident
""".split())
_TITLE_SUFFIXES = ("prasident", "prasidenten", "minister", "ministerin", "kanzler", "kanzlerin", "chef", "kollege",
                   "kollegen", "kollegin")
_CALENDAR = frozenset("""
monday tuesday wednesday thursday friday saturday sunday january february march april may june july
august september october november december
""".split())
_PERSON_LIKE = frozenset({"jordan", "chad", "georgia", "israel", "india", "kenya"})
_SPANISH_HINTS = frozenset("el los las del y su sus que una por para es fue".split())
_ITALIAN_HINTS = frozenset("il gli della dei degli di e che una per sono ha hanno nel alla".split())
_MOTION = ("viaj", "lleg", "regres", "volv", "fue ", "trasl", "desplaz", "vol", "march", "parti")

_WORD_AFTER = re.compile(r"[ \u00a0]+([^\W\d_][\w'-]*)")


def _forms(value: str) -> list[str]:
    return [form.strip() for form in value.split("|") if form.strip()]


def _inflect(form: str, language: str) -> list[str]:
    """All genders and numbers of a demonym's base form (``=`` keeps the form as it is)."""
    if form.startswith("="):
        return [form[1:]]
    f = form
    if language == "en":
        return [f, f + "s"] if f.endswith(("an", "en", "i", "ot", "ine", "o")) else [f]
    if language == "fr":
        if f.endswith("e"):
            return [f, f + "s"]
        if f.endswith("en"):
            return [f, f + "ne", f + "s", f + "nes"]
        if f.endswith(("s", "x")):
            return [f, f + "e", f + "es"]
        return [f, f + "e", f + "s", f + "es"]
    if language == "de":
        if f[0].islower():
            return [f + ending for ending in ("", "e", "en", "er", "es", "em")]
        if f.endswith("er"):
            return [f, f + "n", f + "in", f + "innen"]
        if f.endswith("e"):
            return [f, f + "n", f[:-1] + "in", f[:-1] + "innen"]
        return [f]
    if language == "es":
        if f.endswith("o"):
            return [f, f[:-1] + "a", f + "s", f[:-1] + "as"]
        if f.endswith(("e", "a")):
            return [f, f + "s"]
        if f.endswith(("és", "án", "ón", "ín")):
            plain = f[:-2] + {"é": "e", "á": "a", "ó": "o", "í": "i"}[f[-2]] + f[-1]
            return [f, plain + "a", plain + "es", plain + "as"]
        if f.endswith(("í", "ú")):
            return [f, f + "es", f + "s"]
        return [f, f + "a", f + "es", f + "as"]
    if language == "it":
        if f.endswith("sco") or (f.endswith("co") and not f.endswith("ico")):
            return [f, f[:-1] + "a", f[:-1] + "hi", f[:-1] + "he"]
        if f.endswith("ico"):
            return [f, f[:-1] + "a", f[:-1] + "i", f[:-1] + "he"]
        if f.endswith("o"):
            return [f, f[:-1] + "a", f[:-1] + "i", f[:-1] + "e"]
        if f.endswith("e"):
            return [f, f[:-1] + "i"]
        if f.endswith("a"):
            return [f, f[:-1] + "i", f[:-1] + "e"]
        return [f]
    raise ValueError(f"language {language!r} is not one of {', '.join(LANGUAGES)}")


def _name_variants(name: str, language: str) -> set[str]:
    """Spelling variants of a CLDR or pycountry name: parts in parentheses, '&' spelt out,
    hyphens as spaces, German declension and genitive."""
    name = name.replace("’", "'")
    variants = {name}
    if "(" in name:
        outer, _, inner = name.partition("(")
        variants = {outer.strip(), inner.rstrip(")").strip()}
    for suffix in (" SAR China", "R.A.S. chinoise de ", "RAE de ", "RAS di ", "Sonderverwaltungsregion "):
        variants = {v.replace(suffix, "").strip() for v in variants}
    conjunction = {"en": "and", "fr": "et", "de": "und", "es": "y", "it": "e"}[language]
    variants |= {v.replace(" & ", f" {conjunction} ") for v in variants if "&" in v}
    variants |= {v.replace(" - ", "-") for v in variants if " - " in v}
    variants |= {v.replace("-", " ") for v in variants if "-" in v}
    variants |= {v.replace("St. ", "Saint ") for v in variants if "St. " in v}
    if language == "de":
        declined = set()
        for v in variants:
            words = v.split()
            if len(words) > 1:
                inflected = [w[:-2] + "en" if w.endswith("es") and w[0].isupper() and i < len(words) - 1
                             else w + "n" if w.endswith("e") and i < len(words) - 1 else w
                             for i, w in enumerate(words)]
                declined.add(" ".join(inflected))
            elif not v.endswith(("s", "ß", "x", "z")):
                declined.add(v + "s")
        variants |= declined
    return {v for v in variants if len(v) > 1}


def _parse_terms(value: str, *, where: str) -> tuple[tuple[dt.date, dt.date | None], ...]:
    terms = []
    for term in value.split(","):
        start, sep, end = term.strip().partition("..")
        if not sep:
            raise ValueError(f"{where}: term {term!r} is not 'YYYY-MM-DD..YYYY-MM-DD' or 'YYYY-MM-DD..'")
        terms.append((dt.date.fromisoformat(start), dt.date.fromisoformat(end) if end else None))
    return tuple(terms)


def _load_resource(path: Path = _RESOURCE) -> dict:
    with path.open("rb") as handle:
        return tomllib.load(handle)


@functools.cache
def _index() -> _Index:
    """The automaton over every form: built once, on first use, and kept in a cache file under
    :data:`stance.config.CACHE_DIR`, since loading it takes a tenth of the time of building it
    (which imports babel and pycountry). The file's name holds a hash of what the index is made
    from (this module, the curated data, the library versions), so a change builds it anew."""
    path = config.CACHE_DIR / f"countries-{_index_key()}.pickle"
    try:
        with path.open("rb") as handle:
            index = pickle.load(handle)
        if isinstance(index, _Index):
            return index
    except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ImportError, TypeError, ValueError):
        pass
    index = _build_index()
    try:
        from stance.data import write_atomic

        write_atomic(path, lambda temporary: temporary.write_bytes(pickle.dumps(index, protocol=5)))
        for stale in path.parent.glob("countries-*.pickle"):
            if stale != path:
                stale.unlink(missing_ok=True)
    except OSError:  # a read-only cache is no reason to fail: the index is built each time instead
        pass
    return index


def _index_key() -> str:
    from importlib.metadata import PackageNotFoundError, version

    digest = hashlib.sha256(Path(__file__).read_bytes())
    digest.update(_RESOURCE.read_bytes())
    for package in ("babel", "pycountry", "pyahocorasick"):
        try:
            digest.update(f"{package}={version(package)}".encode())
        except PackageNotFoundError:
            digest.update(package.encode())
    return digest.hexdigest()[:16]


def _build_index() -> _Index:
    """Compile every form into one automaton over folded keys."""
    import ahocorasick
    import pycountry
    from babel import Locale

    data = _load_resource()
    entries: dict[str, dict[tuple[str, str], _Entry]] = {}

    def add(form: str, entry: _Entry, *, override: bool = False) -> None:
        key = fold(form)
        slot = entries.setdefault(key, {})
        if override:
            for other in [k for k, e in slot.items() if e.kind == entry.kind and e.country != entry.country]:
                del slot[other]
        slot.setdefault((entry.country, entry.kind, entry.exact, entry.capital, entry.terms), entry)

    alpha3 = {c.alpha_2: c.alpha_3 for c in pycountry.countries}
    for language in LANGUAGES:
        for code, name in Locale(language).territories.items():
            if code in alpha3:
                for variant in _name_variants(name, language):
                    add(variant, _Entry(alpha3[code], "name"))
    for country in pycountry.countries:
        for attribute in ("name", "official_name", "common_name"):
            name = getattr(country, attribute, None)
            if name and "," in name:  # "Korea, Republic of" -> "Republic of Korea"
                head, _, tail = name.partition(", ")
                name = f"{tail} {head}" if tail.endswith((" of", " of the")) else None
            if name:
                for variant in _name_variants(name, "en"):
                    add(variant, _Entry(country.alpha_3, "name"))
    for key in ("reunion", "maurice", "saint-martin", "saint martin", "man", "christmas", "norfolk", "heard",
                "santa elena"):
        entries.pop(key, None)
    for code, value in data["names"].items():
        for form in _forms(value):
            add(form, _Entry(code, "name"), override=True)
    for code, value in data["codes"].items():
        for form in _forms(value):
            add(form, _Entry(code, "code", exact=form, capital=False), override=True)
    for section, kind in (("seats", "seat"), ("capitals", "capital"), ("cities", "city")):
        for code, value in data[section].items():
            for form in _forms(value):
                if form.startswith("="):  # matched only as written: its plain fold is a common word
                    add(form[1:], _Entry(code, kind, exact=form[1:]))
                    continue
                add(form, _Entry(code, kind))
                if kind == "capital" and " " not in form and not form.endswith(("s", "ß", "x", "z")):
                    add(form + "s", _Entry(code, kind, genitive=True))  # Berlins, Moskaus, Pekings
    for code, by_language in data["demonyms"].items():
        for language, value in by_language.items():
            for form in _forms(value):
                for inflected in _inflect(form, language):
                    add(inflected, _Entry(code, "demonym", capital=language == "en"))
    for number, leader in enumerate(data["leaders"], 1):
        terms = _parse_terms(leader["t"], where=f"{_RESOURCE.name} leader {number} ({leader['n']})")
        for form in _forms(leader["n"]):
            add(form, _Entry(leader["c"], "leader", terms=terms, surname=" " not in form))

    automaton = ahocorasick.Automaton()
    for key, slot in entries.items():
        found = tuple(slot.values())
        # a lowercase demonym makes the capital rule moot for the key
        if any(e.kind == "demonym" and not e.capital for e in found):
            found = tuple(e if e.kind != "demonym" else _Entry(e.country, e.kind, capital=False) for e in found)
        automaton.add_word(key, (key, found))
    automaton.make_automaton()
    stops = {
        fold(key): (tuple(fold(p) for p in _forms(rule.get("before", ""))),
                    tuple(fold(p) for p in _forms(rule.get("after", ""))),
                    bool(rule.get("not_initial", False)))
        for key, rule in data["stops"].items()
    }
    return _Index(automaton, stops)


# --- finding ------------------------------------------------------------------------------------


def _as_date(date: str | dt.date | None) -> dt.date | None:
    if date is None or isinstance(date, dt.date):
        return date
    try:
        return dt.date.fromisoformat(str(date)[:10])
    except ValueError:
        raise ValueError(f"date {date!r} is not an ISO date (YYYY-MM-DD)") from None


def _in_office(entry: _Entry, date: dt.date | None) -> bool:
    if date is None or not entry.terms:
        return True
    return any(start <= date and (end is None or date < end) for start, end in entry.terms)


def _word_before(text: str, start: int) -> tuple[str, int]:
    """The word right before ``start`` (separated by spaces only) and its offset, or ("", -1)."""
    end = start
    while end > 0 and text[end - 1] in " \u00a0":
        end -= 1
    if end == start:
        return "", -1
    begin = end
    while begin > 0 and (text[begin - 1].isalnum() or text[begin - 1] in "'’."):
        begin -= 1
    while begin < end and not text[begin].isalpha():
        begin += 1
    if begin == end:
        return "", -1
    return text[begin:end], begin


def _word_after(text: str, end: int) -> str:
    found = _WORD_AFTER.match(text, end, min(len(text), end + 40))
    return found.group(1) if found else ""


def _sentence_initial(text: str, offset: int) -> bool:
    before = text[max(0, offset - 4):offset].rstrip()
    return not before or before[-1] in ".!?:;«\"“(—–-\n"


def _stopped(folded: str, start: int, end: int, rule: tuple[tuple[str, ...], tuple[str, ...]]) -> bool:
    before, after = rule
    following = folded[end:end + 40]
    for phrase in after:
        if phrase[0] in "',":
            hit = following.startswith(phrase)
            tail = following[len(phrase):len(phrase) + 1]
        else:
            hit = following[:1] == " " and following[1:].startswith(phrase)
            tail = following[1 + len(phrase):2 + len(phrase)]
        if hit and not (tail.isalnum() and phrase[-1].isalnum()):
            return True
    preceding = folded[max(0, start - 40):start]
    for phrase in before:
        if phrase[-1] in "-'":
            candidate = preceding
        else:
            candidate = preceding.rstrip()
            if candidate == preceding:
                continue
        if candidate.endswith(phrase):
            head = candidate[:len(candidate) - len(phrase)][-1:]
            if not head.isalnum():
                return True
    return False


def _named_person(text: str, folded: str, start: int, end: int, *, check_after: bool) -> bool:
    """Whether a capitalised word right before (or after) makes the match part of a person's or an
    organisation's name ("Michael Jordan", "Hunter Biden", "Washington Post")."""
    word, offset = _word_before(text, start)
    if word and word[0].isupper() and not _sentence_initial(text, offset):
        plain = fold(word).rstrip(".")
        known = plain in _TITLES or plain.endswith(_TITLE_SUFFIXES) or _is_key(plain)
        if not known:
            return True
    if check_after:
        after = _word_after(text, end)
        if after and after[0].isupper() and fold(after) not in _CALENDAR and not _is_key(fold(after)):
            return True
    return False


def _is_key(word: str) -> bool:
    return _index().automaton.exists(word)


def _role(text: str, folded: str, start: int, end: int, kind: str, has_article: bool,
          previous: Mention | None) -> str:
    if kind == "city":
        return "location"
    if kind == "leader":
        return "actor"
    word, offset = _word_before(text, start)
    lowered = word.lower().replace("’", "'")
    if lowered in _LOCATIVE:
        if lowered in ("from", "aus"):
            people, _ = _word_before(text, offset)
            if fold(people) in _PEOPLE:
                return "actor"
        return "location"
    if kind != "demonym" and fold(lowered) in _PLACE_VERBS:
        return "location"
    if kind in _CAPITAL_PLACES or (kind == "name" and not has_article and lowered == "à"):
        if lowered in _CITY_LOCATIVE:
            if lowered == "a" and not _italian_or_motion(folded, offset):
                return "actor"
            return "location"
    window = folded[max(0, start - 30):start]
    if _PHRASE_CUE.search(window) and _LOCATIVE_PHRASES.search(window):
        return "location"
    if kind == "capital" and folded.startswith(", d.c.", end) or folded.startswith(" d.c.", end):
        return "location"
    if kind == "demonym":
        after = fold(_word_after(text, end))
        if after in _PLACE_NOUNS or fold(lowered) in _PLACE_NOUNS:
            return "location"
    elif lowered in _OF or lowered.endswith("'"):
        noun, _ = _word_before(text, offset) if offset > 0 else ("", -1)
        if fold(noun).rpartition("'")[2] in _PLACE_NOUNS:
            return "location"
    if previous is not None and previous.role == "location" and previous.kind != "demonym":
        gap = folded[previous.end:start].strip(" ,")
        if gap in _CONJUNCTIONS or gap == "":
            return "location"
    return "actor"


def _italian_or_motion(folded: str, offset: int) -> bool:
    """After "a" before a city: Italian "a Roma" is a place; Spanish "a" is a place only after a
    verb of motion ("viajó a Pekín"), not as the object marker ("acusó a Washington")."""
    words = re.findall(r"[a-z']+", folded)
    italian = sum(w in _ITALIAN_HINTS for w in words)
    spanish = sum(w in _SPANISH_HINTS for w in words)
    if italian > spanish:
        return True
    before = folded[max(0, offset - 25):offset]
    return any(stem in before for stem in _MOTION)


def find_mentions(text: str, *, date: str | dt.date | None = None) -> list[Mention]:
    """The country mentions of a sentence (or any text), sorted by start, not overlapping.

    Parameters
    ----------
    text : str
        The text, usually one sentence from :func:`stance.text.split_sentences`.
    date : str or datetime.date, optional
        The article's date (ISO). A leader's name counts only when the leader was in office
        that day; without a date every known leader counts.

    Returns
    -------
    list of Mention
        Where several matches overlap, the longest wins ("Papua New Guinea" over "Guinea").

    Examples
    --------
    >>> [(m.text, m.country, m.role) for m in find_mentions("L’Espagne a fermé son ambassade à Kiev.")]
    [('L’Espagne', 'ESP', 'actor'), ('Kiev', 'UKR', 'location')]
    """
    if not isinstance(text, str):
        raise TypeError(f"text must be a str, not {type(text).__name__}")
    when = _as_date(date)
    index = _index()
    folded = fold(text)
    size = len(text)
    candidates: list[tuple[int, int, str, _Entry]] = []
    for last, (key, found) in index.automaton.iter(folded):
        start, end = last - len(key) + 1, last + 1
        if (start and folded[start - 1].isalnum()) or (end < size and folded[end].isalnum()):
            continue
        entry = _choose(text, start, end, found, when)
        if entry is not None:
            candidates.append((start, end, key, entry))
    if not candidates:
        return []
    candidates.sort(key=lambda c: (c[0] - c[1], c[0]))
    taken: list[tuple[int, int, str, _Entry]] = []
    for candidate in candidates:
        if all(candidate[1] <= t[0] or candidate[0] >= t[1] for t in taken):
            if _keep(text, folded, candidate, index):
                taken.append(candidate)
    taken.sort()
    mentions: list[Mention] = []
    for start, end, _key, entry in taken:
        has_article = False
        if entry.kind in _ARTICLE_KINDS:
            start, has_article = _with_article(folded, start)
        previous = mentions[-1] if mentions else None
        role = _role(text, folded, start, end, entry.kind, has_article, previous)
        mentions.append(Mention(entry.country, start, end, text[start:end], entry.kind, role))
    return mentions


def _choose(text: str, start: int, end: int, found: tuple[_Entry, ...], when: dt.date | None) -> _Entry | None:
    """The entry a match stands for, after the case rules and the leaders' terms."""
    first_upper = text[start].isupper()
    for entry in found:
        if entry.exact is not None:
            if text[start:end] != entry.exact:
                continue
        elif entry.capital and not first_upper:
            if not (text[start:end].lower().startswith("the ") and text[start + 4:start + 5].isupper()):
                continue
        if entry.kind == "leader" and not _in_office(entry, when):
            continue
        return entry
    return None


def _keep(text: str, folded: str, candidate: tuple[int, int, str, _Entry], index: _Index) -> bool:
    start, end, key, entry = candidate
    rule = index.stops.get(key)
    if rule is not None and (_stopped(folded, start, end, rule[:2]) or (rule[2] and _sentence_initial(text, start))):
        return False
    if entry.kind == "demonym" and start > 1 and folded[start - 1] == "-" and folded[start - 2].isalpha():
        return False  # franco-allemand, Latin-American
    if entry.kind == "name" and text[max(0, start - 4):start] == "Air ":
        return False  # an airline: Air France, Air China, Air Algérie
    if entry.kind == "leader" and entry.surname:
        return not _named_person(text, folded, start, end, check_after=False)
    if entry.kind == "capital" and _in_treaty_name(text, folded, start, end):
        return False
    if entry.kind in ("capital", "seat") or key in _PERSON_LIKE:
        word, _ = _word_before(text, start)
        if word.lower() in _LOCATIVE or word.lower() in _CITY_LOCATIVE:
            return True
        return not _named_person(text, folded, start, end, check_after=" " not in key and not entry.genitive)
    return True


def _in_treaty_name(text: str, folded: str, start: int, end: int) -> bool:
    """A capital naming a treaty, a process or a group of states: "the Minsk agreements", "la
    Convention d'Ottawa", "el Grupo de Lima"."""
    if fold(_word_after(text, end)) in _TREATY_WORDS:
        return True
    words = folded[max(0, start - 40):start].replace("'", "' ").split()[-3:]
    while words and words[-1] in _TREATY_LINKS:
        words.pop()
    return bool(words) and words[-1] in _TREATY_WORDS


def _with_article(folded: str, start: int) -> tuple[int, bool]:
    """Move ``start`` back over a definite article standing right before it (l', the, la, die...)."""
    if start >= 2 and folded[start - 2:start] == "l'" and (start == 2 or not folded[start - 3].isalnum()):
        return start - 2, True
    space = start - 1
    if space > 0 and folded[space] == " ":
        begin = space
        while begin > 0 and folded[begin - 1].isalpha():
            begin -= 1
        if folded[begin:space] in _ARTICLES and (begin == 0 or not (folded[begin - 1].isalnum()
                                                                     or folded[begin - 1] == "'")):
            return begin, True
    return start, False


# --- names ----------------------------------------------------------------------------------------


@functools.lru_cache(maxsize=4096)
def country_name(code: str, language: str = "en") -> str:
    """The display name of a country in one of :data:`LANGUAGES` (CLDR), e.g. ``"ESP"`` -> ``"Spain"``.

    >>> country_name("DEU", "fr")
    'Allemagne'
    """
    import pycountry

    country = pycountry.countries.get(alpha_3=code.upper()) if isinstance(code, str) else None
    if country is None:
        raise ValueError(f"country code {code!r} is not an ISO 3166-1 alpha-3 code")
    if language not in LANGUAGES:
        raise ValueError(f"language {language!r} is not one of {', '.join(LANGUAGES)}")
    name = _territories(language).get(country.alpha_2)
    return name or getattr(country, "common_name", None) or country.name


@functools.cache
def _territories(language: str) -> dict[str, str]:
    from babel import Locale

    return dict(Locale(language).territories)


# --- evaluation -----------------------------------------------------------------------------------


def _load_eval(path: Path) -> list[dict]:
    if not path.is_file():
        raise FileNotFoundError(f"evaluation file {path} does not exist")
    records = []
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as error:
                raise ValueError(f"{path} line {number}: not valid JSON ({error.msg})") from None
            for field in ("id", "language", "text", "mentions"):
                if field not in record:
                    raise ValueError(f"{path} line {number}: field {field!r} is missing")
            for mention in record["mentions"]:
                if record["text"][mention["start"]:mention["end"]] != mention["text"]:
                    raise ValueError(f"{path} line {number}: mention {mention['text']!r} does not match "
                                     f"text[{mention['start']}:{mention['end']}]")
                if mention["role"] not in ROLES:
                    raise ValueError(f"{path} line {number}: role {mention['role']!r} is not one of "
                                     f"{', '.join(ROLES)}")
            records.append(record)
    return records


def _scores(tp: int, fp: int, fn: int) -> dict:
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4),
            "tp": tp, "fp": fp, "fn": fn}


def evaluate(path: str | Path | None = None) -> dict:
    """Precision, recall and F1 of :func:`find_mentions` on labelled sentences.

    A found mention matches a labelled one when it has the same country, the same role and an
    overlapping span (so ``les États-Unis`` matches ``États-Unis``); each labelled mention matches
    at most one found mention. Scores are given for actors, for locations and overall (both roles),
    over all sentences and per language.

    Parameters
    ----------
    path : str or Path, optional
        A JSON-lines file, one sentence per line: ``{"id", "language", "text", "mentions": [{"start",
        "end", "text", "country", "role"}]}`` and optionally ``"date"``. Default:
        ``tests/data/mentions_eval.jsonl`` of the repository.

    Returns
    -------
    dict
        ``{"path", "sentences", "mentions", "scores": {scope: {role: {precision, recall, f1, tp, fp,
        fn}}}, "misses": [...], "false_hits": [...]}`` where scope is ``"all"`` or a language and
        role is ``"actor"``, ``"location"`` or ``"overall"``.
    """
    path = Path(path) if path is not None else _DEFAULT_EVAL
    records = _load_eval(path)
    counts: dict[tuple[str, str], list[int]] = {}
    misses, false_hits = [], []
    for record in records:
        found = find_mentions(record["text"], date=record.get("date"))
        used: set[int] = set()
        for gold in record["mentions"]:
            match = next((i for i, m in enumerate(found) if i not in used and m.country == gold["country"]
                          and m.role == gold["role"] and m.start < gold["end"] and gold["start"] < m.end), None)
            for scope in ("all", record["language"]):
                counts.setdefault((scope, gold["role"]), [0, 0, 0])[0 if match is not None else 2] += 1
            if match is None:
                near = [f"{m.text}={m.country}/{m.role}" for m in found
                        if m.start < gold["end"] and gold["start"] < m.end]
                misses.append({"id": record["id"], "language": record["language"], "text": gold["text"],
                               "country": gold["country"], "role": gold["role"], "found": near,
                               "sentence": record["text"]})
            else:
                used.add(match)
        for i, m in enumerate(found):
            if i not in used:
                for scope in ("all", record["language"]):
                    counts.setdefault((scope, m.role), [0, 0, 0])[1] += 1
                false_hits.append({"id": record["id"], "language": record["language"], "text": m.text,
                                   "country": m.country, "role": m.role, "kind": m.kind,
                                   "sentence": record["text"]})
    scores: dict[str, dict[str, dict]] = {}
    scopes = ["all"] + sorted({r["language"] for r in records})
    for scope in scopes:
        per_role = {}
        total = [0, 0, 0]
        for role in ROLES:
            tp, fp, fn = counts.get((scope, role), [0, 0, 0])
            per_role[role] = _scores(tp, fp, fn)
            total = [total[0] + tp, total[1] + fp, total[2] + fn]
        per_role["overall"] = _scores(*total)
        scores[scope] = per_role
    return {"path": str(path), "sentences": len(records),
            "mentions": sum(len(r["mentions"]) for r in records), "scores": scores,
            "misses": misses, "false_hits": false_hits}


def format_evaluation(result: dict, *, examples: int = 40) -> str:
    """A readable table of :func:`evaluate`'s result, with the first misses and false hits."""
    lines = [f"country mentions in {result['path']}: {result['sentences']} sentences, "
             f"{result['mentions']} labelled mentions",
             "(match: same country, same role, overlapping span)", "",
             f"{'scope':<6} {'role':<9} {'precision':>9} {'recall':>7} {'F1':>6} {'tp':>5} {'fp':>5} {'fn':>5}"]
    for scope, per_role in result["scores"].items():
        for role, s in per_role.items():
            lines.append(f"{scope:<6} {role:<9} {s['precision']:>9.3f} {s['recall']:>7.3f} {s['f1']:>6.3f} "
                         f"{s['tp']:>5} {s['fp']:>5} {s['fn']:>5}")
    for title, items in (("misses", result["misses"]), ("false hits", result["false_hits"])):
        lines += ["", f"{title} ({len(items)}):"]
        for item in items[:examples]:
            extra = f" (found {', '.join(item['found'])})" if item.get("found") else ""
            lines.append(f"  {item['id']:<7} {item['country']} {item['role']:<8} «{item['text']}»{extra}  "
                         f"| {_clip(item['sentence'])}")
        if len(items) > examples:
            lines.append(f"  ... and {len(items) - examples} more")
    return "\n".join(lines)


def _clip(sentence: str, width: int = 90) -> str:
    return sentence if len(sentence) <= width else sentence[:width - 1] + "…"


def _iter_forms(kinds: Iterable[str] = KINDS) -> Iterable[tuple[str, str, str]]:
    """(folded form, country, kind) of every compiled form, for inspection and tests."""
    wanted = set(kinds)
    for key, (_, found) in _index().automaton.items():
        for entry in found:
            if entry.kind in wanted:
                yield key, entry.country, entry.kind
