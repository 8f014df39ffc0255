from bot.bootstrap import App


def test_seeded_store_answers_on_each_backend(store_app: App) -> None:
    assert len(store_app.bot.index) >= 50
    assert store_app.bot.ask("Wie viele politische Gefangene wurden freigelassen?").answered
