"""Access tokens for download sources, for gated models (Llama, Gemma and others need the person to
accept a licence on the Hub first): entered once, kept like servers' API keys (servers.py: the
system keychain, else a file only the user can read), named by the source's host, and sent only to
that host: never to another one a download is redirected to (the Hub's file CDN), never logged."""

from __future__ import annotations

import urllib.parse

from assistant.servers import Servers


def _name(host: str) -> str:
    return f"download token for {host.lower()}"


def host_of(url: str) -> str:
    return (urllib.parse.urlsplit(url).hostname or "").lower()


def token_for(url: str) -> str | None:
    """The token for the host of `url`, if the person gave one."""
    host = host_of(url)
    return Servers().stored_key(_name(host)) if host else None


def set_token(endpoint: str, token: str | None) -> str:
    """Keep (or with None, forget) the token for `endpoint`'s host. Returns "keychain" or "file"."""
    return Servers().set_key(_name(host_of(endpoint)), token.strip() if token else None)
