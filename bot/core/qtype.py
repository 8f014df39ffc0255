"""Expected answer types: a "how many" question is not answered by a sentence without a number.

This is what keeps near-topic questions ("How long is the Druzhba pipeline?", "What percentage of the
vote did Lukashenko get?", "How much potash does Belarus export?", "Which banks are sanctioned?") from
being answered with a passage that merely mentions the same names. A question that insists on a detail
("which banks exactly?") is not answered by a general statement either.
"""

from __future__ import annotations

import re
from enum import StrEnum
from functools import lru_cache

from bot.core.article import split_sentences
from bot.core.text import clean, words


class Expect(StrEnum):
    NAME = "name"
    DATE = "date"
    CITY = "city"
    REACTION = "reaction"
    FUTURE = "future"
    COST = "cost"
    CURRENT_COUNT = "current_count"
    CURRENT = "current"
    COUNT = "count"
    PERCENT = "percent"
    YEAR = "year"
    TIME = "time"
    LENGTH = "length"
    AGE = "age"


_QUESTION_PATTERNS: tuple[tuple[Expect, re.Pattern[str]], ...] = tuple(
    (kind, re.compile(pattern))
    for kind, pattern in (
        (
            Expect.NAME,
            r"\b(wie hei(ß|ss|s)(t|en)|(what|what's|whats) (is |are )?(the |their |his |her )?names?"
            r"|names? of|welche namen|namentlich|called)\b",
        ),
        # "Which banks?" asks for the banks' names; a sentence about "Belarusian banks" does not give them.
        (
            Expect.NAME,
            r"\b(welche[rmns]?|which|what) (\w+ ){0,2}(\w+-)?(banken|banks|firmen|unternehmen|konzerne|companies"
            r"|firms|corporations|häfen|haefen|hafen|ports?|beamten?|officials|politiker|politicians|oppositionellen"
            r"|dissidenten|dissidents|gefangenen|häftlinge|prisoners|produkte|güter|products|goods)\b",
        ),
        (Expect.CITY, r"\b(welche[rmns]? (\w+ )?stadt|(which|what) (\w+ )?city)\b"),
        (
            Expect.DATE,
            r"\b(an welchem (tag|datum)|welches datum|(what|which) (exact )?(date|day)|on what day|datum)\b",
        ),
        (
            Expect.REACTION,
            r"\b(reagier\w*|reaktion\w*|react\w*|respond\w*|response|antwort\w*|geantwortet|erwider\w*|repl(y|ied))\b",
        ),
        (Expect.FUTURE, r"\b(nächste[nmrs]?|naechste[nmrs]?|next|upcoming|bevorstehend\w*|kommende[nmrs]?)\b"),
        (Expect.COST, r"\b(kosten|kostet|kostete|cost|costs|price|preis|teuer|expensive|budget)\b"),
        (
            Expect.CURRENT_COUNT,
            r"\b(wie ?viele?|how many|how much)\b.*\b(noch|still|heute|today|currently|derzeit|aktuell|now"
            r"|mittlerweile|remain\w*)\b",
        ),
        (
            Expect.CURRENT,
            r"\b(immer noch|noch immer|heute noch|noch heute|still|today|currently|derzeit|aktuell|nowadays"
            r"|mittlerweile|anymore|nach wie vor)\b",
        ),
        (Expect.AGE, r"\b(wie alt|how old|geboren|born|lebensalter|age of|alter von)\b"),
        (Expect.PERCENT, r"\b(prozent|percent|percentage|prozentsatz|wie viel prozent|what share|welchen anteil)\b|%"),
        (
            Expect.LENGTH,
            r"\b(wie lang (ist|sind|war)|how long (is|are|was) the|reichweite|range of|wie weit|how far"
            r"|entfernung|distance|kilometer|km|meilen|miles)\b",
        ),
        (Expect.YEAR, r"\b(in welchem jahr|welches jahr|what year|which year|jahreszahl)\b"),
        (
            Expect.COUNT,
            r"\b(wie ?viele?|how many|how much|anzahl|number of|wie gro(ss|ß)|how big|how large"
            r"|wie hoch|how high|wie stark|summe)\b",
        ),
        (Expect.TIME, r"\b(wann|seit wann|bis wann|when|since when|how long (has|have|did|had)|wie lange)\b"),
    )
)

