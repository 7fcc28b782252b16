"""Item 5: the store at scale (sidebar, search, opening a long conversation).

A database of many conversations is written straight into the schema with executemany, in one
transaction, and cached under the benchmark cache folder keyed by a hash of the schema (the
migrations and the search indexing code) and of this generator, so later runs reuse it.
"""

from __future__ import annotations

import hashlib
import inspect
import json
import random
import shutil
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from benchmarks.report import Figure, median

GENERATOR_VERSION = 2  # the rows carry their parents and active leaf (conversations as trees)
BIG_CONVERSATION = 5_000  # messages in the one long conversation
ENGLISH_WORD = "database"
CHINESE_WORD = "模型"

EN = [
    "Could you explain how the garbage collector decides when to run?",
    "Here is a short summary of the article you pasted.",
    "The main difference is that a list is mutable while a tuple is not.",
    "I would start by measuring where the time actually goes.",
    "Your database schema looks reasonable, but the index on created is unused.",
    "Let me rewrite the paragraph so that it reads more naturally.",
    "The recipe needs two eggs, a cup of flour and a pinch of salt.",
    "A good first step is to reproduce the bug with the smallest possible input.",
    "Thanks, that worked! Now how do I make it run faster?",
    "The train leaves at nine, so you should be at the station by half past eight.",
    "In short: cache the result, and invalidate it when the file changes.",
    "Here are three ideas for the birthday party, from cheap to fancy.",
    "The error means the file was opened in text mode but written as bytes.",
    "You can think of an embedding as a point in a space where similar words are close.",
    "Migrations should only ever grow; never edit one that has shipped.",
    "What is the capital of Australia, and why is it not Sydney?",
    "The quick brown fox jumps over the lazy dog near the riverbank.",
    "Please translate this email into polite but firm French.",
    "Sorting a million integers takes well under a second on a laptop.",
    "The model answered confidently, but the answer was wrong.",
    "Write a haiku about autumn rain on a tin roof.",
    "A write-ahead log lets readers continue while the writer commits.",
    "Use a context manager so the file is closed even when an exception is raised.",
    "The meeting moved to Thursday afternoon because of the holiday.",
]
ZH = [
    "请帮我总结一下这篇文章的主要观点。",
    "这个模型在中文问答上的表现怎么样？",
    "我们可以先把数据清洗一下，再训练模型。",
    "今天天气很好，适合去公园散步。",
    "这段代码的时间复杂度是多少？",
    "大模型的推理速度主要取决于内存带宽。",
    "请把这句话翻译成英文，语气要正式一些。",
    "周末我打算去图书馆看书，然后和朋友吃饭。",
    "这个错误通常是因为文件路径不对。",
    "你可以用字典来存储每个单词出现的次数。",
    "量化以后模型文件变小了，但精度略有下降。",
    "明天的会议改到下午三点。",
    "请给我推荐几本关于历史的好书。",
    "数据库的索引可以大大加快查询速度。",
    "先写测试，再修改代码，这样更安全。",
    "春天来了，花园里的花都开了。",
]
CODE = [
    "```python\ndef fib(n):\n    a, b = 0, 1\n    for _ in range(n):\n        a, b = b, a + b\n    return a\n```",
    "```sql\nSELECT id, title FROM conversations ORDER BY updated DESC LIMIT 100;\n```",
    "```js\nconst total = items.reduce((sum, item) => sum + item.price, 0);\n```",
    "```bash\nfind . -name '*.py' -print0 | xargs -0 wc -l | sort -n | tail\n```",
]


def schema_key(conversations: int, messages: int) -> str:
    """A hash of everything that decides the generated file: schema, indexing code, generator, sizes."""
    from assistant.store import migrations, search

    parts = [inspect.getsource(migrations), inspect.getsource(search), str(GENERATOR_VERSION)]
    parts.append(f"{conversations}/{messages}/{BIG_CONVERSATION}")
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:12]


