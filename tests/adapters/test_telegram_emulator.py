"""The emulator itself is as strict as Telegram, so the adapter tests can trust a silence."""

from __future__ import annotations

import aiohttp
import pytest

from tests.adapters.telegram_emulator import ApiError, TelegramEmulator, incoming_entities, parse_html


@pytest.mark.parametrize(
    ("html", "error"),
    [
        ("<script>alert(1)</script>", 'Unsupported start tag "script"'),
        ("<b>open", 'Can\'t find end tag corresponding to start tag "b"'),
        ("<b><i>x</b></i>", "Unmatched end tag"),
        ("</blockquote>", "Unexpected end tag"),
        ("a & b", 'Character "&"'),
        ("1 > 0", 'Character ">"'),
        ("<br>", 'Unsupported start tag "br"'),
        ('<a href="javascript:x">x</a>', "Invalid URL"),
        ("<blockquote><blockquote>x</blockquote></blockquote>", "can't be nested"),
        ("<code><b>x</b></code>", "not allowed inside"),
        ('<b class="x">x</b>', "Unsupported attribute"),
    ],
)
def test_malformed_html_is_rejected_like_telegram_does(html: str, error: str) -> None:
    with pytest.raises(ApiError, match="can't parse entities") as raised:
        parse_html(html)
    assert error in raised.value.description and raised.value.code == 400


def test_entities_are_measured_in_utf16_units() -> None:
    text, entities = parse_html("🙂 <b>fett &amp; &lt;ok&gt;</b> <blockquote>Zitat</blockquote>")
    assert text == "🙂 fett & <ok> Zitat"
    assert entities == [
        {"type": "bold", "offset": 3, "length": 11},
        {"type": "blockquote", "offset": 15, "length": 5},
    ]


def test_incoming_messages_carry_command_and_mention_entities() -> None:
    assert incoming_entities("/ask@factbot_test_bot hi @someone_else") == [
        {"type": "bot_command", "offset": 0, "length": 21},
        {"type": "mention", "offset": 25, "length": 13},
    ]


async def test_http_errors_as_telegram_sends_them(telegram_api: TelegramEmulator) -> None:
    user = telegram_api.user(1, "Ann")
    async with aiohttp.ClientSession() as session:
        wrong = await session.post(f"{telegram_api.base_url}999:wrong/getMe")
        assert wrong.status == 401 and (await wrong.json())["description"] == "Unauthorized"
        url = f"{telegram_api.base_url}{telegram_api.token}"
        too_long = await session.post(f"{url}/sendMessage", json={"chat_id": user["id"], "text": "x" * 4097})
        assert (await too_long.json())["description"] == "Bad Request: message is too long"
        markup = {"inline_keyboard": [[{"text": "b", "callback_data": "d" * 65}]]}
        data = await session.post(f"{url}/sendMessage", json={"chat_id": 1, "text": "x", "reply_markup": markup})
        assert (await data.json())["description"] == "Bad Request: BUTTON_DATA_INVALID"
        unknown = await session.post(f"{url}/sendMessage", json={"chat_id": 404, "text": "x"})
        assert (await unknown.json())["description"] == "Bad Request: chat not found"
        method = await session.post(f"{url}/noSuchMethod")
        assert method.status == 404


async def test_set_webhook_is_validated_recorded_and_excludes_get_updates(telegram_api: TelegramEmulator) -> None:
    url = f"{telegram_api.base_url}{telegram_api.token}"
    hook = {"url": "http://127.0.0.1:9/hook", "secret_token": "s3cret_-"}
    async with aiohttp.ClientSession() as session:
        spaces = await session.post(f"{url}/setWebhook", json=hook | {"secret_token": "with space"})
        assert (await spaces.json())["description"] == "Bad Request: secret token contains unallowed characters"
        assert (await (await session.post(f"{url}/setWebhook", json=hook)).json())["result"] is True
        assert telegram_api.webhook == hook
        conflict = await session.post(f"{url}/getUpdates")
        assert conflict.status == 409 and "webhook is active" in (await conflict.json())["description"]
        assert (await (await session.post(f"{url}/deleteWebhook")).json())["result"] is True
        assert (await (await session.post(f"{url}/getUpdates")).json())["result"] == []
    methods = [call.method for call in telegram_api.calls]
    assert methods == ["setWebhook", "setWebhook", "getUpdates", "deleteWebhook", "getUpdates"]
    assert telegram_api.webhook is None