_YEAR = r"\b(1[89]\d\d|20\d\d)(er)?\b"
_NUMBER_WORDS = (
    r"zwei|drei|vier|fünf|sechs|sieben|acht|neun|zehn|elf|zwölf|zwanzig|dreißig|hundert|tausend|million\w*|"
    r"milliard\w*|hälfte|drittel|viertel|dutzend|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|"
    r"twenty|thirty|hundred|thousand|billion\w*|half|third|quarter|dozen|fache|fold|"
    r"erste\w?|zweite\w?|dritte\w?|vierte\w?|fünfte\w?|sechste\w?|siebte\w?|achte\w?|neunte\w?|zehnte\w?|"
    r"first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth"
)
_PROVIDES = {
    # A proper name: two capitalised words in a row, not at the start of the sentence ("Keith Kellogg").
    Expect.NAME: re.compile(r"(?<=[\w,] )[A-ZÄÖÜ][\w-]+ [A-ZÄÖÜ][\w-]+"),
    Expect.DATE: re.compile(
        r"\b(\d{1,2}\.\s?(\d{1,2}\.|januar|februar|märz|april|mai|juni|juli|august|september|oktober|november"
        r"|dezember)|(january|february|march|april|may|june|july|august|september|october|november|december)"
        r"\s\d{1,2}\b|\d{1,2}(st|nd|rd|th)? (of )?(january|february|march|april|may|june|july|august|september"
        r"|october|november|december)|montag|dienstag|mittwoch|donnerstag|freitag|samstag|sonntag|monday"
        r"|tuesday|wednesday|thursday|friday|saturday|sunday)"
    ),
    Expect.CITY: re.compile(
        r"\b(minsk|moskau|moscow|kaliningrad|murmansk|washington|brüssel|brussels|kiew|kyiv|berlin|warschau|warsaw"
        r"|vilnius|riga|peking|beijing|ottawa|stadt|city)\b"
    ),
    Expect.REACTION: re.compile(
        r"(reagier|reaktion|react|respon|antwort|erwider|begrüß|kritisier|verurteil|zur kenntnis|welcom|criticis"
        r"|criticiz|condemn|noted|took note)"
    ),
    Expect.COST: re.compile(r"\b(dollar|euro|rubel|ruble|usd|kosten|cost|preis|price)\b|[$€]"),
    Expect.CURRENT: re.compile(
        r"\b(weiterhin|inzwischen|derzeit|aktuell|mittlerweile|noch|still|heute|today|currently|continues?|remains?"
        r"|bleibt|zunehmend|increasingly|nach wie vor)\b"
    ),
    Expect.CURRENT_COUNT: re.compile(r"\b(inzwischen|derzeit|aktuell|mittlerweile|heute|currently|now|today)\b.*\d"),
    Expect.FUTURE: re.compile(
        r"\b(soll|sollen|wird|werden|plant|planen|geplant|künftig|zukunft|bald|will|plans?|planned|future|soon"
        r"|bis ende)\b"
    ),
    Expect.COUNT: re.compile(rf"(?<![\w.,])(?!(1[89]\d\d|20\d\d)\b)\d+([.,]\d+)?|\b({_NUMBER_WORDS})\b"),
    Expect.PERCENT: re.compile(r"%|\b(prozent|percent|hälfte|half|drittel|third|viertel|quarter)\b"),
    Expect.YEAR: re.compile(_YEAR),
    Expect.TIME: re.compile(
        _YEAR + r"|\b(jahr\w*|woche\w*|monat\w*|tag\w*|kürzlich|kurzem|jüngst\w*|bald|damals|zuvor|später|anfang|"
        r"ende|seit|zeitpunkt|year\w*|week\w*|month\w*|days?|recent\w*|ago|since|until|soon|later|earlier|"
        r"early|late|when|after|before|nach|vor|bis|while|während|first|then|zunächst|erst\w*)\b"
    ),
    Expect.LENGTH: re.compile(r"\b(\d+ ?(km|kilometer\w*|meter\w*|miles?|meilen))\b"),
    Expect.AGE: re.compile(r"\b(jahre alt|years old|geboren|born)\b"),
}


