"""`bothy chat`: a terminal chat, one turn (--prompt), or JSON Lines from standard input (--json)."""

from __future__ import annotations

import json
import signal
import sys
from dataclasses import replace
from pathlib import Path

from assistant import __version__
from assistant.cli.output import open_store, print_json
from assistant.errors import UserFacingError


def _open_model(args, settings):
    """Load the model named on the command line, the user's default, or the starter model."""
    from assistant.cli.servers import open_remote
    from assistant.engine import LocalEngine, ModelRef
    from assistant.models import default_model_path, read_info

    remote = open_remote(args, settings)
    if remote is not None:
        return remote
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
    from assistant.docs.vectors import model_key
    from assistant.session import ChatSession
    from assistant.settings import Settings

    settings = Settings.load()
    if settings.problem:
        print(f"bothy: {settings.problem}", file=sys.stderr)
    store = open_store()
    store.recover_interrupted()
    engine = _open_model(args, settings)
    try:
        session = ChatSession(store, engine, memory_policy=args.memory or settings.memory_policy)
        session.documents = tuple(args.docs or ())
        session.documents_to_servers = args.send_docs_to_server
        embedding_model = args.embedding_model or settings.embedding_model
        session.embedding_model = model_key(embedding_model) if embedding_model else None
        system = args.system if args.system is not None else settings.system_prompt

        def new_conversation() -> int:
            model = engine.loaded.model.file_name or engine.loaded.model.key
            return store.create_conversation(model=model, system_prompt=system)["id"]

        conversation_id = store.get_conversation(args.conversation)["id"] if args.conversation is not None else None
        gen = _generation(args, settings)
        if args.prompt is not None:
            conversation_id = conversation_id or new_conversation()
            turn = _run_turn(session, conversation_id, args.prompt, gen, as_json=args.json)
            if args.json:
                print_json(_turn_json(turn, conversation_id, engine))
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
        "model": engine.loaded.model.file_name or engine.loaded.model.name,
        "stats": turn.stats.to_dict() if turn and turn.stats else None,
        "context": turn.context.to_dict() if turn and turn.context else None,
    }
    if turn is not None and turn.sources:
        data["passages"] = [source.to_dict() for source in turn.sources]
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
    name = engine.loaded.model.file_name or engine.loaded.model.name
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
