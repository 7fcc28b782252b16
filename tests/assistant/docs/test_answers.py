"""Answers from the person's documents: the passages go to the model with the question, numbered,
within their share of the context; the reply records exactly those; they never go to a server
unless the person allows it; and the CLI's `chat --docs --json` lists them (with the real model)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from assistant.docs.indexer import add
from assistant.engine.types import LoadedModel, ModelRef
from assistant.errors import UserFacingError
from assistant.session import ChatSession
from assistant.store import NotFoundError

from .files import text_pdf


@pytest.fixture
def library(tmp_path, store):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "keeper.md").write_text("The oil tank holds 40 litres and is refilled every Tuesday.\n", encoding="utf-8")
    text_pdf(docs / "storms.pdf", ["Storm procedure: close the shutters.", "After a storm, log the wind speed."])
    (docs / "big.txt").write_text(
        "\n\n".join(f"Ship {i} passed the rocks at dawn and signalled twice." for i in range(400)), encoding="utf-8"
    )
    add(store, [docs], "Keeper")
    return docs


def test_the_model_gets_the_passages_and_the_reply_records_them(store, fake, library):
    session = ChatSession(store, fake)
    cid = store.create_conversation()["id"]
    turn = session.send(cid, "How much oil does the tank hold?", documents=["Keeper"]).consume()
    sent = fake.requests[-1].history[-1].content
    assert sent.startswith("Passages from my documents:") and sent.endswith("How much oil does the tank hold?")
    assert "[1] (keeper.md, line 1)\nThe oil tank holds 40 litres" in sent
    assert turn.sources and turn.sources[0].path.endswith("keeper.md")
    reply = store.message(turn.reply_message_id)
    assert [s["number"] for s in reply["sources"]] == [s.number for s in turn.sources]
    assert reply["sources"][0]["text"].startswith("The oil tank holds 40 litres")
    assert store.messages(cid)[0]["content"] == "How much oil does the tank hold?"  # stored as typed
    passages_tokens = sum(fake.count_text(s.text) for s in turn.sources)
    assert passages_tokens <= fake.loaded.n_ctx // 4
    # each source records which of the question's words it holds (the passage dialog highlights them)
    assert reply["sources"][0]["terms"] == ["oil", "tank", "hold"]


def test_an_unknown_library_and_a_server_model_are_refused_before_anything_is_sent(store, fake, library):
    session = ChatSession(store, fake)
    cid = store.create_conversation()["id"]
    with pytest.raises(NotFoundError, match="no document library called “Nope”"):
        session.send(cid, "Hi", documents=["Nope"])
    fake.loaded = LoadedModel(**{**fake.loaded.__dict__, "model": ModelRef(engine="server", name="lab/llama-70b")})
    with pytest.raises(UserFacingError, match="would be sent to the server"):
        session.send(cid, "How much oil?", documents=["Keeper"])
    assert fake.requests == [] and store.messages(cid) == []
    session.documents_to_servers = True
    assert session.send(cid, "How much oil?", documents=["Keeper"]).consume().sources


def test_chat_with_docs_on_the_real_model_lists_the_passages(tmp_path, library):
    env = dict(os.environ)
    command = [sys.executable, "-m", "assistant", "chat", "--docs", "Keeper", "--json", "--max-tokens", "24"]
    command += ["--seed", "1", "-p", "How many litres does the oil tank hold?"]
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["status"] == "complete" and data["reply"]
    assert data["passages"][0]["path"].endswith("keeper.md") and "40 litres" in data["passages"][0]["text"]


def test_a_file_changed_since_it_was_indexed_is_read_again_before_the_answer(store, fake, library):
    (library / "keeper.md").write_text("The oil tank now holds 65 litres.\n", encoding="utf-8")
    os.utime(library / "keeper.md", (2, 2))
    (library / "storms.pdf").unlink()
    session = ChatSession(store, fake)
    turn = session.send(store.create_conversation()["id"], "How much oil?", documents=["Keeper"]).consume()
    sent = fake.requests[-1].history[-1].content
    assert "65 litres" in sent and "40 litres" not in sent and "storms.pdf" not in sent
    assert all(not s.path.endswith("storms.pdf") for s in turn.sources)


def test_regenerating_and_editing_answer_from_the_chats_documents_too(store, fake, library):
    cid = store.create_conversation(settings={"documents": ["Keeper"]})["id"]
    session = ChatSession(store, fake)
    first = session.send(cid, "How much oil?").consume()
    assert first.sources  # the conversation's own libraries, with no documents= given
    again = session.regenerate(cid).consume()
    assert again.sources and "40 litres" in fake.requests[-1].history[-1].content
    user = store.messages(cid)[0]
    edited = session.edit_and_resend(cid, user["id"], "How much oil does the tank hold?").consume()
    assert edited.sources and fake.requests[-1].history[-1].content.endswith("How much oil does the tank hold?")
