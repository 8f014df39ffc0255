"""Moderators add, edit, remove, restore and undo facts; every change is validated and audited."""

from __future__ import annotations

import builtins
import math
import re
import unicodedata
from collections import Counter
from collections.abc import Callable
from dataclasses import replace

from rapidfuzz import fuzz

from bot.core.errors import Conflict, InvalidInput, NotFound, NothingToUndo, NotModerator
from bot.core.factfile import MAX_QUOTE, MAX_SLUG, check_texts, fact_from_dict, fact_to_dict, quote_passage
from bot.core.matching import Index
from bot.core.model import Actor, Fact, FactDetails, FactDraft, Page, QuoteMatch, Source, Unanswered
from bot.core.ports import Observer, UnitOfWork
from bot.core.text import clean, fold

QUOTE_MIN_SIMILARITY = 90.0
_QUOTE_MARKS = str.maketrans({c: '"' for c in "„“”«»‚‘’‹›\"'`´"})


def _loose(text: str) -> str:
    """Quotes, dashes and whitespace as people paste them; used only to locate a quote."""
    text = unicodedata.normalize("NFKC", text).translate(_QUOTE_MARKS)
    return " ".join(text.replace("–", "-").replace("—", "-").split())


def slugify(text: str, taken: Callable[[str], bool]) -> str:
    """A unique slug from a question: 'Wie viele Gefangene?' → 'wie-viele-gefangene'."""
    words = re.findall(r"[a-z0-9]+", fold(clean(text)))
    base = "-".join(words)[: MAX_SLUG - 4].strip("-") or "fact"
    slug, n = base, 2
    while taken(slug):
        slug, n = f"{base}-{n}", n + 1
    return slug


