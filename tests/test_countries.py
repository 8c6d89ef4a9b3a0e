"""Tests of stance.countries: names, demonyms, seats, capitals, leaders, roles, ambiguity, speed."""

from __future__ import annotations

from pathlib import Path

import pytest

from stance.countries import Mention, country_name, evaluate, find_mentions, format_evaluation

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "seeds" / "2024-11-20-kyiv-embassies.fr.txt"


def _found(text: str, date: str | None = None) -> list[tuple[str, str, str]]:
    return [(m.text, m.country, m.role) for m in find_mentions(text, date=date)]


def _has(text: str, mention: str, country: str, role: str | None = None, date: str | None = None) -> bool:
    return any(m.text == mention and m.country == country and (role is None or m.role == role)
               for m in find_mentions(text, date=date))


# --- names, spans and articles ------------------------------------------------------------------

@pytest.mark.parametrize(
    ("text", "mention", "country"),
    [
        ("L’Espagne a fermé son ambassade.", "L’Espagne", "ESP"),
        ("L'Espagne a fermé son ambassade.", "L'Espagne", "ESP"),
        ("Madrid et l’Italie ont suivi.", "l’Italie", "ITA"),
        ("Ils ont suivi les États-Unis.", "les États-Unis", "USA"),
        ("L’ambassade des États-Unis reste ouverte.", "États-Unis", "USA"),
        ("Le secrétaire d'État des Etats-Unis est arrivé.", "Etats-Unis", "USA"),
        ("ETATS-UNIS : fermeture de l'ambassade", "ETATS-UNIS", "USA"),
        ("Il sostegno dell'Italia è chiaro.", "Italia", "ITA"),
        ("Il sostegno dell’Italia è chiaro.", "Italia", "ITA"),
        ("Aide aux États-Unis et au Mali.", "États-Unis", "USA"),
        ("The United States closed its embassy.", "The United States", "USA"),
        ("Officials said the U.S. would act.", "the U.S.", "USA"),
        ("The US and the UK agreed.", "The US", "USA"),
        ("The US and the UK agreed.", "the UK", "GBR"),
        ("USA and U.K. officials met.", "U.K.", "GBR"),
        ("Die Türkei vermittelt.", "Die Türkei", "TUR"),
        ("Chinas Außenminister warnte.", "Chinas", "CHN"),
        ("Die Interessen der Vereinigten Staaten werden vertreten.", "der Vereinigten Staaten", "USA"),
        ("Los EE.UU. anunciaron sanciones.", "Los EE.UU.", "USA"),
        ("Cuba acusó a EEUU de endurecer el bloqueo.", "EEUU", "USA"),
        ("Gli Stati Uniti hanno ridotto il personale.", "Gli Stati Uniti", "USA"),
        ("Britain and Great Britain are the same.", "Great Britain", "GBR"),
        ("Le Royaume-Uni a rappelé son ambassadeur.", "Le Royaume-Uni", "GBR"),
        ("La Grande-Bretagne a protesté.", "La Grande-Bretagne", "GBR"),
        ("Holland won the vote.", "Holland", "NLD"),
        ("The Russian Federation objected.", "The Russian Federation", "RUS"),
        ("The Islamic Republic of Iran objected.", "The Islamic Republic of Iran", "IRN"),
        ("Deutschland und Frankreich einigten sich.", "Deutschland", "DEU"),
        ("España y Francia firmaron.", "España", "ESP"),
        ("La Centrafrique a rappelé son ambassadeur.", "La Centrafrique", "CAF"),
        ("La République islamique a rompu avec Bakou.", "La République islamique", "IRN"),
        ("La République islamique d’Iran a protesté.", "La République islamique d’Iran", "IRN"),
        ("L’État hébreu a rappelé son ambassadrice.", "L’État hébreu", "ISR"),
        ("The Islamic Republic has warned Washington.", "The Islamic Republic", "IRN"),
    ],
)
def test_names_with_articles_and_variants(text: str, mention: str, country: str) -> None:
    assert _has(text, mention, country)


@pytest.mark.parametrize(
    ("text", "mention", "country"),
    [
        ("Papua New Guinea and Equatorial Guinea abstained.", "Papua New Guinea", "PNG"),
        ("Papua New Guinea and Equatorial Guinea abstained.", "Equatorial Guinea", "GNQ"),
        ("Guinea voted in favour.", "Guinea", "GIN"),
        ("Niger and Nigeria closed the border.", "Niger", "NER"),
        ("Niger and Nigeria closed the border.", "Nigeria", "NGA"),
        ("The DRC accused Rwanda.", "The DRC", "COD"),
        ("La RDC accuse le Rwanda.", "La RDC", "COD"),
        ("The Democratic Republic of the Congo accused Rwanda.", "The Democratic Republic of the Congo", "COD"),
        ("Talks were held in Kinshasa.", "Kinshasa", "COD"),
        ("Talks were held in Brazzaville.", "Brazzaville", "COG"),
        ("The Republic of the Congo abstained.", "The Republic of the Congo", "COG"),
        ("Chad expelled the ambassador.", "Chad", "TCD"),
        ("South Sudan and Sudan signed.", "South Sudan", "SSD"),
    ],
)
def test_longest_match_and_close_names(text: str, mention: str, country: str) -> None:
    assert _has(text, mention, country)
    found = find_mentions(text)
    assert all(a.end <= b.start for a, b in zip(found, found[1:]))


def test_guinea_inside_longer_names_is_not_guinea() -> None:
    assert [m.country for m in find_mentions("Papua New Guinea and Equatorial Guinea abstained.")] == ["PNG", "GNQ"]


