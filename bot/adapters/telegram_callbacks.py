"""Callback data of inline buttons: short prefixes and references that always fit Telegram's 64 bytes."""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from collections.abc import Iterable

LIMIT = 64
SUGGEST = "s"  # s:<lang>:<fact ref>
VOTE = "v"  # v:<+|->:<fact ref>
UI_LANG = "ui"  # ui:<lang>
FACTS_PAGE = "fp"  # fp:<memo key>:<page>
UNANSWERED = "ua"  # ua:<memo key>
DRAFT = "af"  # af:<de|en|save|cancel>
_MAX_PLAIN_REF = 48  # longer fact ids are sent as a digest


def pack(prefix: str, *fields: str) -> str:
    """`prefix:field:…`; a ValueError here is a programming error, never user input."""
    data = ":".join((prefix, *fields))
    if len(data.encode()) > LIMIT:
        raise ValueError(f"callback data over {LIMIT} bytes: {data!r}")
    return data


def unpack(data: str | None, fields: int) -> list[str] | None:
    """The `fields` values after the prefix, or None for data this adapter did not write."""
    parts = (data or "").split(":")
    return parts[1:] if len(parts) == fields + 1 else None


def pattern(prefix: str) -> str:
    return f"^{prefix}:"


def _digest(text: str) -> str:
    return hashlib.blake2b(text.encode(), digest_size=8).hexdigest()


def fact_ref(fact_id: str) -> str:
    """The fact id itself when short (slugs hold no ':'), else '#' and a digest."""
    return fact_id if len(fact_id) <= _MAX_PLAIN_REF else f"#{_digest(fact_id)}"


def resolve(ref: str, fact_ids: Iterable[str]) -> str | None:
    """The fact id behind a reference; None when a digest matches no current fact."""
    if not ref.startswith("#"):
        return ref or None
    return next((fact_id for fact_id in fact_ids if f"#{_digest(fact_id)}" == ref), None)


class Memo:
    """Texts too long for callback data (a search, an unanswered question) behind a short key; bounded."""

    def __init__(self, size: int = 4096) -> None:
        self._size = size
        self._texts: OrderedDict[str, str] = OrderedDict()

    def put(self, text: str) -> str:
        key = _digest(text)[:12]
        self._texts[key] = text
        self._texts.move_to_end(key)
        while len(self._texts) > self._size:
            self._texts.popitem(last=False)
        return key

    def get(self, key: str) -> str | None:
        return self._texts.get(key)
