"""`bothy serve`: the local API (assistant/api) without the window, for a headless box."""

from __future__ import annotations

import signal
import sys
import threading

from assistant.errors import UserFacingError


def cmd_serve(args) -> int:
    from assistant.api.local_models import ConversationKeeper, LocalModels
    from assistant.api.server import DEFAULT_PORT, ApiServer, new_key
    from assistant.cli.chat import _open_model
    from assistant.settings import Settings

    settings = Settings.load()
    key = args.api_key or settings.api_key or None
    if key is None:
        key = settings.api_key = new_key()
        settings.save()
    engine = _open_model(args, settings)
    server = ApiServer(
        engine,
        port=args.port or settings.api_port or DEFAULT_PORT,
        api_key=key,
        lan=args.lan,
        defaults=settings.generation,
        local_models=LocalModels(),
        allow_loading=args.allow_loading or settings.api_allow_loading,
        loader=lambda ref: engine.load(ref, settings.load_settings_for(ref.path or ref.key)),
        keeper=ConversationKeeper() if args.keep_conversations or settings.api_keep_conversations else None,
    )
    try:
        server.start()
        print(f"Bothy serves {engine.loaded.model.label} at {server.url}", flush=True)
        print(f"API key: {key}", flush=True)
        if args.lan:
            print("Listening on the local network too: every request still needs the key.", file=sys.stderr)
        if server.config.keeper is not None:
            print("Conversations through the API are kept in Bothy's history (the API group).", file=sys.stderr)
        if server.config.allow_loading:
            print("A request that names another local model loads it.", file=sys.stderr)
        done = threading.Event()
        signal.signal(signal.SIGINT, lambda *_: done.set())
        signal.signal(signal.SIGTERM, lambda *_: done.set())
        done.wait()
        return 0
    except UserFacingError:
        raise
    finally:
        server.stop()
        engine.close()