# --- demonyms -----------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("word", "country"),
    [
        ("américain", "USA"), ("américaine", "USA"), ("américains", "USA"), ("américaines", "USA"),
        ("britannique", "GBR"), ("britanniques", "GBR"),
        ("turc", "TUR"), ("turque", "TUR"), ("turcs", "TUR"), ("turques", "TUR"),
        ("nigérien", "NER"), ("nigérienne", "NER"), ("nigériens", "NER"), ("nigériennes", "NER"),
        ("nigérian", "NGA"), ("nigériane", "NGA"), ("nigérians", "NGA"), ("nigérianes", "NGA"),
        ("nord-coréens", "PRK"), ("grecque", "GRC"),
        ("deutsche", "DEU"), ("deutschen", "DEU"), ("deutscher", "DEU"), ("russischem", "RUS"),
        ("estadounidense", "USA"), ("estadounidenses", "USA"), ("británico", "GBR"), ("británicas", "GBR"),
        ("española", "ESP"), ("israelí", "ISR"), ("israelíes", "ISR"), ("alemanes", "DEU"),
        ("statunitense", "USA"), ("statunitensi", "USA"), ("francese", "FRA"), ("francesi", "FRA"),
        ("tedesco", "DEU"), ("tedesca", "DEU"), ("tedeschi", "DEU"), ("tedesche", "DEU"),
        ("russo", "RUS"), ("russa", "RUS"), ("russi", "RUS"), ("britannici", "GBR"),
        ("bahreïni", "BHR"), ("bahreïnie", "BHR"), ("bahreïnis", "BHR"), ("bahreïnies", "BHR"),
        ("hondurien", "HND"), ("hondurienne", "HND"), ("honduriens", "HND"), ("honduriennes", "HND"),
        ("bangladais", "BGD"), ("bangladaise", "BGD"), ("bangladaises", "BGD"), ("koweïtiens", "KWT"),
        ("paraguayens", "PRY"), ("guatémaltèques", "GTM"), ("ouzbèkes", "UZB"), ("omanaise", "OMN"),
        ("honduranische", "HND"), ("bangladeschischen", "BGD"), ("Honduraner", "HND"), ("Guatemaltekin", "GTM"),
        ("hondureño", "HND"), ("hondureñas", "HND"), ("bangladesíes", "BGD"), ("kirguises", "KGZ"),
        ("honduregno", "HND"), ("honduregni", "HND"), ("bengalesi", "BGD"), ("malgasci", "MDG"),
        ("guatemaltechi", "GTM"), ("slovacchi", "SVK"), ("albanesi", "ALB"),
    ],
)
def test_demonyms_in_every_gender_and_number(word: str, country: str) -> None:
    found = find_mentions(f"Selon la source {word} consultée, rien.")
    assert [(m.text, m.country, m.kind) for m in found] == [(word, country, "demonym")]


@pytest.mark.parametrize(
    ("text", "mention", "country"),
    [
        ("The British embassy stayed open.", "British", "GBR"),
        ("Die Amerikaner und die Briten reduzierten ihr Personal.", "Amerikaner", "USA"),
        ("Die Amerikaner und die Briten reduzierten ihr Personal.", "Briten", "GBR"),
        ("US-Präsident Joe Biden telefonierte.", "US", "USA"),
        ("Le ministre bahreïni a protesté.", "bahreïni", "BHR"),
        ("Les ambassades saoudienne et bahreïnie restent fermées.", "bahreïnie", "BHR"),
        ("Honduran officials said the talks had failed.", "Honduran", "HND"),
        ("Bangladeshi officials protested to New Delhi.", "Bangladeshi", "BGD"),
        ("Kuwaiti mediators brokered the deal.", "Kuwaiti", "KWT"),
        ("La diplomatie hondurienne a réagi.", "hondurienne", "HND"),
        ("Les diplomates paraguayens ont quitté Jérusalem.", "paraguayens", "PRY"),
        ("Le président ivoirien a reçu son homologue ghanéen.", "ghanéen", "GHA"),
        ("Die bolivianische Regierung brach die Beziehungen ab.", "bolivianische", "BOL"),
        ("Der kuwaitische Emir vermittelte zwischen den Nachbarn.", "kuwaitische", "KWT"),
        ("El canciller hondureño viajó a Pekín.", "hondureño", "HND"),
        ("Las autoridades guatemaltecas protestaron.", "guatemaltecas", "GTM"),
        ("Il governo bengalese ha protestato.", "bengalese", "BGD"),
        ("Il ministro omanita ha mediato tra le parti.", "omanita", "OMN"),
    ],
)
def test_demonyms_in_context(text: str, mention: str, country: str) -> None:
    assert _has(text, mention, country, "actor")


def test_demonym_span_excludes_article_and_title() -> None:
    found = find_mentions("Le président turc Recep Tayyip Erdoğan s’est opposé à la décision.")
    assert [(m.text, m.country, m.kind) for m in found] == [("turc", "TUR", "demonym"),
                                                           ("Recep Tayyip Erdoğan", "TUR", "leader")]
    assert _found("the British embassy") == [("British", "GBR", "actor")]


def test_english_demonyms_need_a_capital_letter() -> None:
    assert _found("They polish the brass and speak of french fries.") == []
    assert _has("Polish officials said no.", "Polish", "POL")


# --- seats of power and capitals ----------------------------------------------------------------

