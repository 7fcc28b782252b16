"""The engine sends a reply's text a few tokens at a time: the first piece at once, then at most one
pipe write per interval, thinking and answer never joined, nothing left behind at the end."""

from assistant.engine.pipe import TextEvent
from assistant.engine.text_sender import TextSender


class Conn:
    def __init__(self):
        self.sent = []

    def send(self, event):
        self.sent.append(event)


def test_pieces_are_joined_between_sends_and_flushed_at_the_end():
    now = [0.0]
    conn = Conn()
    sender = TextSender(conn, interval=0.02, clock=lambda: now[0])
    sender.add("Hel")  # the first piece: at once
    for piece, at in (("lo", 0.005), (",", 0.010), (" wor", 0.021), ("ld", 0.025)):
        now[0] = at
        sender.add(piece)
    assert conn.sent == [TextEvent("Hel"), TextEvent("lo, wor")]
    sender.flush()
    sender.flush()  # nothing pending: nothing sent
    assert conn.sent[-1] == TextEvent("ld") and len(conn.sent) == 3


def test_thinking_and_answer_are_sent_apart():
    conn = Conn()
    sender = TextSender(conn, interval=10, clock=lambda: 0.0)
    sender.add("Let me think", thinking=True)
    sender.add(" more", thinking=True)
    sender.add("The answer")
    sender.flush()
    thinking = [TextEvent("Let me think", thinking=True), TextEvent(" more", thinking=True)]
    assert conn.sent == [*thinking, TextEvent("The answer")]
