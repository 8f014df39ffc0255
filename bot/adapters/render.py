"""Shared wording of answers; each platform adds its own markup (Telegram HTML, Discord embeds, plain text)."""

from __future__ import annotations

import re

from bot.core import messages
from bot.core.model import Answer, Citation

_SENTENCE_END = re.compile(r"[.!?…][\"'“”»)\]]*(?=\s)")
ELLIPSIS = "…"


def shorten(text: str, limit: int) -> str:
    """At most `limit` characters, cut after the last whole sentence that fits (else at a word)."""
    if len(text) <= limit:
        return text
    room = limit - len(ELLIPSIS) - 1
    ends = [m.end() for m in _SENTENCE_END.finditer(text[: room + 1]) if m.end() <= room]
    if ends and ends[-1] >= room // 3:
        return f"{text[: ends[-1]]} {ELLIPSIS}"
    cut = text[:room].rsplit(" ", 1)[0] if " " in text[:room] else text[:room]
    return f"{cut}{ELLIPSIS}"


def source_line(citation: Citation, lang: str) -> str:
    """'Quelle: Title, Section, Absatz 4, 2025-07' in the answer's language."""
    section = f"„{citation.section}“, " if citation.section else ""
    return messages.text(
        "source_line", lang, title=citation.source, section=section, paragraph=citation.paragraph, date=citation.date
    )


def plain(answer: Answer, *, numbered_suggestions: bool = True) -> str:
    """The whole answer as plain text: answer, quote, source line, suggestions."""
    lines = [answer.text]
    if answer.citation:
        lines += ["", f"„{answer.citation.quote}“", source_line(answer.citation, answer.lang)]
        if answer.citation.url:
            lines.append(answer.citation.url)
    if answer.suggestions:
        lines += ["", messages.text("did_you_mean", answer.lang)]
        lines += [
            f"  {i}. {s.question}" if numbered_suggestions else f"  • {s.question}"
            for i, s in enumerate(answer.suggestions, 1)
        ]
    return "\n".join(lines)


def answer_json(answer: Answer) -> dict:
    """The batch contract of `python -m bot ask --json` (see ../shared/eval/score.py)."""
    c = answer.citation
    return {
        "question": answer.question,
        "answered": answer.answered,
        "answer": answer.text,
        "lang": answer.lang,
        "confidence": answer.confidence,
        "fact_id": answer.fact_id,
        "kind": str(answer.kind),
        "citation": None
        if c is None
        else {
            "source": c.source,
            "date": c.date,
            "section": c.section,
            "paragraph": c.paragraph,
            "quote": c.quote,
            "passage": c.passage,
            "url": c.url,
        },
        "suggestions": [s.question for s in answer.suggestions],
    }