@pytest.mark.parametrize(
    ("text", "mention", "country"),
    [
        ("Washington affirme avoir reçu des informations.", "Washington", "USA"),
        ("Le Kremlin a refusé de commenter.", "Le Kremlin", "RUS"),
        ("The Kremlin dismissed the report.", "The Kremlin", "RUS"),
        ("Downing Street declined to comment.", "Downing Street", "GBR"),
        ("Whitehall said nothing.", "Whitehall", "GBR"),
        ("Le Quai d’Orsay a indiqué que l’ambassade restait ouverte.", "Le Quai d’Orsay", "FRA"),
        ("L’Élysée a annoncé une visite.", "L’Élysée", "FRA"),
        ("Matignon n’a pas souhaité réagir.", "Matignon", "FRA"),
        ("Pékin s’est opposé à toute ingérence.", "Pékin", "CHN"),
        ("Beijing objected to the sanctions.", "Beijing", "CHN"),
        ("La Farnesina ha invitato i connazionali a partire.", "La Farnesina", "ITA"),
        ("Palazzo Chigi ha espresso preoccupazione.", "Palazzo Chigi", "ITA"),
        ("La Moncloa condenó el ataque.", "La Moncloa", "ESP"),
        ("The White House said it would respond.", "The White House", "USA"),
        ("La Maison Blanche a salué l’accord.", "La Maison Blanche", "USA"),
        ("Das Weiße Haus kündigte Sanktionen an.", "Das Weiße Haus", "USA"),
        ("Foggy Bottom stayed silent.", "Foggy Bottom", "USA"),
        ("Zhongnanhai stayed silent.", "Zhongnanhai", "CHN"),
        ("Der Kreml sprach von einer Provokation.", "Der Kreml", "RUS"),
        ("Die Bundesregierung verurteilte den Angriff.", "Die Bundesregierung", "DEU"),
        ("Moscou a dénoncé une provocation.", "Moscou", "RUS"),
        ("Ankara criticised the decision.", "Ankara", "TUR"),
        ("Londres et Berlin ont exprimé leur soutien.", "Londres", "GBR"),
        ("Téhéran a rejeté la proposition.", "Téhéran", "IRN"),
        ("Kyiv condemned the decision.", "Kyiv", "UKR"),
        ("La sanctions contre Moscou ont été renforcées.", "Moscou", "RUS"),
        ("Le Caire a condamné l’attaque.", "Le Caire", "EGY"),
        ("La position du Caire reste inchangée.", "Caire", "EGY"),
    ],
)
def test_seats_and_capitals_acting_are_actors(text: str, mention: str, country: str) -> None:
    assert _has(text, mention, country, "actor")


@pytest.mark.parametrize(
    ("text", "mention", "country"),
    [
        ("L’Espagne a fermé ses ambassades à Kiev.", "Kiev", "UKR"),
        ("Talks in Ankara ended without a deal.", "Ankara", "TUR"),
        ("The embassy in Kyiv stayed open.", "Kyiv", "UKR"),
        ("Peskov s’adressait aux journalistes à Moscou.", "Moscou", "RUS"),
        ("Baerbock reiste nach Berlin.", "Berlin", "DEU"),
        ("La embajada británica en Madrid emitió un comunicado.", "Madrid", "ESP"),
        ("L'ambasciatore tedesco a Roma è stato convocato.", "Roma", "ITA"),
        ("Tajani ha incontrato il suo omologo ad Ankara.", "Ankara", "TUR"),
        ("Pedro Sánchez viajó a Pekín para reunirse con Xi.", "Pekín", "CHN"),
        ("Protesters gathered in Washington, D.C., on Saturday.", "Washington, D.C.", "USA"),
        ("The prime minister travelled to Paris.", "Paris", "FRA"),
        ("Die Botschafter trafen sich im Kreml.", "Kreml", "RUS"),
        ("A drone hit a building in Odesa.", "Odesa", "UKR"),
        ("The mission moved from Kyiv to Lviv.", "Lviv", "UKR"),
        ("Talks were held in Istanbul.", "Istanbul", "TUR"),
        ("L’ambassade des États-Unis au Caire a fermé ses portes.", "Caire", "EGY"),
        ("Il est arrivé au Caire lundi.", "Caire", "EGY"),
        ("L’ambassade des États-Unis à Rangoun reste ouverte.", "Rangoun", "MMR"),
    ],
)
def test_cities_as_places_are_locations(text: str, mention: str, country: str) -> None:
    assert _has(text, mention, country, "location")


def test_spanish_object_marker_a_keeps_the_city_an_actor() -> None:
    assert _has("Moscú acusó a Washington de alimentar el conflicto.", "Washington", "USA", "actor")


def test_city_that_is_not_a_capital_is_always_a_location() -> None:
    assert _found("Lviv said nothing.") == [("Lviv", "UKR", "location")]


# --- roles of names and demonyms ----------------------------------------------------------------

