"""Beyond one machine, shown for real: a model split over two llama.cpp RPC workers, and Bothy
chatting with it. Not part of the test suite (it builds llama.cpp, minutes on 2 cores).

    .venv/bin/python -m benchmarks.rpc_split [--model PATH] [--turns N]

It builds `llama-server` and `rpc-server` with `-DGGML_RPC=ON` from the llama.cpp source that the
installed llama-cpp-python was built from (cached beside llama-bench), starts two `rpc-server`
workers on 127.0.0.1, a `llama-server --rpc` that offloads every layer to them, and, for
comparison, a plain `llama-server` on this machine alone. Bothy (RemoteEngine through ChatSession,
as the app runs it) has a few turns with each, and the script prints time to first token and
tokens per second. On one machine the split only shows that it works (the layers travel over
loopback); on real machines it is how a model bigger than any one of them runs.

rpc-server has no authentication and no encryption: it listens on 127.0.0.1 here, and must only
ever be reachable over a private network (docs/REMOTE.md).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

import httpx

from benchmarks.__main__ import default_cache
from benchmarks.llama_bench import ensure_tools
from tests.servers import free_port

QUESTIONS = (
    "Tell me two short facts about lighthouses.",
    "And why were they painted in stripes?",
    "Who kept them before they were automatic?",
    "Name one famous lighthouse.",
)


def start(command: list[str], ready_url: str | None, log: Path) -> subprocess.Popen:
    proc = subprocess.Popen(command, stdout=log.open("w"), stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 120
    while ready_url and time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{command[0]} exited (see {log})")
        try:
            if httpx.get(ready_url, timeout=1).status_code == 200:
                return proc
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    if ready_url:
        proc.kill()
        raise RuntimeError(f"{command[0]} did not start (see {log})")
    time.sleep(1.0)
    return proc


def chat(url: str, name: str, turns: int) -> dict:
    from assistant.engine.remote import RemoteEngine, remote_ref
    from assistant.engine.types import GenerationSettings
    from assistant.servers import Server
    from assistant.session import ChatSession
    from assistant.store import Store

    engine = RemoteEngine(Server(name, url))
    ttft, speed, kinds = [], [], None
    with tempfile.TemporaryDirectory() as tmp, Store(Path(tmp) / "rpc.db") as store:
        loaded = engine.load(remote_ref(name, engine.probe().models[0].id))
        kinds = f"{engine.info.kind}, context {loaded.n_ctx}"
        session = ChatSession(store, engine)
        cid = store.create_conversation()["id"]
        for question in QUESTIONS[:turns]:
            turn = session.send(cid, question, GenerationSettings(max_tokens=64, seed=1)).consume()
            if turn.status != "complete":
                raise RuntimeError(f"{name}: {turn.error}")
            ttft.append(turn.stats.ttft_ms)
            speed.append(turn.stats.tokens_per_s)
            print(f"  {name}: {turn.text[:70]!r}…", flush=True)
    engine.close()
    return {"server": kinds, "ttft_ms": statistics.median(ttft), "tokens_per_s": statistics.median(speed)}


def main(argv: list[str] | None = None) -> int:
    from assistant.models import starter_model_path

    p = argparse.ArgumentParser(prog="python -m benchmarks.rpc_split", description=__doc__.splitlines()[0])
    p.add_argument("--model", type=Path, default=None)
    p.add_argument("--turns", type=int, default=4)
    args = p.parse_args(argv)
    model = args.model or starter_model_path()
    flags = ["-DGGML_RPC=ON", "-DLLAMA_BUILD_SERVER=ON"]
    bin_dir, why = ensure_tools(
        default_cache(), ["llama-server", "ggml-rpc-server"], flags=flags, name="rpc-build", log=print
    )
    if bin_dir is None:
        print(f"cannot run: {why}")
        return 1
    logs = Path(tempfile.mkdtemp(prefix="bothy-rpc-"))
    procs = []
    try:
        workers = []
        for i in range(2):
            port = free_port()
            procs.append(
                start(
                    [str(bin_dir / "ggml-rpc-server"), "-H", "127.0.0.1", "-p", str(port)], None, logs / f"rpc{i}.log"
                )
            )
            workers.append(f"127.0.0.1:{port}")
        split_port, alone_port = free_port(), free_port()
        common = ["-m", str(model), "-c", "2048", "--host", "127.0.0.1", "-t", "1"]
        procs.append(
            start(
                [
                    str(bin_dir / "llama-server"),
                    *common,
                    "--port",
                    str(split_port),
                    "--rpc",
                    ",".join(workers),
                    "-ngl",
                    "99",
                ],
                f"http://127.0.0.1:{split_port}/v1/models",
                logs / "split.log",
            )
        )
        procs.append(
            start(
                [str(bin_dir / "llama-server"), *common, "--port", str(alone_port), "-ngl", "0"],
                f"http://127.0.0.1:{alone_port}/v1/models",
                logs / "alone.log",
            )
        )
        print(f"two rpc-server workers: {', '.join(workers)}; logs in {logs}")
        split = chat(f"http://127.0.0.1:{split_port}/v1", "split", args.turns)
        alone = chat(f"http://127.0.0.1:{alone_port}/v1", "alone", args.turns)
        for i in range(2):
            served = (logs / f"rpc{i}.log").read_text(errors="replace").count("Accepted client connection")
            print(f"worker {i + 1}: {served} connections from llama-server")
        offloaded = [
            line.strip() for line in (logs / "split.log").read_text(errors="replace").splitlines() if "RPC" in line
        ]
        print("\nllama-server's own lines about RPC:")
        for line in offloaded[:6]:
            print("  " + line[:150])
        print("\n| server | time to first token (median) | tokens/s (median) |\n|---|---|---|")
        for name, r in (("llama-server split over 2 rpc-server workers", split), ("llama-server alone", alone)):
            print(f"| {name} ({r['server']}) | {r['ttft_ms']:.0f} ms | {r['tokens_per_s']:.1f} |")
    finally:
        for proc in reversed(procs):  # the servers before their workers
            proc.terminate()
            proc.wait(timeout=10)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
