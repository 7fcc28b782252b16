"""The prompt builder (context fitting + the model's chat template) over any text people may type."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assistant.engine import ChatMessage
from assistant.memory import Memory, Turn, plan_window
from assistant.models import choose_template, read_info
from tests.starter import starter_path

TEMPLATE = choose_template(read_info(starter_path()))
# Any unicode, surrogates and control characters included, plus the usual suspects.
ANY_TEXT = st.one_of(
    st.text(alphabet=st.characters(codec=None), max_size=200),
    st.sampled_from(
        ["\x00\x01\x1b[31m", "مرحبا بالعالم", "👩‍👩‍👧‍👦🏳️‍🌈", "大模型很好用", "\ud800", "{{ 7*7 }}", "{% raw %}"]
    ),
)


def _turns(texts):
    turns = [Turn(i, "user" if i % 2 == 0 else "assistant", t) for i, t in enumerate(texts)]
    return [*turns, Turn(len(texts), "user", texts[-1] if texts else "hi")]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts=st.lists(ANY_TEXT, min_size=1, max_size=8), system=st.one_of(st.none(), ANY_TEXT))
def test_any_text_renders_and_fits(texts, system):
    history = _turns(texts)

    def messages(system, chat: list[ChatMessage]):
        head = [{"role": "system", "content": system}] if system else []
        return head + [{"role": m.role, "content": m.content} for m in chat]

    def count(system, chat):
        return len(TEMPLATE.render(messages(system, chat)).encode("utf-8", errors="replace")) // 3 + 1

    plan = plan_window(history, Memory(system_prompt=system or None), count=count, n_ctx=100_000, reserve=100)
    prompt = TEMPLATE.render(messages(plan.system, plan.history))
    for message in messages(plan.system, plan.history):
        assert message["content"] in prompt  # text is passed through, never interpreted as template code
    assert prompt.endswith("<|im_start|>assistant\n")