@pytest.mark.parametrize(
    ("text", "mention", "country", "role"),
    [
        ("Les citoyens français en Ukraine ont été invités à la prudence.", "Ukraine", "UKR", "location"),
        ("Les citoyens français en Ukraine ont été invités à la prudence.", "français", "FRA", "actor"),
        ("The war in Ukraine goes on.", "Ukraine", "UKR", "location"),
        ("Ukraine said the strike failed.", "Ukraine", "UKR", "actor"),
        ("Des frappes sur le territoire russe.", "russe", "RUS", "location"),
        ("Dans la région russe de Belgorod.", "russe", "RUS", "location"),
        ("Missiles struck Russian territory.", "Russian", "RUS", "location"),
        ("Troops stood on Russian soil.", "Russian", "RUS", "location"),
        ("Ziele auf russischem Gebiet.", "russischem", "RUS", "location"),
        ("Les forces russes avancent.", "russes", "RUS", "actor"),
        ("S’exprimant au Laos, il a parlé.", "Laos", "LAO", "location"),
        ("Im Iran wurden zwei Deutsche festgenommen.", "Iran", "IRN", "location"),
        ("Americans were evacuated from Sudan.", "Sudan", "SDN", "location"),
        ("Israel struck targets in Syria and Lebanon.", "Lebanon", "LBN", "location"),
        ("Israel struck targets in Syria and Lebanon.", "Israel", "ISR", "actor"),
        ("I cittadini italiani in Israele sono prudenti.", "Israele", "ISR", "location"),
        ("Los ciudadanos españoles en Venezuela recibieron un aviso.", "Venezuela", "VEN", "location"),
        ("La Turquie a maintenu des liens avec l’Ukraine et la Russie.", "la Russie", "RUS", "actor"),
        ("Des cibles militaires près de la frontière libanaise.", "libanaise", "LBN", "location"),
        ("Leaders from the UK signed.", "the UK", "GBR", "actor"),
        ("Les diplomates ont quitté Haïti.", "Haïti", "HTI", "location"),
        ("La fourniture de mines terrestres à l’Ukraine.", "l’Ukraine", "UKR", "actor"),
        ("Il vit à Chypre.", "Chypre", "CYP", "location"),
        ("Washington a suspendu son ambassade en Centrafrique.", "Centrafrique", "CAF", "location"),
        ("Taiwan's embassy in the Honduran capital has shut.", "Honduran", "HND", "location"),
    ],
)
def test_roles(text: str, mention: str, country: str, role: str) -> None:
    assert _has(text, mention, country, role), _found(text)


# --- leaders and dates --------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("text", "mention", "country", "date", "expected"),
    [
        ("Biden met the press.", "Biden", "USA", "2024-11-20", True),
        ("Biden met the press.", "Biden", "USA", "2025-03-01", False),
        ("Biden met the press.", "Biden", "USA", None, True),
        ("Trump met the press.", "Trump", "USA", "2019-05-01", True),
        ("Trump met the press.", "Trump", "USA", "2023-05-01", False),
        ("Trump met the press.", "Trump", "USA", "2025-01-20", True),
        ("Erdogan spoke.", "Erdogan", "TUR", "2010-01-01", True),
        ("Erdoğan spoke.", "Erdoğan", "TUR", "2024-01-01", True),
        ("Scholz traf Macron.", "Scholz", "DEU", "2025-05-06", False),
        ("Merz traf Macron.", "Merz", "DEU", "2025-05-06", True),
        ("Assad fled.", "Assad", "SYR", "2024-12-09", False),
        ("Assad fled.", "Assad", "SYR", "2024-12-07", True),
        ("Cameron spoke in Kyiv.", "Cameron", "GBR", "2024-01-10", True),
        ("Cameron spoke in Kyiv.", "Cameron", "GBR", "2020-01-10", False),
        ("Le président Poutine a parlé.", "Poutine", "RUS", "2024-11-20", True),
        ("Lawrow warf Berlin Provokationen vor.", "Lawrow", "RUS", "2024-11-20", True),
        ("Zelenskyy and Zelensky are one man.", "Zelenskyy", "UKR", "2024-11-20", True),
        ("Kuleba resigned.", "Kuleba", "UKR", "2024-10-01", False),
        ("Sybiha spoke.", "Sybiha", "UKR", "2024-10-01", True),
    ],
)
def test_leaders_resolved_with_dates(text: str, mention: str, country: str, date: str | None,
                                     expected: bool) -> None:
    assert _has(text, mention, country, "actor", date=date) is expected


def test_full_name_wins_over_surname() -> None:
    assert _found("Joe Biden met Recep Tayyip Erdoğan.", "2024-01-01") == [
        ("Joe Biden", "USA", "actor"), ("Recep Tayyip Erdoğan", "TUR", "actor")]


def test_other_people_with_a_leader_s_surname_are_not_leaders() -> None:
    assert _found("Officials said Hunter Biden and Melania Trump arrived.") == []
    assert _has("President Biden and Chancellor Scholz met.", "Biden", "USA")


def test_date_accepts_date_objects_and_rejects_garbage() -> None:
    import datetime as dt

    assert _has("Biden spoke.", "Biden", "USA", date=dt.date(2022, 1, 1))
    with pytest.raises(ValueError, match="not an ISO date"):
        find_mentions("Biden spoke.", date="yesterday")


