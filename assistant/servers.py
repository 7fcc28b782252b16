"""The model servers a person added: OpenAI-compatible chat APIs (llama-server, Ollama, vLLM, LM
Studio, Jan, another Bothy, ...), by name.

They are kept in `servers.json` in the config folder: name, URL, timeouts, the context length to
assume when the server does not say, and how to find the API key. A key is never written there, nor
in the database, an export or a log: it lives in the system keychain (the `keyring` package) when
there is one, otherwise in `server-keys.json` beside it, readable only by the user (0600); or it is
read from an environment variable the person names (`api_key_env`).

Bothy contacts only these servers, and only when the person uses them (a chat, "Test connection").
"""

from __future__ import annotations

import json
import logging
import os
import re
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from urllib.parse import urlsplit

from assistant import paths
from assistant.errors import UserFacingError

log = logging.getLogger("bothy.servers")

KEYRING_SERVICE = "Bothy model servers"
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$")
LOOPBACK = ("localhost", "127.0.0.1", "::1", "[::1]")


@dataclass
class Server:
    name: str
    url: str  # the API's base, e.g. http://127.0.0.1:8080/v1
    api_key_env: str | None = None  # read the key from this environment variable
    connect_timeout: float = 10.0  # seconds
    first_token_timeout: float = 300.0  # seconds from the request to the first text (a big prompt takes time)
    context: int | None = None  # the context length when the server does not say
    verify: bool | str = True  # check TLS certificates; or the path of a certificate to trust explicitly
    models: list[str] = field(default_factory=list)  # what it served at the last "Test connection"

    @property
    def plain_http_off_machine(self) -> bool:
        """The conversation would travel unencrypted over a network."""
        parts = urlsplit(self.url)
        return parts.scheme == "http" and (parts.hostname or "") not in LOOPBACK

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> Server:
        names = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in names})


def clean_url(url: str) -> str:
    """The base URL as the person means it: with a scheme, without a trailing slash; `/v1` added
    when no path is given (every OpenAI-compatible server serves under it)."""
    url = url.strip()
    if "://" not in url:
        url = "http://" + url
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UserFacingError(f"{url} is not a server address.", hint="For example: http://127.0.0.1:8080/v1")
    path = parts.path.rstrip("/") or "/v1"
    return f"{parts.scheme}://{parts.netloc}{path}"


def check_name(name: str) -> str:
    if not _NAME.match(name or ""):
        raise UserFacingError(
            f"“{name}” cannot name a server.", hint="Use letters, digits, dots, dashes and underscores (up to 40)."
        )
    return name


class Servers:
    """The servers in `servers.json` (under the config folder unless `path` is given)."""

    def __init__(self, path: Path | None = None):
        self.path = path or paths.config_dir() / "servers.json"
        self.keys_path = self.path.with_name("server-keys.json")

    def all(self) -> list[Server]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return []
        except (OSError, ValueError) as exc:
            log.warning("cannot read %s: %s", self.path, exc)
            return []
        return [Server.from_dict(item) for item in data.get("servers", []) if isinstance(item, dict)]

    def get(self, name: str) -> Server:
        for server in self.all():
            if server.name == name:
                return server
        raise UserFacingError(f"There is no server called “{name}”.", hint="See `bothy servers list`.")

    def add(self, server: Server, *, api_key: str | None = None) -> Server:
        check_name(server.name)
        server.url = clean_url(server.url)
        servers = [s for s in self.all() if s.name != server.name]
        servers.append(server)
        self._write(servers)
        if api_key:
            self.set_key(server.name, api_key)
        return server

    def remember_models(self, name: str, models: list[str]) -> None:
        """Keep what the server served at its last test, for the model list (no network to show it)."""
        servers = self.all()
        for server in servers:
            if server.name == name:
                server.models = list(models)
        self._write(servers)

    def remove(self, name: str) -> None:
        self.get(name)
        self._write([s for s in self.all() if s.name != name])
        self.set_key(name, None)

    def _write(self, servers: list[Server]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        part = self.path.with_name(self.path.name + ".part")
        part.write_text(json.dumps({"servers": [s.to_dict() for s in servers]}, indent=2), encoding="utf-8")
        os.replace(part, self.path)

    # -- API keys --------------------------------------------------------------------------------
    def key(self, server: Server) -> str | None:
        """The server's API key: from its environment variable, the keychain, or the key file."""
        if server.api_key_env:
            return os.environ.get(server.api_key_env) or None
        return self.stored_key(server.name)

    def stored_key(self, name: str) -> str | None:
        """A key kept under `name` (also other secrets kept the same way: download tokens)."""
        stored = _keyring_get(name)
        return stored if stored is not None else self._key_file().get(name)

    def set_key(self, name: str, key: str | None) -> str:
        """Store (or with None, forget) a key. Returns where it went: "keychain" or "file"."""
        if _keyring_set(name, key):
            self._write_key_file({k: v for k, v in self._key_file().items() if k != name})
            return "keychain"
        keys = self._key_file()
        keys.pop(name, None)
        if key:
            keys[name] = key
        self._write_key_file(keys)
        return "file"

    def _key_file(self) -> dict[str, str]:
        try:
            data = json.loads(self.keys_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return {k: v for k, v in data.items() if isinstance(v, str)} if isinstance(data, dict) else {}

    def _write_key_file(self, keys: dict[str, str]) -> None:
        if not keys and not self.keys_path.exists():
            return
        self.keys_path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.keys_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fp:
            json.dump(keys, fp)
        os.chmod(self.keys_path, 0o600)


def _keyring_backend():
    """The system keychain, or None where there is none (a bare Linux box, the tests)."""
    if os.environ.get("BOTHY_NO_KEYRING"):
        return None
    try:
        import keyring
        from keyring.backends import fail

        backend = keyring.get_keyring()
        if isinstance(backend, fail.Keyring) or "chainer" in type(backend).__module__ and not backend.backends:
            return None
        return keyring
    except Exception:  # no keyring, or a broken D-Bus: the key file serves
        return None


def _keyring_get(name: str) -> str | None:
    keyring = _keyring_backend()
    if keyring is None:
        return None
    try:
        return keyring.get_password(KEYRING_SERVICE, name)
    except Exception as exc:
        log.info("the keychain did not answer (%s): using the key file", type(exc).__name__)
        return None


def _keyring_set(name: str, key: str | None) -> bool:
    keyring = _keyring_backend()
    if keyring is None:
        return False
    try:
        if key:
            keyring.set_password(KEYRING_SERVICE, name, key)
        else:
            try:
                keyring.delete_password(KEYRING_SERVICE, name)
            except Exception:
                pass
        return True
    except Exception as exc:
        log.info("the keychain did not take the key (%s): using the key file", type(exc).__name__)
        return False
