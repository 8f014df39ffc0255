from bot.bootstrap import App


def test_seeded_store_answers_on_each_backend(store_app: App) -> None:
    assert len(store_app.bot.index) >= 50
    assert store_app.bot.ask("Wie viele politische Gefangene wurden freigelassen?").answered


def test_unanswerable_questions_are_stored_with_their_fact(store_app: App) -> None:
    from dataclasses import replace

    from bot.core.model import Actor

    bot = store_app.bot
    fact = bot.index.fact("prisoners-released")
    assert fact is not None
    marked = replace(fact, unanswerable=("Wie heißen die freigelassenen Gefangenen?",))
    bot.moderation.import_facts(Actor("cli", "op", "Operator", is_moderator=True), [marked])
    stored = bot.moderation.show("prisoners-released").fact
    assert stored.unanswerable == marked.unanswerable
    assert stored.texts == fact.texts
    assert not bot.ask("Wie heißen die freigelassenen Gefangenen?").answered
