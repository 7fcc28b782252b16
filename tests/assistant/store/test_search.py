import time

import pytest

from assistant.store.search import SEP, index_text, match_expression

from .helpers import finished_turn


@pytest.fixture
def corpus(store):
    """A few conversations in English, Chinese, Japanese and Korean. Returns {name: message id}."""
    ids = {}

    def add(title, user, reply):
        conversation = store.create_conversation(title=title)
        u, r = finished_turn(store, conversation["id"], user, reply)
        ids[user] = u["id"]
        ids[reply] = r["id"]

    add("Quantum", "Explain quantum computing briefly", "Quantum computers use qubits.")
    add("Chinese", "我们在研究大模型的训练方法", "模型训练需要很多数据。")
    add("Japanese", "日本語のテキストを検索できますか", "はい、カタカナのテキストも検索できます。")
    add("Korean", "한국어 검색이 됩니까", "네, 검색이 됩니다")
    add("Coffee", "Where can I get a Café Crème?", "Try the café on Rue de l'Église.")
    return ids


def hit_ids(store, query, **kwargs):
    return [hit["message_id"] for hit in store.search(query, **kwargs)]


def test_english_word_prefix_and_case(store, corpus):
    assert hit_ids(store, "qubits") == [corpus["Quantum computers use qubits."]]
    both = [corpus["Quantum computers use qubits."], corpus["Explain quantum computing briefly"]]
    assert hit_ids(store, "quantum") == both
    assert hit_ids(store, "QUANT") == both  # prefix, case-insensitive
    assert hit_ids(store, "comput") == both  # computing, computers
    assert hit_ids(store, "quantum briefly") == [corpus["Explain quantum computing briefly"]]  # AND
    assert hit_ids(store, "quantum giraffe") == []


def test_accents_do_not_matter(store, corpus):
    assert set(hit_ids(store, "cafe")) == {
        corpus["Where can I get a Café Crème?"],
        corpus["Try the café on Rue de l'Église."],
    }
    assert hit_ids(store, "eglise") == [corpus["Try the café on Rue de l'Église."]]


def test_two_chinese_characters_find_them_inside_a_longer_word(store, corpus):
    assert hit_ids(store, "模型") == [corpus["模型训练需要很多数据。"], corpus["我们在研究大模型的训练方法"]]
    assert hit_ids(store, "大模型") == [corpus["我们在研究大模型的训练方法"]]
    assert hit_ids(store, "型的训") == [corpus["我们在研究大模型的训练方法"]]
    assert hit_ids(store, "模训") == []  # characters must be adjacent, as typed


def test_one_character_queries(store, corpus):
    assert hit_ids(store, "研") == [corpus["我们在研究大模型的训练方法"]]
    assert set(hit_ids(store, "的")) == {corpus["我们在研究大模型的训练方法"]}
    assert hit_ids(store, "q") == []  # a Latin letter is a whole word, not a prefix


def test_short_latin_words_match_whole_words_longer_ones_prefixes(store):
    conversation = store.create_conversation()
    _, ai = finished_turn(store, conversation["id"], "q", "AI is a tool")
    _, aim = finished_turn(store, conversation["id"], "q", "aim higher, Go")
    assert hit_ids(store, "ai") == [ai["id"]]
    assert hit_ids(store, "a") == [ai["id"]]
    assert hit_ids(store, "go") == [aim["id"]]
    assert hit_ids(store, "aim") == [aim["id"]]
    assert hit_ids(store, "hig") == [aim["id"]]
    assert hit_ids(store, "too") == [ai["id"]]


def test_japanese_kanji_hiragana_katakana(store, corpus):
    both = [corpus["はい、カタカナのテキストも検索できます。"], corpus["日本語のテキストを検索できますか"]]
    assert hit_ids(store, "検索") == both
    assert hit_ids(store, "テキスト") == both
    assert hit_ids(store, "カタカナ") == [corpus["はい、カタカナのテキストも検索できます。"]]
    assert hit_ids(store, "日本語") == [corpus["日本語のテキストを検索できますか"]]


def test_korean_syllables(store, corpus):
    assert hit_ids(store, "검색") == [corpus["네, 검색이 됩니다"], corpus["한국어 검색이 됩니까"]]
    assert hit_ids(store, "국어") == [corpus["한국어 검색이 됩니까"]]


def test_mixed_latin_and_cjk_query(store):
    conversation = store.create_conversation()
    _, reply = finished_turn(store, conversation["id"], "x", "GPT大模型和Llama模型")
    assert hit_ids(store, "gpt模型") == [reply["id"]]
    assert hit_ids(store, "llama 大模型") == [reply["id"]]


def test_snippets_are_original_text_with_markers(store, corpus):
    [hit] = store.search("大模型")
    assert hit["snippet"] == "我们在研究[大模型]的训练方法"
    assert SEP not in hit["snippet"]
    assert hit["conversation_title"] == "Chinese"
    assert hit["role"] == "user"
    assert hit["conversation_id"] == store.message(hit["message_id"])["conversation_id"]
    assert hit["created"] == store.message(hit["message_id"])["created"]
    [hit] = store.search("qubit", markers=("<b>", "</b>"))
    assert hit["snippet"] == "Quantum computers use <b>qubits</b>."
    [hit] = store.search("カタカナ")
    assert hit["snippet"] == "はい、[カタカナ]のテキストも検索できます。"
    [hit] = store.search("국어")
    assert hit["snippet"] == "한[국어] 검색이 됩니까"
    [hit] = store.search("EGLISE rue")
    assert hit["snippet"] == "Try the café on [Rue] de l'[Église]."
    hits = store.search("explain quantum")
    assert [h["snippet"] for h in hits] == ["[Explain] [quantum] computing briefly"]


