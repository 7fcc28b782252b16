"""Where models come from: Hugging Face, a mirror of it (any address that serves the Hub's URL
layout, such as the widely used hf-mirror service), or ModelScope (modelscope.cn), where Qwen,
DeepSeek, GLM, Yi, InternLM and others publish official GGUF files. Each can search its GGUF
repositories (most downloaded first), list a repository's GGUF files with their sizes (and sha256
where the source gives it), and give a file's download address for the downloader (downloads.py).

The addresses, as each source documents or its public clients use them:
- Hub and mirrors: GET /api/models?search=Q&filter=gguf&sort=downloads&direction=-1, GET
  /api/models/REPO?blobs=true (hub.py), files at /REPO/resolve/main/FILE.
- ModelScope: PUT /api/v1/dolphin/models (search; Path/Name give the repository), GET
  /api/v1/models/REPO/repo/files?Recursive=true (Path, Size, Sha256 per file), files at
  /api/v1/models/REPO/repo?Revision=master&FilePath=FILE.

Nothing is contacted until the person searches or downloads; only the chosen source is.
"""

from __future__ import annotations

import re
import urllib.parse
from dataclasses import dataclass

import httpx

from assistant.errors import UserFacingError
from assistant.library.catalog import HF_BASE, hf_url
from assistant.library.hub import USER_AGENT, HubError, RepoFile, hf_repo_files
from assistant.library.tokens import token_for

KINDS = ("hf", "mirror", "modelscope")
MODELSCOPE_BASE = "https://modelscope.cn"
LABELS = {"hf": "Hugging Face", "mirror": "a Hugging Face mirror", "modelscope": "ModelScope"}
_SPLIT = re.compile(r"^(?P<stem>.+)-(?P<part>\d{5})-of-(?P<parts>\d{5})\.gguf$", re.IGNORECASE)


class SourceError(UserFacingError):
    """A source that could not answer, said so people can act on it."""


class SourceUnreachable(SourceError):
    """The source could not be reached at all (offline, blocked, no such host): another may be."""


@dataclass(frozen=True)
class Repo:
    name: str  # OWNER/REPO
    downloads: int = 0
    updated: str | None = None


