"""Hugging Face addresses: reading what the user pasted, and listing a repository's GGUF files.

Nothing here touches the network except hf_repo_files(), which the GUI calls only when the user
asks for a repository's files.
"""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass

from assistant.errors import UserFacingError
from assistant.library.catalog import HF_BASE, HF_NAME, hf_url

USER_AGENT = "Bothy/0.1 (+local desktop app)"

_REPO_ONLY = re.compile(rf"^({HF_NAME}/{HF_NAME})$")
_REPO_AND_FILE = re.compile(rf"^({HF_NAME}/{HF_NAME})(?:/|\s+|:)([^\s]+\.gguf)$", re.IGNORECASE)
_URL_PATH = re.compile(rf"^/({HF_NAME}/{HF_NAME})/(resolve|blob)/([^/]+)/(.+)$")
_REPO_PATH = re.compile(rf"^/({HF_NAME}/{HF_NAME})(?:/tree/[^/]+)?/?$")


class HubError(UserFacingError):
    """A Hugging Face address that cannot be used, or a repository that cannot be listed."""


@dataclass(frozen=True)
class HFReference:
    """A repository, and perhaps one file in it at a revision."""

    repo: str
    file: str | None = None
    revision: str = "main"

    def url(self, base_url: str = HF_BASE) -> str:
        if self.file is None:
            raise ValueError("no file")
        return hf_url(self.repo, self.file, self.revision, base_url=base_url)


@dataclass(frozen=True)
class RepoFile:
    """A file listed in a repository; size and sha256 when the listing gives them."""

    name: str
    size: int | None = None
    sha256: str | None = None


def parse_hf_reference(text: str) -> HFReference:
    """Read what the user pasted: a Hugging Face file URL (resolve or blob), a repository URL,
    `owner/name`, or `owner/name/file.gguf` (also `owner/name file.gguf`). Raises HubError."""
    s = text.strip()
    if not s:
        raise HubError("Paste a Hugging Face link or a repository name such as bartowski/phi-4-GGUF.")
    if "://" in s or s.startswith(("huggingface.co/", "hf.co/")):
        parsed = urllib.parse.urlsplit(s if "://" in s else "https://" + s)
        host = (parsed.hostname or "").lower()
        if host not in ("huggingface.co", "www.huggingface.co", "hf.co"):
            raise HubError(
                f"{host or s} is not a Hugging Face address.",
                hint="Paste a link that starts with https://huggingface.co/.",
            )
        path = urllib.parse.unquote(parsed.path)
        if m := _URL_PATH.match(path):
            repo, _kind, rev, file = m.groups()
            _check_file(file)
            return HFReference(repo, file, rev)
        if m := _REPO_PATH.match(path):
            return HFReference(m.group(1))
        raise HubError(
            "That link does not point to a model repository or file.",
            hint="Use a link like https://huggingface.co/OWNER/REPO/blob/main/FILE.gguf.",
        )
    if m := _REPO_AND_FILE.match(s):
        _check_file(m.group(2))
        return HFReference(m.group(1), m.group(2))
    if m := _REPO_ONLY.match(s):
        return HFReference(m.group(1))
    raise HubError(
        f"“{s[:80]}” is neither a Hugging Face link nor a repository name.",
        hint="A repository name looks like OWNER/REPO, for example bartowski/phi-4-GGUF.",
    )


def _check_file(file: str) -> None:
    if not file.lower().endswith(".gguf"):
        raise HubError(
            f"{file} is not a GGUF file.",
            hint="Bothy runs GGUF models; look for a repository whose name ends in -GGUF.",
        )
    if ".." in file.split("/"):
        raise HubError("That link is not a valid file address.")


def hf_repo_files(repo: str, *, base_url: str = HF_BASE, timeout: float = 20.0) -> list[RepoFile]:
    """The GGUF files of a Hugging Face model repository, from its API listing ("siblings").

    Goes to the network: call it only when the user asks. Raises HubError with a readable message.
    """
    if not _REPO_ONLY.match(repo):
        raise HubError(f"{repo!r} is not a repository name (OWNER/REPO).")
    url = f"{base_url.rstrip('/')}/api/models/{repo}?blobs=true"
    req = urllib.request.Request(url, headers={"User-Agent": USER_AGENT, "Accept": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            data = json.loads(resp.read().decode("utf-8"))
    except urllib.error.HTTPError as e:
        e.close()
        if e.code in (401, 403, 404):
            raise HubError(
                f"The repository {repo} was not found or is private (HTTP {e.code}).",
                hint="Check the name; gated models must be downloaded in a browser after accepting their licence.",
            ) from None
        raise HubError(f"Hugging Face answered HTTP {e.code} when listing {repo}.", hint="Try again later.") from None
    except (urllib.error.URLError, OSError) as e:
        reason = getattr(e, "reason", e)
        raise HubError(
            f"Could not reach Hugging Face to list {repo}: {reason}.", hint="Check your internet connection."
        ) from None
    except ValueError:
        raise HubError(f"Hugging Face sent an unreadable listing for {repo}.") from None
    siblings = data.get("siblings") if isinstance(data, dict) else None
    if not isinstance(siblings, list):
        raise HubError(f"Hugging Face sent an unreadable listing for {repo}.")
    out: list[RepoFile] = []
    for s in siblings:
        name = s.get("rfilename") if isinstance(s, dict) else None
        if not isinstance(name, str) or not name.lower().endswith(".gguf"):
            continue
        lfs = s.get("lfs") if isinstance(s.get("lfs"), dict) else {}
        size = lfs.get("size", s.get("size"))
        sha = lfs.get("sha256")
        out.append(
            RepoFile(
                name,
                size if isinstance(size, int) and size > 0 else None,
                sha.lower() if isinstance(sha, str) and re.fullmatch(r"[0-9a-fA-F]{64}", sha) else None,
            )
        )
    return sorted(out, key=lambda f: f.name.lower())
