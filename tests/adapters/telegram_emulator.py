"""A loopback emulator of the Telegram Bot API subset the bot uses, as strict as Telegram about HTML and limits.

Tests drive it like users do (messages, button presses, inline queries) and read every call the bot made.
Where Telegram is lenient (a bare `&`, unknown attributes) the emulator rejects, so escaping bugs surface here.
Updates reach the bot by getUpdates or, once it called setWebhook, as Telegram does it: POSTed to the webhook
URL with the `X-Telegram-Bot-Api-Secret-Token` header, in order, retried until the bot accepts them.
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import itertools
import json
import re
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from pydantic import SecretStr

MESSAGE_LIMIT = 4096
CALLBACK_DATA_LIMIT = 64
ALERT_LIMIT = 200
INLINE_RESULTS_LIMIT = 50
_JSON_FIELDS = frozenset(
    {"reply_markup", "results", "commands", "scope", "entities", "allowed_updates", "reply_parameters"}
    | {"link_preview_options", "button"}
)
_INT_FIELDS = frozenset(
    {"chat_id", "message_id", "offset", "limit", "user_id", "message_thread_id", "cache_time", "max_connections"}
)
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
_SECRET = re.compile(r"[A-Za-z0-9_-]{1,256}")
_REGISTERED = object()  # post_update(): the secret the bot registered with setWebhook


class ApiError(Exception):
    def __init__(self, code: int, description: str) -> None:
        super().__init__(description)
        self.code = code
        self.description = description


def bad_request(detail: str) -> ApiError:
    return ApiError(400, f"Bad Request: {detail}")


# --- HTML as Telegram parses it -------------------------------------------------------------------

_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)((?:\s+[a-zA-Z][a-zA-Z0-9-]*(?:=(?:\"[^\"<>]*\"|'[^'<>]*'))?)*)\s*>")
_ATTR = re.compile(r"([a-zA-Z][a-zA-Z0-9-]*)(?:=(?:\"([^\"]*)\"|'([^']*)'))?")
_CHAR_REF = re.compile(r"&(?:(lt|gt|amp|quot)|#([0-9]{1,7})|#[xX]([0-9a-fA-F]{1,6}));")
_NAMED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_KINDS = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "span": "spoiler",
    "tg-spoiler": "spoiler",
    "a": "text_link",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
    "tg-emoji": "custom_emoji",
}
_ALLOWED_ATTRS = {
    "a": {"href"},
    "span": {"class"},
    "tg-emoji": {"emoji-id"},
    "code": {"class"},
    "blockquote": {"expandable"},
}
_URL = re.compile(r"^(https?|tg|ftp)://[^\s<>\"]+$")


def units(text: str) -> int:
    """Telegram measures text and entity offsets in UTF-16 code units."""
    return len(text.encode("utf-16-le")) // 2


def parse_html(source: str) -> tuple[str, list[dict[str, Any]]]:
    """Text and entities of an HTML message; ApiError 400 "can't parse entities" as Telegram would."""
    out: list[str] = []
    length = 0
    stack: list[tuple[str, int, dict[str, Any]]] = []
    entities: list[dict[str, Any]] = []
    i = 0
    while i < len(source):
        at = len(source[:i].encode())
        char = source[i]
        if char == "<":
            m = _TAG.match(source, i)
            if m is None:
                raise _unparsable(f'Unexpected character "<" at byte offset {at}')
            closing, name, attrs = m.group(1), m.group(2).lower(), m.group(3)
            if closing:
                if attrs.strip():
                    raise _unparsable(f"Unexpected attributes in end tag at byte offset {at}")
                if not stack:
                    raise _unparsable(f'Unexpected end tag "{name}" at byte offset {at}')
                if stack[-1][0] != name:
                    raise _unparsable(f'Unmatched end tag at byte offset {at}, expected "</{stack[-1][0]}>"')
                _, start, entity = stack.pop()
                if length > start:
                    entities.append(entity | {"offset": start, "length": length - start})
            else:
                stack.append((name, length, _open_entity(name, _attributes(name, attrs, at), stack, at)))
            i = m.end()
        elif char == "&":
            m = _CHAR_REF.match(source, i)
            if m is None:
                raise _unparsable(f'Character "&" at byte offset {at} must be escaped as "&amp;"')
            decoded = _char(m)
            out.append(decoded)
            length += units(decoded)
            i = m.end()
        elif char == ">":
            raise _unparsable(f'Character ">" at byte offset {at} must be escaped as "&gt;"')
        else:
            j = i
            while j < len(source) and source[j] not in "<&>":
                j += 1
            out.append(source[i:j])
            length += units(source[i:j])
            i = j
    if stack:
        raise _unparsable(f'Can\'t find end tag corresponding to start tag "{stack[-1][0]}"')
    return "".join(out), sorted(entities, key=lambda e: (e["offset"], -e["length"]))


def _char(m: re.Match[str]) -> str:
    named, dec, hexa = m.groups()
    return _NAMED[named] if named else chr(int(dec) if dec else int(hexa, 16))


def _unparsable(detail: str) -> ApiError:
    return bad_request(f"can't parse entities: {detail}")


def _attributes(name: str, raw: str, at: int) -> dict[str, str]:
    if name not in _KINDS:
        raise _unparsable(f'Unsupported start tag "{name}" at byte offset {at}')
    found = {m.group(1).lower(): m.group(2) or m.group(3) or "" for m in _ATTR.finditer(raw)}
    unknown = set(found) - _ALLOWED_ATTRS.get(name, set())
    if unknown:
        raise _unparsable(f'Unsupported attribute "{sorted(unknown)[0]}" of tag "{name}" at byte offset {at}')
    return {k: _decode(v, at) for k, v in found.items()}


def _decode(value: str, at: int) -> str:
    if re.search(r"&(?!(?:lt|gt|amp|quot|#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6});)", value):
        raise _unparsable(f'Character "&" in an attribute at byte offset {at} must be escaped')
    return _CHAR_REF.sub(_char, value)


def _open_entity(name: str, attrs: dict[str, str], stack: list[tuple[str, int, dict[str, Any]]], at: int) -> dict:
    open_names = [s[0] for s in stack]
    if any(n in ("pre", "code") for n in open_names) and not (name == "code" and open_names[-1:] == ["pre"]):
        raise _unparsable(f'Tag "{name}" is not allowed inside "pre" or "code" at byte offset {at}')
    if name in ("blockquote", "a") and name in open_names:
        raise _unparsable(f'Tag "{name}" can\'t be nested at byte offset {at}')
    entity: dict[str, Any] = {"type": _KINDS[name]}
    if name == "a":
        if not _URL.match(attrs.get("href", "")):
            raise _unparsable(f"Invalid URL in a link at byte offset {at}")
        entity["url"] = attrs["href"]
    if name == "span" and attrs.get("class") != "tg-spoiler":
        raise _unparsable(f'Tag "span" needs class "tg-spoiler" at byte offset {at}')
    if name == "tg-emoji":
        entity["custom_emoji_id"] = attrs.get("emoji-id") or "0"
    if name == "blockquote" and "expandable" in attrs:
        entity["type"] = "expandable_blockquote"
    return entity


def message_text(params: dict[str, Any], key: str = "text") -> tuple[str, list[dict[str, Any]]]:
    """Text after entity parsing, checked against Telegram's limits."""
    raw = params.get(key)
    if not isinstance(raw, str):
        raise bad_request("message text is empty")
    mode = str(params.get("parse_mode") or "").lower()
    if mode == "html":
        text, entities = parse_html(raw)
    elif mode:
        raise bad_request(f"unsupported parse_mode {mode!r} in this emulator")
    else:
        text, entities = raw, params.get("entities") or []
    if not text.strip():
        raise bad_request("message text is empty")
    if units(text) > MESSAGE_LIMIT:
        raise bad_request("message is too long")
    return text, entities