@pytest.mark.parametrize(
    ("text", "mention", "country", "date", "expected"),
    [
        ("William Hague flew to The Hague.", "William Hague", "GBR", "2012-03-01", True),
        ("William Hague flew to The Hague.", "William Hague", "GBR", "2015-03-01", False),
        ("Philip Hammond met Lavrov.", "Philip Hammond", "GBR", "2015-03-01", True),
        ("Salva Kiir a limogé son ministre.", "Salva Kiir", "SSD", "2020-01-10", True),
        ("Salva Kiir a limogé son ministre.", "Salva Kiir", "SSD", "2010-01-10", False),
        ("Kiir a limogé son ministre.", "Kiir", "SSD", "2020-01-10", True),
        ("Le président Ashraf Ghani a quitté Kaboul.", "Ashraf Ghani", "AFG", "2021-08-14", True),
        ("Le président Ashraf Ghani a quitté Kaboul.", "Ashraf Ghani", "AFG", "2021-08-16", False),
        ("Der Außenminister Bruno Rodríguez kritisierte die USA.", "Bruno Rodríguez", "CUB", "2020-07-01", True),
        ("Tsai Ing-wen empfing die Delegation.", "Tsai Ing-wen", "TWN", "2020-07-01", True),
        ("Tsai Ing-wen empfing die Delegation.", "Tsai Ing-wen", "TWN", "2024-06-01", False),
        ("Lai Ching-te empfing die Delegation.", "Lai Ching-te", "TWN", "2024-06-01", True),
        ("Abiy Ahmed recibió al enviado.", "Abiy Ahmed", "ETH", "2022-05-01", True),
        ("Abiy Ahmed recibió al enviado.", "Abiy Ahmed", "ETH", "2017-05-01", False),
        ("Horacio Cartes recibió al enviado.", "Horacio Cartes", "PRY", "2015-05-01", True),
        ("Mario Abdo Benítez recibió al enviado.", "Mario Abdo Benítez", "PRY", "2018-08-14", False),
        ("Mario Abdo Benítez recibió al enviado.", "Mario Abdo Benítez", "PRY", "2018-08-15", True),
        ("Daniel Ortega expulsó al embajador.", "Daniel Ortega", "NIC", "2022-05-01", True),
        ("Il ministro Paolo Gentiloni ha chiamato Kerry.", "Paolo Gentiloni", "ITA", "2015-05-01", True),
        ("Renzi ha incontrato Hollande.", "Renzi", "ITA", "2015-05-01", True),
        ("Renzi ha incontrato Hollande.", "Renzi", "ITA", "2019-05-01", False),
        ("Sergueï Lavrov a reçu Laurent Fabius.", "Laurent Fabius", "FRA", "2014-05-01", True),
        ("Steinmeier traf Lawrow.", "Steinmeier", "DEU", "2015-05-01", True),
        ("Steinmeier traf Lawrow.", "Steinmeier", "DEU", "2017-02-15", False),
        # Africa, Latin America, Asia and Europe
        ("Uhuru Kenyatta a reçu Paul Kagame à Nairobi.", "Uhuru Kenyatta", "KEN", "2019-05-01", True),
        ("Uhuru Kenyatta a reçu Paul Kagame à Nairobi.", "Paul Kagame", "RWA", "2019-05-01", True),
        ("President Ruto told reporters in Nairobi.", "Ruto", "KEN", "2023-03-01", True),
        ("Le président Félix Tshisekedi a dénoncé l'agression.", "Félix Tshisekedi", "COD", "2024-06-01", True),
        ("Le président Félix Tshisekedi a dénoncé l'agression.", "Félix Tshisekedi", "COD", "2018-06-01", False),
        ("Mutharika arrived in Lilongwe.", "Mutharika", "MWI", "2011-01-01", True),
        ("Mutharika arrived in Lilongwe.", "Mutharika", "MWI", "2022-01-01", False),
        ("Dina Boluarte met the envoy.", "Dina Boluarte", "PER", "2023-05-01", True),
        ("Dina Boluarte met the envoy.", "Dina Boluarte", "PER", "2025-11-01", False),
        ("José Jerí met the envoy.", "José Jerí", "PER", "2025-12-01", True),
        ("Nayib Bukele criticised Washington.", "Nayib Bukele", "SLV", "2022-01-01", True),
        ("Sheikh Hasina flew to India.", "Sheikh Hasina", "BGD", "2024-08-04", True),
        ("Sheikh Hasina flew to India.", "Sheikh Hasina", "BGD", "2024-08-06", False),
        ("Prayut Chan-o-cha met the Chinese envoy.", "Prayut Chan-o-cha", "THA", "2019-01-01", True),
        ("Jacinda Ardern a annoncé sa démission.", "Jacinda Ardern", "NZL", "2023-01-19", True),
        ("Kassym-Jomart Tokaïev a reçu Vladimir Poutine.", "Kassym-Jomart Tokaïev", "KAZ", "2023-01-01", True),
        ("Salomé Zourabichvili a reçu Emmanuel Macron.", "Salomé Zourabichvili", "GEO", "2023-01-01", True),
        ("Salomé Zourabichvili a reçu Emmanuel Macron.", "Salomé Zourabichvili", "GEO", "2025-06-01", False),
        ("Ignazio Cassis a convoqué l'ambassadeur.", "Ignazio Cassis", "CHE", "2022-01-01", True),
        ("Ana Brnabić met the EU envoy.", "Ana Brnabić", "SRB", "2020-01-01", True),
        ("Maia Sandu a condamné Moscou.", "Maia Sandu", "MDA", "2023-01-01", True),
        ("Kim Jong-il met the Russian president.", "Kim Jong-il", "PRK", "2011-08-24", True),
        ("Kim Jong-il met the Russian president.", "Kim Jong-il", "PRK", "2012-01-01", False),
    ],
)
def test_more_leaders_resolved_with_dates(text: str, mention: str, country: str, date: str,
                                          expected: bool) -> None:
    assert _has(text, mention, country, "actor", date=date) is expected


def test_one_surname_for_two_leaders_follows_each_term() -> None:
    assert _found("Aoun spoke.", "2018-01-01") == [("Aoun", "LBN", "actor")]
    assert _found("Aoun spoke.", "2023-06-01") == []
    assert _found("Aoun spoke.", "2025-06-01") == [("Aoun", "LBN", "actor")]
    assert _found("Déby a parlé.", "2020-01-01") == _found("Déby a parlé.", "2022-01-01") == [("Déby", "TCD", "actor")]


