"""The authorisation matrix: every moderator action on every platform by a non-moderator is refused,
nothing is written and no audit entry appears. The whole database is compared before and after each attempt.

Core: each write of `Moderation` by Telegram, Discord and CLI actors that are not moderators, among them a
demoted moderator who still has an undoable change. Telegram: every moderator command and button through the
Bot API emulator by a user not in TELEGRAM_MODERATOR_IDS, and a moderator demoted in the middle of a dialogue.
Discord: every `/fact` subcommand, the fact form and the moderator buttons through the emulator, by a member
without Manage Messages and without a moderator role to whom the server shows `/fact` anyway.

A refused attempt changes nothing, so all attempts share one store and one running bot per platform (started
once per module); each attempt is still judged against its own snapshot.
"""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
from sqlalchemy import select

from bot.bootstrap import App, build
from bot.core.errors import NotModerator
from bot.core.factfile import lang_text
from bot.core.model import Actor, FactDraft
from bot.core.moderation import Moderation
from bot.core.service import FactBot
from bot.store.tables import Base
from tests.adapters.discord_emulator import (
    ALICE,
    MANAGE_MESSAGES,
    MODERATOR,
    MODERATOR_ROLE_ID,
    DiscordEmulator,
    buttons,
    serving,
)
from tests.adapters.discord_emulator import Interaction as DiscordInteraction
from tests.adapters.telegram_emulator import USER_ID, Call, Harness, TelegramEmulator, running_bot
from tests.conftest import make_settings

FACT_ID = "prisoners-released"
REMOVED_ID = "kellogg-visit"  # removed by a moderator beforehand, so `restore` has a target
QUOTE = (
    "Wenige Tage zuvor war der US-Sondergesandte Keith Kellogg in Belarus eingetroffen, "
    "um sich mit Lukaschenko zu treffen."
)
NEW_QUESTION = "Which US envoy came to Minsk shortly before?"
NEW_ANSWER = "Keith Kellogg, the US special envoy."
UNANSWERED = "Tell me about the weather in Minsk"
REFUSAL = NotModerator().message("en")
REFUSAL_DE = NotModerator().message("de")
DEMOTED = "42"  # in the core matrix: a former moderator with an undoable change on every platform
in_module_loop = pytest.mark.asyncio(loop_scope="module")


def database(app: App) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table (facts with their versions, answers, questions, audit entries …) in key order."""
    with app.engine.connect() as connection:
        return {
            table.name: [tuple(row) for row in connection.execute(select(table).order_by(*table.primary_key.columns))]
            for table in Base.metadata.sorted_tables
        }


def in_memory(bot: FactBot) -> dict[str, tuple[int, bool]]:
    """What this process answers from: fact ids with version and removed flag."""
    return {fact.id: (fact.version, fact.removed) for fact in bot.index.facts()}


class Unchanged:
    """Snapshot at the start, `check()` at the end: the database and the index are exactly as they were."""

    def __init__(self, app: App) -> None:
        self.app = app
        self.before = database(app)
        self.index = in_memory(app.bot)

    def check(self) -> None:
        after = database(self.app)
        audited = [row for row in after["audit_entries"] if row not in self.before["audit_entries"]]
        assert audited == [], "audit entries of a refused action"
        changed = [name for name in after if after[name] != self.before[name]]
        assert not changed, f"tables written by a non-moderator: {changed}"
        assert in_memory(self.app.bot) == self.index, "the in-memory index changed"


def remove_as_moderator(bot: FactBot, platform: str, user_id: str, fact_id: str) -> None:
    """A change by someone who was a moderator then: the same user id could undo it, if it were allowed."""
    bot.moderation.remove(Actor(platform, user_id, "Former moderator", is_moderator=True), fact_id)


@pytest.fixture(scope="module")
def shared(seeded_sqlite: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[App]:
    """One store for the module: removed facts with undoable removals by every user who later tries, and
    unanswered questions for the moderators' lists."""
    path = tmp_path_factory.mktemp("authorization") / "bot.sqlite3"
    shutil.copy(seeded_sqlite, path)
    app = build(make_settings(f"sqlite:///{path}"))
    others = iter(f.id for f in app.bot.index.facts() if f.id not in (FACT_ID, REMOVED_ID))
    remove_as_moderator(app.bot, "cli", "operator", REMOVED_ID)
    for platform in ("telegram", "discord", "cli"):
        remove_as_moderator(app.bot, platform, DEMOTED, next(others))
    remove_as_moderator(app.bot, "telegram", str(USER_ID), next(others))
    remove_as_moderator(app.bot, "discord", str(ALICE.id), next(others))
    for platform, question in (("telegram", UNANSWERED), ("discord", "Wie hoch ist der Eiffelturm in Paris?")):
        app.bot.ask(question, platform=platform)
    yield app
    app.close()