# "genau", "exactly" … ask for more than a general statement; "genau wie"/"exactly like" only compare.
_DETAIL = re.compile(
    r"\b(genau|konkret\w*|exakt\w*|exact|exactly|specific|specifically|precisely|im einzelnen)\b"
    r"(?! (wie|so|das|dasselbe|like|as|the same)\b)"
)
_VERBATIM = re.compile(r"[„“”\"«»]")


@lru_cache(maxsize=65_536)
def insists_on_detail(question: str) -> bool:
    """Whether the question asks for the exact detail ("Welche Banken genau?", "On what exact date?")."""
    return bool(_DETAIL.search(clean(question).casefold()))


def quotes_verbatim(text: str) -> bool:
    """Whether a text quotes someone word for word: the one kind of detail a general article gives exactly."""
    return bool(_VERBATIM.search(text))


@lru_cache(maxsize=65_536)
def expected(question: str) -> Expect | None:
    """The kind of answer a question asks for, when it asks for a measurable one."""
    q = clean(question).casefold()
    return next((kind for kind, pattern in _QUESTION_PATTERNS if pattern.search(q)), None)


# Answers that are figures: they only count in a sentence about what was asked (see `provides`).
FIGURES = frozenset({Expect.COUNT, Expect.CURRENT_COUNT, Expect.PERCENT, Expect.COST, Expect.LENGTH, Expect.AGE})


def provides(
    expect: Expect | None,
    quote: str,
    *answers: str,
    names: str | None = None,
    about: tuple[tuple[str, ...], ...] = (),
    years: frozenset[str] = frozenset(),
) -> bool:
    """Whether the quote or an answer has it; a name must stand in the quote and in `names` too.

    Pass an English text as `names` where there is one: German capitalises every noun, so two capitalised
    words in a row ("Millionen US-Dollar") alone are no sign of a name. A figure must stand in a sentence
    of the quote that mentions something in `about` (the question's distinctive words, each with its
    spellings), when given: "14" in "released 14 prisoners" says nothing about potash exports. Every
    year in `years` must stand there too: a figure for 2024 is no figure for 2020.
    """
    if expect is None:
        return True
    if expect == Expect.NAME:
        return _holds(expect, quote) and (names is None or _holds(expect, names))
    if (about or years) and expect in FIGURES:
        return any(
            _holds(expect, s) and (not about or _mentions(s, about)) and all(year in s for year in years)
            for s in _sentences(quote)
        )
    return any(_holds(expect, t) for t in (quote, *answers))


@lru_cache(maxsize=16_384)
def _sentences(text: str) -> tuple[str, ...]:
    return split_sentences(clean(text))


def _mentions(sentence: str, about: tuple[tuple[str, ...], ...]) -> bool:
    """Whether a form of one of the words stands in the sentence, also inside a compound ("kaliexporte")."""
    text = _folded(sentence)
    return any(form in text for forms in about for form in forms)


@lru_cache(maxsize=16_384)
def _folded(sentence: str) -> str:
    return " ".join(words(sentence))


@lru_cache(maxsize=65_536)
def _holds(expect: Expect, text: str) -> bool:
    """Memoised: the same quotes and answers are checked for every question that reaches their fact."""
    text = clean(text)
    return bool(_PROVIDES[expect].search(text if expect == Expect.NAME else text.casefold()))