@pytest.mark.parametrize(
    ("text", "date"),
    [
        ("Amancio Ortega y Luisa Ortega Díaz hablaron.", "2019-01-01"),  # common surnames: full names only
        ("Ortega habló con la prensa.", "2019-01-01"),
        ("Hammond spoke to the press.", "2015-01-01"),
        ("Cartes bancaires et cartes grises.", "2015-01-01"),  # an ordinary French word
        ("Mullah Abdul Ghani Baradar arrived.", "2019-01-01"),  # a listed surname inside another name
        ("Gabriel García Márquez wrote.", "2017-06-01"),
    ],
)
def test_surnames_that_are_not_listed_or_belong_to_others_are_not_leaders(text: str, date: str) -> None:
    assert [m for m in find_mentions(text, date=date) if m.kind == "leader"] == []


def test_place_names_are_not_leaders() -> None:
    assert _found("Talks in The Hague went on.", "2012-03-01") == [("The Hague", "NLD", "location")]


@pytest.mark.parametrize(
    ("text", "mention", "country"),
    [
        ("China closed the US consulate in Chengdu after the US shut its consulate in Houston.", "Houston", "USA"),
        ("China closed the US consulate in Chengdu after the US shut its consulate in Houston.", "Chengdu", "CHN"),
        ("Les États-Unis ont ordonné à la Chine de fermer son consulat de Houston.", "Houston", "USA"),
        ("Le consulat de France à Wuhan a été évacué.", "Wuhan", "CHN"),
        ("Das US-Generalkonsulat in Jekaterinburg wurde geschlossen.", "Jekaterinburg", "RUS"),
        ("Das Konsulat in Schanghai bleibt offen.", "Schanghai", "CHN"),
        ("El consulado en Ekaterimburgo cerró.", "Ekaterimburgo", "RUS"),
        ("Il consolato italiano a Shenyang ha chiuso.", "Shenyang", "CHN"),
        ("Protesters gathered in Hama and Deraa.", "Deraa", "SYR"),
        ("The consulate in Mashhad stayed open.", "Mashhad", "IRN"),
        ("Le consulat de Peshawar a été fermé.", "Peshawar", "PAK"),
        ("The consulate in Bengaluru issues visas.", "Bengaluru", "IND"),
        ("Wuhan said nothing.", "Wuhan", "CHN"),
    ],
)
def test_non_capital_cities_are_locations(text: str, mention: str, country: str) -> None:
    assert _has(text, mention, country, "location"), _found(text)


@pytest.mark.parametrize(
    ("text", "mention", "country", "role"),
    [
        ("Vienna objected to the move.", "Vienna", "AUT", "actor"),
        ("Talks in Vienna resumed.", "Vienna", "AUT", "location"),
        ("The embassy moved from Tel Aviv to Jerusalem.", "Jerusalem", "ISR", "location"),
        ("Protests in Yangon continued.", "Yangon", "MMR", "location"),
    ],
)
def test_capitals_and_former_capitals(text: str, mention: str, country: str, role: str) -> None:
    assert _has(text, mention, country, role), _found(text)


@pytest.mark.parametrize(
    "text",
    ["The Kyoto Protocol expired.", "Le protocole de Kyoto a expiré.", "The Houston Rockets won.",
     "Whitney Houston sang.", "La Douma a voté la loi."],
)
def test_city_names_in_other_names_are_not_places(text: str) -> None:
    assert _found(text) == []


# --- ambiguity ----------------------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "Kenyan navy ships patrol the Indian Ocean.",
    "Les Comores se trouvent dans l’océan Indien.",
    "Der Tanker sank im Indischen Ozean.",
    "Una nave affondata nell'Oceano Indiano.",
    "Pirates attacked a freighter in the Gulf of Guinea.",
    "Des pirates sévissent dans le golfe de Guinée.",
    "Tankers were seized in the Gulf of Oman.",
    "Un pétrolier a été saisi dans le golfe d’Oman.",
    "North Korea fired a missile into the Sea of Japan.",
    "Le missile est tombé en mer du Japon.",
    "The ferry crossed the Irish Sea.",
])
def test_seas_and_oceans_named_after_a_country_are_no_mention_of_it(text: str) -> None:
    named = {"IND", "GIN", "OMN", "JPN", "IRL"}
    assert [m for m in find_mentions(text) if m.country in named] == []


@pytest.mark.parametrize("text, found", [
    ("Seul le Qatar a gardé son ambassade ouverte.", ["QAT"]),
    ("Seúl ha condenado el lanzamiento del misil.", ["KOR"]),
    ("Séoul a protesté vendredi.", ["KOR"]),
    ("Male officials said the talks had failed.", []),
    ("In Male, the capital, the Indian embassy stayed open.", ["MDV", "IND"]),
    ("Sucre et farine manquent dans les magasins.", []),
    ("Talks in Sucre ended without a deal.", ["BOL"]),
])
def test_capitals_spelt_like_common_words(text: str, found: list[str]) -> None:
    """A capital whose plain spelling is a common word needs its accent ('=Seúl'), or does not
    count at the start of a sentence ('Male', 'Sucre')."""
    assert [m.country for m in find_mentions(text)] == found


