"""The reply text stream: whole UTF-8 characters, never a stop string, and a reasoning model's
thinking apart from its answer (property-tested)."""

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from assistant.engine import thinking_markers
from assistant.engine.text_stream import Piece, TextStream

STOPS = ["<|im_end|>", "\nUser:", "<end_of_turn>", "ab"]


def _chunks(data: bytes, cuts: list[int]) -> list[bytes]:
    points = sorted({c % (len(data) + 1) for c in cuts} | {0, len(data)})
    return [data[a:b] for a, b in zip(points, points[1:], strict=False)]


def _run(stream: TextStream, chunks: list[bytes]) -> str:
    out = []
    for chunk in chunks:
        out.append(stream.feed(chunk))
        if stream.stopped:
            break
    out.append(stream.flush())
    return "".join(out)


text = st.text(alphabet=st.sampled_from(list("ab<|>_imendUser:\n 大模型🙂é")), max_size=60)


@settings(max_examples=400, deadline=None)
@given(
    text=text,
    cuts=st.lists(st.integers(min_value=0, max_value=400), max_size=12),
    stops=st.sets(st.sampled_from(STOPS)),
)
def test_output_is_the_text_up_to_the_first_stop_string(text, cuts, stops):
    stream = TextStream(sorted(stops))
    out = _run(stream, _chunks(text.encode("utf-8"), cuts))
    ends = [at for at in (text.find(s) for s in stops) if at >= 0]
    expected = text[: min(ends)] if ends else text
    assert out == expected
    assert stream.stopped == bool(ends)
    assert not any(s in out for s in stops)


@settings(max_examples=200, deadline=None)
@given(text=st.text(max_size=40), cuts=st.lists(st.integers(min_value=0, max_value=200), max_size=10))
def test_characters_split_across_tokens_come_out_whole(text, cuts):
    stream = TextStream()
    pieces = [stream.feed(chunk) for chunk in _chunks(text.encode("utf-8", "surrogatepass"), cuts)]
    pieces.append(stream.flush())
    for piece in pieces:
        assert "\ufffd" not in piece or "\ufffd" in text or any(0xD800 <= ord(c) <= 0xDFFF for c in text)
    if not any(0xD800 <= ord(c) <= 0xDFFF for c in text):
        assert "".join(pieces) == text


def test_text_is_held_only_while_it_could_still_become_a_stop_string():
    stream = TextStream(["<|im_end|>"])
    assert stream.feed(b"Hello <|im") == "Hello "
    assert stream.feed(b"pressive") == "<|impressive"
    assert stream.feed(b" end<|im_end|> more") == " end"
    assert stream.stopped and stream.feed(b"x") == "" and stream.flush() == ""


# -- thinking ----------------------------------------------------------------------------------------
THINK, MISTRAL, HARMONY = thinking_markers.THINK, thinking_markers.MISTRAL, thinking_markers.HARMONY
MARKERS = [THINK, MISTRAL, HARMONY]


def _split_whole(text: str, stops, markers, opened) -> tuple[str, str, bool]:
    """What the stream must give for `text` (thinking, answer, stopped), worked out on the whole text."""

    def first_stop(s: str) -> int:
        return min((at for at in (s.find(x) for x in stops) if at >= 0), default=-1)

    current = opened
    if current is None and markers:
        rest = text.lstrip()
        current = next((m for m in markers if rest.startswith(m.open)), None)
        header = next((h for m in markers for h in m.answer_headers if rest.startswith(h)), None)
        if current is not None:
            text = rest[len(current.open) :]
        elif header is not None:
            text = rest[len(header) :]
    thinking = ""
    if current is not None:
        text = text.lstrip()
        if opened is not None and text.startswith(current.open):
            text = text[len(current.open) :]
        close, stop = text.find(current.close), first_stop(text)
        if stop >= 0 and (close < 0 or stop < close):
            return text[:stop].strip(), "", True
        if close < 0:
            return text.strip(), "", False
        thinking, text = text[:close].strip(), text[close + len(current.close) :].lstrip()
        header = next((h for h in current.answer_headers if text.startswith(h)), None)
        if header is not None:
            text = text[len(header) :].lstrip()
    stop = first_stop(text)
    return (thinking, text[:stop], True) if stop >= 0 else (thinking, text, False)


def _run_split(stream: TextStream, chunks: list[bytes]) -> tuple[list, str, str]:
    pieces = []
    for chunk in chunks:
        pieces += stream.feed_pieces(chunk)
        if stream.stopped:
            break
    pieces += stream.flush_pieces()
    thinking = "".join(p.text for p in pieces if p.thinking)
    answer = "".join(p.text for p in pieces if not p.thinking)
    return pieces, thinking, answer


marked_text = st.lists(
    st.sampled_from(
        ["<think>", "</think>", "[THINK]", "[/THINK]", "<|channel|>analysis<|message|>", "<|end|>"]
        + ["<|start|>assistant<|channel|>final<|message|>", "<|channel|>final<|message|>", "<|im_end|>"]
        + list("ab<|>/[]_thinkendTHINK \n大🙂")
    ),
    max_size=30,
).map("".join)