def test_snippet_marks_a_cjk_phrase_across_punctuation_like_fts_does(store):
    conversation = store.create_conversation()
    finished_turn(store, conversation["id"], "q", "训练模，型很难")
    [hit] = store.search("模型")
    assert hit["snippet"] == "训练[模，型]很难"


def test_a_long_message_with_thousands_of_matches_is_fast(store):
    conversation = store.create_conversation()
    finished_turn(store, conversation["id"], "q", "a long message " * 20_000 + "大模型" * 5_000)
    start = time.perf_counter()
    for query in ("long message", "模型"):
        [hit] = store.search(query)
        assert "[" in hit["snippet"] and len(hit["snippet"]) < 200
    assert time.perf_counter() - start < 1.0  # FTS5's snippet() took over 10 s here


def test_long_messages_get_a_short_snippet_around_the_match(store):
    conversation = store.create_conversation()
    text = "filler " * 200 + "needle " + "filler " * 200
    _, reply = finished_turn(store, conversation["id"], "q", text)
    [hit] = store.search("needle")
    assert "[needle]" in hit["snippet"]
    assert hit["snippet"].startswith("…") and hit["snippet"].endswith("…")
    assert len(hit["snippet"]) < 250


@pytest.mark.parametrize(
    "query",
    [
        '"',
        '"unbalanced',
        "*",
        "qua*",
        "-quantum",
        "NOT quantum",
        "quantum NEAR qubits",
        "NEAR(quantum qubits, 2)",
        "quantum AND",
        "OR",
        "(",
        ")",
        "a:b",
        "content:quantum",
        "^quantum",
        "{body}: x",
        "+",
        "''",
        "\\",
        "\x00",
        SEP,
        "🙂",
        "   ",
        "",
        "!!!",
        "quantum)(",
    ],
)
def test_fts_syntax_in_queries_never_raises(store, corpus, query):
    hits = store.search(query)
    assert isinstance(hits, list)


def test_syntax_characters_are_treated_as_text(store, corpus):
    assert hit_ids(store, '"quantum') == hit_ids(store, "quantum")
    assert hit_ids(store, "quantum)(") == hit_ids(store, "quantum")
    assert hit_ids(store, "NOT quantum") == []  # "not" is a word to find, not an operator
    assert hit_ids(store, "-qubits") == [corpus["Quantum computers use qubits."]]
    assert store.search("!!!") == [] and store.search("") == []


def test_newest_first_limit_and_conversation_filter(store):
    first = store.create_conversation()
    second = store.create_conversation()
    ids = []
    for i in range(6):
        conversation = first if i % 2 else second
        _, reply = finished_turn(store, conversation["id"], f"question {i}", f"common answer {i}")
        ids.append(reply["id"])
    assert hit_ids(store, "common") == ids[::-1]
    assert hit_ids(store, "common", limit=2) == ids[::-1][:2]
    assert hit_ids(store, "common", limit=0) == []
    assert hit_ids(store, "common", conversation_id=first["id"]) == [ids[5], ids[3], ids[1]]


def test_control_characters_in_messages_stay_out_of_snippets(store):
    conversation = store.create_conversation()
    finished_turn(store, conversation["id"], "q", f"before{SEP}target\x00after")
    [hit] = store.search("target")
    assert hit["snippet"] == "before [target] after"


def test_search_query_plan_walks_the_index_newest_first(store):
    sql = (
        "EXPLAIN QUERY PLAN SELECT f.rowid FROM messages_fts AS f JOIN messages AS m ON m.id = f.rowid "
        "JOIN conversations AS c ON c.id = m.conversation_id WHERE messages_fts MATCH 'x' "
        "ORDER BY f.rowid DESC LIMIT 50"
    )
    plan = " ".join(row[-1] for row in store.db.execute(sql).fetchall())
    assert "TEMP B-TREE" not in plan


def test_index_text_and_match_expression():
    assert index_text("大模型 ok") == f"{SEP}大{SEP}模{SEP}型{SEP} ok"
    assert index_text(f"a{SEP}b\x00c") == "a b c"
    assert match_expression("大模型") == '"大 模 型"'
    assert match_expression('say "hi" now') == '"say"* """hi""" "now"*'
    assert match_expression("GPT大模型x") == '"GPT"* "大 模 型" "x"'
    assert match_expression("e-mail x-y") == '"e-mail"* "x-y"'
    assert match_expression("NEAR(a b)") == '"NEAR(a" "b)"'
    assert match_expression("...  --- ") is None
    assert match_expression("same same") == '"same"*'


def test_rebuild_search_index(store, corpus):
    store.db.execute("DELETE FROM messages_fts")
    assert store.search("quantum") == []
    assert store.rebuild_search_index() == len(corpus)
    assert len(store.search("quantum")) == 2