@pytest.mark.parametrize("text, found", [
    ("L'Organisation des États américains a réagi ; la diplomatie américaine aussi.", ["USA"]),
    ("The Organization of American States met while American diplomats waited.", ["USA"]),
    ("Fighters of the Islamic State of Iraq and the Levant advanced on Baghdad.", ["IRQ"]),
    ("Les combattants de l'État islamique en Irak et au Levant menacent l'Irak.", ["IRQ"]),
    ("Air China and Air France resumed flights to China.", ["CHN"]),
    ("An Air Algérie plane landed in Paris.", ["FRA"]),
    ("El Grupo de Lima condenó la represión en Caracas.", ["VEN"]),
    ("The Lima Group and the OSCE Minsk Group met in Lima.", ["PER"]),
    ("Este año, los países del este de Europa no cerraron sus embajadas.", []),
    ("Hubo choques en Santa Elena de Uairén, en la frontera con Brasil.", ["BRA"]),
])
def test_organisations_and_companies_named_after_a_country(text: str, found: list[str]) -> None:
    assert [m.country for m in find_mentions(text)] == found


def test_the_country_words_of_those_seas_still_count_elsewhere() -> None:
    text = "Oman condemned it; Indian and Irish diplomats met Japan's envoy; la Guinée a fermé son ambassade."
    assert [m.country for m in find_mentions(text)] == ["OMN", "IND", "IRL", "JPN", "GIN"]


@pytest.mark.parametrize(
    "text",
    [
        "Officials told us that the plan was ready.",
        "Lawmakers in the Georgia Senate voted on Tuesday.",
        "Voters in the state of Georgia lined up for hours.",
        "Georgia's governor signed the bill in Atlanta.",
        "Georgia, U.S. is hot in summer.",
        "The Washington Post reported the closure.",
        "He studied at George Washington University.",
        "Washington state voters approved the measure.",
        "Michael Jordan retired.",
        "Jordan Bardella criticised the government.",
        "Families sat down to turkey on Thursday.",
        "Wildfires spread across New Mexico.",
        "The guinea pig escaped.",
        "Paris Hilton arrived late.",
        "He watched Real Madrid win the match.",
        "Ni les États-Unis ni la Russie ne sont signataires de la Convention d’Ottawa.",
        "Tensions rose in the South China Sea.",
        "IT and ES and DE are not countries here.",
        "The Minsk agreements collapsed.",
        "Le ministre a accusé Israël d'avoir bafoué les conventions de Vienne.",
        "Both sides invoked the Vienna Conventions on diplomatic relations.",
        "Beide Seiten beriefen sich auf das Wiener Übereinkommen.",
        "Lula is not chile, just a pepper: chile.",
        "La République islamique de Mauritanie a voté la résolution.",
        "Syrian Turkmen fighters advanced on the town.",
        "Ethnic Uzbek commanders joined the talks.",
        "Inner Mongolian herders protested.",
        "Il premier australiano Albanese ha parlato.",
        "Una macedonia de frutas.",
    ],
)
def test_ambiguous_words_are_not_the_country(text: str) -> None:
    wrong = {"us": "USA", "Georgia": "GEO", "Washington": "USA", "Jordan": "JOR", "turkey": "TUR",
             "Mexico": "MEX", "guinea": "GIN", "Paris": "FRA", "Madrid": "ESP", "Ottawa": "CAN", "China": "CHN",
             "IT": "ITA", "ES": "ESP", "DE": "DEU", "Minsk": "BLR", "chile": "CHL",
             "Vienne": "AUT", "Vienna": "AUT", "Wiener": "AUT", "La République islamique": "IRN",
             "Turkmen": "TKM", "Uzbek": "UZB", "Mongolian": "MNG", "Albanese": "ALB", "macedonia": "MKD"}
    for m in find_mentions(text):
        assert wrong.get(m.text) != m.country, (text, m)


@pytest.mark.parametrize(
    ("text", "mention", "country"),
    [
        ("Georgia recalled its ambassador from Moscow.", "Georgia", "GEO"),
        ("Jordan and Egypt condemned the strike.", "Jordan", "JOR"),
        ("Officials in Turkey said the talks went well.", "Turkey", "TUR"),
        ("Chad expelled the ambassador.", "Chad", "TCD"),
        ("U.S. officials told us it was over.", "U.S.", "USA"),
    ],
)
def test_ambiguous_words_that_are_the_country(text: str, mention: str, country: str) -> None:
    assert _has(text, mention, country)


# --- contract -----------------------------------------------------------------------------------

@pytest.mark.parametrize(
    "text",
    [
        "L’Espagne, l’Italie et la Grèce ont suivi les États-Unis en fermant leurs ambassades à Kiev.",
        "Die USA haben ihre Botschaft in Kiew geschlossen, sagte Außenministerin Baerbock.",
        "İstanbul’da Türkiye’nin ÉTATS-UNIS — ß Ærø l’Élysée",
    ],
)
def test_offsets_are_slices_sorted_and_disjoint(text: str) -> None:
    found = find_mentions(text)
    assert found
    for m in found:
        assert isinstance(m, Mention)
        assert text[m.start:m.end] == m.text
        assert m.role in ("actor", "location")
        assert len(m.country) == 3 and m.country.isupper()
    assert all(a.end <= b.start for a, b in zip(found, found[1:]))


def test_find_mentions_rejects_non_text() -> None:
    with pytest.raises(TypeError, match="text must be a str"):
        find_mentions(None)  # type: ignore[arg-type]


@pytest.mark.parametrize(("code", "language", "name"),
                         [("ESP", "en", "Spain"), ("DEU", "fr", "Allemagne"), ("USA", "it", "Stati Uniti")])
def test_country_name(code: str, language: str, name: str) -> None:
    assert country_name(code, language) == name