class Moderation:
    def __init__(self, uow: Callable[[], UnitOfWork], index: Index, observer: Observer | None = None) -> None:
        self._uow = uow
        self._index = index
        self._observer = observer

    def _applied(self, action: str, fact: Fact) -> Fact:
        """After a commit: answerable at once in this process (others follow via live sync)."""
        self._applied_all(action, [fact])
        return fact

    def _applied_all(self, action: str, facts: list[Fact]) -> None:
        self._index.add_facts(facts)  # one pass over all their words: an import may bring 100 000
        if self._observer:
            for _ in facts:
                self._observer.change(action)

    # --- validation ---------------------------------------------------------------------

    def locate_quote(self, text: str, source_id: str | None = None) -> QuoteMatch:
        """Find a pasted quote in the sources; an almost-exact paste is replaced by the exact sentences."""
        quote = " ".join(clean(text).split())
        if not quote:
            raise InvalidInput("the quote is empty", de="das Zitat ist leer")
        if len(quote) > MAX_QUOTE:
            raise InvalidInput(
                f"the quote is longer than {MAX_QUOTE} characters", de=f"das Zitat ist länger als {MAX_QUOTE} Zeichen"
            )
        sources = [s for s in self._index.sources() if source_id in (None, s.id)]
        if not sources:
            raise NotFound(f"source {source_id!r}", de=f"Quelle {source_id!r}")
        for source in sources:
            if passage := quote_passage(quote, source.passages):
                return QuoteMatch(quote, passage, exact=True)
        best = self._closest(quote, sources)
        if best is None:
            raise InvalidInput(
                "the quote was not found in any source; paste one or more whole sentences of the article",
                de="das Zitat steht in keiner Quelle; bitte einen oder mehrere ganze Sätze aus dem Artikel einfügen",
            )
        return best

    def _closest(self, quote: str, sources: list[Source]) -> QuoteMatch | None:
        """The run of whole sentences that best matches the quote (rapidfuzz), if close enough."""
        wanted = _loose(quote)
        best: QuoteMatch | None = None
        for source in sources:
            for passage in source.passages:
                for start in range(len(passage.sentences)):
                    for end in range(start + 1, len(passage.sentences) + 1):
                        candidate = " ".join(passage.sentences[start:end])
                        if len(candidate) > 2 * len(wanted) + 20:
                            break
                        score = fuzz.ratio(wanted, _loose(candidate))
                        if score >= QUOTE_MIN_SIMILARITY and (best is None or score > best.similarity):
                            best = QuoteMatch(candidate, passage, exact=False, similarity=round(score, 1))
        return best

    def _validated(self, fact_id: str, draft: FactDraft, *, removed: bool = False) -> Fact:
        match = self.locate_quote(draft.quote, draft.source_id)
        check_texts(draft.texts, require_all=False)
        data = {"id": fact_id, "source": match.passage.source_id, "quote": match.quote, "removed": removed}
        data |= {lang: {"answer": t.answer, "questions": list(t.questions)} for lang, t in draft.texts.items()}
        sources = {s.id: s for s in self._index.sources()}
        return replace(fact_from_dict(data, sources, "chat", require_all=False), origin="chat")

    # --- writes -------------------------------------------------------------------------

    def add(self, actor: Actor, draft: FactDraft) -> Fact:
        """Create a fact; its id is a slug of its first question."""
        _require(actor)
        first = next((q for t in draft.texts.values() for q in t.questions), "")
        with self._uow() as uow:
            fact_id = slugify(first, lambda slug: uow.facts.get(slug) is not None)
            fact = uow.facts.add(self._validated(fact_id, draft), edited=True)
            uow.audit.add(actor, "add", fact.id, None, fact_to_dict(fact))
            uow.commit()
        return self._applied("add", fact)

    def edit(self, actor: Actor, fact_id: str, draft: FactDraft, expected_version: int | None = None) -> Fact:
        """Replace a fact's quote and texts; `expected_version` guards against overwriting a concurrent edit."""
        _require(actor)
        with self._uow() as uow:
            current = _get(uow, fact_id)
            changed = replace(
                self._validated(fact_id, draft, removed=current.removed),
                origin=current.origin,
                unanswerable=current.unanswerable,
            )
            fact = uow.facts.update(changed, expected_version=expected_version or current.version, edited=True)
            uow.audit.add(actor, "edit", fact_id, fact_to_dict(current), fact_to_dict(fact))
            uow.commit()
        return self._applied("edit", fact)

    def remove(self, actor: Actor, fact_id: str) -> Fact:
        return self._set_removed(actor, fact_id, removed=True)

    def restore(self, actor: Actor, fact_id: str) -> Fact:
        return self._set_removed(actor, fact_id, removed=False)

    def _set_removed(self, actor: Actor, fact_id: str, *, removed: bool) -> Fact:
        _require(actor)
        with self._uow() as uow:
            current = _get(uow, fact_id)
            if current.removed == removed:
                state = "removed" if removed else "active"
                raise InvalidInput(
                    f"fact {fact_id!r} is already {state}",
                    de=f"Eintrag {fact_id!r} ist bereits {'entfernt' if removed else 'aktiv'}",
                )
            fact = uow.facts.update(replace(current, removed=removed), expected_version=current.version, edited=True)
            action = "remove" if removed else "restore"
            uow.audit.add(actor, action, fact_id, fact_to_dict(current), fact_to_dict(fact))
            uow.commit()
        return self._applied(action, fact)

    def undo(self, actor: Actor) -> Fact:
        """Revert the actor's last change that is not undone yet; returns the fact as it is now."""
        _require(actor)
        with self._uow() as uow:
            entry = uow.audit.last_undoable(actor)
            if entry is None:
                raise NothingToUndo()
            current = _get(uow, entry.fact_id)
            if fact_to_dict(current) != entry.after:
                # Someone changed the fact since; reverting to `before` would silently discard their change.
                raise Conflict(f"fact {entry.fact_id!r}", de=f"Eintrag {entry.fact_id!r}")
            sources = {s.id: s for s in self._index.sources()}
            if entry.before is None:  # undoing an add hides the fact again
                restored = replace(current, removed=True)
            else:
                before = fact_from_dict(entry.before, sources, "audit", require_all=False)
                restored = replace(before, origin=current.origin)
            fact = uow.facts.update(restored, expected_version=current.version, edited=True)
            uow.audit.mark_undone(entry.id)
            uow.audit.add(actor, "undo", fact.id, fact_to_dict(current), fact_to_dict(fact))
            uow.commit()
        return self._applied("undo", fact)

    def import_facts(self, actor: Actor, facts: list[Fact]) -> Counter[str]:
        """Add or update facts from an export file, keeping their ids; one transaction."""
        _require(actor)
        counts: Counter[str] = Counter(added=0, updated=0, unchanged=0)
        with self._uow() as uow:
            known = uow.facts.ids()
            added = uow.facts.add_many([replace(f, origin="import") for f in facts if f.id not in known], edited=True)
            audit: list[tuple[str, dict | None, dict | None]] = [(f.id, None, fact_to_dict(f)) for f in added]
            changed = list(added)
            for fact in (f for f in facts if f.id in known):
                current = _get(uow, fact.id)
                if fact_to_dict(current) == fact_to_dict(fact):
                    counts["unchanged"] += 1
                    continue
                fact = replace(fact, origin=current.origin)
                changed.append(uow.facts.update(fact, expected_version=current.version, edited=True))
                audit.append((fact.id, fact_to_dict(current), fact_to_dict(changed[-1])))
            uow.audit.add_many(actor, "import", audit)
            uow.commit()
        counts["added"], counts["updated"] = len(added), len(changed) - len(added)
        self._applied_all("import", changed)
        return counts

    # --- reads --------------------------------------------------------------------------

    def list(self, search: str = "", page: int = 1, per_page: int = 10, include_removed: bool = False) -> Page:
        """Facts whose id, questions or answers contain `search` (case-insensitive), paginated."""
        facts = self._index.facts()
        if include_removed:
            with self._uow() as uow:
                facts += [f for f in uow.facts.all() if f.removed]
        needle = fold(clean(search))
        if needle:
            facts = [f for f in facts if needle in fold(_haystack(f))]
        pages = max(1, math.ceil(len(facts) / per_page))
        page = min(max(1, page), pages)
        items = tuple(facts[(page - 1) * per_page : page * per_page])
        return Page(items, page, pages, len(facts))

    def show(self, fact_id: str) -> FactDetails:
        with self._uow() as uow:
            fact = _get(uow, fact_id)
            up, down = uow.feedback.counts(fact_id)
            return FactDetails(fact, tuple(uow.audit.history(fact_id)), up, down)

    def unanswered(self, limit: int = 10) -> builtins.list[Unanswered]:  # `list` is a method here
        with self._uow() as uow:
            return uow.unanswered.top(limit)


def _haystack(fact: Fact) -> str:
    parts = [fact.id, fact.quote]
    for text in fact.texts.values():
        parts += [text.answer, *text.questions]
    return " ".join(parts)


def _require(actor: Actor) -> None:
    if not actor.is_moderator:
        raise NotModerator()


def _get(uow: UnitOfWork, fact_id: str) -> Fact:
    fact = uow.facts.get(fact_id)
    if fact is None:
        raise NotFound(f"fact {fact_id!r}", de=f"Eintrag {fact_id!r}")
    return fact
