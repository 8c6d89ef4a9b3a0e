"""Tests of stance.text: sentence splitting, folding, apostrophes."""

from __future__ import annotations

import pytest

from stance.text import Span, fold, normalize_apostrophes, split_sentences


def _texts(text: str) -> list[str]:
    return [span.text for span in split_sentences(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Mr. Smith met Dr. Jones in the U.S. on Monday. They talked.",
         ["Mr. Smith met Dr. Jones in the U.S. on Monday.", "They talked."]),
        ("The U.K. and the U.S. agreed. The talks ended.", ["The U.K. and the U.S. agreed.", "The talks ended."]),
        ("Officials from the U.S. The meeting was short.", ["Officials from the U.S.", "The meeting was short."]),
        ("M. Dupont et Mme. Martin sont arrivés. Ils repartent.",
         ["M. Dupont et Mme. Martin sont arrivés.", "Ils repartent."]),
        ("Il a parlé à J. R. Smith hier. Puis il est parti.", ["Il a parlé à J. R. Smith hier.", "Puis il est parti."]),
        ("Das gilt z. B. für Berlin. Danach nicht.", ["Das gilt z. B. für Berlin.", "Danach nicht."]),
        ("Am 3. März reiste er ab. Sie blieb.", ["Am 3. März reiste er ab.", "Sie blieb."]),
        ("El Sr. García llegó. La Sra. López no.", ["El Sr. García llegó.", "La Sra. López no."]),
        ("Il Sig. Rossi è arrivato. Poi è ripartito.", ["Il Sig. Rossi è arrivato.", "Poi è ripartito."]),
        ("It grew 3.5 percent to 1,000 units. Prices fell.", ["It grew 3.5 percent to 1,000 units.", "Prices fell."]),
        ("On Jan. 5 the embassy closed. No. 10 said nothing.",
         ["On Jan. 5 the embassy closed.", "No. 10 said nothing."]),
        ("St. Petersburg was quiet. Feb. 2 was not.", ["St. Petersburg was quiet.", "Feb. 2 was not."]),
        ("Il a déclaré : « Nous partons. » Puis il est sorti.",
         ["Il a déclaré : « Nous partons. »", "Puis il est sorti."]),
        ("« C’est inacceptable », a dit Peskov. La Russie attend.",
         ["« C’est inacceptable », a dit Peskov.", "La Russie attend."]),
        ("He said: “We are leaving.” Then he left.", ["He said: “We are leaving.”", "Then he left."]),
        ('He said "no." Then he left.', ['He said "no."', "Then he left."]),
        ("nous cherchons à fournir… nous pouvons les contrôler… Et voilà.",
         ["nous cherchons à fournir… nous pouvons les contrôler…", "Et voilà."]),
        ("Why? Because. Really!", ["Why?", "Because.", "Really!"]),
        ("L'ambassade des États-Unis à Kyiv, en Ukraine. /Sergiy Karazy/Reuters\n\nL’Espagne a fermé.",
         ["L'ambassade des États-Unis à Kyiv, en Ukraine. /Sergiy Karazy/Reuters", "L’Espagne a fermé."]),
        ("Un militaire tire un 2s5\n\nLe porte-parole a refusé.",
         ["Un militaire tire un 2s5", "Le porte-parole a refusé."]),
        ("Embassy closes in Kyiv\nThe U.S. said on Sunday it would close.",
         ["Embassy closes in Kyiv", "The U.S. said on Sunday it would close."]),
        ("The embassy said it would\nremain open until further notice.",
         ["The embassy said it would\nremain open until further notice."]),
        ("Talks with France,\nGermany and Italy went on.", ["Talks with France,\nGermany and Italy went on."]),
        ("", []),
        ("   \n\n  ", []),
    ],
)
def test_split_sentences(text: str, expected: list[str]) -> None:
    assert _texts(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "  Leading spaces. And trailing ones.   ",
        "One.\n\n\nTwo!\r\nThree? Four… five\tsix.",
        "« Oui. » « Non. » Fin.",
        "L’Espagne, l’Italie et la Grèce ont suivi les États-Unis. Washington affirme « ceci ».",
    ],
)
def test_spans_are_slices_stripped_and_keep_all_text(text: str) -> None:
    spans = split_sentences(text)
    for span in spans:
        assert isinstance(span, Span)
        assert text[span.start:span.end] == span.text
        assert span.text == span.text.strip()
    assert [s.start for s in spans] == sorted(s.start for s in spans)
    assert "".join("".join(s.text.split()) for s in spans) == "".join(text.split())


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ÉTATS-UNIS", "etats-unis"),
        ("l’Italie", "l'italie"),
        ("Erdoğan Çavuşoğlu", "erdogan cavusoglu"),
        ("İstanbul", "istanbul"),
        ("Straße – Köln", "straße - koln"),
    ],
)
def test_fold_keeps_length_and_folds_case_accents_apostrophes(text: str, expected: str) -> None:
    assert fold(text) == expected
    assert len(fold(text)) == len(text)


def test_normalize_apostrophes() -> None:
    assert normalize_apostrophes("l’Espagne d‘Italie dʼAlgérie") == "l'Espagne d'Italie d'Algérie"