def test_country_name_rejects_unknown_codes() -> None:
    with pytest.raises(ValueError, match="'XXX' is not an ISO 3166-1 alpha-3 code"):
        country_name("XXX")
    with pytest.raises(ValueError, match="language 'pt'"):
        country_name("ESP", "pt")


# --- the seed article and the evaluation set ----------------------------------------------------

@pytest.fixture(scope="module")
def seed_text() -> str:
    return SEED.read_text(encoding="utf-8")


def test_seed_article_countries(seed_text: str) -> None:
    from stance.text import split_sentences

    found = [m for s in split_sentences(seed_text) for m in find_mentions(s.text, date="2024-11-20")]
    actors = {m.country for m in found if m.role == "actor"}
    assert {"USA", "ESP", "ITA", "GRC", "FRA", "GBR", "DEU", "TUR", "RUS"} <= actors
    assert any(m.country == "UKR" and m.role == "location" and m.text in ("Kyiv", "Kiev") for m in found)
    # Donald Trump was not yet in office on 2024-11-20
    assert not any(m.kind == "leader" and "Trump" in m.text for m in found)


def test_evaluation_meets_targets() -> None:
    result = evaluate()
    assert result["mentions"] >= 300
    assert result["scores"]["all"]["actor"]["f1"] >= 0.95
    assert result["scores"]["all"]["location"]["f1"] >= 0.90
    for language in ("en", "fr", "de", "es", "it"):
        assert result["scores"][language]["actor"]["tp"] + result["scores"][language]["actor"]["fn"] \
            + result["scores"][language]["location"]["tp"] + result["scores"][language]["location"]["fn"] >= 50
    table = format_evaluation(result)
    assert "actor" in table and "location" in table and "misses" in table


def test_evaluate_counts_role_and_span(tmp_path: Path) -> None:
    path = tmp_path / "eval.jsonl"
    path.write_text(
        '{"id": "x1", "language": "en", "text": "France closed its embassy in Kyiv.", "mentions": ['
        '{"start": 0, "end": 6, "text": "France", "country": "FRA", "role": "actor"},'
        '{"start": 29, "end": 33, "text": "Kyiv", "country": "UKR", "role": "actor"}]}\n', encoding="utf-8")
    result = evaluate(path)
    assert result["scores"]["all"]["actor"] == {"precision": 1.0, "recall": 0.5, "f1": 0.6667,
                                                "tp": 1, "fp": 0, "fn": 1}
    assert result["scores"]["all"]["location"]["fp"] == 1
    assert [m["text"] for m in result["misses"]] == ["Kyiv"]


def test_evaluate_reports_bad_files(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="does not exist"):
        evaluate(tmp_path / "missing.jsonl")
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "x", "language": "en", "text": "Spain.", "mentions": '
                   '[{"start": 0, "end": 3, "text": "Spain", "country": "ESP", "role": "actor"}]}\n')
    with pytest.raises(ValueError, match="line 1: mention 'Spain' does not match"):
        evaluate(bad)


def test_index_is_built_once() -> None:
    """The name automaton is compiled on first use and reused; speed is measured by
    benchmarks/bench_countries.py, not asserted here."""
    from stance import countries

    find_mentions("France")
    first = countries._index()
    find_mentions("L’Espagne et l’Italie ont fermé leurs ambassades à Kiev, selon Washington.")
    assert countries._index() is first


def test_index_cache_file_is_written_reused_and_rebuilt_when_broken(tmp_path, monkeypatch) -> None:
    """A start of the process loads the automaton from the cache file; a broken or stale file is
    replaced by a fresh build, never trusted."""
    from stance import config, countries

    monkeypatch.setattr(config, "CACHE_DIR", tmp_path)
    built = countries._build_index()
    countries._index.cache_clear()
    try:
        first = countries._index()
        files = list(tmp_path.glob("countries-*.pickle"))
        assert len(files) == 1
        assert dict(first.automaton.items()) == dict(built.automaton.items())
        assert first.stops == built.stops

        countries._index.cache_clear()
        stale = tmp_path / "countries-0000000000000000.pickle"
        stale.write_bytes(b"old")
        files[0].write_bytes(b"\x80\x05not a pickle")
        rebuilt = countries._index()
        assert dict(rebuilt.automaton.items()) == dict(built.automaton.items())
        assert [path.name for path in tmp_path.glob("countries-*.pickle")] == [files[0].name]
        assert find_mentions("Washington affirme que l’ambassade restera fermée.")[0].country == "USA"
    finally:
        countries._index.cache_clear()


def test_the_holy_see_in_german_cases() -> None:
    text = "Die Nuntiatur des Heiligen Stuhls bleibt offen; Managua wies den Gesandten des Heiligen Stuhl aus."
    assert [(m.text, m.country) for m in find_mentions(text) if m.country == "VAT"] == [
        ("Heiligen Stuhls", "VAT"), ("Heiligen Stuhl", "VAT")]


def test_capitals_in_the_german_genitive() -> None:
    text = "Berlins Reaktion kam prompt, Moskaus Antwort auch; Pekings Haltung blieb unklar."
    assert [(m.text, m.country) for m in find_mentions(text)] == [
        ("Berlins", "DEU"), ("Moskaus", "RUS"), ("Pekings", "CHN")]


def test_the_netherlands_in_the_german_dative_and_rutte_by_surname() -> None:
    text = "Der Minister wurde aus den Niederlanden ausgewiesen; Rutte nannte das unvermeidlich."
    assert [(m.text, m.country) for m in find_mentions(text, date="2017-03-12")] == [
        ("den Niederlanden", "NLD"), ("Rutte", "NLD")]
