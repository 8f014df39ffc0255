"""The moderation service on the real store, once on SQLite and once on PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy import func, select

from bot.bootstrap import App, build
from bot.core.errors import Conflict, InvalidInput, NotFound, NothingToUndo, NotModerator
from bot.core.factfile import MAX_ANSWER, MAX_QUESTION, MAX_QUESTIONS, MAX_QUOTE, fact_to_dict
from bot.core.model import Actor, AnswerKind, Fact, FactDraft, LangText
from bot.core.moderation import Moderation
from bot.core.service import FactBot
from bot.store.tables import AuditRow
from tests.conftest import make_settings

PRISONERS = "Nach dem Besuch kündigte Minsk die Freilassung von 14 politischen Gefangenen an."
SANCTIONS = (
    "Im Gegenzug wird erwartet, dass die USA die Sanktionen gegen belarussische Banken und Kaliexporte lockern werden."
)
CANADA = (
    "Darüber hinaus sandte Lukaschenko diese Woche anlässlich des „Canada Day“ eine Botschaft an die Kanadier, "
    "in der er erklärte, dass „beide Länder bald ihre Beziehungen und eine umfassende Zusammenarbeit auf der "
    "Grundlage der gemeinsamen Interessen ihrer Völker wieder aufnehmen werden“."
)
NEW_QUESTION = "Wer verkündete die Amnestie für vierzehn Oppositionelle?"


@pytest.fixture
def app(store_app: App) -> App:
    return store_app


@pytest.fixture
def bot(store_app: App) -> FactBot:
    return store_app.bot


@pytest.fixture
def mod(store_app: App) -> Moderation:
    return store_app.bot.moderation


@pytest.fixture
def other_moderator() -> Actor:
    return Actor(platform="test", user_id="mod-2", name="Mod Two", is_moderator=True)


def draft(quote: str = PRISONERS, **texts: tuple[str, list[str]]) -> FactDraft:
    texts = texts or {
        "de": ("Minsk kündigte die Freilassung von 14 politischen Gefangenen an.", [NEW_QUESTION]),
        "en": ("Minsk announced the release of 14 political prisoners.", ["Who announced an amnesty for fourteen?"]),
    }
    return FactDraft(quote, {lang: LangText(answer, tuple(qs)) for lang, (answer, qs) in texts.items()})


def with_answer(fact: Fact, lang: str, answer: str) -> FactDraft:
    """The fact as a draft with one answer changed, as an edit form submits it."""
    texts = fact.texts | {lang: LangText(answer, fact.texts[lang].questions)}
    return FactDraft(fact.quote, texts, fact.source_id)


def stored(app: App) -> dict[str, tuple[dict, int]]:
    """Every fact in the database with its version: what a failed write must leave untouched."""
    with app.uow() as uow:
        return {f.id: (fact_to_dict(f), f.version) for f in uow.facts.all()}


def audit_count(app: App) -> int:
    with app.uow() as uow:
        return uow.session.scalar(select(func.count()).select_from(AuditRow))  # type: ignore[attr-defined]


def restarted(app: App) -> App:
    """A second process on the same database: what is stored, not what one index remembers."""
    return build(make_settings(app.settings.database_url))


# --- add -------------------------------------------------------------------------------------


def test_add_creates_an_answerable_fact_with_a_slug_id_and_an_audit_entry(
    app: App, bot: FactBot, mod: Moderation, moderator: Actor
) -> None:
    fact = mod.add(moderator, draft())

    assert fact.id == "wer-verkundete-die-amnestie-fur-vierzehn-oppositionelle"
    assert (fact.source_id, fact.paragraph, fact.quote, fact.origin) == ("belarus-west-2025-07", 1, PRISONERS, "chat")
    answer = bot.ask(NEW_QUESTION)
    assert (answer.kind, answer.fact_id, answer.lang) == (AnswerKind.FACT, fact.id, "de")
    assert answer.text == "Minsk kündigte die Freilassung von 14 politischen Gefangenen an."
    assert answer.citation is not None and answer.citation.quote == PRISONERS
    assert bot.ask("Who announced an amnesty for fourteen?").fact_id == fact.id
    (entry,) = mod.show(fact.id).history
    assert (entry.action, entry.user_id, entry.user_name, entry.platform) == ("add", "mod-1", "Mod One", "test")
    assert entry.before is None
    assert entry.after == fact_to_dict(fact)
    second = restarted(app)
    try:
        assert second.bot.ask(NEW_QUESTION).fact_id == fact.id
    finally:
        second.close()


def test_add_makes_the_slug_unique_on_collision(mod: Moderation, moderator: Actor) -> None:
    first = mod.add(moderator, draft())
    second = mod.add(moderator, draft(SANCTIONS))
    third = mod.add(moderator, draft(CANADA))

    assert second.id == f"{first.id}-2"
    assert third.id == f"{first.id}-3"
    assert mod.show(first.id).fact.quote == PRISONERS
    assert mod.show(second.id).fact.quote == SANCTIONS


def test_an_almost_exact_quote_is_replaced_by_the_exact_passage_sentences(mod: Moderation, moderator: Actor) -> None:
    pasted = CANADA.replace("„", '"').replace("“", '"').replace(", in der", ",\n   in der").replace(" ", "  ", 3)

    fact = mod.add(moderator, draft(pasted))

    assert fact.quote == CANADA
    assert fact.paragraph == 2
    assert mod.show(fact.id).fact.quote == CANADA
    two = mod.locate_quote(f"»{PRISONERS}«\n\n  {SANCTIONS.replace('dass', 'daß')}")
    assert two.quote == f"{PRISONERS} {SANCTIONS}"
    assert (two.passage.paragraph, two.exact) == (1, False)
    assert mod.locate_quote(PRISONERS).exact


def test_a_quote_that_is_not_in_any_source_is_refused_clearly(app: App, mod: Moderation, moderator: Actor) -> None:
    before = stored(app)
    for quote in (
        "Minsk hat heute 200 Panzer gekauft und nach Paris geschickt.",
        "Nach dem Besuch kündigte Minsk",  # a fragment, not whole sentences
        "   ",
    ):
        with pytest.raises(InvalidInput) as raised:
            mod.add(moderator, draft(quote))
        assert "quote" in raised.value.message("en"), quote
        assert "Zitat" in raised.value.message("de"), quote
    assert stored(app) == before
    assert audit_count(app) == 0


def test_length_limits_are_enforced_with_messages_that_say_what_to_fix(
    app: App, mod: Moderation, moderator: Actor
) -> None:
    ok = "Minsk announced the release of 14 political prisoners."
    cases: list[tuple[FactDraft, str]] = [
        (draft(en=("x" * (MAX_ANSWER + 1), ["Who was released?"])), f"longer than {MAX_ANSWER}"),
        (draft(en=("   ", ["Who was released?"])), "answer is empty"),
        (draft(en=(ok, ["q" * (MAX_QUESTION + 1)])), f"1 to {MAX_QUESTION} characters"),
        (draft(en=(ok, [])), "at least one en question"),
        (draft(en=(ok, [f"Question number {i}?" for i in range(MAX_QUESTIONS + 1)])), f"at most {MAX_QUESTIONS}"),
        (draft(" ".join([PRISONERS] * (MAX_QUOTE // len(PRISONERS) + 1))), f"longer than {MAX_QUOTE}"),
        (FactDraft(PRISONERS, {}), "at least one language"),
        (draft(fr=(ok, ["Qui a été libéré ?"])), "unknown language 'fr'"),
    ]
    before = stored(app)
    for case, reason in cases:
        with pytest.raises(InvalidInput) as raised:
            mod.add(moderator, case)
        assert reason in raised.value.message("en"), reason
    assert stored(app) == before
    assert audit_count(app) == 0

    longest = mod.add(moderator, draft(en=("y" * MAX_ANSWER, ["z" * MAX_QUESTION])))
    assert len(longest.texts["en"].answer) == MAX_ANSWER


def test_a_fact_in_one_language_only_is_accepted(bot: FactBot, mod: Moderation, moderator: Actor) -> None:
    fact = mod.add(moderator, draft(en=("Fourteen political prisoners were freed.", ["Who got an amnesty in Minsk?"])))

    assert set(fact.texts) == {"en"}
    assert set(mod.show(fact.id).fact.texts) == {"en"}
    answer = bot.ask("Who got an amnesty in Minsk?")
    assert (answer.fact_id, answer.text) == (fact.id, "Fourteen political prisoners were freed.")


# --- edit ------------------------------------------------------------------------------------


def test_edit_changes_the_answer_and_bumps_the_version(
    app: App, bot: FactBot, mod: Moderation, moderator: Actor
) -> None:
    current = mod.show("prisoners-released").fact
    new = "Minsk said it would free 14 political prisoners after the US envoy's visit."

    edited = mod.edit(moderator, current.id, with_answer(current, "en", new), expected_version=current.version)

    assert edited.version == current.version + 1
    assert bot.ask("How many political prisoners were released?").text == new
    entry = mod.show(current.id).history[-1]
    assert entry.action == "edit"
    assert entry.before == fact_to_dict(current)
    assert entry.after is not None and entry.after["en"]["answer"] == new
    with pytest.raises(NotFound):
        mod.edit(moderator, "no-such-fact", draft())


def test_edit_with_a_stale_version_is_a_conflict_and_overwrites_nothing(
    app: App, bot: FactBot, mod: Moderation, moderator: Actor, other_moderator: Actor
) -> None:
    loaded = mod.show("prisoners-released").fact  # both moderators opened the edit form on this version
    first = "First moderator's wording of the release of 14 political prisoners."
    mod.edit(moderator, loaded.id, with_answer(loaded, "en", first), expected_version=loaded.version)
    before, entries = stored(app), audit_count(app)

    with pytest.raises(Conflict):
        mod.edit(
            other_moderator, loaded.id, with_answer(loaded, "en", "Second wording."), expected_version=loaded.version
        )

    assert stored(app) == before
    assert audit_count(app) == entries
    assert bot.ask("How many political prisoners were released?").text == first


# --- remove and restore ----------------------------------------------------------------------


def _never_offered(bot: FactBot, fact: Fact) -> None:
    for lang in ("de", "en"):
        for question in fact.questions(lang):
            answer = bot.ask(question)
            assert not (answer.kind == AnswerKind.FACT and answer.fact_id == fact.id), question
            assert fact.id not in {s.fact_id for s in answer.suggestions}, question
            assert fact.id not in {s.fact_id for s in bot.complete(question[:12], lang)}, question
        assert fact.id not in {s.fact_id for s in bot.popular(lang, limit=100)}


def test_a_removed_fact_is_never_answered_nor_suggested_and_restore_brings_it_back(
    app: App, bot: FactBot, mod: Moderation, moderator: Actor
) -> None:
    fact = mod.show("prisoners-released").fact
    assert bot.ask(fact.questions("de")[0]).fact_id == fact.id

    removed = mod.remove(moderator, fact.id)

    assert removed.removed
    _never_offered(bot, fact)
    with pytest.raises(NotFound):
        bot.answer_fact(fact.id, "de")
    second = restarted(app)
    try:
        _never_offered(second.bot, fact)
    finally:
        second.close()
    with pytest.raises(InvalidInput):
        mod.remove(moderator, fact.id)

    mod.restore(moderator, fact.id)

    assert bot.ask(fact.questions("de")[0]).fact_id == fact.id
    assert bot.ask(fact.questions("en")[0]).fact_id == fact.id
    assert [e.action for e in mod.show(fact.id).history] == ["remove", "restore"]


# --- undo ------------------------------------------------------------------------------------


def test_undo_walks_back_the_actors_changes_one_by_one(bot: FactBot, mod: Moderation, moderator: Actor) -> None:
    added = mod.add(moderator, draft())
    edited = mod.edit(moderator, added.id, with_answer(added, "de", "Vierzehn Gefangene kamen frei."))
    mod.remove(moderator, added.id)

    assert not mod.undo(moderator).removed  # undoes the removal
    assert bot.ask(NEW_QUESTION).text == "Vierzehn Gefangene kamen frei."
    assert fact_to_dict(mod.undo(moderator)) == fact_to_dict(added)  # undoes the edit
    assert bot.ask(NEW_QUESTION).text == added.texts["de"].answer
    assert mod.undo(moderator).removed  # undoes the add
    assert bot.ask(NEW_QUESTION).fact_id != added.id
    with pytest.raises(NothingToUndo) as raised:
        mod.undo(moderator)
    assert "undone" in raised.value.message("en")
    history = mod.show(added.id).history
    assert [(e.action, e.undone) for e in history] == [
        ("add", True),
        ("edit", True),
        ("remove", True),
        ("undo", False),
        ("undo", False),
        ("undo", False),
    ]
    assert edited.version < mod.show(added.id).fact.version


def test_undo_leaves_another_actors_changes_untouched(
    bot: FactBot, mod: Moderation, moderator: Actor, other_moderator: Actor
) -> None:
    prisoners = mod.show("prisoners-released").fact
    container = mod.show("container-transport-14-fold").fact
    mod.edit(moderator, prisoners.id, with_answer(prisoners, "en", "Mine."))
    theirs = mod.edit(other_moderator, container.id, with_answer(container, "en", "Theirs."))

    assert fact_to_dict(mod.undo(moderator)) == fact_to_dict(prisoners)

    assert fact_to_dict(mod.show(container.id).fact) == fact_to_dict(theirs)
    with pytest.raises(NothingToUndo):
        mod.undo(moderator)
    assert fact_to_dict(mod.undo(other_moderator)) == fact_to_dict(container)


def test_undo_does_not_discard_a_later_change_by_someone_else(
    app: App, mod: Moderation, moderator: Actor, other_moderator: Actor
) -> None:
    fact = mod.show("prisoners-released").fact
    mine = mod.edit(moderator, fact.id, with_answer(fact, "en", "Mine."))
    mod.edit(other_moderator, fact.id, with_answer(mine, "en", "Theirs, written after mine."))
    before, entries = stored(app), audit_count(app)

    with pytest.raises(Conflict):
        mod.undo(moderator)

    assert stored(app) == before
    assert audit_count(app) == entries
    assert mod.show(fact.id).fact.texts["en"].answer == "Theirs, written after mine."


# --- permissions -----------------------------------------------------------------------------


def test_every_write_by_a_non_moderator_is_refused_and_writes_nothing(
    app: App, mod: Moderation, moderator: Actor, visitor: Actor
) -> None:
    mod.edit(moderator, "prisoners-released", with_answer(mod.show("prisoners-released").fact, "en", "Edited."))
    mod.remove(moderator, "kellogg-visit")
    fact = mod.show("container-transport-14-fold").fact
    attempts: list[Callable[[], object]] = [
        lambda: mod.add(visitor, draft()),
        lambda: mod.edit(visitor, fact.id, with_answer(fact, "en", "Vandalised."), expected_version=fact.version),
        lambda: mod.remove(visitor, fact.id),
        lambda: mod.restore(visitor, "kellogg-visit"),
        lambda: mod.undo(visitor),
        lambda: mod.undo(Actor("test", "mod-1", "Mod One", is_moderator=False)),  # same id, no longer moderator
        lambda: mod.import_facts(visitor, [fact]),
    ]
    before, entries = stored(app), audit_count(app)

    for attempt in attempts:
        with pytest.raises(NotModerator):
            attempt()

    assert stored(app) == before
    assert audit_count(app) == entries
    assert app.bot.index.fact("kellogg-visit") is None
    assert mod.show("prisoners-released").fact.texts["en"].answer == "Edited."


# --- reading ---------------------------------------------------------------------------------


def test_list_pages_through_all_active_facts(app: App, mod: Moderation) -> None:
    total = len(app.bot.index)
    first, second = mod.list(page=1, per_page=10), mod.list(page=2, per_page=10)
    last = mod.list(page=999, per_page=10)

    assert (first.page, first.pages, first.total) == (1, -(-total // 10), total)
    assert len(first.items) == 10
    assert not {f.id for f in first.items} & {f.id for f in second.items}
    assert last.page == first.pages
    assert len(last.items) == total - 10 * (first.pages - 1)
    every = [f.id for p in range(1, first.pages + 1) for f in mod.list(page=p, per_page=10).items]
    assert sorted(every) == sorted(f.id for f in app.bot.index.facts())


def test_search_finds_ids_questions_and_answers_ignoring_case_and_umlauts(mod: Moderation, moderator: Actor) -> None:
    kellogg = mod.list("KELLOGG", per_page=100)
    assert kellogg.total >= 3
    assert "kellogg-visit" in {f.id for f in kellogg.items}
    assert all("kellogg" in str(fact_to_dict(f)).casefold() for f in kellogg.items)
    assert mod.list("weissrussland", per_page=100).total == mod.list("Weißrussland", per_page=100).total > 0
    assert mod.list("no such words anywhere xyzzy").total == 0
    paged = mod.list("Kellogg", page=2, per_page=2)
    assert paged.page == 2 and len(paged.items) == 2

    mod.remove(moderator, "kellogg-visit")

    assert "kellogg-visit" not in {f.id for f in mod.list("Kellogg", per_page=100).items}
    with_removed = mod.list("Kellogg", per_page=100, include_removed=True)
    assert {f.id for f in with_removed.items if f.removed} == {"kellogg-visit"}
    assert with_removed.total == kellogg.total


def test_show_has_the_history_and_the_votes(
    bot: FactBot, mod: Moderation, moderator: Actor, other_moderator: Actor
) -> None:
    fact = mod.show("prisoners-released").fact
    mod.edit(moderator, fact.id, with_answer(fact, "en", "Edited once."))
    mod.remove(other_moderator, fact.id)
    bot.vote("telegram", "u1", fact.id, 1)
    bot.vote("telegram", "u2", fact.id, 1)
    bot.vote("discord", "u3", fact.id, -1)

    details = mod.show(fact.id)

    assert details.fact.removed
    assert (details.votes_up, details.votes_down) == (2, 1)
    assert [(e.action, e.user_name) for e in details.history] == [("edit", "Mod One"), ("remove", "Mod Two")]
    assert details.history[0].after is not None and details.history[0].after["en"]["answer"] == "Edited once."
    with pytest.raises(NotFound):
        mod.show("no-such-fact")


def test_unanswered_questions_are_logged_with_counts_most_frequent_first(bot: FactBot, mod: Moderation) -> None:
    asked = [
        "What is the population of Belarus?",
        "Wie ist das Wetter in Paris morgen?",
        "wie ist das wetter in paris morgen?",
        "Wie ist das  Wetter in Paris morgen?",
        "Who won the football world cup in 1954?",
        "who won the football world cup in 1954?",
    ]
    for question in asked:
        assert not bot.ask(question).answered, question
    assert bot.ask("Wie viele politische Gefangene wurden freigelassen?").answered

    top = mod.unanswered(10)

    assert [(u.count, u.lang) for u in top] == [(3, "de"), (2, "en"), (1, "en")]
    assert top[0].text.casefold() == "wie ist das wetter in paris morgen?"
    assert top[2].text == "What is the population of Belarus?"
    assert top[0].first_at <= top[0].last_at
    assert [u.count for u in mod.unanswered(1)] == [3]


def test_votes_are_one_per_user_and_changeable(bot: FactBot, mod: Moderation) -> None:
    assert bot.vote("telegram", "u1", "prisoners-released", 1) == (1, 0)
    assert bot.vote("telegram", "u1", "prisoners-released", 1) == (1, 0)
    assert bot.vote("telegram", "u1", "prisoners-released", -1) == (0, 1)
    assert bot.vote("telegram", "u2", "prisoners-released", 1) == (1, 1)
    assert bot.vote("telegram", "u2", "kellogg-visit", -1) == (0, 1)
    assert (mod.show("prisoners-released").votes_up, mod.show("prisoners-released").votes_down) == (1, 1)
    with pytest.raises(InvalidInput):
        bot.vote("telegram", "u1", "prisoners-released", 2)
    with pytest.raises(NotFound):
        bot.vote("telegram", "u1", "no-such-fact", 1)
