"""`bothy servers add|list|test|remove`: the model servers Bothy may chat through (assistant/servers.py),
and opening a server's model for `bothy chat --model NAME/MODEL` or `--server URL --model MODEL`."""

from __future__ import annotations

import os
import sys
from dataclasses import replace

from assistant.cli.output import print_json
from assistant.errors import UserFacingError


def cmd_servers(args) -> int:
    from assistant.servers import Server, Servers

    servers = Servers()
    action = args.servers_command
    if action == "add":
        if args.api_key_env and not os.environ.get(args.api_key_env):
            print(f"bothy: note: {args.api_key_env} is not set in this shell.", file=sys.stderr)
        server = servers.add(
            Server(
                args.name,
                args.url,
                api_key_env=args.api_key_env,
                context=args.context,
                verify=_verify(args),
                connect_timeout=args.connect_timeout,
                first_token_timeout=args.first_token_timeout,
            )
        )
        print(f"Added {server.name}: {server.url}")
        if server.plain_http_off_machine:
            warning = "plain http:// to another machine: the conversation travels unencrypted"
            print(f"bothy: warning: {warning}.", file=sys.stderr)
        return 0
    if action == "remove":
        servers.remove(args.name)
        print(f"Removed {args.name}.")
        return 0
    if action == "list":
        rows = servers.all()
        if args.json:
            print_json([{**s.to_dict(), "has_key": bool(servers.key(s))} for s in rows])
        for s in [] if args.json else rows:
            key = " (key)" if servers.key(s) else ""
            print(f"{s.name:<16} {s.url}{key}")
        if not rows and not args.json:
            print("No servers. Add one: bothy servers add NAME URL", file=sys.stderr)
        return 0
    if action == "test":
        server = servers.get(args.name)
        info = _probe(server, servers.key(server))
        if args.json:
            models = [vars(m) for m in info.models]
            print_json({"server": server.name, "url": server.url, "kind": info.kind, "models": models})
            return 0
        print(f"{server.name} ({server.url}) answers: {info.kind}, {len(info.models)} model(s)")
        for model in info.models:
            context = f"  context {model.n_ctx:,}" if model.n_ctx else ""
            print(f"  {server.name}/{model.id}{context}")
        return 0
    raise UserFacingError(f"Unknown servers command {action!r}.")


def _verify(args) -> bool | str:
    return args.trust_certificate or not args.insecure


def _probe(server, key):
    from assistant.engine.remote import RemoteEngine

    engine = RemoteEngine(server, key)
    try:
        return engine.probe()
    finally:
        engine.close()


def open_remote(args, settings):
    """A RemoteEngine with the model named by --server URL --model MODEL, or --model NAME/MODEL for
    a server that was added; None when the model is not a server's."""
    from assistant.engine.remote import RemoteEngine, remote_ref
    from assistant.servers import Server, Servers, clean_url

    servers = Servers()
    if getattr(args, "server", None):
        if not args.model:
            raise UserFacingError("Say which of the server's models: --model MODEL.")
        url = clean_url(args.server)
        server = Server("one-off", url)
        key = os.environ.get("BOTHY_API_KEY")
        model = args.model
    elif args.model and "/" in args.model and not os.path.exists(args.model):
        name, _, model = args.model.partition("/")
        known = {s.name: s for s in servers.all()}
        if name not in known:
            return None
        server = known[name]
        key = servers.key(server)
    else:
        return None
    engine = RemoteEngine(server, key)
    try:
        load = settings.load_settings_for(remote_ref(server.name, model).key)
        if getattr(args, "context", None):
            load = replace(load, n_ctx=args.context)
        engine.load(remote_ref(server.name, model), load)
    except BaseException:
        engine.close()
        raise
    return engine