@settings(max_examples=600, deadline=None)
@given(
    text=marked_text,
    cuts=st.lists(st.integers(min_value=0, max_value=600), max_size=14),
    stops=st.sets(st.sampled_from(["<|im_end|>", "<|end|>", "ab"])),
    opened=st.sampled_from([None, THINK, MISTRAL, HARMONY]),
)
def test_thinking_and_answer_come_out_as_the_whole_text_says_however_it_is_chunked(text, cuts, stops, opened):
    stream = TextStream(sorted(stops), thinking=MARKERS, opened=opened)
    pieces, thinking, answer = _run_split(stream, _chunks(text.encode("utf-8"), cuts))
    assert (thinking, answer, stream.stopped) == _split_whole(text, sorted(stops), MARKERS, opened)
    assert not any(s in p.text for p in pieces for s in stops)  # a stop string never leaks
    assert all(p.text for p in pieces)
    # thinking only comes first
    assert [p.thinking for p in pieces] == sorted((p.thinking for p in pieces), reverse=True)


plain = st.text(alphabet=st.sampled_from(list("ab<>/[]|thinkTHINK \n大🙂")), max_size=40)


@settings(max_examples=400, deadline=None)
@given(
    thought=plain,
    answer=plain,
    cuts=st.lists(st.integers(min_value=0, max_value=400), max_size=12),
    markers=st.sampled_from(MARKERS),
    prompt_opened=st.booleans(),
)
def test_thinking_then_answer_reassemble_exactly(thought, answer, cuts, markers, prompt_opened):
    assume(markers.close not in thought and markers.open not in thought.lstrip()[: len(markers.open)])
    assume(not any(answer.lstrip().startswith(h) for h in markers.answer_headers))
    text = ("" if prompt_opened else markers.open) + thought + markers.close + answer
    stream = TextStream(["<|im_end|>"], thinking=MARKERS, opened=markers if prompt_opened else None)
    _, thinking, reply = _run_split(stream, _chunks(text.encode("utf-8"), cuts))
    assert thinking == thought.strip()
    assert reply == answer.lstrip()


@settings(max_examples=300, deadline=None)
@given(text=marked_text, cuts=st.lists(st.integers(min_value=0, max_value=600), max_size=14))
def test_without_markers_every_marker_is_just_text(text, cuts):
    stream = TextStream()
    _, thinking, answer = _run_split(stream, _chunks(text.encode("utf-8"), cuts))
    assert (thinking, answer) == ("", text)


def test_a_reply_that_thinks_first():
    stream = TextStream(["<|im_end|>"], thinking=[THINK])
    assert stream.feed_pieces(b"<th") == []
    assert stream.feed_pieces(b"ink>\nLet me see") == [Piece("Let me see", thinking=True)]
    assert stream.thinking
    assert stream.feed_pieces(b". </thi") == [Piece(".", thinking=True)]
    assert stream.feed_pieces(b"nk>\n\nHello <think> there<|im_end|>") == [Piece("Hello <think> there")]
    assert stream.stopped and not stream.thinking


def test_a_prompt_that_opens_the_thinking_starts_the_reply_inside_it():
    stream = TextStream(thinking=[THINK], opened=THINK)
    assert stream.feed_pieces(b"Hmm") == [Piece("Hmm", thinking=True)]
    assert stream.feed_pieces(b"</think>Hi") == [Piece("Hi")]
    # a model that writes the opening marker again anyway
    stream = TextStream(thinking=[THINK], opened=THINK)
    assert stream.feed_pieces(b"<think>\nHmm") == [Piece("Hmm", thinking=True)]
    # the reply ends before the thinking does: all of it is thinking
    stream = TextStream(thinking=[THINK], opened=THINK)
    assert stream.feed_pieces(b"Still thinking ") + stream.flush_pieces() == [Piece("Still thinking", thinking=True)]


def test_gpt_oss_harmony_channels():
    stream = TextStream(["<|end|>", "<|return|>"], thinking=[HARMONY])
    text = "<|channel|>analysis<|message|>User says hi.<|end|><|start|>assistant<|channel|>final<|message|>Hello!"
    _, thinking, answer = _run_split(stream, [c.encode() for c in text])  # one character at a time
    assert (thinking, answer) == ("User says hi.", "Hello!")
    stream = TextStream(["<|end|>"], thinking=[HARMONY])  # no analysis: straight to the final channel
    assert stream.feed_pieces(b"<|channel|>final<|message|>Hi<|end|>") == [Piece("Hi")]


def test_mistral_reasoning_markers():
    stream = TextStream(["</s>"], thinking=[MISTRAL])
    assert stream.feed_pieces(b"[THINK]2+2=4[/THINK]4</s>") == [Piece("2+2=4", thinking=True), Piece("4")]


def test_feed_and_flush_give_only_the_answer():
    stream = TextStream(thinking=[THINK])
    assert stream.feed(b"<think>x</think>") == ""
    assert stream.feed(b"y") == "y" and stream.flush() == ""