def check_markup(markup: Any) -> None:
    """Inline keyboards only; one action per button; callback data of 1 to 64 bytes."""
    if markup is None:
        return
    rows = markup.get("inline_keyboard") if isinstance(markup, dict) else None
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise bad_request("can't parse reply keyboard markup JSON object")
    for row in rows:
        for button in row:
            if not str(button.get("text", "")).strip():
                raise bad_request("BUTTON_TEXT_EMPTY")
            actions = [k for k in button if k not in ("text", "style")]
            if len(actions) != 1:
                raise bad_request("can't parse inline keyboard button: exactly one action is needed")
            data = button.get("callback_data")
            if data is not None and not 1 <= len(str(data).encode()) <= CALLBACK_DATA_LIMIT:
                raise bad_request("BUTTON_DATA_INVALID")


# --- recorded calls and pushed updates -------------------------------------------------------------


@dataclass
class Call:
    index: int
    method: str
    params: dict[str, Any]
    result: Any = None
    error: str | None = None
    done: bool = False

    @property
    def html(self) -> str:
        return str(self.params.get("text", ""))

    @property
    def text(self) -> str:
        """The message as users read it (entities parsed)."""
        return self.result["text"] if isinstance(self.result, dict) else ""

    def buttons(self) -> list[tuple[str, str | None]]:
        markup = self.params.get("reply_markup") or {}
        return [(b["text"], b.get("callback_data")) for row in markup.get("inline_keyboard", []) for b in row]

    def data(self, label: str) -> str:
        """The callback data of the button whose label contains `label`."""
        for text, data in self.buttons():
            if label in text and data:
                return data
        raise AssertionError(f"no button {label!r} in {self.buttons()}")


