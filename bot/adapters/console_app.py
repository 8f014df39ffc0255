"""The console chat: the same core and wording as the chat platforms, over injected text streams."""

from __future__ import annotations

from typing import TextIO

from bot.adapters.render import plain
from bot.core.errors import BotError
from bot.core.messages import lookup, pick_lang
from bot.core.model import Answer
from bot.core.service import FactBot

_TEXTS = {
    "welcome": {
        "de": "Frag mich etwas (leere Zeile oder /quit beendet, /lang en wechselt die Sprache).",
        "en": "Ask me something (an empty line or /quit ends, /lang de switches the language).",
    },
    "lang_set": {"de": "Sprache: Deutsch.", "en": "Language: English."},
}
QUIT = frozenset({"/quit", "/exit", "quit", "exit", "/q"})


class ConsoleChat:
    """Reads one question per line; a number picks one of the last suggestions."""

    def __init__(self, bot: FactBot, stdin: TextIO, stdout: TextIO, *, lang: str = "en", interactive: bool = True):
        self._bot = bot
        self._in = stdin
        self._out = stdout
        self._lang = lang
        self._interactive = interactive
        self._last: Answer | None = None

    def run(self) -> None:
        if self._interactive:
            self._say(lookup(_TEXTS, "welcome", self._lang))
        while True:
            if self._interactive:
                self._out.write("> ")
                self._out.flush()
            line = self._in.readline()
            if not line or (self._interactive and not line.strip()) or line.strip().lower() in QUIT:
                return
            if line.strip():
                self._say(self.reply(line.strip()))

    def reply(self, line: str) -> str:
        if line.startswith("/lang"):
            self._lang = pick_lang(line.removeprefix("/lang").strip() or self._lang)
            return lookup(_TEXTS, "lang_set", self._lang)
        if line in ("/help", "/start"):
            return self._bot.intro(self._lang)
        try:
            answer = self._pick(line) or self._bot.ask(line, lang_hint=self._lang, platform="console")
        except BotError as exc:
            return exc.message(self._lang)
        self._last = answer
        return plain(answer)

    def _pick(self, line: str) -> Answer | None:
        """'2' after an unsure answer means its second suggestion."""
        if not (line.isdigit() and self._last and self._last.suggestions):
            return None
        index = int(line) - 1
        if not 0 <= index < len(self._last.suggestions):
            return None
        return self._bot.answer_fact(self._last.suggestions[index].fact_id, self._last.lang)

    def _say(self, text: str) -> None:
        self._out.write(text + "\n\n")
        self._out.flush()