def _content(rng: random.Random, chinese: bool, role: str) -> str:
    pool = ZH if chinese else EN
    n = rng.randint(1, 2) if role == "user" else rng.randint(2, 6)
    parts = [rng.choice(pool) for _ in range(n)]
    if role == "assistant" and rng.random() < 0.15:
        parts.insert(rng.randint(1, len(parts)), rng.choice(CODE))
    return ("" if chinese else " ").join(parts) if rng.random() < 0.7 else "\n\n".join(parts)


def _sizes(rng: random.Random, conversations: int, messages: int) -> list[int]:
    """Messages per conversation: one long conversation in the middle, the rest uneven around the mean."""
    big = min(BIG_CONVERSATION, messages // 2)
    rest, others = messages - big, conversations - 1
    sizes = [rest // others] * others
    for i in range(rest - sum(sizes)):
        sizes[i] += 1
    for i in range(0, others - 1, 2):  # move messages between neighbours, keeping the total
        d = rng.randint(0, sizes[i] // 2 - 1) if sizes[i] > 2 else 0
        sizes[i] -= d
        sizes[i + 1] += d
    sizes.insert(conversations // 2, big)
    return sizes


def _pool(rng: random.Random, size: int) -> dict[tuple[bool, str], list[tuple]]:
    """Ready-made messages (text, indexed text, has the English word, has the Chinese word) to draw
    from: composing and indexing a million texts one by one would take most of the time."""
    from assistant.store import search

    pool = {}
    for chinese in (False, True):
        for role in ("user", "assistant"):
            texts = [_content(rng, chinese, role) for _ in range(size)]
            pool[chinese, role] = [(t, search.index_text(t), ENGLISH_WORD in t, CHINESE_WORD in t) for t in texts]
    return pool


def generate(path: Path, conversations: int, messages: int, *, seed: int = 1) -> dict:
    """Write a database of `conversations` and `messages` at `path`; returns facts about it."""
    import sqlite3

    from assistant.store import Store, search

    rng = random.Random(seed)
    sizes = _sizes(rng, conversations, messages)
    pool = _pool(rng, 2_000)
    start = datetime(2024, 1, 1, tzinfo=UTC)
    span = timedelta(days=365) / conversations
    facts = {"conversations": conversations, "messages": messages, "english_hits": 0, "chinese_hits": 0}
    Store(path).close()  # the schema, exactly as Bothy creates it
    conn = sqlite3.connect(path, isolation_level=None)
    for pragma in ("journal_mode = DELETE", "journal_mode = OFF", "synchronous = OFF", "cache_size = -400000"):
        conn.execute(f"PRAGMA {pragma}")
    conn.execute("BEGIN")
    message_id = 0
    for cid, size in enumerate(sizes, start=1):
        chinese = cid % 3 == 0
        # Every message of a conversation in one second, one microsecond apart: the fixed-width
        # timestamp shape Bothy writes, made with string formatting instead of a strftime per row.
        second = (start + span * cid).strftime("%Y-%m-%dT%H:%M:%S.")
        rows, fts = [], []
        for seq in range(1, size + 1):
            role = "user" if seq % 2 else "assistant"
            text, indexed, en, zh = rng.choice(pool[chinese, role])
            message_id += 1
            parent = message_id - 1 if seq > 1 else None  # one path, as a conversation without versions is
            rows.append((message_id, cid, seq, parent, role, text, f"{second}{seq:06d}Z", 12 if seq % 2 == 0 else None))
            fts.append((message_id, indexed))
            facts["english_hits"] += en
            facts["chinese_hits"] += zh
        if size == max(sizes):
            facts["big_conversation_id"], facts["big_conversation_messages"] = cid, size
        title = rows[0][4].split("\n")[0][:60] if rows else None
        conn.execute(
            "INSERT INTO conversations (id, title, created, updated, pinned, model, active_leaf) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            (cid, title, f"{second}000000Z", f"{second}{size:06d}Z", int(cid % 500 == 0), "SmolLM2-135M.gguf",
             message_id if rows else None),
        )  # fmt: skip
        conn.executemany(
            "INSERT INTO messages (id, conversation_id, seq, parent_id, role, content, status, created, reply_tokens) "
            "VALUES (?, ?, ?, ?, ?, ?, 'complete', ?, ?)",
            rows,
        )
        conn.executemany(f"INSERT INTO {search.FTS_TABLE} (rowid, body) VALUES (?, ?)", fts)
    conn.execute("COMMIT")
    conn.execute(f"INSERT INTO {search.FTS_TABLE} ({search.FTS_TABLE}) VALUES ('optimize')")
    conn.execute("ANALYZE")
    conn.close()
    Store(path).close()  # back in WAL mode, as Bothy leaves it
    return facts


def cached_database(cache_dir: Path, conversations: int, messages: int) -> tuple[Path, dict, float | None]:
    """The generated database for these sizes (generated now if not cached): path, facts, seconds taken."""
    key = schema_key(conversations, messages)
    path = cache_dir / f"store-{conversations}-{messages}-{key}.db"
    meta = path.with_suffix(".json")
    if path.is_file() and meta.is_file():
        return path, json.loads(meta.read_text()), None
    cache_dir.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    for leftover in cache_dir.glob(tmp.name + "*"):
        leftover.unlink()
    started = time.perf_counter()
    facts = generate(tmp, conversations, messages)
    seconds = time.perf_counter() - started
    tmp.replace(path)
    meta.write_text(json.dumps(facts))
    return path, facts, seconds


def _time(fn, repeats: int) -> tuple[float, list[float], object]:
    samples, result = [], None
    for _ in range(repeats):
        t = time.perf_counter()
        result = fn()
        samples.append((time.perf_counter() - t) * 1000)
    return median(samples), samples, result


def sizes(quick: bool) -> tuple[int, int]:
    return (200, 20_000) if quick else (10_000, 1_000_000)


def prepare(*, quick: bool, cache_dir: Path, workdir: Path) -> dict:
    """A copy (in workdir) of the generated database; closing a Store runs PRAGMA optimize, which writes."""
    conversations, messages = sizes(quick)
    source, facts, seconds = cached_database(cache_dir, conversations, messages)
    path = workdir / "scale.db"
    shutil.copyfile(source, path)
    return {**facts, "path": path, "generated_s": seconds}


def run(db: dict, *, quick: bool) -> list[Figure]:
    from assistant.store import Store

    repeats = 3 if quick else 9
    big = db["big_conversation_id"]
    made = "cached" if db["generated_s"] is None else f"generated now in {db['generated_s']:.0f} s"
    size = f"{db['conversations']:,} conversations, {db['messages']:,} messages ({made})"
    item = "5 store"
    figures = []
    with Store(db["path"]) as store:
        store.list_conversations(limit=1)  # open the file and read the schema once
        checks = [
            ("sidebar, first 100 conversations", lambda: store.list_conversations(limit=100), 100, size),
            ("sidebar, all conversations", lambda: store.list_conversations(), 100, ""),
            (f"search '{ENGLISH_WORD}'", lambda: store.search(ENGLISH_WORD), 100, f"in {db['english_hits']:,} msgs"),
            (f"search '{CHINESE_WORD}'", lambda: store.search(CHINESE_WORD), 100, f"in {db['chinese_hits']:,} msgs"),
            ("search '的模', no hits (reads every 的 and 模)", lambda: store.search("的模"), 100, "worst case"),
            (f"open a {db['big_conversation_messages']:,}-message conversation", lambda: store.messages(big), 300, ""),
        ]
        for name, fn, goal, note in checks:
            value, samples, result = _time(fn, repeats)
            extra = f"{len(result)} results; max {max(samples):.1f} ms"
            figures.append(Figure(item, name, value, "ms", goal, note=f"{note}; {extra}".lstrip("; "), samples=samples))
    return figures