@dataclass(frozen=True)
class Pushed:
    """An update a test sent; `mark` is where the bot's reactions start in `calls`."""

    update: dict[str, Any]
    mark: int
    where: dict[str, Any]
    reply_method: str


@dataclass
class TelegramEmulator:
    token: str = "123456:EMULATOR-token"
    bot_user: dict[str, Any] = field(
        default_factory=lambda: {
            "id": 777000111,
            "is_bot": True,
            "first_name": "FactBot",
            "username": "factbot_test_bot",
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": True,
        }
    )
    calls: list[Call] = field(default_factory=list)
    chats: dict[int, dict[str, Any]] = field(default_factory=dict)
    users: dict[int, dict[str, Any]] = field(default_factory=dict)
    admins: dict[int, set[int]] = field(default_factory=dict)
    commands: dict[tuple[str, str], list[dict[str, str]]] = field(default_factory=dict)
    base_url: str = ""

    def __post_init__(self) -> None:
        self._pending: list[dict[str, Any]] = []
        self._update_ids = itertools.count(1)
        self._query_ids = itertools.count(1)
        self._message_ids: dict[int, itertools.count[int]] = {}
        self._messages: dict[tuple[int, int], dict[str, Any]] = {}
        self._open_queries: set[str] = set()
        self._changed = asyncio.Event()
        self._closing = False
        self._runner: web.AppRunner | None = None
        self.webhook: dict[str, Any] | None = None  # the parameters of the last setWebhook, until deleteWebhook
        self.delivered: list[tuple[int, int]] = []  # (update_id, HTTP status) of every webhook delivery attempt
        self._deliverer: asyncio.Task[None] | None = None

    # --- server -------------------------------------------------------------------------------

    async def start(self) -> str:
        app = web.Application(client_max_size=20 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        self._runner = web.AppRunner(app, shutdown_timeout=1.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        host, port = self._runner.addresses[0][:2]
        self.base_url = f"http://{host}:{port}/bot"
        return self.base_url

    async def close(self) -> None:
        self._closing = True
        self._notify()
        if self._deliverer:
            self._deliverer.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._deliverer
        if self._runner:
            await self._runner.cleanup()

    async def _handle(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        if request.match_info["token"] != self.token:
            return web.json_response({"ok": False, "error_code": 401, "description": "Unauthorized"}, status=401)
        params = await _params(request)
        call = Call(len(self.calls), method, params)
        self.calls.append(call)
        self._notify()
        handler: Callable[[dict[str, Any]], Any] | None = getattr(self, f"_api_{method.lower()}", None)
        try:
            if handler is None:
                raise ApiError(404, "Not Found")
            result = await handler(params)
            call.result = copy.deepcopy(result)  # what was sent then, not what later edits made of it
            body: dict[str, Any] = {"ok": True, "result": result}
            status = 200
        except ApiError as exc:
            call.error = exc.description
            body, status = {"ok": False, "error_code": exc.code, "description": exc.description}, exc.code
        call.done = True
        self._notify()
        return web.json_response(body, status=status)

    def _notify(self) -> None:
        """Wake every waiter; each waits on the event that was current when it last looked."""
        self._changed.set()
        self._changed = asyncio.Event()

    async def _changes(self, deadline: float) -> bool:
        """Wait for the next change until `deadline` (loop time); False when the time is up."""
        remaining = deadline - asyncio.get_running_loop().time()
        if remaining <= 0:
            return False
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._changed.wait(), remaining)
        return True

    # --- what tests do --------------------------------------------------------------------------

    def user(self, user_id: int, first_name: str = "Ann", *, language_code: str | None = "en", **extra: Any) -> dict:
        user = {"id": user_id, "is_bot": False, "first_name": first_name, **extra}
        if language_code:
            user["language_code"] = language_code
        self.users[user_id] = user
        self.chats[user_id] = {"id": user_id, "type": "private", "first_name": first_name}
        return user

    def group(
        self, chat_id: int = -1001234567890, title: str = "Belarus watchers", *, admins: set[int] = frozenset()
    ) -> dict:
        self.chats[chat_id] = {"id": chat_id, "type": "supergroup", "title": title}
        self.admins[chat_id] = set(admins)
        return self.chats[chat_id]

    def new_message(self, user: dict | None, chat: dict, **content: Any) -> dict[str, Any]:
        ids = self._message_ids.setdefault(chat["id"], itertools.count(1))
        message = {"message_id": next(ids), "date": int(time.time()), "chat": chat, **content}
        if user is not None:
            message["from"] = user
        self._messages[(chat["id"], message["message_id"])] = message
        return message

    def push(self, update: dict[str, Any], where: dict[str, Any], reply_method: str) -> Pushed:
        """Queue an update for getUpdates or the webhook."""
        update = {"update_id": next(self._update_ids), **update}
        self._pending.append(update)
        self._notify()
        return Pushed(update, len(self.calls), where, reply_method)

    def send(self, user: dict, text: str, *, chat: dict | None = None, reply_to: dict | None = None) -> Pushed:
        """A text message with the entities Telegram would attach (commands, mentions)."""
        message = self.text_message(user, text, chat=chat, reply_to=reply_to)
        return self.push({"message": message}, {"chat_id": message["chat"]["id"]}, "sendMessage")

    def text_message(self, user: dict, text: str, *, chat: dict | None = None, reply_to: dict | None = None) -> dict:
        """The message object of `send`, not queued (e.g. for a forged webhook request)."""
        chat = chat or self.chats[user["id"]]
        extra: dict[str, Any] = {"text": text}
        if entities := incoming_entities(text):
            extra["entities"] = entities
        if reply_to is not None:
            extra["reply_to_message"] = reply_to
        return self.new_message(user, chat, **extra)

    def new_update(self, **content: Any) -> dict[str, Any]:
        """An update with a fresh id that is not queued: `new_update(message=...)`."""
        return {"update_id": next(self._update_ids), **content}

    async def post_update(self, update: dict[str, Any], *, secret: object = _REGISTERED) -> int:
        """POST one update to the bot's webhook as Telegram does; the HTTP status. `secret=None` sends no header."""
        if self.webhook is None:
            raise AssertionError("the bot has not called setWebhook")
        token = self.webhook.get("secret_token") if secret is _REGISTERED else secret
        headers = {SECRET_HEADER: str(token)} if token is not None else {}
        async with (
            aiohttp.ClientSession() as session,
            session.post(self.webhook["url"], json=update, headers=headers) as response,
        ):
            return response.status

    async def _deliver(self) -> None:
        """While a webhook is set, POST pending updates one at a time, in order; retry until it answers 200."""
        while self.webhook is not None and not self._closing:
            if not self._pending:
                await self._changes(asyncio.get_running_loop().time() + 1.0)
                continue
            update = self._pending[0]
            try:
                status = await self.post_update(update)
            except aiohttp.ClientError:  # not listening (yet): Telegram retries too
                status = 0
            self.delivered.append((update["update_id"], status))
            if status == 200:
                self._pending.remove(update)
            else:
                await asyncio.sleep(0.05)

    def send_update(self, kind: str, message: dict[str, Any]) -> Pushed:
        """Any message-like update: `edited_message`, `channel_post`, a sticker or photo `message` …"""
        return self.push({kind: message}, {"chat_id": message["chat"]["id"]}, "sendMessage")

    def press(self, user: dict, message: dict[str, Any] | None, data: str, *, inline_message_id: str = "") -> Pushed:
        """A button press on a message the bot sent (or on an inline-mode message)."""
        query_id = str(next(self._query_ids))
        self._open_queries.add(query_id)
        query: dict[str, Any] = {"id": query_id, "from": user, "chat_instance": "42", "data": data}
        if message is not None:
            query["message"] = message
        else:
            query["inline_message_id"] = inline_message_id or "inline-1"
        return self.push({"callback_query": query}, {"callback_query_id": query_id}, "answerCallbackQuery")

    def inline(self, user: dict, text: str) -> Pushed:
        query_id = str(next(self._query_ids))
        self._open_queries.add(query_id)
        query = {"id": query_id, "from": user, "query": text, "offset": "", "chat_type": "sender"}
        return self.push({"inline_query": query}, {"inline_query_id": query_id}, "answerInlineQuery")

    async def reply(self, pushed: Pushed, method: str | None = None, *, within: float = 5.0) -> Call:
        """The bot's first reaction to `pushed`: a message to its chat, the callback or inline answer."""
        return await self.wait_call(method or pushed.reply_method, after=pushed.mark, within=within, **pushed.where)

    async def wait_call(
        self, method: str, *, after: int = 0, within: float = 5.0, finished: bool = True, **where: Any
    ) -> Call:
        """The first call of `method` from index `after` on whose params match `where` (finished, by default)."""
        deadline = asyncio.get_running_loop().time() + within
        while True:
            for call in self.since(after, method, **where):
                if call.done or not finished:
                    return call
            if not await self._changes(deadline):
                seen = [(c.method, c.params.get("chat_id"), c.error) for c in self.calls[after:]]
                raise AssertionError(f"no {method} {where} within {within}s; calls since: {seen}")

    def since(self, mark: int, method: str | None = None, **where: Any) -> list[Call]:
        return [
            c
            for c in self.calls[mark:]
            if (method is None or c.method == method) and all(str(c.params.get(k)) == str(v) for k, v in where.items())
        ]

    @property
    def errors(self) -> list[Call]:
        return [c for c in self.calls if c.error]

    def message(self, chat_id: int, message_id: int) -> dict[str, Any]:
        return self._messages[(chat_id, message_id)]

    # --- the Bot API ------------------------------------------------------------------------------

    async def _api_getme(self, p: dict[str, Any]) -> dict:
        return self.bot_user

    async def _api_deletewebhook(self, p: dict[str, Any]) -> bool:
        if p.get("drop_pending_updates"):
            self._pending.clear()
        self.webhook = None
        return True

    async def _api_setwebhook(self, p: dict[str, Any]) -> bool:
        """Like a local Bot API server: http(s) URL, optional secret of Telegram's alphabet; an empty URL deletes."""
        url = str(p.get("url") or "")
        if not url:
            return await self._api_deletewebhook(p)
        if not re.fullmatch(r"https?://[^\s/]+(/\S*)?", url):
            raise bad_request("bad webhook: invalid URL")
        if "secret_token" in p and not _SECRET.fullmatch(str(p["secret_token"])):
            raise bad_request("secret token contains unallowed characters")
        if not 1 <= int(p.get("max_connections") or 40) <= 100:
            raise bad_request("bad webhook: max_connections must be 1-100")
        if p.get("drop_pending_updates"):
            self._pending.clear()
        self.webhook = dict(p)
        if self._deliverer is None or self._deliverer.done():
            self._deliverer = asyncio.create_task(self._deliver())
        return True

    async def _api_getupdates(self, p: dict[str, Any]) -> list[dict]:
        if self.webhook is not None:
            raise ApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete it first",
            )
        offset, limit = int(p.get("offset") or 0), int(p.get("limit") or 100)
        if offset:
            self._pending = [u for u in self._pending if u["update_id"] >= offset]
        deadline = asyncio.get_running_loop().time() + float(p.get("timeout") or 0)
        while not self._pending and not self._closing and await self._changes(deadline):
            pass
        return [] if self._closing else self._pending[:limit]

    async def _api_setmycommands(self, p: dict[str, Any]) -> bool:
        commands = p.get("commands")
        if not isinstance(commands, list) or len(commands) > 100:
            raise bad_request("commands must be a list of at most 100 commands")
        for command in commands:
            if not re.fullmatch(r"[a-z0-9_]{1,32}", command.get("command", "")):
                raise bad_request("BOT_COMMAND_INVALID")
            if not 1 <= len(command.get("description", "")) <= 256:
                raise bad_request("command description must be 1-256 characters")
        scope = p.get("scope") or {"type": "default"}
        if "chat_id" in scope and int(scope["chat_id"]) not in self.chats:
            raise bad_request("chat not found")
        language = p.get("language_code") or ""
        if language and not re.fullmatch(r"[a-z]{2}", language):
            raise bad_request("invalid language code")
        self.commands[(json.dumps(scope, sort_keys=True), language)] = commands
        return True

    async def _api_sendmessage(self, p: dict[str, Any]) -> dict:
        chat = self._chat(p.get("chat_id"))
        text, entities = message_text(p)
        check_markup(p.get("reply_markup"))
        content: dict[str, Any] = {"text": text}
        if entities:
            content["entities"] = entities
        if p.get("reply_markup"):
            content["reply_markup"] = p["reply_markup"]
        reply = p.get("reply_parameters") or {}
        if reply:
            replied = self._messages.get((chat["id"], int(reply["message_id"])))
            if replied is None and not reply.get("allow_sending_without_reply"):
                raise bad_request("message to be replied not found")
            if replied is not None:
                content["reply_to_message"] = replied
        return self.new_message(self.bot_user, chat, **content)

    async def _api_editmessagetext(self, p: dict[str, Any]) -> dict | bool:
        text, entities = message_text(p)
        return self._edit(p, {"text": text, "entities": entities})

    async def _api_editmessagereplymarkup(self, p: dict[str, Any]) -> dict | bool:
        return self._edit(p, {})

    def _edit(self, p: dict[str, Any], content: dict[str, Any]) -> dict | bool:
        """Like Telegram, an edit without `reply_markup` removes the inline keyboard."""
        check_markup(p.get("reply_markup"))
        if p.get("inline_message_id"):
            return True
        message = self._messages.get((self._chat(p.get("chat_id"))["id"], int(p.get("message_id") or 0)))
        if message is None:
            raise bad_request("message to edit not found")
        if message.get("from", {}).get("id") != self.bot_user["id"]:
            raise bad_request("message can't be edited")
        edited = {k: v for k, v in (message | content | {"reply_markup": p.get("reply_markup")}).items() if v}
        if edited == message:
            raise bad_request("message is not modified: specified new message content and reply markup are the same")
        message.clear()
        message.update(edited)
        return message | {"edit_date": int(time.time())}

    async def _api_answercallbackquery(self, p: dict[str, Any]) -> bool:
        self._close_query(str(p.get("callback_query_id")))
        if len(str(p.get("text") or "")) > ALERT_LIMIT:
            raise bad_request("MESSAGE_TOO_LONG")
        return True

    async def _api_answerinlinequery(self, p: dict[str, Any]) -> bool:
        self._close_query(str(p.get("inline_query_id")))
        results = p.get("results")
        if not isinstance(results, list) or len(results) > INLINE_RESULTS_LIMIT:
            raise bad_request("RESULTS_TOO_MUCH")
        ids = [str(r.get("id", "")) for r in results]
        if len(set(ids)) != len(ids) or not all(1 <= len(i.encode()) <= 64 for i in ids):
            raise bad_request("RESULT_ID_INVALID")
        for result in results:
            if result.get("type") != "article" or not str(result.get("title", "")).strip():
                raise bad_request("RESULT_TYPE_INVALID")
            message_text(result.get("input_message_content") or {}, "message_text")
            check_markup(result.get("reply_markup"))
        return True

    def _close_query(self, query_id: str) -> None:
        if query_id not in self._open_queries:
            raise bad_request("query is too old and response timeout expired or query ID is invalid")
        self._open_queries.discard(query_id)

    async def _api_getchatmember(self, p: dict[str, Any]) -> dict:
        chat = self._chat(p.get("chat_id"))
        user_id = int(p.get("user_id") or 0)
        user = self.users.get(user_id) or {"id": user_id, "is_bot": False, "first_name": "?"}
        return _member(user, user_id in self.admins.get(chat["id"], set()))

    async def _api_getchatadministrators(self, p: dict[str, Any]) -> list[dict]:
        chat = self._chat(p.get("chat_id"))
        return [
            _member(self.users.get(i) or {"id": i, "is_bot": False, "first_name": "?"}, True)
            for i in self.admins.get(chat["id"], set())
        ]

    async def _api_sendchataction(self, p: dict[str, Any]) -> bool:
        self._chat(p.get("chat_id"))
        return True

    def _chat(self, chat_id: Any) -> dict[str, Any]:
        try:
            return self.chats[int(chat_id)]
        except (KeyError, TypeError, ValueError):
            raise bad_request("chat not found") from None


def _member(user: dict[str, Any], admin: bool) -> dict[str, Any]:
    if not admin:
        return {"status": "member", "user": user}
    rights = ["can_manage_chat", "can_delete_messages", "can_manage_video_chats", "can_restrict_members"]
    rights += ["can_promote_members", "can_change_info", "can_invite_users", "can_post_stories"]
    rights += ["can_edit_stories", "can_delete_stories"]
    return {"status": "administrator", "user": user, "can_be_edited": False, "is_anonymous": False} | dict.fromkeys(
        rights, True
    )


def incoming_entities(text: str) -> list[dict[str, Any]]:
    """The bot_command and mention entities Telegram attaches to a message a user sends."""
    entities = []
    if m := re.match(r"/[a-zA-Z0-9_]{1,32}(?:@[a-zA-Z0-9_]{3,32})?", text):
        entities.append({"type": "bot_command", "offset": 0, "length": units(m.group())})
    for m in re.finditer(r"(?<![\w@])@[a-zA-Z0-9_]{5,32}", text):
        entities.append({"type": "mention", "offset": units(text[: m.start()]), "length": units(m.group())})
    return entities


async def _params(request: web.Request) -> dict[str, Any]:
    """PTB posts form fields with JSON-encoded complex values; plain JSON bodies and queries work too."""
    if request.content_type == "application/json":
        return await request.json()
    raw = dict(request.query) | dict(await request.post())
    params: dict[str, Any] = {}
    for key, value in raw.items():
        value = str(value)
        if key in _JSON_FIELDS:
            params[key] = json.loads(value)
        elif key in _INT_FIELDS and re.fullmatch(r"-?\d+", value):
            params[key] = int(value)
        elif value in ("true", "false"):
            params[key] = value == "true"
        else:
            params[key] = value
    return params


# --- the bot running against the emulator ----------------------------------------------------------

MODERATOR_ID = 1001
USER_ID = 2002


@dataclass
class Harness:
    """The emulator, the running Application and its dependencies, and two known users."""

    api: TelegramEmulator
    application: Any
    deps: Any
    moderator: dict[str, Any]
    user: dict[str, Any]

    async def ask(self, user: dict, text: str, *, chat: dict | None = None, reply_to: dict | None = None) -> Call:
        """Send a message and return the bot's first message to that chat."""
        return await self.api.reply(self.api.send(user, text, chat=chat, reply_to=reply_to))

    async def messages(self, pushed: Pushed, count: int, *, chat_id: int | None = None) -> list[Call]:
        """The first `count` messages the bot sent to the chat of `pushed` (or `chat_id`) since it was sent."""
        chat_id = chat_id if chat_id is not None else pushed.where["chat_id"]
        calls: list[Call] = []
        while len(calls) < count:
            after = calls[-1].index + 1 if calls else pushed.mark
            calls.append(await self.api.wait_call("sendMessage", after=after, chat_id=chat_id))
        return calls

    async def settle(self, chat: dict, user: dict | None = None) -> int:
        """Wait until every earlier update of `chat` is handled (the bot handles one chat in order)."""
        pushed = self.api.send(user or self.user, "/help", chat=chat)
        await self.api.reply(pushed)
        return pushed.mark


@contextlib.asynccontextmanager
async def running_bot(
    api: TelegramEmulator, bot: Any, settings: Any, *, conversation_timeout: float | None = None, **overrides: Any
) -> AsyncIterator[Harness]:
    """The real Application (built by the adapter) polling the emulator, or on a webhook, until the block ends."""
    from bot.adapters.telegram_app import build_application, run_until_stopped
    from bot.adapters.telegram_context import deps_of
    from bot.adapters.telegram_webhook import webhook_from

    values = {
        "telegram_bot_token": SecretStr(api.token),
        "telegram_api_base_url": api.base_url,
        "telegram_moderator_ids": [MODERATOR_ID],
    }
    moderator = api.user(MODERATOR_ID, "Mona", username="mona_mod")
    user = api.user(USER_ID, "Ulli")
    settings = settings.model_copy(update=values | overrides)
    options = {} if conversation_timeout is None else {"conversation_timeout": conversation_timeout}
    application = build_application(bot, settings, **options)
    webhook = webhook_from(settings)
    stop = asyncio.Event()
    mark = len(api.calls)
    task = asyncio.create_task(run_until_stopped(application, stop, webhook))
    if webhook is None:
        ready = asyncio.create_task(api.wait_call("getUpdates", after=mark, finished=False, within=10))
    else:
        ready = asyncio.create_task(_running(application))
    await asyncio.wait([task, ready], return_when=asyncio.FIRST_COMPLETED)
    if task.done():  # startup failed: show why
        ready.cancel()
        task.result()
    try:
        yield Harness(api, application, deps_of(application), moderator, user)
    finally:
        stop.set()
        await asyncio.wait_for(task, 10)
    assert not api.errors, [(c.method, c.error, c.params.get("text", "")[:200]) for c in api.errors]


async def _running(application: Any, within: float = 10.0) -> None:
    """Until the Application has started (in webhook mode: its server is listening)."""
    deadline = asyncio.get_running_loop().time() + within
    while not application.running:
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"the Application did not start within {within}s")
        await asyncio.sleep(0.01)


@pytest.fixture
async def telegram_api() -> AsyncIterator[TelegramEmulator]:
    api = TelegramEmulator()
    await api.start()
    yield api
    await api.close()


@pytest.fixture
async def telegram(telegram_api: TelegramEmulator, bot: Any, settings: Any) -> AsyncIterator[Harness]:
    async with running_bot(telegram_api, bot, settings) as harness:
        yield harness
