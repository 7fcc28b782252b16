"""`bothy` / `python -m assistant`: chat, history and models from the terminal.

With no subcommand, `bothy` opens the desktop app.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from assistant import __version__
from assistant.cli.chat import cmd_chat
from assistant.cli.docs import cmd_docs
from assistant.cli.history import cmd_history
from assistant.cli.models import cmd_models
from assistant.cli.output import fail
from assistant.cli.serve import cmd_serve
from assistant.cli.servers import cmd_servers
from assistant.docs import DEFAULT_LIBRARY
from assistant.errors import UserFacingError


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="bothy", description="Bothy: a private chat assistant that runs on this computer.")
    p.add_argument("--version", action="version", version=f"Bothy {__version__}")
    p.add_argument("--self-test", action="store_true", help="open the app headless, chat once, and exit 0 if it worked")
    sub = p.add_subparsers(dest="command")

    chat = sub.add_parser("chat", help="chat in the terminal")
    chat.add_argument("--prompt", "-p", help="send one message, print the reply and exit")
    chat.add_argument(
        "--model",
        "-m",
        help="path to a .gguf model, or SERVER/MODEL for a server's model (default: your default model)",
    )
    chat.add_argument("--server", metavar="URL", help="chat with --model on this OpenAI-compatible server, once")
    chat.add_argument("--conversation", "-c", type=int, help="continue this conversation")
    chat.add_argument("--system", help="system prompt for a new conversation")
    chat.add_argument("--max-tokens", type=int, help="longest reply, in tokens")
    chat.add_argument("--seed", type=int, help="sampling seed, for repeatable replies")
    chat.add_argument("--temperature", type=float, help="sampling temperature (0 = always the likeliest word)")
    chat.add_argument(
        "--json",
        action="store_true",
        help="print one JSON object instead of streaming text; without --prompt, read one message per line "
        "from standard input and print one JSON object per turn (JSON Lines)",
    )
    chat.add_argument("--context", type=int, metavar="N", help="the context length (tokens) for this run")
    chat.add_argument(
        "--memory",
        choices=("summarize", "window", "ask"),
        help="when the conversation outgrows the context: summarize the oldest messages (the default), "
        "leave them out (window), or stop (ask)",
    )
    chat.add_argument(
        "--docs",
        action="append",
        metavar="LIBRARY",
        help="answer from this document library (bothy docs add); may be given more than once",
    )
    chat.add_argument(
        "--embedding-model",
        metavar="GGUF",
        help="with --docs: also find passages by meaning with this embedding model (bothy docs embed)",
    )
    chat.add_argument(
        "--send-docs-to-server",
        action="store_true",
        help="allow passages of your documents to go to a model on a server (they stay here otherwise)",
    )
    chat.set_defaults(func=cmd_chat)

    docs = sub.add_parser("docs", help="your documents, for answers from them: add, list, search, remove")
    ds = docs.add_subparsers(dest="docs_command", required=True)
    d = ds.add_parser("add", help="index files and folders (text, Markdown, PDF, Word .docx, HTML, code, CSV)")
    d.add_argument("paths", nargs="+", type=Path)
    d.add_argument("--library", default=DEFAULT_LIBRARY, help=f"the library (default: {DEFAULT_LIBRARY})")
    d.add_argument("--json", action="store_true")
    d = ds.add_parser("list", help="the libraries, or one library's documents with their state")
    d.add_argument("--library")
    d.add_argument("--json", action="store_true")
    d = ds.add_parser("search", help="the passages that best match a question")
    d.add_argument("query")
    d.add_argument("--library", action="append", help="search this library (default: all)")
    d.add_argument("--limit", type=int, default=8)
    d.add_argument("--json", action="store_true")
    d.add_argument("--embedding-model", metavar="GGUF", help="also rank by meaning with this embedding model's vectors")
    d = ds.add_parser("embed", help="compute the passages' vectors with an embedding model (for search by meaning)")
    d.add_argument("--library", default=DEFAULT_LIBRARY)
    d.add_argument("--model", metavar="GGUF", help="the embedding model (default: the one in your settings)")
    d.add_argument("--json", action="store_true")
    d = ds.add_parser("refresh", help="index changed files again and forget deleted ones")
    d.add_argument("--library", default=DEFAULT_LIBRARY)
    d.add_argument("--json", action="store_true")
    d = ds.add_parser("remove", help="forget documents (the files stay), or a whole library")
    d.add_argument("paths", nargs="*", type=Path)
    d.add_argument("--library", default=DEFAULT_LIBRARY)
    docs.set_defaults(func=cmd_docs)

    history = sub.add_parser("history", help="list, show, search, export, import and delete conversations")
    hs = history.add_subparsers(dest="history_command", required=True)
    h = hs.add_parser("list")
    h.add_argument("--limit", type=int, default=50)
    h.add_argument("--json", action="store_true")
    h = hs.add_parser("show")
    h.add_argument("id", type=int)
    h.add_argument("--json", action="store_true")
    h = hs.add_parser("search")
    h.add_argument("query")
    h.add_argument("--limit", type=int, default=20)
    h.add_argument("--json", action="store_true")
    h = hs.add_parser("export")
    h.add_argument("id", type=int, nargs="?")
    h.add_argument("--all", action="store_true", help="every conversation, in one archive (.json, or .zip)")
    h.add_argument("--format", choices=("md", "json"), default="md")
    h.add_argument("--output", "-o", help="write to this file instead of the terminal")
    h = hs.add_parser(
        "import",
        help="import exports of Bothy, ChatGPT, Open WebUI, Jan, LM Studio or Chatbox",
        description="Exit status: 0 all imported; 3 some damaged conversations skipped; 1 a file could not be read.",
    )
    h.add_argument("files", nargs="+", metavar="FILE", help="a file, a zip, or a folder (Jan's data folder)")
    h.add_argument("--json", action="store_true")
    h = hs.add_parser("delete")
    h.add_argument("id", type=int)
    history.set_defaults(func=cmd_history)

    serve = sub.add_parser(
        "serve", help="serve the model to other apps (the OpenAI-compatible API), without the window"
    )
    serve.add_argument("--port", type=int, help="the port (default: the saved one, else 8765)")
    serve.add_argument("--model", "-m", help="path to a .gguf model, or SERVER/MODEL (default: your default model)")
    serve.add_argument(
        "--api-key", metavar="KEY", help="the key clients must send (default: the saved one, else a new one)"
    )
    serve.add_argument("--lan", action="store_true", help="listen on the local network too (the key is still needed)")
    serve.add_argument(
        "--allow-loading",
        action="store_true",
        help="let a request that names another local model load it (default: the saved choice)",
    )
    serve.add_argument(
        "--keep-conversations",
        action="store_true",
        help="keep what clients ask and get as conversations in Bothy's history (default: the saved choice)",
    )
    serve.add_argument("--context", type=int, metavar="N", help="the context length (tokens)")
    serve.set_defaults(func=cmd_serve, server=None)

    servers = sub.add_parser("servers", help="the model servers Bothy may chat through (llama-server, Ollama, vLLM, …)")
    ss = servers.add_subparsers(dest="servers_command", required=True)
    s = ss.add_parser("add", help="add a server by name and URL, e.g. http://127.0.0.1:8080/v1")
    s.add_argument("name")
    s.add_argument("url")
    s.add_argument("--api-key-env", metavar="VAR", help="read the API key from this environment variable")
    s.add_argument("--context", type=int, metavar="N", help="the context length when the server does not say")
    s.add_argument("--trust-certificate", metavar="FILE", help="trust this certificate (a self-signed server's)")
    s.add_argument("--insecure", action="store_true", help="do not check the TLS certificate at all")
    s.add_argument("--connect-timeout", type=float, default=10.0, metavar="S", help="seconds to wait for a connection")
    s.add_argument(
        "--first-token-timeout", type=float, default=300.0, metavar="S", help="seconds to wait for the reply to start"
    )
    s = ss.add_parser("list")
    s.add_argument("--json", action="store_true")
    s = ss.add_parser("test", help="ask a server what it is and which models it serves")
    s.add_argument("name")
    s.add_argument("--json", action="store_true")
    s = ss.add_parser("remove")
    s.add_argument("name")
    servers.set_defaults(func=cmd_servers)

    models = sub.add_parser("models", help="list models, or show a model file's details")
    ms = models.add_subparsers(dest="models_command", required=True)
    m = ms.add_parser("list")
    m.add_argument("--json", action="store_true")
    ms.add_parser("verify-starter", help="check the starter model's size and sha256")
    m = ms.add_parser("info")
    m.add_argument("path")
    m.add_argument("--json", action="store_true")
    for name, what in (("search", "repositories with GGUF files"), ("download", "a GGUF file (or a quantization)")):
        m = ms.add_parser(name, help=f"{what} from Hugging Face, a mirror or ModelScope")
        if name == "search":
            m.add_argument("query")
            m.add_argument("--files", action="store_true", help="also list each repository's GGUF files")
            m.add_argument("--json", action="store_true")
        else:
            m.add_argument("repo", help="OWNER/REPO")
            m.add_argument("file_or_quant", help="a file name, or a quantization such as Q4_K_M")
        m.add_argument("--source", choices=("hf", "mirror", "modelscope"), help="where from (default: your choice)")
        m.add_argument("--endpoint", metavar="URL", help="the source's address for this run, e.g. a mirror's")
    m = ms.add_parser("token", help="keep an access token for a source (gated models); read from standard input")
    m.add_argument("--source", choices=("hf", "mirror", "modelscope"), help="whose token (default: your choice)")
    m.add_argument("--endpoint", metavar="URL", help="the source's address")
    m.add_argument("--remove", action="store_true", help="forget the token")
    models.set_defaults(func=cmd_models)
    return p


def _no_display() -> bool:
    """Linux without X11 or Wayland: Qt would abort, so Bothy chats in the terminal instead."""
    return (
        sys.platform.startswith("linux")
        and not os.environ.get("DISPLAY")
        and not os.environ.get("WAYLAND_DISPLAY")
        and os.environ.get("QT_QPA_PLATFORM", "") not in ("offscreen", "minimal", "vnc", "eglfs", "linuxfb")
    )


def _gui(args) -> int:
    if not args.self_test and _no_display():
        print("No display found, so Bothy starts in the terminal (the desktop app needs a screen).", file=sys.stderr)
        return cmd_chat(build_parser().parse_args(["chat"]))
    try:
        from ui.app import main as gui_main
    except ImportError as exc:
        if "ui" not in str(exc) and "PySide6" not in str(exc):
            raise
        print("The desktop app is not available in this install; starting the terminal chat.", file=sys.stderr)
        return cmd_chat(build_parser().parse_args(["chat"]))
    return gui_main(self_test=args.self_test)


def main(argv: list[str] | None = None) -> int:
    import multiprocessing

    multiprocessing.freeze_support()  # the frozen app starts the engine process through this
    from assistant.logs import setup_logging

    args = build_parser().parse_args(argv)
    try:
        setup_logging()
        if args.command is None:
            return _gui(args)
        return args.func(args)
    except UserFacingError as exc:
        return fail(str(exc))
    except KeyboardInterrupt:
        return 130
