"""Normalisation shared by the index and the questions: clean, fold, tokenise, stem, drop stop words."""

from __future__ import annotations

import itertools
import re
import unicodedata
from functools import lru_cache

import Stemmer
from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from bot.core import lexicon

# Control, format (zero-width, bidi overrides), surrogate and private-use characters (Unicode Cc/Cf/Cs/Co).
_INVISIBLE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\xad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u180e"
    "\u200b-\u200f\u202a-\u202e\u2060-\u206f\ufeff\ufff9-\ufffb\ud800-\udfff\ue000-\uf8ff"
    "\U000110bd\U000110cd\U00013430-\U0001343f\U0001bca0-\U0001bca3\U0001d173-\U0001d17a"
    "\U000e0000-\U000e007f\U000f0000-\U0010ffff]"
)
# Both cases: replacing before case folding leaves plain ASCII, which folds ten times faster.
_UMLAUT_PAIRS = (("ä", "a"), ("ö", "o"), ("ü", "u"), ("ß", "ss"), ("Ä", "A"), ("Ö", "O"), ("Ü", "U"), ("ẞ", "SS"))
# Bytes that end a word in the fast path; numbers with separators, %, $ and control bytes take the regex.
_SEPARATORS = bytes(c if chr(c).isalnum() else 32 for c in range(256))
_DECIMAL = re.compile(r"\d[.,]\d")
_UMLAUTS = str.maketrans({"ä": "a", "ö": "o", "ü": "u", "ß": "ss", "é": "e", "è": "e", "á": "a", "š": "s", "ž": "z"})
_WORD = re.compile(r"[^\W_]+(?:[.,][0-9]+)*|[%$€]", re.UNICODE)
_UPPER_US = re.compile(r"\b(?:U\.\s?S\.(?:\s?A\.)?|US|USA)(?=$|[^\w])")
# Lower-case "us" is the pronoun after these words ("tell us"), the country elsewhere ("us sanctions").
_PRONOUN_US_AFTER = frozenset("tell give show let help for to with about send of among".split())
_STEMMERS = {"de": Stemmer.Stemmer("german"), "en": Stemmer.Stemmer("english")}
MAX_TOKENS = 64
_TOKEN_CACHE: dict[str, dict[str, str | None]] = {"de": {}, "en": {}}
_TOKEN_CACHE_MAX = 500_000
_UNSEEN = ""  # cache.get default for words not seen yet ("" is never a token)
_LEXICON_TYPO_MIN = 5
_LEXICON_TYPO_CUTOFF = 85.0


def clean(text: str) -> str:
    """Unicode-normalise and drop invisible/control characters; keep the visible text intact."""
    if not text.isascii():
        text = _INVISIBLE.sub("", unicodedata.normalize("NFKC", text))
    elif not text.isprintable():
        text = _INVISIBLE.sub("", text)
    return " ".join(text.split())


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
    if "US" in text or "U." in text:
        text = _UPPER_US.sub(" usa ", text)
    if not text.isascii():
        for umlaut, plain in _UMLAUT_PAIRS:
            text = text.replace(umlaut, plain)
    text = text.casefold()
    simple = text.isascii() and text.isprintable() and "%" not in text and "$" not in text
    if simple and not (("." in text or "," in text) and _DECIMAL.search(text)):
        # Fast path for plain text (the bulk of an index build): one byte-table pass and a split.
        out = text.encode().translate(_SEPARATORS).decode().split()[: MAX_TOKENS * 2]
    else:
        out = _WORD.findall(fold(clean(text)))[: MAX_TOKENS * 2]
    if "us" in out:
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


def _token(word: str, lang: str) -> str | None:
    """The token of one word, memoised per language (a plain dict: this is the hottest path)."""
    cache = _TOKEN_CACHE[lang]
    if word in cache:
        return cache[word]
    if len(cache) > _TOKEN_CACHE_MAX:
        cache.clear()
    token = cache[word] = _compute_token(word, lang)
    return token


def _compute_token(word: str, lang: str) -> str | None:
    synonyms, _, _, stops = _tables()
    if word in stops:
        return None
    if concept := synonyms.get(word):
        return concept
    if word.replace(".", "").replace(",", "").isdigit():
        return word.replace(",", ".")
    stem = _stem(_STEMMERS[lang], word)
    return synonyms.get(stem, stem)


