"""A loopback emulator of the Discord REST API v10 and gateway subset the fact bot uses, strict like Discord.

The real discord.py logs in against it, syncs its commands and connects to its gateway; tests then dispatch
interactions (slash commands, autocomplete, buttons, message context menus, modal submits) and read back what
the bot answered. Like Discord it refuses a second response to an interaction, a response after the 3-second
deadline, messages, embeds, buttons and modals over Discord's limits, and interactions for commands that were
never registered. Every JSON response has `Content-Type: application/json` exactly: discord.py decodes nothing
else. A wrong token gets 401 on REST and close code 4004 on the gateway.

Sharding as Discord does it: a connection that identifies with `shard: [id, count]` gets READY and GUILD_CREATE
for the guilds with `(guild_id >> 22) % count == id` only, and each interaction goes to the connection of the
shard that owns its guild (direct messages to shard 0); `Interaction.shard` records which one it was.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import secrets
import time
import zlib
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import pytest
from aiohttp import WSMsgType, web
from pydantic import SecretStr
from yarl import URL

from bot.adapters.discord_app import serve_discord
from bot.config import Settings
from bot.core.service import FactBot

API = "/api/v10"
APP_ID = 900000000000000001
GUILD_ID = 910000000000000001
OTHER_GUILD_ID = GUILD_ID + (1 << 22)  # with two shards, GUILD_ID is on shard 0 and this one on shard 1
CHANNEL_ID = 920000000000000001
MODERATOR_ROLE_ID = 930000000000000001
VIEW_CHANNEL, SEND_MESSAGES, MANAGE_MESSAGES, USE_COMMANDS = 1 << 10, 1 << 11, 1 << 13, 1 << 31
MEMBER_PERMISSIONS = VIEW_CHANNEL | SEND_MESSAGES | USE_COMMANDS
PRIVILEGED_INTENTS = {1 << 1: "GUILD_MEMBERS", 1 << 8: "GUILD_PRESENCES", 1 << 15: "MESSAGE_CONTENT"}
EPHEMERAL, LOADING = 1 << 6, 1 << 7
DEADLINE = 3.0
TOKEN_LIFETIME = 15 * 60
LOCALES = frozenset(
    "id da de en-GB en-US es-ES es-419 fr hr it lt hu nl no pl pt-BR ro fi sv-SE vi tr cs el bg ru uk hi th "
    "zh-CN ja zh-TW ko".split()
)
# Which callback types Discord accepts per interaction type (2 command, 3 component, 4 autocomplete, 5 modal).
CALLBACKS = {2: {4, 5, 9}, 3: {4, 5, 6, 7, 9}, 4: {8}, 5: {4, 5, 6, 7}}
OPTION_TYPES: dict[int, type | tuple[type, ...]] = {3: str, 4: int, 5: bool, 10: (int, float)}


@dataclass(frozen=True)
class User:
    """A Discord user; in a guild a member with these roles and channel permissions."""

    id: int
    name: str
    roles: tuple[int, ...] = ()
    permissions: int = MEMBER_PERMISSIONS

    def payload(self) -> dict[str, Any]:
        return {
            "id": str(self.id),
            "username": self.name,
            "global_name": self.name,
            "discriminator": "0",
            "avatar": None,
            "bot": False,
        }


ALICE = User(111000000000000001, "alice")
BOB = User(111000000000000002, "bob")
MODERATOR = User(222000000000000001, "mod", permissions=MEMBER_PERMISSIONS | MANAGE_MESSAGES)
ROLE_MODERATOR = User(222000000000000002, "rolemod", roles=(MODERATOR_ROLE_ID,))
BOT_USER = {
    "id": str(APP_ID),
    "username": "factbot",
    "global_name": None,
    "discriminator": "0",
    "avatar": None,
    "bot": True,
    "verified": True,
    "flags": 0,
    "mfa_enabled": False,
}


class DiscordError(Exception):
    """An error response in Discord's shape: `{"code": …, "message": …, "errors": …}`."""

    def __init__(self, status: int, code: int, message: str, errors: dict[str, Any] | None = None) -> None:
        super().__init__(f"{status} {code} {message} {errors or ''}")
        self.status, self.code, self.message, self.errors = status, code, message, errors


def invalid(errors: dict[str, Any]) -> DiscordError:
    return DiscordError(400, 50035, "Invalid Form Body", errors)


@dataclass
class Interaction:
    """One dispatched interaction and what the bot did with it."""

    id: int
    token: str
    type: int
    payload: dict[str, Any]
    dispatched_at: float
    callback: dict[str, Any] | None = None
    message_id: int | None = None  # the response message, or the component's message for types 6/7
    baseline: int = 0  # edits of that message before the response: a deferred update is done after one more
    followups: list[int] = field(default_factory=list)
    shard: int | None = None  # the shard whose connection received it (None: an unsharded connection)

    @property
    def modal(self) -> dict[str, Any]:
        assert self.callback and self.callback["type"] == 9, f"no modal: {self.callback}"
        return self.callback["data"]


def json_response(data: Any, status: int = 200) -> web.Response:
    """Exactly `application/json`: discord.py returns the raw text for anything else (charset included)."""
    return web.Response(status=status, body=json.dumps(data).encode(), headers={"Content-Type": "application/json"})