# --- core -----------------------------------------------------------------------------------------


def _import(mod: Moderation, actor: Actor) -> object:
    current = mod.show(FACT_ID).fact
    changed = replace(current, texts=current.texts | {"en": lang_text("Rewritten by an intruder.", [NEW_QUESTION])})
    new = replace(current, id="intruder-fact", texts={"en": lang_text(NEW_ANSWER, [NEW_QUESTION])})
    return mod.import_facts(actor, [changed, new])


DRAFT = FactDraft(QUOTE, {"en": lang_text(NEW_ANSWER, [NEW_QUESTION])})
CORE_WRITES: dict[str, Callable[[Moderation, Actor], object]] = {
    "add": lambda mod, actor: mod.add(actor, DRAFT),
    "edit": lambda mod, actor: mod.edit(actor, FACT_ID, DRAFT),
    "remove": lambda mod, actor: mod.remove(actor, FACT_ID),
    "restore": lambda mod, actor: mod.restore(actor, REMOVED_ID),
    "undo": lambda mod, actor: mod.undo(actor),
    "import_facts": _import,
}


@pytest.mark.parametrize("who", ["demoted", "stranger"])
@pytest.mark.parametrize("platform", ["telegram", "discord", "cli"])
@pytest.mark.parametrize("action", sorted(CORE_WRITES))
def test_core_refuses_every_write_of_a_non_moderator(shared: App, action: str, platform: str, who: str) -> None:
    """`demoted` has the user id of a moderator with an undoable change; `stranger` never moderated."""
    actor = Actor(platform, DEMOTED if who == "demoted" else "1234", "Not a moderator", is_moderator=False)
    unchanged = Unchanged(shared)
    with pytest.raises(NotModerator):
        CORE_WRITES[action](shared.bot.moderation, actor)
    unchanged.check()


# --- Telegram -------------------------------------------------------------------------------------


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def tg(shared: App) -> AsyncIterator[Harness]:
    """The real Application polling the emulator; user 2002 is not in TELEGRAM_MODERATOR_IDS, 1001 is."""
    api = TelegramEmulator()
    await api.start()
    try:
        async with running_bot(api, shared.bot, shared.settings) as harness:
            yield harness
    finally:
        await api.close()


TELEGRAM_COMMANDS = [
    "/addfact",
    f"/addfact {NEW_QUESTION}",
    f"/editfact {FACT_ID}",
    "/editfact",
    f"/delfact {FACT_ID}",
    "/delfact",
    f"/restorefact {REMOVED_ID}",
    "/restorefact",
    "/undo",
    "/facts",
    "/facts Kellogg",
    f"/fact {FACT_ID}",
    "/fact",
    "/unanswered",
    f"/delfact@factbot_test_bot {FACT_ID}",
]


@in_module_loop
@pytest.mark.parametrize("text", TELEGRAM_COMMANDS)
async def test_telegram_refuses_every_moderator_command(tg: Harness, shared: App, text: str) -> None:
    unchanged = Unchanged(shared)
    assert (await tg.ask(tg.user, text)).text == REFUSAL, text
    unchanged.check()


@in_module_loop
async def test_telegram_refuses_in_the_users_language_and_in_groups(tg: Harness, shared: App) -> None:
    german, group = tg.api.user(2003, "Greta", language_code="de"), tg.api.group()
    unchanged = Unchanged(shared)
    assert (await tg.ask(german, f"/delfact {FACT_ID}")).text == REFUSAL_DE
    assert (await tg.ask(tg.user, f"/delfact@factbot_test_bot {FACT_ID}", chat=group)).text == REFUSAL
    assert (await tg.ask(tg.user, "/undo", chat=group)).text == REFUSAL
    unchanged.check()


PressSetup = Callable[[Harness], Awaitable[tuple[Call, str]]]


def _in_group(command: str, label: str) -> PressSetup:
    """A moderator's listing posted in a group both can see; the user presses its `label` button."""

    async def setup(tg: Harness) -> tuple[Call, str]:
        listing = await tg.ask(tg.moderator, command, chat=tg.api.group())
        return listing, listing.data(label)

    return setup


def _forged(data: Callable[[Harness], str]) -> PressSetup:
    """Callback data the user's client makes up, on a message the bot sent the user privately."""

    async def setup(tg: Harness) -> tuple[Call, str]:
        return await tg.ask(tg.user, "/help"), data(tg)

    return setup