@dataclass(frozen=True)
class Source:
    kind: str  # "hf", "mirror", "modelscope"
    endpoint: str

    @classmethod
    def choose(cls, kind: str = "hf", endpoint: str | None = None) -> Source:
        """The source `kind`, at `endpoint` (a mirror needs one; the others have a default)."""
        if kind not in KINDS:
            raise SourceError(f"There is no download source “{kind}”: choose hf, mirror or modelscope.")
        if endpoint is None:
            if kind == "mirror":
                raise SourceError("A mirror needs its address, e.g. --endpoint https://hf-mirror.com.")
            endpoint = MODELSCOPE_BASE if kind == "modelscope" else HF_BASE
        parsed = urllib.parse.urlsplit(endpoint)
        if parsed.scheme not in ("http", "https") or not parsed.hostname:
            raise SourceError(f"“{endpoint}” is not a web address (it must start with https://).")
        return cls(kind, endpoint.rstrip("/"))

    @property
    def label(self) -> str:
        return f"{LABELS[self.kind]} ({urllib.parse.urlsplit(self.endpoint).hostname})"

    # -- reading the source ------------------------------------------------------------------------
    def search(self, query: str, *, limit: int = 30) -> list[Repo]:
        """Repositories with GGUF files that match `query`, most downloaded first."""
        if not query.strip():
            return []
        if self.kind == "modelscope":
            body = {
                "Name": query.strip(),
                "PageSize": limit,
                "PageNumber": 1,
                "SortBy": "DownloadsCount",
                "Criterion": [{"category": "libraries", "predicate": "contains", "values": ["gguf"]}],
            }
            data = self._json("PUT", f"{self.endpoint}/api/v1/dolphin/models", json=body)
            models = (((data or {}).get("Data") or {}).get("Model") or {}).get("Models") or []
            repos = [
                Repo(f"{m['Path']}/{m['Name']}", int(m.get("Downloads") or 0), m.get("LastUpdatedTime"))
                for m in models
                if isinstance(m, dict) and m.get("Path") and m.get("Name")
            ]
        else:
            params = {"search": query.strip(), "filter": "gguf", "sort": "downloads", "direction": "-1"}
            data = self._json("GET", f"{self.endpoint}/api/models", params={**params, "limit": str(limit)})
            repos = [
                Repo(m["id"], int(m.get("downloads") or 0), m.get("lastModified") or m.get("createdAt"))
                for m in data if isinstance(m, dict) and isinstance(m.get("id"), str)
            ] if isinstance(data, list) else []  # fmt: skip
        return sorted(repos, key=lambda r: -r.downloads)

    def files(self, repo: str) -> list[RepoFile]:
        """The repository's GGUF files, with sizes (and sha256 where the source gives it)."""
        if self.kind != "modelscope":
            try:
                return hf_repo_files(repo, base_url=self.endpoint)
            except HubError as exc:
                raise SourceError(str(exc).replace("Hugging Face", self.label), hint=exc.hint) from None
        data = self._json(
            "GET", f"{self.endpoint}/api/v1/models/{repo}/repo/files", params={"Recursive": "true"}, repo=repo
        )
        found = ((data or {}).get("Data") or {}).get("Files") or []
        out = []
        for f in found:
            path = f.get("Path") if isinstance(f, dict) else None
            if isinstance(path, str) and path.lower().endswith(".gguf") and f.get("Type", "blob") == "blob":
                sha = f.get("Sha256")
                size = f.get("Size")
                out.append(RepoFile(path, size if isinstance(size, int) and size > 0 else None,
                                    sha.lower() if isinstance(sha, str) and len(sha) == 64 else None))  # fmt: skip
        return sorted(out, key=lambda f: f.name.lower())

    def file_url(self, repo: str, file: str) -> str:
        if self.kind == "modelscope":
            query = urllib.parse.urlencode({"Revision": "master", "FilePath": file})
            return f"{self.endpoint}/api/v1/models/{repo}/repo?{query}"
        return hf_url(repo, file, base_url=self.endpoint)

    def _json(self, method: str, url: str, *, repo: str | None = None, **kwargs):
        headers = {"User-Agent": USER_AGENT, "Accept": "application/json"}
        token = token_for(self.endpoint)
        if token:
            headers["Authorization"] = f"Bearer {token}"  # this source's own token, to it only
        try:
            with httpx.Client(timeout=httpx.Timeout(20.0, connect=10.0), follow_redirects=True) as client:
                response = client.request(method, url, headers=headers, **kwargs)
        except httpx.HTTPError as exc:
            raise SourceUnreachable(
                f"Bothy could not reach {self.label}: {type(exc).__name__}.",
                hint=self._other_sources(),
            ) from None
        if response.status_code in (401, 403):
            what = f"{repo} is gated or private" if repo else f"{self.label} refused the request"
            raise SourceError(
                f"{what} (HTTP {response.status_code}).",
                hint="Accept the model's licence on its page while signed in, then give Bothy an access token "
                "(bothy models token, or Settings > Discover > Access token).",
            )
        if response.status_code == 404:
            raise SourceError(f"{self.label} has no {repo or 'such page'} (HTTP 404).")
        if response.status_code >= 400:
            raise SourceError(f"{self.label} answered HTTP {response.status_code}.", hint="Try again later.")
        if "text/html" in response.headers.get("content-type", "").lower():
            raise SourceError(
                f"{self.label} answered with a web page instead of data.",
                hint="Is the address a Hugging Face mirror (it must serve the Hub's /api/ addresses)?",
            )
        try:
            return response.json()
        except ValueError:
            raise SourceError(f"{self.label} sent an answer Bothy cannot read.") from None

    def _other_sources(self) -> str:
        others = [k for k in KINDS if k != self.kind]
        return "Check the connection, or download from another source: " + ", ".join(
            "a Hugging Face mirror (--source mirror --endpoint URL)" if k == "mirror" else LABELS[k] for k in others
        )


def pick_files(files: list[RepoFile], wanted: str) -> list[RepoFile]:
    """The files `wanted` names: a file name, or a quantization such as Q4_K_M (a split model's
    parts all together, in order). Raises SourceError when none or several different models match."""
    exact = [f for f in files if f.name == wanted or f.name.rsplit("/", 1)[-1] == wanted]
    named = _SPLIT.match(exact[0].name.rsplit("/", 1)[-1]) if len(exact) == 1 else None
    if named:  # one part of a split model named: the whole set
        exact = [
            f for f in files if (m := _SPLIT.match(f.name.rsplit("/", 1)[-1])) and m.group("stem") == named["stem"]
        ]
    if not exact:
        token = wanted.lower()
        exact = [f for f in files if re.search(rf"(^|[-_.]){re.escape(token)}([-_.]|$)", f.name.lower())]
    if not exact:
        names = ", ".join(f.name for f in files[:12]) or "none"
        raise SourceError(f"No GGUF file matches “{wanted}” (the repository has: {names}).")
    stems = {
        (_SPLIT.match(f.name.rsplit("/", 1)[-1]) or re.match(r"(?P<stem>.+)", f.name)).group("stem") for f in exact
    }
    if len(stems) > 1:
        raise SourceError(f"“{wanted}” matches several models: name one file ({', '.join(f.name for f in exact[:6])}).")
    parts = [f for f in exact if _SPLIT.match(f.name.rsplit("/", 1)[-1])]
    if parts:
        count = int(_SPLIT.match(parts[0].name.rsplit("/", 1)[-1]).group("parts"))
        if len(parts) != count:
            raise SourceError(f"The split model {stems.pop()} is missing parts ({len(parts)} of {count} listed).")
    return sorted(exact, key=lambda f: f.name)
