"""The servers' models in Settings > Models, beside the local files: one list to pick from.

Each server remembers the models it served at its last "Test connection" (Settings > Servers), so
they are listed without asking the server again. Such an item's key is the model's reference,
"server:NAME/MODEL"; choosing it loads it as a local file would be (assistant/engine/router.py).
Strings use QCoreApplication.translate("ServerModels", ...).
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from assistant.engine import ModelRef
from assistant.engine.remote import remote_ref, split_ref
from assistant.servers import Servers


def is_server_key(key: str | None) -> bool:
    return bool(key) and key.startswith("server:")


def items(*, default: str, in_use: ModelRef | None) -> list[tuple[str, str]]:
    """(text, key) for every model of every server, as last seen."""
    found = []
    for server in Servers().all():
        for model in server.models:
            key = remote_ref(server.name, model).key
            marks = [QCoreApplication.translate("ServerModels", "on %1").replace("%1", server.name)]
            if in_use is not None and in_use.key == key:
                marks.append(QCoreApplication.translate("ServerModels", "in use"))
            if default == key:
                marks.append(QCoreApplication.translate("ServerModels", "default"))
            found.append((f"{model}  ({', '.join(marks)})", key))
    return found


def show(labels: dict, key: str) -> None:
    """Fill the details labels for a server's model."""
    name, model = split_ref(ModelRef.parse(key))
    servers = Servers()
    server = next((s for s in servers.all() if s.name == name), None)
    labels["file"].setText(f"{model} — {server.url if server else name}")
    text = QCoreApplication.translate("ServerModels", "Runs on the server “%1”: Bothy asks it when you use it.")
    labels["state"].setText(text.replace("%1", name))
    if server is not None and server.context:
        labels["context"].setText(f"{server.context:,}")
