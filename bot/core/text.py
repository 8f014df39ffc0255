"""Normalisation shared by the index and the questions: clean, fold, tokenise, stem, drop stop words."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import Stemmer
from rapidfuzz import fuzz, process

from bot.core import lexicon

# Control, format (zero-width, bidi overrides), surrogate and private-use characters (Unicode Cc/Cf/Cs/Co).
_INVISIBLE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\xad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u180e"
    "\u200b-\u200f\u202a-\u202e\u2060-\u206f\ufeff\ufff9-\ufffb\ud800-\udfff\ue000-\uf8ff"
    "\U000110bd\U000110cd\U00013430-\U0001343f\U0001bca0-\U0001bca3\U0001d173-\U0001d17a"
    "\U000e0000-\U000e007f\U000f0000-\U0010ffff]"
)
_UMLAUTS = str.maketrans({"ä": "a", "ö": "o", "ü": "u", "ß": "ss", "é": "e", "è": "e", "á": "a", "š": "s", "ž": "z"})
_WORD = re.compile(r"[^\W_]+(?:[.,][0-9]+)*|[%$€]", re.UNICODE)
_UPPER_US = re.compile(r"\b(?:U\.\s?S\.(?:\s?A\.)?|US|USA)(?=$|[^\w])")
# Lower-case "us" is the pronoun after these words ("tell us"), the country elsewhere ("us sanctions").
_PRONOUN_US_AFTER = frozenset("tell give show let help for to with about send of among".split())
_STEMMERS = {"de": Stemmer.Stemmer("german"), "en": Stemmer.Stemmer("english")}
MAX_TOKENS = 64
_LEXICON_TYPO_MIN = 5
_LEXICON_TYPO_CUTOFF = 85.0


def clean(text: str) -> str:
    """Unicode-normalise and drop invisible/control characters; keep the visible text intact."""
    return " ".join(_INVISIBLE.sub("", unicodedata.normalize("NFKC", text)).split())


def fold(word: str) -> str:
    """Case-fold and drop umlauts and accents (users without a German keyboard type "Weissrussland")."""
    return word.casefold().translate(_UMLAUTS)


def _phrase_key(text: str) -> str:
    return " ".join(fold(part) for part in _WORD.findall(text))


@lru_cache(maxsize=1)
def _tables() -> tuple[dict[str, str], dict[str, str], re.Pattern[str], frozenset[str]]:
    """Synonym map (folded words and their stems → concept), phrase map and folded stop words."""
    words: dict[str, str] = {}
    phrases: dict[str, str] = {_phrase_key(k): _phrase_key(v) for k, v in lexicon.PHRASES.items()}
    for group in lexicon.SYNONYMS:
        concept = fold(group[0])
        for entry in group:
            key = _phrase_key(entry)
            if " " in key:
                phrases[key] = concept
                continue
            words.setdefault(key, concept)
            for stemmer in _STEMMERS.values():
                words.setdefault(_stem(stemmer, key), concept)
    pattern = re.compile(r"\b(?:" + "|".join(re.escape(p) for p in sorted(phrases, key=len, reverse=True)) + r")\b")
    stops = frozenset(fold(w) for w in lexicon.STOP_WORDS_DE | lexicon.STOP_WORDS_EN)
    return words, phrases, pattern, stops


def _stem(stemmer: Stemmer.Stemmer, word: str) -> str:
    return word if word.isdigit() or len(word) <= 3 else stemmer.stemWord(word)


def words(text: str) -> list[str]:
    """Visible words, lower-cased and without umlauts; 'US' in capitals becomes 'usa'."""
    text = _UPPER_US.sub(" usa ", clean(text))
    out = [fold(w) for w in _WORD.findall(text)][: MAX_TOKENS * 2]
    for i, word in enumerate(out):
        if word == "us" and (i == 0 or out[i - 1] not in _PRONOUN_US_AFTER):
            out[i] = "usa"
    return out


def detect_language(text: str) -> str | None:
    """'de' or 'en' from function words and umlauts; None when the text does not tell."""
    raw = clean(text).casefold()
    tokens = re.findall(r"[a-zäöüß']+", raw)
    de = sum(t in lexicon.MARKERS_DE for t in tokens) + 2 * bool(re.search(r"[äöüß]", raw))
    en = sum(t in lexicon.MARKERS_EN for t in tokens)
    if de > en:
        return "de"
    if en > de:
        return "en"
    return None


@lru_cache(maxsize=200_000)
def _token(word: str, lang: str) -> str | None:
    synonyms, _, _, stops = _tables()
    if word in stops:
        return None
    if concept := synonyms.get(word):
        return concept
    if word.replace(".", "").replace(",", "").isdigit():
        return word.replace(",", ".")
    stem = _stem(_STEMMERS[lang], word)
    if concept := synonyms.get(stem):
        return concept
    if len(word) >= _LEXICON_TYPO_MIN and not word[0].isdigit():
        # A misspelt lexicon word ("gefangenne", "presdient") still folds onto its concept.
        match = process.extractOne(word, _synonym_keys(), scorer=fuzz.ratio, score_cutoff=_LEXICON_TYPO_CUTOFF)
        if match:
            return synonyms[match[0]]
    return stem


@lru_cache(maxsize=1)
def _synonym_keys() -> list[str]:
    return [k for k in _tables()[0] if len(k) >= _LEXICON_TYPO_MIN]


def tokens(text: str, lang: str) -> tuple[str, ...]:
    """Content tokens of `text` read as language `lang`: folded, synonym-mapped, stemmed, no stop words."""
    _, phrases, pattern, _ = _tables()
    joined = pattern.sub(lambda m: phrases[m.group()], " ".join(words(text)))
    out: list[str] = []
    for word in joined.split():
        token = _token(word, lang)
        if token and token not in out:
            out.append(token)
    return tuple(out[:MAX_TOKENS])


_NON_NOUN_EN = re.compile(r"(ed|ing|ly|ful|ous|ive|able|ible|less)$")


def soft_tokens(text: str, lang: str) -> frozenset[str]:
    """Tokens of words that look like verbs or adjectives rather than nouns.

    An unknown noun usually means a topic the sources do not cover ("inflation", "Visum"); an
    unknown verb is more often just a paraphrase ("gekippt", "went sour"). German capitalises
    nouns, so when the writer capitalises at all, lower-case words are the non-nouns.
    """
    raw = _WORD.findall(clean(text))
    if lang == "de":
        capitalises = any(w[:1].isupper() for w in raw[1:]) and not all(w.isupper() for w in raw)
        soft = [w for w in raw[1:] if capitalises and w[:1].islower()]
    else:
        soft = [w for w in raw if _NON_NOUN_EN.search(w.casefold())]
    return frozenset(t for w in soft if w.casefold() not in lexicon.FOCUS_WORDS and (t := _token(fold(w), lang)))


def is_greeting(text: str) -> bool:
    """Only greeting/help words (e.g. "hi", "hallo!", "help", "what can you do")."""
    ws = [w.casefold() for w in re.findall(r"[^\W\d_]+", clean(text))]
    return bool(ws) and len(ws) <= 5 and all(w in lexicon.GREETINGS for w in ws)
