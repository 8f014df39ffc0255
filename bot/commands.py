"""What each CLI command does; `bot.cli` parses, this module acts."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import TextIO

from bot.adapters.console_app import ConsoleChat
from bot.adapters.render import answer_json, plain
from bot.bootstrap import App, build, open_store
from bot.cli import operator, print_json
from bot.config import Settings
from bot.core.article import parse_article
from bot.core.errors import InvalidInput
from bot.core.factfile import MAX_SLUG, SLUG, dump_facts, lang_text, load_facts
from bot.core.model import Actor, FactDraft, LangText
from bot.store import migrate
from bot.store.seeding import seed, write_source

Handler = Callable[[argparse.Namespace, App, TextIO, TextIO], int]


def dispatch(args: argparse.Namespace, settings: Settings, stdin: TextIO, stdout: TextIO) -> int:
    if args.command == "db":
        return _db(args, settings, stdout)
    if args.command == "bench":
        from bot.bench import run_bench

        return run_bench(args, stdout)
    if args.command == "run":
        from bot.runner import run

        return run(settings, args.platform or settings.platform, stdin, stdout)
    if args.command == "health":
        return _health(settings, stdout)
    app = build(settings)
    try:
        if args.command == "seed":
            report = seed(app.uow, settings.facts_dir, force=args.force)
            stdout.write(f"{report or 'facts/ unchanged since the last seed'}\n")
            return 0
        handler = _HANDLERS[args.command]
        return handler(args, app, stdin, stdout)
    finally:
        app.close()


def _db(args: argparse.Namespace, settings: Settings, out: TextIO) -> int:
    engine, _ = open_store(settings)
    try:
        if args.db_command == "upgrade":
            migrate.upgrade(engine, args.revision)
        elif args.db_command == "downgrade":
            migrate.downgrade(engine, args.revision)
        out.write(f"schema at {migrate.current(engine) or 'base'} (head {migrate.head()})\n")
    finally:
        engine.dispose()
    return 0


def _ask(args: argparse.Namespace, app: App, stdin: TextIO, out: TextIO) -> int:
    questions = [line.rstrip("\n") for line in stdin] if args.question == ["-"] else [" ".join(args.question)]
    for question in questions:
        answer = app.bot.ask(question, lang_hint=args.lang, platform="cli")
        if args.json:
            print_json(answer_json(answer), out)
        else:
            out.write(plain(answer) + "\n")
    return 0


def _chat(args: argparse.Namespace, app: App, stdin: TextIO, out: TextIO) -> int:
    ConsoleChat(app.bot, stdin, out, lang=args.lang, interactive=stdin.isatty()).run()
    return 0


def _health(settings: Settings, out: TextIO) -> int:
    """For container health checks: the database answers, is migrated, and the index loads with facts."""
    engine, _ = open_store(settings)
    try:
        current = migrate.current(engine)
    except Exception as exc:  # any failure to reach the database is "unhealthy", with the reason
        out.write(f"unhealthy: database not reachable ({type(exc).__name__})\n")
        return 1
    finally:
        engine.dispose()
    if current != migrate.head():
        out.write(f"unhealthy: schema at {current or 'base'}, expected {migrate.head()}\n")
        return 1
    app = build(settings, prepare=False)
    try:
        count = len(app.bot.index)
    finally:
        app.close()
    if count == 0:
        out.write("unhealthy: the index holds no facts\n")
        return 1
    out.write(f"ok: database answers, {count} facts indexed\n")
    return 0


def _unanswered(args: argparse.Namespace, app: App, stdin: TextIO, out: TextIO) -> int:
    for item in app.bot.moderation.unanswered(args.limit):
        out.write(f"{item.count:5d}  [{item.lang}] [{item.platform}] {item.text}\n")
    return 0


def _sources(args: argparse.Namespace, app: App, stdin: TextIO, out: TextIO) -> int:
    if args.sources_command == "import":
        # Checked before anything is written: a bad id in facts/sources would break every later start.
        if not SLUG.match(args.source_id) or len(args.source_id) > MAX_SLUG:
            raise InvalidInput(
                f"--id must be a lowercase slug of at most {MAX_SLUG} characters, e.g. belarus-eu-2025-09"
            )
        try:
            text = args.file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise InvalidInput(f"cannot read {args.file}: {exc}") from None
        source = parse_article(
            text, source_id=args.source_id, title=args.title, lang=args.lang, url=args.url, date=args.date
        )
        if source.id in {s.id for s in app.bot.index.sources()}:
            raise InvalidInput(f"source {source.id!r} exists already")
        path = write_source(app.settings.facts_dir, source)
        seed(app.uow, app.settings.facts_dir)
        out.write(f"imported {source.id}: {len(source.passages)} passages → {path}\n")
        return 0
    for info in app.bot.sources():
        s = info.source
        out.write(f"{s.id}  {s.date}  {s.lang}  {len(s.passages)} passages  {info.fact_count} facts  {s.title}\n")
    return 0


def _actor() -> Actor:
    return Actor(platform="cli", is_moderator=True, **operator())


def _draft(args: argparse.Namespace, base: FactDraft | None = None) -> FactDraft:
    """A draft from the flags; in an edit, what a flag does not give keeps its current value."""
    texts: dict[str, LangText] = dict(base.texts) if base else {}
    for lang in ("de", "en"):
        answer, questions = getattr(args, f"{lang}_answer"), getattr(args, f"{lang}_questions")
        if answer is None and not questions:
            continue
        old = texts.get(lang)
        texts[lang] = lang_text(
            answer if answer is not None else (old.answer if old else ""),
            questions or (old.questions if old else ()),
        )
    quote = args.quote if args.quote is not None else (base.quote if base else "")
    return FactDraft(quote=quote, texts=texts, source_id=base.source_id if base else None)


def _facts(args: argparse.Namespace, app: App, stdin: TextIO, out: TextIO) -> int:
    mod = app.bot.moderation
    command = args.facts_command
    if command == "list":
        page = mod.list(args.search, args.page, include_removed=args.all)
        for fact in page.items:
            flag = " (removed)" if fact.removed else ""
            out.write(f"{fact.id}{flag}: {fact.first_question('de')}\n")
        out.write(f"page {page.page}/{page.pages}, {page.total} facts\n")
    elif command == "show":
        details = mod.show(args.id)
        out.write(dump_facts([details.fact]))
        out.write(f"# version {details.fact.version}, votes +{details.votes_up}/-{details.votes_down}\n")
        for e in details.history:
            undone = " (undone)" if e.undone else ""
            out.write(f"# {e.at:%Y-%m-%d %H:%M} {e.action}{undone} by {e.user_name} ({e.platform})\n")
    elif command == "add":
        fact = mod.add(_actor(), _draft(args))
        out.write(f"added {fact.id}\n")
    elif command == "edit":
        current = app.bot.index.fact(args.id) or mod.show(args.id).fact
        base = FactDraft(current.quote, current.texts, current.source_id)
        fact = mod.edit(_actor(), args.id, _draft(args, base), expected_version=current.version)
        out.write(f"edited {fact.id} (version {fact.version})\n")
    elif command in ("remove", "restore"):
        fact = getattr(mod, command)(_actor(), args.id)
        out.write(f"{command}d {fact.id}\n")
    elif command == "undo":
        fact = mod.undo(_actor())
        out.write(f"undone: {fact.id} is {'removed' if fact.removed else 'active'} (version {fact.version})\n")
    elif command == "import":
        _import_facts(args, app, out)
    elif command == "export":
        text = dump_facts(mod.list(per_page=10**9, include_removed=True).items)
        if args.file:
            args.file.write_text(text, encoding="utf-8")
        else:
            out.write(text)
    return 0


def _import_facts(args: argparse.Namespace, app: App, out: TextIO) -> int:
    try:
        text = args.file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidInput(f"cannot read {args.file}: {exc}") from None
    sources = {s.id: s for s in app.bot.index.sources()}
    facts = load_facts(text, sources, str(args.file), require_all=False)
    counts = app.bot.moderation.import_facts(_actor(), facts)
    out.write(f"imported: {counts['added']} added, {counts['updated']} updated, {counts['unchanged']} unchanged\n")
    return 0


_HANDLERS: dict[str, Handler] = {
    "ask": _ask,
    "chat": _chat,
    "unanswered": _unanswered,
    "sources": _sources,
    "facts": _facts,
}