@lru_cache(maxsize=4096)
def near_stop_word(token: str) -> bool:
    """A misspelt function word ("wich", "whos", "wher"): one edit away from a stop word."""
    return bool(process.extractOne(token, _stop_list(), scorer=OSA.distance, score_cutoff=1))


@lru_cache(maxsize=1)
def _stop_list() -> list[str]:
    return sorted(_tables()[3])


def surface_forms(token: str) -> tuple[str, ...]:
    """The token and the folded words the lexicon maps to it ("trade": "handel", "handels", "commerce" …)."""
    return (token, *_surfaces().get(token, ()))


@lru_cache(maxsize=1)
def _surfaces() -> dict[str, tuple[str, ...]]:
    forms: dict[str, list[str]] = {}
    for word, concept in _tables()[0].items():
        if word != concept:
            forms.setdefault(concept, []).append(word)
    return {concept: tuple(found) for concept, found in forms.items()}


def lexicon_concept(token: str) -> str | None:
    """The concept a misspelt lexicon word stands for ("gefangenne", "presdient"), if any."""
    if len(token) < _LEXICON_TYPO_MIN or token[0].isdigit():
        return None
    synonyms, keys = _tables()[0], _lexicon_keys()
    match = process.extractOne(token, keys, scorer=fuzz.ratio, score_cutoff=_LEXICON_TYPO_CUTOFF)
    return synonyms[match[0]] if match else None


@lru_cache(maxsize=1)
def _lexicon_keys() -> list[str]:
    return [k for k in _tables()[0] if len(k) >= _LEXICON_TYPO_MIN]


def tokens(text: str, lang: str) -> tuple[str, ...]:
    """Content tokens of `text` read as language `lang`: folded, synonym-mapped, stemmed, no stop words."""
    _, phrases, pattern, _ = _tables()
    found = words(text)
    if not _phrase_starts().isdisjoint(found):
        found = pattern.sub(lambda m: phrases[m.group()], " ".join(found)).split()
    mapped = list(map(_TOKEN_CACHE[lang].get, found, itertools.repeat(_UNSEEN, len(found))))
    if _UNSEEN in mapped:
        mapped = [_token(w, lang) if m is _UNSEEN else m for w, m in zip(found, mapped, strict=True)]
    return tuple(dict.fromkeys(filter(None, mapped)))[:MAX_TOKENS]


@lru_cache(maxsize=1)
def _phrase_starts() -> frozenset[str]:
    return frozenset(p.split(" ", 1)[0] for p in _tables()[1])


_NON_NOUN_EN = re.compile(r"(ed|ing|ly|ful|ous|ive|able|ible|less)$")


def soft_tokens(text: str, lang: str) -> frozenset[str]:
    """Tokens of words that look like verbs or adjectives rather than nouns.

    An unknown noun usually means a topic the sources do not cover ("inflation", "Visum"); an
    unknown verb is more often just a paraphrase ("gekippt", "went sour"), and an unknown short word
    next to a function word is a typo of it ("wich"). German capitalises nouns, so when the writer
    capitalises at all, lower-case words are the non-nouns.
    """
    raw = _WORD.findall(clean(text))
    if lang == "de":
        capitalises = any(w[:1].isupper() for w in raw[1:]) and not all(w.isupper() for w in raw)
        soft = [w for w in raw[1:] if capitalises and w[:1].islower()]
    else:
        soft = [w for w in raw if _NON_NOUN_EN.search(w.casefold())]
    soft += [w for w in raw if 3 <= len(w) <= 5 and near_stop_word(fold(w))]
    return frozenset(t for w in soft if w.casefold() not in lexicon.FOCUS_WORDS and (t := _token(fold(w), lang)))


def is_greeting(text: str) -> bool:
    """Only greeting/help words (e.g. "hi", "hallo!", "help", "what can you do")."""
    ws = [w.casefold() for w in re.findall(r"[^\W\d_]+", clean(text))]
    return bool(ws) and len(ws) <= 5 and all(w in lexicon.GREETINGS for w in ws)
