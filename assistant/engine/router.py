"""One engine for every model: local GGUF files and servers' models, chosen by the ModelRef.

EngineRouter implements the Engine protocol by handing each call to the engine of the model loaded
last: LocalEngine for "local:…" references, a RemoteEngine per server for "server:NAME/MODEL"
(servers from assistant/servers.py, API keys from the keychain). So the window and the CLI hold one
engine and switch between a file on this computer and a model on a server just by loading it; a
failed load leaves the previous model in use.
"""

from __future__ import annotations

from assistant.engine.base import Reply
from assistant.engine.remote import RemoteEngine, split_ref
from assistant.engine.types import BackendInfo, Capabilities, ChatRequest, LoadedModel, LoadSettings, ModelRef
from assistant.errors import UserFacingError
from assistant.servers import Servers


class EngineRouter:
    def __init__(self, local=None, *, servers: Servers | None = None):
        self._local = local
        self.servers = servers or Servers()
        self._remote: dict[str, RemoteEngine] = {}
        self.active = local

    @property
    def local(self):
        if self._local is None:
            from assistant.engine.local import LocalEngine

            self._local = LocalEngine()
        return self._local

    # -- the Engine protocol, handed to the active engine -----------------------------------------
    @property
    def name(self) -> str:
        return self.active.name if self.active is not None else "llama.cpp"

    @property
    def loaded(self) -> LoadedModel | None:
        return self.active.loaded if self.active is not None else None

    @property
    def busy(self) -> bool:
        return self.active is not None and self.active.busy

    def capabilities(self) -> Capabilities:
        return (self.active or self.local).capabilities()

    def backend(self) -> BackendInfo:
        return (self.active or self.local).backend()

    def load(self, model: ModelRef, settings: LoadSettings | None = None) -> LoadedModel:
        if self.busy:
            raise UserFacingError("A reply is still being written.", hint="Stop it first.")
        engine = self._engine_for(model)
        loaded = engine.load(model, settings)
        self.active = engine
        return loaded

    def chat(self, request: ChatRequest) -> Reply:
        return self._require().chat(request)

    def count_tokens(self, request: ChatRequest) -> int:
        return self._require().count_tokens(request)

    def count_text(self, text: str) -> int:
        return self._require().count_text(text)

    def stop(self) -> None:
        if self.active is not None:
            self.active.stop()

    def close(self) -> None:
        for engine in self._remote.values():
            engine.close()
        self._remote.clear()
        if self._local is not None:
            self._local.close()

    # -- internals -----------------------------------------------------------------------------
    def _require(self):
        if self.active is None or self.active.loaded is None:
            raise UserFacingError("No model is loaded.", hint="Choose a model in Settings > Models.")
        return self.active

    def _engine_for(self, model: ModelRef):
        if model.engine != "server":
            return self.local
        name, _ = split_ref(model)
        server = self.servers.get(name)  # UserFacingError when it was removed
        engine = self._remote.get(name)
        if engine is None or engine.server != server:  # new, or its settings changed
            if engine is not None:
                engine.close()
            engine = self._remote[name] = RemoteEngine(server, self.servers.key(server))
        return engine

    def embed(self, model_path: str, texts: list[str]) -> list[list[float]]:
        """Embeddings always run on this computer, whatever model the chat uses."""
        return self.local.embed(model_path, texts)

    def __getattr__(self, attribute: str):
        """What only one kind of engine has (LocalEngine.inject_fault, tokenize, …): the active one's."""
        active = self.__dict__.get("active")
        if active is None:
            raise AttributeError(attribute)
        return getattr(active, attribute)