def _memo_key(tg: Harness) -> str:
    """A key that resolves, as a moderator's listing would have left it in the memo."""
    return tg.deps.memo.put(UNANSWERED)


EXPIRED = "This button has expired. Please run the command again."
PRIVATE_ONLY = "Please do this in a private chat with me."
TELEGRAM_BUTTONS: dict[str, tuple[PressSetup, str]] = {
    "facts page in a group": (_in_group("/facts", "▶"), REFUSAL),
    "add from unanswered in a group": (_in_group("/unanswered", "➕"), PRIVATE_ONLY),
    "forged facts page": (_forged(lambda tg: f"fp:{_memo_key(tg)}:2"), REFUSAL),
    "forged add from unanswered": (_forged(lambda tg: f"ua:{_memo_key(tg)}"), REFUSAL),
    "forged save": (_forged(lambda _: "af:save"), EXPIRED),
    "forged cancel": (_forged(lambda _: "af:cancel"), EXPIRED),
    "forged language de": (_forged(lambda _: "af:de"), EXPIRED),
    "forged language en": (_forged(lambda _: "af:en"), EXPIRED),
}


@in_module_loop
@pytest.mark.parametrize("case", list(TELEGRAM_BUTTONS))
async def test_telegram_refuses_every_moderator_button(tg: Harness, shared: App, case: str) -> None:
    setup, refusal = TELEGRAM_BUTTONS[case]
    message, data = await setup(tg)
    unchanged = Unchanged(shared)
    mark = len(tg.api.calls)
    alert = await tg.api.reply(tg.api.press(tg.user, message.result, data))
    assert (alert.params.get("show_alert"), alert.params.get("text")) == (True, refusal)
    await tg.settle(tg.api.chats[tg.user["id"]])  # sends /help: anything else shown came from the press
    shown = [c.text for c in tg.api.since(mark) if c.method in ("sendMessage", "editMessageText")]
    assert [text.startswith("How to ask me") for text in shown] == [True], shown
    unchanged.check()


async def _say(tg: Harness, text: str, count: int = 1) -> list[Call]:
    return await tg.messages(tg.api.send(tg.moderator, text), count)


async def _press(tg: Harness, message: Call, label: str, count: int = 1) -> list[Call]:
    pushed = tg.api.press(tg.moderator, message.result, message.data(label))
    return await tg.messages(pushed, count, chat_id=tg.moderator["id"])


async def _dialogue_to_confirm(tg: Harness, start: str) -> Call:
    """A moderator's /addfact or /editfact dialogue, up to the message with the Save button."""
    if start == "/addfact":
        for text in ("/addfact", NEW_QUESTION, NEW_ANSWER):
            await _say(tg, text)
        _, language = await _say(tg, QUOTE, 2)
        *_, confirm = await _press(tg, language, "English", 3)
    else:
        (choose,) = await _say(tg, start)
        await _press(tg, choose, "English")
        await _say(tg, "/skip")
        await _say(tg, NEW_ANSWER)
        *_, confirm = await _say(tg, "/skip", 3)
    return confirm


@in_module_loop
@pytest.mark.parametrize("start", ["/addfact", f"/editfact {FACT_ID}"])
async def test_telegram_moderator_demoted_mid_dialogue_cannot_save(tg: Harness, shared: App, start: str) -> None:
    """The adapter checked the moderator when the dialogue began; the core checks again when it is saved."""
    confirm = await _dialogue_to_confirm(tg, start)
    unchanged = Unchanged(shared)
    ids = tg.deps.moderators.ids
    tg.deps.moderators.ids = frozenset()  # TELEGRAM_MODERATOR_IDS no longer lists them
    try:
        (refused,) = await _press(tg, confirm, "Save")
    finally:
        tg.deps.moderators.ids = ids
    assert refused.text == REFUSAL
    unchanged.check()


# --- Discord --------------------------------------------------------------------------------------


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def dc(shared: App) -> AsyncIterator[DiscordEmulator]:
    """The real client against the emulator; a moderator role is configured, which ALICE does not have."""
    assert not ALICE.permissions & MANAGE_MESSAGES and MODERATOR_ROLE_ID not in ALICE.roles
    async with DiscordEmulator() as emulator:
        async with serving(emulator, shared.bot, shared.settings, discord_moderator_role_ids=[MODERATOR_ROLE_ID]):
            yield emulator
        assert emulator.rejected == [], "the bot sent something Discord would reject"


async def fact(dc: DiscordEmulator, subcommand: str, user: Any = ALICE, **options: Any) -> DiscordInteraction:
    return await dc.slash("fact", options, subcommand=subcommand, user=user)


