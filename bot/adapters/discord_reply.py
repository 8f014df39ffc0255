"""Replying within Discord's 3-second deadline: blocking core calls run in threads, slow ones are deferred."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import discord
from discord import InteractionResponseType

from bot.adapters.discord_context import lang_of
from bot.adapters.discord_render import CONTENT, content
from bot.core import messages
from bot.core.errors import BotError, NotModerator

log = logging.getLogger(__name__)
T = TypeVar("T")
NO_MENTIONS = discord.AllowedMentions.none()
DEFER_AFTER = 2.0  # seconds; Discord drops responses after 3
_DEFERRED_EPHEMERAL = "deferred_ephemeral"


@dataclass(frozen=True)
class Reply:
    """One message: text and/or embeds, optional buttons; `ephemeral` shows it only to the user."""

    content: str | None = None
    embeds: tuple[discord.Embed, ...] = ()
    view: discord.ui.View | None = None
    ephemeral: bool = False

    def fields(self) -> dict[str, Any]:
        fields: dict[str, Any] = {"content": self.content, "embeds": list(self.embeds), "allowed_mentions": NO_MENTIONS}
        if self.view is not None:
            fields["view"] = self.view
        return fields


def notice(text: str) -> Reply:
    """A short ephemeral message of ours (refusals, confirmations); markdown in it is meant."""
    return Reply(content=text[:CONTENT], ephemeral=True)


def refusal(lang: str) -> Reply:
    """What non-moderators get for moderator actions; nothing has changed."""
    return notice(NotModerator().message(lang))


def error_reply(exc: BotError, lang: str) -> Reply:
    """An expected error as an ephemeral message, escaped: errors may echo what the user typed."""
    return notice(content(exc.message(lang)))


async def deliver(interaction: discord.Interaction, reply: Reply, *, edit: bool = False) -> None:
    """Send `reply` as the response, or after a deferral as the original response or a follow-up.

    With `edit`, the reply replaces the message whose button was pressed (a turned page).
    """
    fields = reply.fields()
    response = interaction.response
    if not response.is_done():
        if edit:
            await response.edit_message(**fields)
        else:
            await response.send_message(ephemeral=reply.ephemeral, **fields)
    elif response.type is InteractionResponseType.deferred_message_update and edit:
        await interaction.edit_original_response(**fields)
    elif response.type is InteractionResponseType.deferred_channel_message:
        if interaction.extras.get(_DEFERRED_EPHEMERAL) == reply.ephemeral:
            await interaction.edit_original_response(**fields)
        else:  # a public "thinking…" must not turn into a public error: replace it with an ephemeral one
            await interaction.delete_original_response()
            await interaction.followup.send(ephemeral=reply.ephemeral, **fields)
    else:
        await interaction.followup.send(ephemeral=reply.ephemeral, **fields)


async def defer(interaction: discord.Interaction, *, ephemeral: bool, edit: bool) -> None:
    """Acknowledge now, answer later: "thinking…" for a new message, a silent update for an edit."""
    if edit:
        await interaction.response.defer()
    else:
        await interaction.response.defer(ephemeral=ephemeral, thinking=True)
        interaction.extras[_DEFERRED_EPHEMERAL] = ephemeral


async def answer_in_time(
    interaction: discord.Interaction,
    work: Callable[[], T],
    render: Callable[[T], Reply],
    *,
    ephemeral: bool = False,
    edit: bool = False,
    failed: Callable[[BotError, str], Reply] = error_reply,
) -> None:
    """Run blocking `work` in a thread and reply with `render(result)`; expected errors become `failed(error)`.

    When `work` is not done after DEFER_AFTER seconds the interaction is deferred, so a slow database
    never costs the user their answer.
    """
    lang = lang_of(interaction)
    task = asyncio.ensure_future(asyncio.to_thread(work))
    in_place = edit
    try:
        done, _ = await asyncio.wait({task}, timeout=DEFER_AFTER)
        if not done:
            await defer(interaction, ephemeral=ephemeral, edit=edit)
        reply = render(await task)
    except BotError as exc:
        reply, in_place = failed(exc, lang), False  # errors never replace the message; they come separately
    except Exception:
        log.exception("discord interaction failed", extra={"interaction_type": interaction.type.name})
        reply, in_place = notice(messages.text("internal_error", lang)), False
        task.add_done_callback(_retrieve)  # a failed deferral leaves the thread running: collect its outcome
    await deliver(interaction, reply, edit=in_place)


def _retrieve(task: asyncio.Future[Any]) -> None:
    if not task.cancelled() and task.exception():
        log.debug("work finished after its interaction failed", exc_info=task.exception())
