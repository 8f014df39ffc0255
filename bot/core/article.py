"""Turn a plain-text article into a Source: body paragraphs become passages, short lines headings."""

from __future__ import annotations

import re

from bot.core.errors import InvalidInput
from bot.core.model import Passage, Source

_DATE_PREFIX = re.compile(r"^\s*date\s+(\d{4}-\d{2}(?:-\d{2})?)\s+", re.IGNORECASE)
_HEADING_MAX_CHARS = 160
_TERMINAL = ".!?…"
# Closing marks that may follow the sentence-final punctuation: „…“ quotes and parentheses.
_CLOSERS = "\"'“”»«)]’"
_OPENERS = "\"„“«»([‘'"
_ABBREVIATIONS = frozenset(
    [
        "bzw",
        "ca",
        "dr",
        "etc",
        "evtl",
        "ggf",
        "inkl",
        "mio",
        "mrd",
        "nr",
        "prof",
        "s",
        "sog",
        "st",
        "usw",
        "vgl",
        "z",
        "b",
        "d",
        "h",
        "u",
        "a",
        "mr",
        "mrs",
        "ms",
        "jr",
        "sr",
        "vs",
        "no",
        "e",
        "g",
        "i",
    ]
)
_MONTHS = frozenset(
    [
        "januar",
        "februar",
        "märz",
        "april",
        "mai",
        "juni",
        "juli",
        "august",
        "september",
        "oktober",
        "november",
        "dezember",
        "january",
        "february",
        "march",
        "may",
        "june",
        "july",
        "october",
        "december",
    ]
)


def split_sentences(paragraph: str) -> tuple[str, ...]:
    """Split at . ! ? (plus closing quotes) before an uppercase start; abbreviations and ordinals stay."""
    text = " ".join(paragraph.split())
    sentences: list[str] = []
    start = 0
    for match in re.finditer(rf"[{_TERMINAL}][{re.escape(_CLOSERS)}]*(?= )", text):
        end = match.end()
        rest = text[end + 1 :]
        if not rest or not (rest[0].isupper() or rest[0].isdigit() or rest[0] in _OPENERS):
            continue
        before = text[start : match.start()].rsplit(" ", 1)[-1].lower()
        if match.group()[0] == "." and _is_abbreviation(before, rest):
            continue
        sentences.append(text[start:end])
        start = end + 1
    if start < len(text):
        sentences.append(text[start:])
    return tuple(sentences)


def _is_abbreviation(word: str, rest: str) -> bool:
    word = word.lstrip(_OPENERS)
    if word in _ABBREVIATIONS or (len(word) == 1 and word.isalpha()):
        return True
    next_word = rest.split(" ", 1)[0].lower()
    return word.isdigit() and next_word in _MONTHS


def is_heading(line: str) -> bool:
    """Section headings are short lines that do not end like a sentence."""
    line = line.strip()
    return bool(line) and len(line) <= _HEADING_MAX_CHARS and line[-1] not in _TERMINAL + _CLOSERS


def parse_article(
    text: str, *, source_id: str, title: str, lang: str, url: str | None = None, date: str | None = None
) -> Source:
    """Parse the article format: optional `date YYYY-MM` prefix, headings, one paragraph per line."""
    text = text.replace("\r\n", "\n").lstrip("\ufeff")
    prefix = _DATE_PREFIX.match(text)
    if prefix:
        date = date or prefix.group(1)
        text = text[prefix.end() :]
    if not date:
        raise InvalidInput("the article has no `date YYYY-MM` prefix; pass --date")
    passages: list[Passage] = []
    section: str | None = None
    for raw in text.split("\n"):
        line = " ".join(raw.split())
        if not line:
            continue
        if is_heading(line):
            section = line
            continue
        passages.append(Passage(source_id, len(passages) + 1, section, split_sentences(line)))
    if not passages:
        raise InvalidInput("the article has no body paragraphs")
    return Source(id=source_id, title=title, date=date, lang=lang, url=url, passages=tuple(passages))