DISCORD_SUBCOMMANDS = [
    ("add", {}),
    ("edit", {"id": FACT_ID}),
    ("edit", {"id": FACT_ID, "language": "de"}),
    ("remove", {"id": FACT_ID}),
    ("restore", {"id": REMOVED_ID}),
    ("undo", {}),
    ("list", {}),
    ("list", {"search": "Kellogg"}),
    ("show", {"id": FACT_ID}),
    ("unanswered", {}),
]


def option_id(value: str | dict[str, Any]) -> str:
    return " ".join(f"{k}={v}" for k, v in value.items()) or "-" if isinstance(value, dict) else value


def assert_refused(message: dict[str, Any]) -> None:
    assert message["content"] == REFUSAL and not message.get("embeds") and not buttons(message), message
    assert message["flags"] & 64, "refusals are ephemeral"


@in_module_loop
@pytest.mark.parametrize(("subcommand", "options"), DISCORD_SUBCOMMANDS, ids=option_id)
async def test_discord_refuses_every_fact_subcommand(
    dc: DiscordEmulator, shared: App, subcommand: str, options: dict[str, Any]
) -> None:
    unchanged = Unchanged(shared)
    assert_refused(await dc.reply(await fact(dc, subcommand, **options)))
    unchanged.check()


@in_module_loop
@pytest.mark.parametrize("subcommand", ["edit", "remove", "restore", "show"])
async def test_discord_autocomplete_shows_non_moderators_no_fact_ids(dc: DiscordEmulator, subcommand: str) -> None:
    typed = "kellogg" if subcommand == "restore" else "prisoners"
    asked = await dc.slash("fact", {"id": typed}, subcommand=subcommand, user=ALICE, focused="id")
    assert await dc.choices(asked) == []


async def _add_form(dc: DiscordEmulator) -> DiscordInteraction:
    opened = await fact(dc, "add", MODERATOR)
    await dc.modal(opened)
    return opened


async def _edit_form(dc: DiscordEmulator) -> DiscordInteraction:
    opened = await fact(dc, "edit", MODERATOR, id=FACT_ID, language="en")
    await dc.modal(opened)
    return opened


FORM_VALUES = {"questions": NEW_QUESTION, "answer": NEW_ANSWER, "quote": QUOTE, "lang": "en"}


@in_module_loop
@pytest.mark.parametrize("form", [_add_form, _edit_form], ids=["add form", "edit form"])
async def test_discord_refuses_a_fact_form_submitted_by_a_non_moderator(
    dc: DiscordEmulator, shared: App, form: Callable[[DiscordEmulator], Awaitable[DiscordInteraction]]
) -> None:
    """A form a moderator opened, submitted by someone who is not one (any more)."""
    opened = await form(dc)
    unchanged = Unchanged(shared)
    assert_refused(await dc.reply(await dc.submit(opened, FORM_VALUES, user=ALICE)))
    unchanged.check()


async def _page_button(dc: DiscordEmulator) -> tuple[dict[str, Any], str]:
    listed = await dc.reply(await fact(dc, "list", MODERATOR))
    return listed, buttons(listed)[1]["custom_id"]


async def _retry_button(dc: DiscordEmulator) -> tuple[dict[str, Any], str]:
    opened = await _add_form(dc)
    invalid = FORM_VALUES | {"quote": "This sentence is in no article."}
    failed = await dc.reply(await dc.submit(opened, invalid, user=MODERATOR))
    (retry,) = buttons(failed)
    return failed, retry["custom_id"]


async def _add_question_button(dc: DiscordEmulator) -> tuple[dict[str, Any], str]:
    listed = await dc.reply(await fact(dc, "unanswered", MODERATOR))
    return listed, buttons(listed)[0]["custom_id"]


@in_module_loop
@pytest.mark.parametrize(
    "button", [_page_button, _retry_button, _add_question_button], ids=["page", "retry form", "add unanswered"]
)
async def test_discord_refuses_every_moderator_button(
    dc: DiscordEmulator, shared: App, button: Callable[[DiscordEmulator], Awaitable[tuple[dict[str, Any], str]]]
) -> None:
    message, custom_id = await button(dc)
    unchanged = Unchanged(shared)
    pressed = await dc.click(message, custom_id, user=ALICE)
    callback = await dc.response(pressed)
    assert callback["type"] == 4, f"a refusal message, not a modal or a page turned in place: {callback}"
    refused = await dc.reply(pressed)
    assert_refused(refused)
    assert refused["id"] != message["id"]
    unchanged.check()
