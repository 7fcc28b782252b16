"""The database schema, as an ordered list of named migrations.

Rules (the same as simonw/llm's llm/migrations.py):

- A migration is a function `mNNN_what(db)` registered with @migration, in order, at the end of this
  file. Once a migration has shipped it is never edited, renamed or removed: a change to the schema
  is a new migration.
- The `_migrations` table records the name of every migration applied to a database, and
  PRAGMA user_version holds the schema version (the number of migrations applied). Each migration
  runs in its own transaction together with its record, so a crash leaves it either done or not.
- A database that records a migration this code does not know was written by a newer Bothy: it is
  refused, before anything is written to it.

Migrations use raw SQL (through sqlite-utils' Database.execute) rather than sqlite-utils' table
helpers, so the schema is written down exactly and works the same with every sqlite-utils version.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from sqlite_utils import Database

from assistant.errors import StoreError
from assistant.store import search
from assistant.store.records import now

Migration = Callable[[Database], None]

MIGRATIONS: list[Migration] = []

MIGRATIONS_TABLE = "_migrations"


def migration(fn: Migration) -> Migration:
    MIGRATIONS.append(fn)
    return fn


def known_names() -> list[str]:
    return [fn.__name__ for fn in MIGRATIONS]


def applied_names(db: Database) -> list[str]:
    """The migrations recorded in the database, in the order they were applied."""
    if MIGRATIONS_TABLE not in db.table_names():
        return []
    return [row[0] for row in db.execute(f"SELECT name FROM {MIGRATIONS_TABLE} ORDER BY rowid").fetchall()]


def schema_version(db: Database) -> int:
    return db.execute("PRAGMA user_version").fetchone()[0]


def check(db: Database, path: Path | str) -> None:
    """Refuse a database that this code must not change. Reads only.

    Raises StoreError for a database written by a newer Bothy (unknown migrations, or a schema
    version above ours) and for an SQLite database that holds tables but is not Bothy's.
    """
    known = set(known_names())
    names = applied_names(db)
    unknown = [name for name in names if name not in known]
    if unknown or schema_version(db) > len(MIGRATIONS):
        detail = ", ".join(unknown) if unknown else f"schema version {schema_version(db)}"
        raise StoreError(
            f"The conversation database at {path} was made by a newer version of Bothy "
            f"(it has changes this version does not know: {detail}).",
            hint="Install the newer Bothy again to open it. Bothy has not changed the file.",
        )
    if not names:
        tables = [t for t in db.table_names() if not t.startswith("sqlite_") and t != MIGRATIONS_TABLE]
        if tables:
            raise StoreError(
                f"The file at {path} is an SQLite database, but not Bothy's conversation database.",
                hint="Bothy has not changed the file. Move it elsewhere and start Bothy again.",
            )


def migrate(db: Database, path: Path | str, *, upto: int | None = None) -> list[str]:
    """Apply the migrations this database lacks (only the first `upto` of them, for tests).

    Returns the names applied now. Each runs in a BEGIN IMMEDIATE transaction that re-reads the
    applied list first, so two copies of Bothy starting at once do not apply one twice.
    """
    check(db, path)
    done_now: list[str] = []
    for number, fn in enumerate(MIGRATIONS[:upto], start=1):
        if fn.__name__ in applied_names(db):
            continue
        db.conn.execute("BEGIN IMMEDIATE")
        try:
            if fn.__name__ not in applied_names(db):
                db.execute(
                    f"CREATE TABLE IF NOT EXISTS {MIGRATIONS_TABLE} (name TEXT PRIMARY KEY, applied TEXT NOT NULL)"
                )
                fn(db)
                db.execute(f"INSERT INTO {MIGRATIONS_TABLE} (name, applied) VALUES (?, ?)", [fn.__name__, now()])
                db.execute(f"PRAGMA user_version = {number}")
                done_now.append(fn.__name__)
            db.conn.execute("COMMIT")
        except BaseException:
            if db.conn.in_transaction:
                db.conn.execute("ROLLBACK")
            raise
    return done_now


# ---------------------------------------------------------------------------------------------
# The migrations. Append only; never edit one that has shipped.
# ---------------------------------------------------------------------------------------------


@migration
def m001_conversations_and_messages(db: Database) -> None:
    db.execute(
        """
        CREATE TABLE conversations (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            title TEXT,
            created TEXT NOT NULL,
            updated TEXT NOT NULL,
            pinned INTEGER NOT NULL DEFAULT 0 CHECK (pinned IN (0, 1)),
            model TEXT,
            system_prompt TEXT,
            settings TEXT
        )
        """
    )
    # The sidebar: pinned first, then most recently active. Covers ORDER BY ... LIMIT with no sort.
    db.execute("CREATE INDEX conversations_sidebar ON conversations (pinned DESC, updated DESC, id DESC)")
    db.execute(
        """
        CREATE TABLE messages (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            conversation_id INTEGER NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
            seq INTEGER NOT NULL,
            role TEXT NOT NULL CHECK (role IN ('system', 'user', 'assistant')),
            content TEXT NOT NULL DEFAULT '',
            status TEXT NOT NULL
                CHECK (status IN ('streaming', 'complete', 'cancelled', 'error', 'interrupted')),
            error TEXT,
            created TEXT NOT NULL,
            model_file TEXT,
            model_size INTEGER,
            model_sha256 TEXT,
            sampling TEXT,
            prompt_tokens INTEGER,
            reply_tokens INTEGER,
            ttft_ms REAL,
            tokens_per_s REAL,
            finish_reason TEXT CHECK (finish_reason IN ('stop', 'length', 'cancelled', 'error')),
            UNIQUE (conversation_id, seq)
        )
        """
    )
    # UNIQUE (conversation_id, seq) is the index that loads a conversation in order (and serves the
    # foreign key on delete). This one finds leftover streaming rows at start without a full scan.
    db.execute("CREATE INDEX messages_streaming ON messages (id) WHERE status = 'streaming'")


@migration
def m002_message_search(db: Database) -> None:
    db.execute(f"CREATE VIRTUAL TABLE {search.FTS_TABLE} USING fts5 (body, tokenize = 'unicode61 remove_diacritics 2')")
    db.execute(
        f"""
        CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages BEGIN
            DELETE FROM {search.FTS_TABLE} WHERE rowid = old.id;
        END
        """
    )
    search.reindex_all(db)


@migration
def m003_reply_engine_and_writer(db: Database) -> None:
    # Which engine and which model produced a reply (a model is a reference, not only a file), and
    # which Store is writing a streaming reply, so that start-up recovery only takes replies whose
    # writer is gone (see lease.py). Rows written before this migration have NULL in all three.
    db.execute("ALTER TABLE messages ADD COLUMN engine TEXT")
    db.execute("ALTER TABLE messages ADD COLUMN model_ref TEXT")
    db.execute("ALTER TABLE messages ADD COLUMN writer TEXT")


@migration
def m004_memory(db: Database) -> None:
    # Memory beyond the context window (assistant/memory.py). A message can be pinned: it is sent on
    # every turn. A context mark stands for a range of messages that no longer fit: a summary of
    # them, or a note that they were left out (the sliding window, or a summary that failed). The
    # messages themselves always stay. Memory notes are sent with the system prompt: for one
    # conversation, or for every conversation when conversation_id is NULL.
    db.execute("ALTER TABLE messages ADD COLUMN pinned INTEGER NOT NULL DEFAULT 0 CHECK (pinned IN (0, 1))")
    db.execute(
        """
        CREATE TABLE context_marks (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            conversation_id INTEGER NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
            kind TEXT NOT NULL CHECK (kind IN ('summary', 'dropped')),
            first_message_id INTEGER NOT NULL,
            last_message_id INTEGER NOT NULL,
            message_count INTEGER NOT NULL,
            content TEXT NOT NULL DEFAULT '',
            note TEXT,
            edited INTEGER NOT NULL DEFAULT 0 CHECK (edited IN (0, 1)),
            created TEXT NOT NULL,
            engine TEXT,
            model_ref TEXT,
            prompt_tokens INTEGER,
            reply_tokens INTEGER
        )
        """
    )
    db.execute("CREATE INDEX context_marks_conversation ON context_marks (conversation_id, last_message_id)")
    db.execute(
        """
        CREATE TABLE memory_notes (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            conversation_id INTEGER REFERENCES conversations (id) ON DELETE CASCADE,
            content TEXT NOT NULL,
            source_message_id INTEGER,
            created TEXT NOT NULL,
            updated TEXT NOT NULL
        )
        """
    )
    db.execute("CREATE INDEX memory_notes_conversation ON memory_notes (conversation_id)")


@migration
def m005_message_thinking(db: Database) -> None:
    # What a reasoning model wrote before its answer (its "thinking"), kept apart from the answer:
    # shown collapsed, exported, never sent back to the model. `thinking_ms` is how long it thought.
    # NULL for replies without thinking, and for every reply written before this migration.
    db.execute("ALTER TABLE messages ADD COLUMN thinking TEXT")
    db.execute("ALTER TABLE messages ADD COLUMN thinking_ms REAL")


@migration
def m006_message_tree(db: Database) -> None:
    # Conversations as trees (assistant/store/tree.py): every message has a parent (NULL for a first
    # message), so that regenerating a reply or editing a message adds a sibling instead of deleting
    # what came after, and a conversation has an active leaf: the end of the path the person sees
    # and the model is sent. Existing conversations become single paths, in their order.
    # A conversation imported from another app records where it came from (`import_source`, e.g.
    # "chatgpt", and that app's id for it, `import_key`), so importing the same file twice adds nothing.
    db.execute("ALTER TABLE messages ADD COLUMN parent_id INTEGER")
    db.execute("ALTER TABLE conversations ADD COLUMN active_leaf INTEGER")
    db.execute("ALTER TABLE conversations ADD COLUMN import_source TEXT")
    db.execute("ALTER TABLE conversations ADD COLUMN import_key TEXT")
    db.execute(
        """
        UPDATE messages SET parent_id = (
            SELECT before.id FROM messages AS before
            WHERE before.conversation_id = messages.conversation_id AND before.seq < messages.seq
            ORDER BY before.seq DESC LIMIT 1
        )
        """
    )
    db.execute(
        """
        UPDATE conversations SET active_leaf = (
            SELECT id FROM messages WHERE conversation_id = conversations.id ORDER BY seq DESC LIMIT 1
        )
        """
    )
    db.execute("CREATE INDEX messages_parent ON messages (conversation_id, parent_id)")
    db.execute(
        "CREATE UNIQUE INDEX conversations_import ON conversations (import_source, import_key) "
        "WHERE import_key IS NOT NULL"
    )


@migration
def m007_documents(db: Database) -> None:
    # The person's own documents (assistant/docs): named libraries of files, each file's state
    # (indexed, failed and why) and its passages, searched with FTS5 like messages (the same CJK
    # handling: the index holds search.index_text of each passage). A reply records the passages the
    # model was given (`sources`, JSON), so a person can always see what it saw.
    db.execute("CREATE TABLE doc_libraries (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, created TEXT NOT NULL)")
    db.execute(
        """
        CREATE TABLE documents (
            id INTEGER PRIMARY KEY,
            library_id INTEGER NOT NULL REFERENCES doc_libraries (id) ON DELETE CASCADE,
            path TEXT NOT NULL,
            size INTEGER,
            mtime REAL,
            state TEXT NOT NULL CHECK (state IN ('indexed', 'failed')),
            reason TEXT,
            passages INTEGER NOT NULL DEFAULT 0,
            indexed TEXT NOT NULL,
            UNIQUE (library_id, path)
        )
        """
    )
    db.execute(
        """
        CREATE TABLE passages (
            id INTEGER PRIMARY KEY,
            document_id INTEGER NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
            seq INTEGER NOT NULL,
            text TEXT NOT NULL,
            page INTEGER,
            line INTEGER
        )
        """
    )
    db.execute("CREATE INDEX passages_document ON passages (document_id, seq)")
    db.execute("CREATE VIRTUAL TABLE passages_fts USING fts5 (body, tokenize = 'unicode61 remove_diacritics 2')")
    db.execute(
        "CREATE TRIGGER passages_fts_delete AFTER DELETE ON passages "
        "BEGIN DELETE FROM passages_fts WHERE rowid = old.id; END"
    )
    db.execute("ALTER TABLE messages ADD COLUMN sources TEXT")


@migration
def m008_passage_vectors(db: Database) -> None:
    # Vectors of passages from an embedding model (assistant/engine/embedder.py), in the same database:
    # float32 little-endian BLOBs, compared with numpy (assistant/store/documents.py). Keyed by the
    # passage, so deleting a document deletes its vectors; `model` says which model made them.
    db.execute(
        """
        CREATE TABLE passage_vectors (
            passage_id INTEGER PRIMARY KEY REFERENCES passages (id) ON DELETE CASCADE,
            model TEXT NOT NULL,
            vector BLOB NOT NULL
        )
        """
    )
    db.execute("CREATE INDEX passage_vectors_model ON passage_vectors (model)")


@migration
def m009_document_roots(db: Database) -> None:
    # What the person added to each library, as given: files and folders. Bringing a library up to
    # date walks its folders again, so a file saved into one later is indexed too (the window also
    # watches them, ui/documents_watcher.py). A file the person removed from a library that one of its
    # folders holds is kept here as `excluded`, so that it does not come back.
    db.execute(
        """
        CREATE TABLE doc_roots (
            library_id INTEGER NOT NULL REFERENCES doc_libraries (id) ON DELETE CASCADE,
            path TEXT NOT NULL,
            excluded INTEGER NOT NULL DEFAULT 0,
            PRIMARY KEY (library_id, path)
        )
        """
    )
    db.execute("INSERT INTO doc_roots (library_id, path) SELECT library_id, path FROM documents")
