"""The reply text stream: whole UTF-8 characters, and never a stop string (property-tested)."""

from hypothesis import given, settings
from hypothesis import strategies as st

from assistant.engine.text_stream import TextStream

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
