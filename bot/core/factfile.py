"""The reviewable YAML format of sources and facts, and the rules every fact must satisfy."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

import yaml

from bot.core.errors import InvalidInput, KnowledgeBaseError
from bot.core.model import LANGS, Fact, LangText, Passage, Source
from bot.core.text import clean

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
MAX_SLUG = 64
MAX_QUESTION = 300
MAX_ANSWER = 1000
MAX_QUESTIONS = 30
MAX_QUOTE = 3000


def quote_passage(quote: str, passages: Iterable[Passage]) -> Passage | None:
    """The passage of which `quote` is one or more whole, consecutive sentences."""
    for passage in passages:
        for start in range(len(passage.sentences)):
            joined = ""
            for sentence in passage.sentences[start:]:
                joined = f"{joined} {sentence}" if joined else sentence
                if joined == quote:
                    return passage
                if len(joined) >= len(quote):
                    break
    return None


def check_texts(texts: Mapping[str, LangText], *, require_all: bool) -> None:
    """Raise InvalidInput unless every language text is within the limits."""
    missing = [lang for lang in LANGS if lang not in texts]
    if require_all and missing:
        raise InvalidInput(f"missing language {', '.join(missing)}", de=f"Sprache fehlt: {', '.join(missing)}")
    if not texts:
        raise InvalidInput("give at least one language (de or en)", de="mindestens eine Sprache (de oder en) angeben")
    for lang, text in texts.items():
        if lang not in LANGS:
            raise InvalidInput(f"unknown language {lang!r}", de=f"unbekannte Sprache {lang!r}")
        if not text.answer.strip():
            raise InvalidInput(f"the {lang} answer is empty", de=f"die Antwort ({lang}) ist leer")
        if len(text.answer) > MAX_ANSWER:
            raise InvalidInput(
                f"the {lang} answer is longer than {MAX_ANSWER} characters",
                de=f"die Antwort ({lang}) ist länger als {MAX_ANSWER} Zeichen",
            )
        if not text.questions:
            raise InvalidInput(f"give at least one {lang} question", de=f"mindestens eine Frage ({lang}) angeben")
        if len(text.questions) > MAX_QUESTIONS:
            raise InvalidInput(
                f"at most {MAX_QUESTIONS} questions per language", de=f"höchstens {MAX_QUESTIONS} Fragen pro Sprache"
            )
        for question in text.questions:
            if not question.strip() or len(question) > MAX_QUESTION:
                raise InvalidInput(
                    f"each question needs 1 to {MAX_QUESTION} characters",
                    de=f"jede Frage braucht 1 bis {MAX_QUESTION} Zeichen",
                )


def _clean_lines(items: Iterable[str]) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for item in items:
        line = clean(str(item))
        if line:
            seen.setdefault(line, None)
    return tuple(seen)


def lang_text(answer: str, questions: Iterable[str]) -> LangText:
    """A LangText without control or invisible characters, whitespace tidied, duplicate questions dropped."""
    return LangText(answer=clean(answer), questions=_clean_lines(questions))


# --- sources -------------------------------------------------------------------------------


def source_to_dict(source: Source) -> dict:
    return {
        "id": source.id,
        "title": source.title,
        "date": source.date,
        "lang": source.lang,
        "url": source.url,
        "passages": [
            {"paragraph": p.paragraph, "section": p.section, "sentences": list(p.sentences)} for p in source.passages
        ],
    }


def source_from_dict(data: Mapping, where: str) -> Source:
    try:
        source_id = str(data["id"])
        passages = tuple(
            Passage(source_id, int(p["paragraph"]), p.get("section"), tuple(str(s) for s in p["sentences"]))
            for p in data["passages"]
        )
        source = Source(
            id=source_id,
            title=str(data["title"]),
            date=str(data["date"]),
            lang=str(data.get("lang", "de")),
            url=data.get("url") or None,
            passages=passages,
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise KnowledgeBaseError(f"{where}: malformed source ({exc!r})") from None
    if not SLUG.match(source.id) or len(source.id) > MAX_SLUG:
        raise KnowledgeBaseError(f"{where}: source id {source.id!r} is not a slug of at most {MAX_SLUG} characters")
    return source


def dump_source(source: Source) -> str:
    return _dump(source_to_dict(source))


# --- facts ---------------------------------------------------------------------------------


def fact_to_dict(fact: Fact) -> dict:
    data: dict = {"id": fact.id, "source": fact.source_id, "quote": fact.quote}
    for lang in LANGS:
        if text := fact.texts.get(lang):
            data[lang] = {"answer": text.answer, "questions": list(text.questions)}
    if fact.unanswerable:
        data["unanswerable"] = list(fact.unanswerable)
    if fact.removed:
        data["removed"] = True
    return data


def fact_from_dict(data: Mapping, sources: Mapping[str, Source], where: str, *, require_all: bool = True) -> Fact:
    """Build and validate one fact; errors name the file and the fact id."""
    if not isinstance(data, Mapping):
        raise KnowledgeBaseError(f"{where}: every entry must be a mapping")
    fact_id = str(data.get("id", ""))
    at = f"{where}: fact {fact_id!r}"
    if not SLUG.match(fact_id) or len(fact_id) > MAX_SLUG:
        raise KnowledgeBaseError(f"{at}: id must be a lowercase slug of at most {MAX_SLUG} characters")
    source = sources.get(str(data.get("source", "")))
    if source is None:
        raise KnowledgeBaseError(f"{at}: unknown source {data.get('source')!r}")
    quote = " ".join(str(data.get("quote", "")).split())
    passage = quote_passage(quote, source.passages)
    if passage is None:
        raise KnowledgeBaseError(f"{at}: quote not found verbatim as whole sentences of a passage of {source.id}")
    texts: dict[str, LangText] = {}
    for lang in LANGS:
        if (part := data.get(lang)) is None:
            continue
        if not isinstance(part, Mapping) or not isinstance(part.get("questions"), list):
            raise KnowledgeBaseError(f"{at}: {lang} needs an answer and a list of questions")
        texts[lang] = lang_text(str(part.get("answer", "")), part["questions"])
    try:
        check_texts(texts, require_all=require_all)
    except InvalidInput as exc:
        raise KnowledgeBaseError(f"{at}: {exc.detail}") from None
    unanswerable = data.get("unanswerable") or []
    if not isinstance(unanswerable, list) or len(unanswerable) > MAX_QUESTIONS:
        raise KnowledgeBaseError(f"{at}: unanswerable must be a list of at most {MAX_QUESTIONS} questions")
    return Fact(
        id=fact_id,
        source_id=source.id,
        paragraph=passage.paragraph,
        quote=quote,
        texts=texts,
        removed=bool(data.get("removed", False)),
        unanswerable=_clean_lines(q for q in unanswerable if len(str(q)) <= MAX_QUESTION),
    )


def load_facts(text: str, sources: Mapping[str, Source], where: str, *, require_all: bool = True) -> list[Fact]:
    """Parse a YAML list of facts; duplicate ids within the list are an error."""
    try:
        entries = yaml.safe_load(text) or []
    except yaml.YAMLError as exc:
        raise KnowledgeBaseError(f"{where}: not valid YAML ({exc})") from None
    if not isinstance(entries, list):
        raise KnowledgeBaseError(f"{where}: expected a list of facts")
    facts: list[Fact] = []
    seen: set[str] = set()
    for entry in entries:
        fact = fact_from_dict(entry, sources, where, require_all=require_all)
        if fact.id in seen:
            raise KnowledgeBaseError(f"{where}: fact {fact.id!r}: duplicate id")
        seen.add(fact.id)
        facts.append(fact)
    return facts


def dump_facts(facts: Iterable[Fact]) -> str:
    return _dump([fact_to_dict(f) for f in facts])


def load_yaml_source(text: str, where: str) -> Source:
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise KnowledgeBaseError(f"{where}: not valid YAML ({exc})") from None
    if not isinstance(data, Mapping):
        raise KnowledgeBaseError(f"{where}: expected a source mapping")
    return source_from_dict(data, where)


def _dump(data: object) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100_000, default_flow_style=False)