class DiscordEmulator:
    """Discord as far as the bot sees it: REST under `api_base`, the gateway at `gateway_url`, one application.

    Tests drive users (`slash`, `click`, `submit`, `context_menu`) and read what the bot did (`reply`,
    `choices`, `modal`); `rejected` lists every request Discord would have refused.
    """

    def __init__(
        self,
        token: str = "emulator-token",  # noqa: S107 - a test token
        *,
        guild_ids: tuple[int, ...] = (GUILD_ID,),
        deadline: float = DEADLINE,
        max_concurrency: int = 1,
    ) -> None:
        self.token = token
        self.guild_ids = guild_ids
        self.deadline = deadline
        self.max_concurrency = max_concurrency  # shards that may identify together (GET /gateway/bot)
        self.heartbeat_ms = 1000
        self.global_commands: list[dict[str, Any]] = []
        self.guild_commands: dict[int, list[dict[str, Any]]] = {}
        self.syncs: list[tuple[int | None, list[dict[str, Any]]]] = []
        self.identifies: list[dict[str, Any]] = []
        self.heartbeats = 0
        self.compression: list[str | None] = []
        self.messages: dict[int, dict[str, Any]] = {}
        self.interactions: dict[int, Interaction] = {}
        self.requests: list[tuple[str, str]] = []
        self.rejected: list[tuple[str, str, int, str]] = []  # method, path, status, error
        self._ids = itertools.count(int(time.time() * 1000) << 22)
        self._changed = asyncio.Condition()
        self._sessions: list[GatewaySession] = []
        self._runner: web.AppRunner | None = None
        self.port = 0

    # --- lifecycle ------------------------------------------------------------------------

    async def start(self) -> DiscordEmulator:
        app = web.Application(middlewares=[self._middleware])
        app.router.add_get("/gateway", self._gateway)
        routes = [
            ("GET", "/gateway", self._get_gateway),
            ("GET", "/gateway/bot", self._get_gateway_bot),
            ("GET", "/users/@me", self._get_me),
            ("GET", "/oauth2/applications/@me", self._get_application),
            ("GET", "/applications/{app}/commands", self._get_commands),
            ("PUT", "/applications/{app}/commands", self._put_commands),
            ("GET", "/applications/{app}/guilds/{guild}/commands", self._get_commands),
            ("PUT", "/applications/{app}/guilds/{guild}/commands", self._put_commands),
            ("POST", "/interactions/{id}/{token}/callback", self._callback),
            ("POST", "/webhooks/{app}/{token}", self._followup),
            ("GET", "/webhooks/{app}/{token}/messages/{message}", self._get_message),
            ("PATCH", "/webhooks/{app}/{token}/messages/{message}", self._edit_message),
            ("DELETE", "/webhooks/{app}/{token}/messages/{message}", self._delete_message),
        ]
        for method, path, handler in routes:
            app.router.add_route(method, API + path, handler)
        self._runner = web.AppRunner(app, handle_signals=False, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        return self

    async def close(self) -> None:
        for session in list(self._sessions):
            await session.ws.close(code=1001)
        if self._runner:
            await self._runner.cleanup()

    async def __aenter__(self) -> DiscordEmulator:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    @property
    def api_base(self) -> str:
        return f"http://127.0.0.1:{self.port}{API}"

    @property
    def gateway_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/gateway"

    # --- waiting --------------------------------------------------------------------------

    async def until(self, predicate: Callable[[], Any], within: float = 5.0) -> Any:
        """Wait until `predicate()` is truthy (re-checked on every change); returns its value."""
        async with asyncio.timeout(within), self._changed:
            while not (value := predicate()):
                await self._changed.wait()
            return value

    async def _notify(self) -> None:
        async with self._changed:
            self._changed.notify_all()

    async def wait_ready(self, within: float = 10.0, *, shard: int | None = None) -> None:
        """Until a client identified (as `shard`, if given) and received READY and its guilds."""
        await self.until(lambda: any(shard in (None, s.shard_id) for s in self.ready_sessions), within)

    @property
    def ready_sessions(self) -> list[GatewaySession]:
        return [s for s in self._sessions if s.ready and not s.ws.closed]

    @property
    def session(self) -> GatewaySession | None:
        return next(reversed(self.ready_sessions), None)

    def session_for(self, guild_id: int | None) -> GatewaySession | None:
        """The newest ready connection that receives the events of `guild_id` (None: direct messages)."""
        return next((s for s in reversed(self.ready_sessions) if s.owns(guild_id)), None)

    # --- REST plumbing --------------------------------------------------------------------

    @web.middleware
    async def _middleware(self, request: web.Request, handler: Callable[..., Any]) -> web.StreamResponse:
        self.requests.append((request.method, request.path))
        try:
            # interaction callbacks and webhooks authenticate with the token in their path; GET /gateway is public
            path = request.path
            public = (f"{API}/interactions/", f"{API}/webhooks/", f"{API}/gateway")
            needs_auth = path.startswith(API) and (not path.startswith(public) or path == f"{API}/gateway/bot")
            if needs_auth and request.headers.get("Authorization") != f"Bot {self.token}":
                raise DiscordError(401, 0, "401: Unauthorized")
            return await handler(request)
        except web.HTTPNotFound:
            self.rejected.append((request.method, request.path, 404, "unknown route"))
            return json_response({"message": "404: Not Found", "code": 0}, 404)
        except DiscordError as exc:
            self.rejected.append((request.method, request.path, exc.status, str(exc)))
            body: dict[str, Any] = {"message": exc.message, "code": exc.code}
            if exc.errors:
                body["errors"] = exc.errors
            return json_response(body, exc.status)
        finally:
            await self._notify()

    async def _get_gateway(self, request: web.Request) -> web.Response:
        return json_response({"url": self.gateway_url})

    async def _get_gateway_bot(self, request: web.Request) -> web.Response:
        limit = {"total": 1000, "remaining": 999, "reset_after": 0, "max_concurrency": self.max_concurrency}
        return json_response({"url": self.gateway_url, "shards": 1, "session_start_limit": limit})

    async def _get_me(self, request: web.Request) -> web.Response:
        return json_response(BOT_USER)

    async def _get_application(self, request: web.Request) -> web.Response:
        return json_response(
            {
                "id": str(APP_ID),
                "name": "factbot",
                "icon": None,
                "description": "",
                "rpc_origins": [],
                "bot_public": True,
                "bot_require_code_grant": False,
                "owner": ALICE.payload(),
                "summary": "",
                "verify_key": "0" * 64,
                "team": None,
                "flags": 0,
                "bot": BOT_USER,
                "interactions_endpoint_url": None,
            }
        )

    # --- commands -------------------------------------------------------------------------

    def _scope(self, request: web.Request) -> int | None:
        if int(request.match_info["app"]) != APP_ID:
            raise DiscordError(403, 50001, "Missing Access")
        guild = request.match_info.get("guild")
        if guild is None:
            return None
        if int(guild) not in self.guild_ids:
            raise DiscordError(403, 50001, "Missing Access")
        return int(guild)

    def commands(self, guild_id: int | None = None) -> list[dict[str, Any]]:
        return self.global_commands if guild_id is None else self.guild_commands.get(guild_id, [])

    async def _get_commands(self, request: web.Request) -> web.Response:
        commands = self.commands(self._scope(request))
        if request.query.get("with_localizations") != "true":
            hidden = ("name_localizations", "description_localizations")
            commands = [{k: v for k, v in c.items() if k not in hidden} for c in commands]
        return json_response(commands)

    async def _put_commands(self, request: web.Request) -> web.Response:
        scope = self._scope(request)
        payload = await request.json()
        check_commands(payload)
        known = {(c["type"], c["name"]): c["id"] for c in self.commands(scope)}
        stored = []
        for command in payload:
            kind = command.get("type", 1)
            stored.append(
                command
                | {
                    "id": known.get((kind, command["name"])) or str(next(self._ids)),
                    "application_id": str(APP_ID),
                    "version": str(next(self._ids)),
                    "type": kind,
                    "description": command.get("description", ""),
                    "default_member_permissions": None
                    if command.get("default_member_permissions") is None
                    else str(command["default_member_permissions"]),
                    "contexts": command.get("contexts") or [0, 1, 2],
                    "integration_types": command.get("integration_types") or [0],
                    "nsfw": bool(command.get("nsfw")),
                }
                | ({"guild_id": str(scope)} if scope else {})
            )
        if scope is None:
            self.global_commands = stored
        else:
            self.guild_commands[scope] = stored
        self.syncs.append((scope, payload))
        return json_response(stored)

    def command(self, name: str, kind: int = 1, guild_id: int | None = GUILD_ID) -> dict[str, Any]:
        """A registered command by its default name, guild commands first (like a Discord client)."""
        for command in [*self.commands(guild_id), *self.global_commands] if guild_id else self.global_commands:
            if command["name"] == name and command["type"] == kind:
                return command
        raise AssertionError(f"command {name!r} (type {kind}) was never registered")

    # --- dispatching interactions ---------------------------------------------------------

    async def _dispatch(
        self, kind: int, data: dict[str, Any], user: User, *, guild_id: int | None, locale: str, **extra: Any
    ) -> Interaction:
        session = self.session_for(guild_id)
        assert session is not None, f"no client connected to the gateway for guild {guild_id}"
        interaction_id = next(self._ids)
        token = f"aW50ZXJhY3Rpb24{secrets.token_urlsafe(24)}"
        payload: dict[str, Any] = {
            "id": str(interaction_id),
            "application_id": str(APP_ID),
            "type": kind,
            "data": data,
            "token": token,
            "version": 1,
            "locale": locale,
            "app_permissions": str(MEMBER_PERMISSIONS),
            "entitlements": [],
            "attachment_size_limit": 8 * 1024 * 1024,
        } | extra
        if guild_id:
            channel = _channel(guild_id) | {
                "flags": 0,
                "rate_limit_per_user": 0,
                "last_message_id": None,
                "permissions": str(user.permissions),
            }
            member = {
                "user": user.payload(),
                "roles": [str(r) for r in user.roles],
                "permissions": str(user.permissions),
                "joined_at": "2024-01-01T00:00:00+00:00",
                "deaf": False,
                "mute": False,
                "flags": 0,
            }
            payload |= {
                "guild_id": str(guild_id),
                "guild_locale": "en-US",
                "channel_id": str(CHANNEL_ID),
                "channel": channel,
                "member": member,
                "context": 0,
                "authorizing_integration_owners": {"0": str(guild_id)},
            }
        else:
            channel_id = str(user.id + 7)
            payload |= {
                "channel_id": channel_id,
                "channel": {"id": channel_id, "type": 1},
                "user": user.payload(),
                "context": 1,
                "authorizing_integration_owners": {"0": str(GUILD_ID)},
            }
        interaction = Interaction(interaction_id, token, kind, payload, time.monotonic(), shard=session.shard_id)
        self.interactions[interaction_id] = interaction
        await session.dispatch("INTERACTION_CREATE", payload)
        return interaction

    async def slash(
        self,
        name: str,
        options: dict[str, Any] | None = None,
        *,
        user: User = ALICE,
        subcommand: str | None = None,
        guild_id: int | None = GUILD_ID,
        locale: str = "en-US",
        focused: str | None = None,
    ) -> Interaction:
        """Run `/name [subcommand] options…` as `user`; with `focused`, an autocomplete request instead."""
        command = self.command(name, 1, guild_id)
        if guild_id is None and 1 not in command["contexts"]:
            raise AssertionError(f"/{name} is not available in direct messages")
        schema = command.get("options") or []
        if subcommand is not None:
            sub = next((o for o in schema if o["name"] == subcommand and o["type"] == 1), None)
            assert sub is not None, f"/{name} has no subcommand {subcommand!r}"
            values = build_options(sub.get("options") or [], options or {}, focused)
            data_options = [{"type": 1, "name": subcommand, "options": values}]
        else:
            data_options = build_options(schema, options or {}, focused)
        data: dict[str, Any] = {"id": command["id"], "name": name, "type": 1, "options": data_options}
        if command.get("guild_id"):
            data["guild_id"] = command["guild_id"]
        kind = 4 if focused else 2
        return await self._dispatch(kind, data, user, guild_id=guild_id, locale=locale)

    async def context_menu(
        self, name: str, content: str, *, user: User = ALICE, guild_id: int | None = GUILD_ID, locale: str = "en-US"
    ) -> Interaction:
        """Right-click a message with `content` → Apps → `name`."""
        command = self.command(name, 3, guild_id)
        message = self._message_payload(next(self._ids), {"content": content}, author=BOB.payload())
        data = {
            "id": command["id"],
            "name": name,
            "type": 3,
            "target_id": message["id"],
            "resolved": {"messages": {message["id"]: message}},
        }
        return await self._dispatch(2, data, user, guild_id=guild_id, locale=locale)

    async def click(
        self, message: dict[str, Any], custom_id: str, *, user: User = ALICE, locale: str = "en-US"
    ) -> Interaction:
        """Press the button `custom_id` on `message` (which must still show that button, enabled)."""
        message = self.messages[int(message["id"])]
        button = next((b for b in buttons(message) if b.get("custom_id") == custom_id), None)
        assert button is not None, (
            f"no button {custom_id!r} on the message: {[b.get('custom_id') for b in buttons(message)]}"
        )
        assert not button.get("disabled"), f"button {custom_id!r} is disabled"
        data = {"custom_id": custom_id, "component_type": 2}
        guild_id = int(message["guild_id"]) if message.get("guild_id") else None
        return await self._dispatch(
            3, data, user, guild_id=guild_id, locale=locale, message=self._public(self.messages[int(message["id"])])
        )

    async def submit(
        self, opened: Interaction, values: dict[str, str], *, user: User = ALICE, locale: str = "en-US"
    ) -> Interaction:
        """Fill in the modal `opened` showed (prefilled values kept unless given) and submit it."""
        modal = await self.modal(opened)
        components = []
        for row in modal["components"]:
            text_input = row["component"] if row["type"] == 18 else row["components"][0]
            value = values.get(text_input["custom_id"], text_input.get("value") or "")
            if text_input.get("required", True) and not value:
                raise AssertionError(f"the client does not submit with the required {text_input['custom_id']!r} empty")
            if len(value) > text_input.get("max_length", 4000) or len(value) < text_input.get("min_length", 0):
                raise AssertionError(
                    f"the client does not submit {text_input['custom_id']!r} of {len(value)} characters"
                )
            submitted = {"type": 4, "id": text_input.get("id", 1), "custom_id": text_input["custom_id"], "value": value}
            components.append(
                {"type": 18, "id": row.get("id", 1), "component": submitted}
                if row["type"] == 18
                else {"type": 1, "id": row.get("id", 1), "components": [submitted]}
            )
        data = {"custom_id": modal["custom_id"], "components": components}
        extra = {"message": opened.payload["message"]} if "message" in opened.payload else {}
        guild_id = int(opened.payload["guild_id"]) if opened.payload.get("guild_id") else None
        return await self._dispatch(5, data, user, guild_id=guild_id, locale=locale, **extra)

    # --- reading what the bot answered ----------------------------------------------------

    async def response(self, interaction: Interaction, within: float = 5.0) -> dict[str, Any]:
        """The callback the bot sent for `interaction` ({"type": …, "data": …})."""
        return await self.until(lambda: interaction.callback, within)

    async def reply(self, interaction: Interaction, within: float = 5.0) -> dict[str, Any]:
        """The message the user finally sees: the response, the deferred response once filled, or the edit."""
        callback = await self.response(interaction, within)
        kind = callback["type"]
        if kind not in (4, 5, 6, 7):
            raise AssertionError(f"callback type {kind} is not a message: {callback}")

        def final() -> dict[str, Any] | None:
            if interaction.followups:
                return self.messages.get(interaction.followups[-1])
            message = self.messages.get(interaction.message_id or 0)
            if kind in (4, 7) or (message and message.get("_edited", 0) > interaction.baseline):
                return message
            return None

        message = await self.until(final, within)
        return {k: v for k, v in message.items() if not k.startswith("_")}  # with the allowed_mentions sent

    async def modal(self, interaction: Interaction, within: float = 5.0) -> dict[str, Any]:
        """The modal the bot opened in response to `interaction`."""
        await self.response(interaction, within)
        return interaction.modal

    async def choices(self, interaction: Interaction, within: float = 5.0) -> list[dict[str, Any]]:
        callback = await self.response(interaction, within)
        assert callback["type"] == 8, callback
        return callback["data"]["choices"]

    # --- interaction callbacks and webhooks -----------------------------------------------

    def _interaction(self, request: web.Request, *, by: str) -> Interaction:
        key = request.match_info["token"]
        if by == "id":
            interaction = self.interactions.get(int(request.match_info["id"]))
            if interaction is None or interaction.token != key:
                raise DiscordError(404, 10062, "Unknown interaction")
            return interaction
        if int(request.match_info["app"]) != APP_ID:
            raise DiscordError(404, 10015, "Unknown Webhook")
        interaction = next((i for i in self.interactions.values() if i.token == key), None)
        if interaction is None or time.monotonic() - interaction.dispatched_at > TOKEN_LIFETIME:
            raise DiscordError(401, 50027, "Invalid Webhook Token")
        if interaction.callback is None:
            raise DiscordError(404, 10015, "Unknown Webhook")  # follow-ups need an acknowledged interaction
        return interaction

    async def _callback(self, request: web.Request) -> web.Response:
        interaction = self._interaction(request, by="id")
        if time.monotonic() - interaction.dispatched_at > self.deadline:
            raise DiscordError(404, 10062, "Unknown interaction")
        if interaction.callback is not None:
            raise DiscordError(400, 40060, "Interaction has already been acknowledged.")
        body = await _body(request)
        kind, data = body.get("type"), body.get("data") or {}
        if kind not in CALLBACKS[interaction.type]:
            raise invalid({"type": f"callback type {kind} is not valid for interaction type {interaction.type}"})
        resource: dict[str, Any] = {"type": kind}
        if kind in (4, 5):
            check_message(data, partial=kind == 5)
            flags = data.get("flags", 0) | (LOADING if kind == 5 else 0)
            message = self._store_message(data | {"flags": flags}, interaction, edited=0)
            interaction.message_id = int(message["id"])
            resource["message"] = message
        elif kind in (6, 7):
            interaction.message_id = int(interaction.payload["message"]["id"])
            interaction.baseline = self.messages[interaction.message_id].get("_edited", 0)
            if kind == 7:
                check_message(data, partial=True)
                resource["message"] = self._update_message(interaction.message_id, data)
        elif kind == 8:
            check_choices(data)
        elif kind == 9:
            check_modal(data)
        interaction.callback = {"type": kind, "data": data}
        if "with_response" not in request.query:
            return web.Response(status=204)
        response_message = self.messages.get(interaction.message_id or 0)
        return json_response(
            {
                "interaction": {
                    "id": str(interaction.id),
                    "type": interaction.type,
                    "response_message_id": response_message and response_message["id"],
                    "response_message_loading": kind == 5,
                    "response_message_ephemeral": bool(response_message and response_message["flags"] & EPHEMERAL),
                },
                "resource": resource if kind != 6 else None,
            }
        )

    def _target(self, interaction: Interaction, message: str) -> int:
        if message == "@original":
            if interaction.message_id is None or interaction.message_id not in self.messages:
                raise DiscordError(404, 10008, "Unknown Message")
            return interaction.message_id
        if int(message) not in interaction.followups or int(message) not in self.messages:
            raise DiscordError(404, 10008, "Unknown Message")
        return int(message)

    async def _followup(self, request: web.Request) -> web.Response:
        interaction = self._interaction(request, by="token")
        data = await _body(request)
        check_message(data)
        original = self.messages.get(interaction.message_id or 0)
        if original and original["flags"] & LOADING:  # the first follow-up fills a deferred "thinking…" message
            message = self._update_message(int(original["id"]), data)
        else:
            message = self._store_message(data, interaction, edited=1)
        interaction.followups.append(int(message["id"]))
        return json_response(message)

    async def _get_message(self, request: web.Request) -> web.Response:
        interaction = self._interaction(request, by="token")
        return json_response(self._public(self.messages[self._target(interaction, request.match_info["message"])]))

    async def _edit_message(self, request: web.Request) -> web.Response:
        interaction = self._interaction(request, by="token")
        target = self._target(interaction, request.match_info["message"])
        data = await _body(request)
        check_message(data, partial=True)
        return json_response(self._update_message(target, data))

    async def _delete_message(self, request: web.Request) -> web.Response:
        interaction = self._interaction(request, by="token")
        del self.messages[self._target(interaction, request.match_info["message"])]
        return web.Response(status=204)

    # --- messages -------------------------------------------------------------------------

    def _message_payload(self, message_id: int, data: dict[str, Any], *, author: dict[str, Any]) -> dict[str, Any]:
        return {
            "id": str(message_id),
            "type": 0,
            "channel_id": str(CHANNEL_ID),
            "guild_id": str(GUILD_ID),
            "author": author,
            "content": data.get("content") or "",
            "embeds": data.get("embeds") or [],
            "components": data.get("components") or [],
            "flags": data.get("flags", 0),
            "attachments": [],
            "mentions": [],
            "mention_roles": [],
            "mention_everyone": False,
            "pinned": False,
            "tts": False,
            "timestamp": datetime.now(UTC).isoformat(),
            "edited_timestamp": None,
        }

    def _store_message(self, data: dict[str, Any], interaction: Interaction, *, edited: int) -> dict[str, Any]:
        message = self._message_payload(next(self._ids), data, author=BOT_USER)
        message |= {"type": 20, "application_id": str(APP_ID), "webhook_id": str(APP_ID)}
        if not interaction.payload.get("guild_id"):
            message |= {"channel_id": interaction.payload["channel_id"], "guild_id": None}
        else:
            message["guild_id"] = interaction.payload["guild_id"]
        message["flags"] = data.get("flags", 0) & (EPHEMERAL | LOADING | 4 | 4096)
        message["interaction_metadata"] = {
            "id": str(interaction.id),
            "type": interaction.type,
            "user": (interaction.payload.get("member") or interaction.payload)["user"],
        }
        self.messages[int(message["id"])] = message | {
            "allowed_mentions": data.get("allowed_mentions"),
            "_edited": edited,
        }
        return self._public(self.messages[int(message["id"])])

    def _update_message(self, message_id: int, data: dict[str, Any]) -> dict[str, Any]:
        message = self.messages[message_id]
        for key in ("content", "embeds", "components", "allowed_mentions"):
            if key in data:
                message[key] = data[key] if data[key] is not None else ([] if key != "content" else "")
        message["flags"] &= ~LOADING
        message["_edited"] = message.get("_edited", 0) + 1
        message["edited_timestamp"] = datetime.now(UTC).isoformat()
        return self._public(message)

    @staticmethod
    def _public(message: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in message.items() if not k.startswith("_") and k != "allowed_mentions"}

    # --- gateway --------------------------------------------------------------------------

    async def _gateway(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(autoping=True, max_msg_size=0)
        await ws.prepare(request)
        query = request.query
        if query.get("v") != "10" or query.get("encoding", "json") != "json":
            await ws.close(code=4012, message=b"Invalid API version")
            return ws
        session = GatewaySession(self, ws, query.get("compress"))
        self.compression.append(query.get("compress"))
        self._sessions.append(session)
        try:
            await session.run()
        finally:
            self._sessions.remove(session)
            await self._notify()
        return ws

    def guild_payload(self, guild_id: int) -> dict[str, Any]:
        roles: list[dict[str, Any]] = [
            {"id": str(guild_id), "name": "@everyone", "permissions": str(MEMBER_PERMISSIONS)},
            {"id": str(MODERATOR_ROLE_ID), "name": "Fact moderators", "permissions": str(MEMBER_PERMISSIONS)},
        ]
        for position, role in enumerate(roles):
            role |= {
                "color": 0,
                "hoist": False,
                "position": position,
                "managed": False,
                "mentionable": False,
                "flags": 0,
                "icon": None,
                "unicode_emoji": None,
            }
        channel = _channel(guild_id)
        me = {
            "user": BOT_USER,
            "roles": [],
            "joined_at": "2024-01-01T00:00:00+00:00",
            "deaf": False,
            "mute": False,
            "flags": 0,
        }
        return {
            "id": str(guild_id),
            "name": "Belarus Watchers",
            "unavailable": False,
            "owner_id": str(ALICE.id),
            "roles": roles,
            "channels": [channel],
            "members": [me],
            "member_count": 4,
            "large": False,
            "joined_at": "2024-01-01T00:00:00+00:00",
            "features": [],
            "emojis": [],
            "stickers": [],
            "threads": [],
            "voice_states": [],
            "presences": [],
            "stage_instances": [],
            "guild_scheduled_events": [],
            "soundboard_sounds": [],
            "icon": None,
            "verification_level": 0,
            "default_message_notifications": 0,
            "explicit_content_filter": 0,
            "mfa_level": 0,
            "nsfw_level": 0,
            "premium_tier": 0,
            "preferred_locale": "en-US",
            "system_channel_flags": 0,
        }


class GatewaySession:
    """One websocket connection: HELLO, IDENTIFY → READY + GUILD_CREATE, heartbeats, then dispatches."""

    def __init__(self, emulator: DiscordEmulator, ws: web.WebSocketResponse, compress: str | None) -> None:
        self.emulator, self.ws, self.compress = emulator, ws, compress
        self.sequence = 0
        self.ready = False
        self.shard: tuple[int, int] | None = None  # [id, count] from IDENTIFY
        self._zlib = zlib.compressobj() if compress == "zlib-stream" else None

    @property
    def shard_id(self) -> int | None:
        return self.shard[0] if self.shard else None

    def owns(self, guild_id: int | None) -> bool:
        """Whether Discord sends this connection the events of `guild_id` (None: direct messages, shard 0)."""
        if self.shard is None:
            return True
        shard_id, count = self.shard
        return shard_id == (0 if guild_id is None else (guild_id >> 22) % count)

    async def send(self, payload: dict[str, Any]) -> None:
        raw = json.dumps(payload).encode()
        if self._zlib is not None:
            await self.ws.send_bytes(self._zlib.compress(raw) + self._zlib.flush(zlib.Z_SYNC_FLUSH))
        else:
            await self.ws.send_str(raw.decode())

    async def dispatch(self, event: str, data: dict[str, Any]) -> None:
        self.sequence += 1
        await self.send({"op": 0, "t": event, "s": self.sequence, "d": data})

    async def run(self) -> None:
        if self.compress not in (None, "zlib-stream"):
            await self.ws.close(code=4000, message=f"unsupported compression {self.compress}".encode())
            return
        await self.send({"op": 10, "s": None, "t": None, "d": {"heartbeat_interval": self.emulator.heartbeat_ms}})
        async for message in self.ws:
            if message.type not in (WSMsgType.TEXT, WSMsgType.BINARY):
                break
            payload = json.loads(message.data)
            op = payload.get("op")
            if op == 1:
                self.emulator.heartbeats += 1
                await self.send({"op": 11, "s": None, "t": None, "d": None})
                await self.emulator._notify()
            elif op == 2:
                await self.identify(payload["d"])
            elif op == 6:
                await self.send({"op": 9, "s": None, "t": None, "d": False})  # no resume: identify again

    async def identify(self, data: dict[str, Any]) -> None:
        emulator = self.emulator
        emulator.identifies.append(data)
        if data.get("token") != emulator.token:
            await self.ws.close(code=4004, message=b"Authentication failed.")
            return
        intents = int(data.get("intents", 0))
        if any(intents & bit for bit in PRIVILEGED_INTENTS):
            await self.ws.close(code=4014, message=b"Disallowed intent(s).")
            return
        shard = data.get("shard")
        if shard is not None:
            valid = isinstance(shard, list) and len(shard) == 2 and all(type(n) is int for n in shard)
            if not valid or not 0 <= shard[0] < shard[1]:
                await self.ws.close(code=4010, message=b"Invalid shard.")
                return
            self.shard = (shard[0], shard[1])
        guilds = [g for g in emulator.guild_ids if self.owns(g)]
        ready = {
            "v": 10,
            "user": BOT_USER,
            "session_id": secrets.token_hex(16),
            "resume_gateway_url": emulator.gateway_url,
            "guilds": [{"id": str(g), "unavailable": True} for g in guilds],
            "application": {"id": str(APP_ID), "flags": 0},
            "private_channels": [],
            "relationships": [],
        }
        await self.dispatch("READY", ready | ({"shard": list(self.shard)} if self.shard else {}))
        for guild_id in guilds:
            await self.dispatch("GUILD_CREATE", emulator.guild_payload(guild_id))
        self.ready = True
        await emulator._notify()


async def _body(request: web.Request) -> dict[str, Any]:
    """A JSON body, or the `payload_json` part of a multipart body (messages with files)."""
    if request.content_type == "multipart/form-data":
        form = await request.post()
        return json.loads(str(form["payload_json"]))
    return await request.json()


# --- Discord's validation rules ---------------------------------------------------------------


def buttons(message: dict[str, Any]) -> list[dict[str, Any]]:
    return [c for row in message.get("components") or [] for c in row.get("components", []) if c.get("type") == 2]


def build_options(schema: list[dict[str, Any]], values: dict[str, Any], focused: str | None) -> list[dict[str, Any]]:
    """Interaction options as a Discord client sends them; refuses what the registered schema does not allow."""
    by_name = {o["name"]: o for o in schema}
    out: list[dict[str, Any]] = []
    for name, value in values.items():
        option = by_name.get(name)
        if option is None:
            raise AssertionError(f"no option {name!r}; registered: {sorted(by_name)}")
        if name == focused:
            assert option.get("autocomplete"), f"option {name!r} has no autocomplete"
            out.append({"name": name, "type": option["type"], "value": str(value), "focused": True})
            continue
        if not isinstance(value, OPTION_TYPES[option["type"]]) or (option["type"] == 4 and isinstance(value, bool)):
            raise AssertionError(f"option {name!r} must be of type {option['type']}")
        if option["type"] == 3 and not option.get("min_length", 0) <= len(str(value)) <= option.get("max_length", 6000):
            raise AssertionError(f"the client does not send {name!r} with {len(str(value))} characters")
        if option.get("choices") and value not in [c["value"] for c in option["choices"]]:
            raise AssertionError(f"{value!r} is not a choice of {name!r}")
        out.append({"name": name, "type": option["type"], "value": value})
    if focused is None:
        missing = [o["name"] for o in schema if o.get("required") and o["name"] not in values]
        assert not missing, f"the client requires {missing}"
    return out


def _name_ok(name: Any, *, chat_input: bool) -> bool:
    if not isinstance(name, str) or not 1 <= len(name) <= 32:
        return False
    if not chat_input:
        return True
    return name == name.lower() and all(ch.isalnum() or ch in "-_'" for ch in name)


def _check_localizations(where: str, values: Any, *, chat_input: bool, name: bool) -> None:
    for locale, text in (values or {}).items():
        if locale not in LOCALES:
            raise invalid({where: f"invalid locale {locale!r}"})
        if name and not _name_ok(text, chat_input=chat_input):
            raise invalid({where: f"invalid localized name {text!r}"})
        if not name and not (isinstance(text, str) and 1 <= len(text) <= 100):
            raise invalid({where: f"localized description must be 1-100 characters: {text!r}"})


def check_commands(commands: Any) -> None:
    if not isinstance(commands, list) or len(commands) > 110:
        raise invalid({"_errors": "expected a list of at most 110 commands"})
    seen = set()
    for i, command in enumerate(commands):
        kind = command.get("type", 1)
        chat_input = kind == 1
        if (kind, command.get("name")) in seen:
            raise invalid({str(i): "duplicate command name"})
        seen.add((kind, command.get("name")))
        if not _name_ok(command.get("name"), chat_input=chat_input):
            raise invalid({f"{i}.name": f"invalid command name {command.get('name')!r}"})
        description = command.get("description") or ""
        if chat_input and not 1 <= len(description) <= 100:
            raise invalid({f"{i}.description": "must be 1-100 characters"})
        if not chat_input and description:
            raise invalid({f"{i}.description": "context menu commands have no description"})
        _check_localizations(
            f"{i}.name_localizations", command.get("name_localizations"), chat_input=chat_input, name=True
        )
        _check_localizations(
            f"{i}.description_localizations",
            command.get("description_localizations"),
            chat_input=chat_input,
            name=False,
        )
        permissions = command.get("default_member_permissions")
        if permissions is not None and not str(permissions).isdigit():
            raise invalid({f"{i}.default_member_permissions": "must be a permission bit set"})
        _check_options(f"{i}.options", command.get("options") or [])


def _check_options(where: str, options: list[dict[str, Any]]) -> None:
    if len(options) > 25:
        raise invalid({where: "at most 25 options"})
    required_done = False
    for i, option in enumerate(options):
        here = f"{where}.{i}"
        if not _name_ok(option.get("name"), chat_input=True):
            raise invalid({f"{here}.name": f"invalid option name {option.get('name')!r}"})
        if not 1 <= len(option.get("description") or "") <= 100:
            raise invalid({f"{here}.description": "must be 1-100 characters"})
        _check_localizations(f"{here}.name_localizations", option.get("name_localizations"), chat_input=True, name=True)
        _check_localizations(
            f"{here}.description_localizations", option.get("description_localizations"), chat_input=True, name=False
        )
        if option.get("autocomplete") and option.get("choices"):
            raise invalid({here: "autocomplete and choices are exclusive"})
        for choice in option.get("choices") or []:
            if not 1 <= len(choice["name"]) <= 100 or (isinstance(choice["value"], str) and len(choice["value"]) > 100):
                raise invalid({f"{here}.choices": "choice name 1-100, value at most 100 characters"})
        if option.get("type") in (1, 2):
            _check_options(f"{here}.options", option.get("options") or [])
        elif option.get("required"):
            if required_done:
                raise invalid({here: "required options must come before optional ones"})
        else:
            required_done = True


def check_message(data: dict[str, Any], *, partial: bool = False) -> None:
    """Discord's message limits: content 2000, 10 embeds of at most 6000 characters together, components."""
    content = data.get("content") or ""
    if len(content) > 2000:
        raise invalid({"content": f"Must be 2000 or fewer in length ({len(content)})."})
    embeds = data.get("embeds") or []
    if len(embeds) > 10:
        raise invalid({"embeds": "at most 10 embeds"})
    total = sum(check_embed(embed, f"embeds.{i}") for i, embed in enumerate(embeds))
    if total > 6000:
        raise invalid({"embeds": f"Embed size exceeds maximum size of 6000 ({total})"})
    check_components(data.get("components") or [])
    if not partial and not content.strip() and not embeds and not data.get("components"):
        raise DiscordError(400, 50006, "Cannot send an empty message")


def check_embed(embed: dict[str, Any], where: str) -> int:
    limits = {"title": 256, "description": 4096}
    size = 0
    for key, limit in limits.items():
        value = embed.get(key) or ""
        if len(value) > limit:
            raise invalid({f"{where}.{key}": f"Must be {limit} or fewer in length ({len(value)})."})
        size += len(value)
    fields = embed.get("fields") or []
    if len(fields) > 25:
        raise invalid({f"{where}.fields": "at most 25 fields"})
    for i, item in enumerate(fields):
        name, value = item.get("name") or "", item.get("value") or ""
        if not name.strip() or len(name) > 256 or not value.strip() or len(value) > 1024:
            raise invalid(
                {f"{where}.fields.{i}": f"name 1-256 and value 1-1024 characters ({len(name)}, {len(value)})"}
            )
        size += len(name) + len(value)
    footer = (embed.get("footer") or {}).get("text") or ""
    author = (embed.get("author") or {}).get("name") or ""
    if len(footer) > 2048 or len(author) > 256:
        raise invalid({where: "footer text at most 2048, author name at most 256 characters"})
    url = embed.get("url")
    if url and URL(url).scheme not in ("http", "https"):
        raise invalid({f"{where}.url": "Scheme must be one of ('http', 'https')."})
    return size + len(footer) + len(author)


def check_components(rows: list[dict[str, Any]]) -> None:
    if len(rows) > 5:
        raise invalid({"components": "at most 5 action rows"})
    seen: set[str] = set()
    for i, row in enumerate(rows):
        items = row.get("components") or []
        if row.get("type") != 1 or not 1 <= len(items) <= 5:
            raise invalid({f"components.{i}": "an action row holds 1-5 buttons"})
        for button in items:
            custom_id = button.get("custom_id")
            if button.get("type") != 2 or button.get("style") not in range(1, 7):
                raise invalid({f"components.{i}": f"unsupported component {button}"})
            if len(button.get("label") or "") > 80 or not (button.get("label") or button.get("emoji")):
                raise invalid({f"components.{i}": "a button needs a label of at most 80 characters or an emoji"})
            if button["style"] == 5:
                if not button.get("url") or custom_id:
                    raise invalid({f"components.{i}": "a link button has a url and no custom_id"})
                continue
            if not custom_id or len(custom_id) > 100 or custom_id in seen:
                raise invalid({f"components.{i}": f"custom_id must be unique and 1-100 characters: {custom_id!r}"})
            seen.add(custom_id)


def check_choices(data: dict[str, Any]) -> None:
    choices = data.get("choices")
    if not isinstance(choices, list) or len(choices) > 25:
        raise invalid({"data.choices": "at most 25 choices"})
    for i, choice in enumerate(choices):
        value = choice.get("value")
        if not 1 <= len(choice.get("name") or "") <= 100 or (isinstance(value, str) and len(value) > 100):
            raise invalid({f"data.choices.{i}": "name must be 1-100 characters, a string value at most 100"})


def check_modal(data: dict[str, Any]) -> None:
    if not 1 <= len(data.get("custom_id") or "") <= 100 or not 1 <= len(data.get("title") or "") <= 45:
        raise invalid({"data": "a modal needs a custom_id (1-100) and a title (1-45 characters)"})
    rows = data.get("components") or []
    if not 1 <= len(rows) <= 5:
        raise invalid({"data.components": "a modal holds 1-5 components"})
    for i, row in enumerate(rows):
        if row.get("type") == 18:
            label, text_input = row.get("label") or "", row.get("component") or {}
            if len(row.get("description") or "") > 100:
                raise invalid({f"data.components.{i}": "a label description has at most 100 characters"})
        elif row.get("type") == 1 and len(row.get("components") or []) == 1:
            text_input = row["components"][0]
            label = text_input.get("label") or ""
        else:
            raise invalid({f"data.components.{i}": "a label or an action row with one text input"})
        value, limit = text_input.get("value") or "", text_input.get("max_length") or 4000
        if (
            text_input.get("type") != 4
            or text_input.get("style") not in (1, 2)
            or not 1 <= len(label) <= 45
            or not 1 <= len(text_input.get("custom_id") or "") <= 100
            or not 1 <= limit <= 4000
            or len(value) > limit
            or len(text_input.get("placeholder") or "") > 100
        ):
            raise invalid({f"data.components.{i}": f"invalid text input {text_input!r} (label {label!r})"})


# --- running the real bot against the emulator ---------------------------------------------------


@contextlib.asynccontextmanager
async def serving(
    emulator: DiscordEmulator, bot: FactBot, settings: Settings, **overrides: Any
) -> AsyncIterator[asyncio.Task[None]]:
    """`serve_discord` (the runner's contract) against `emulator` until the block ends, then a clean stop."""
    values = {
        "discord_bot_token": SecretStr(emulator.token),
        "discord_api_base_url": emulator.api_base,
        "discord_gateway_url": emulator.gateway_url,
    }
    stop = asyncio.Event()
    task = asyncio.create_task(serve_discord(bot, settings.model_copy(update=values | overrides), stop))
    ready = asyncio.create_task(emulator.wait_ready())
    await asyncio.wait({task, ready}, return_when=asyncio.FIRST_COMPLETED)
    if task.done():
        ready.cancel()
        task.result()  # raises why the bot stopped
    try:
        yield task
    finally:
        stop.set()
        await asyncio.wait_for(task, 10)


def _channel(guild_id: int) -> dict[str, Any]:
    """The one text channel of an emulated guild, as Discord describes it."""
    return {
        "id": str(CHANNEL_ID),
        "type": 0,
        "guild_id": str(guild_id),
        "name": "general",
        "position": 0,
        "permission_overwrites": [],
        "nsfw": False,
        "parent_id": None,
        "topic": None,
    }


@pytest.fixture
async def emulator() -> AsyncIterator[DiscordEmulator]:
    """A strict emulator: the test fails if the bot sent anything Discord would reject."""
    async with DiscordEmulator() as emulator:
        yield emulator
        assert emulator.rejected == [], "the bot sent something Discord would reject"


@pytest.fixture
async def discord(emulator: DiscordEmulator, bot: FactBot, settings: Settings) -> AsyncIterator[DiscordEmulator]:
    """The bot served against the emulator, with one moderator role configured."""
    async with serving(emulator, bot, settings, discord_moderator_role_ids=[MODERATOR_ROLE_ID]):
        yield emulator
