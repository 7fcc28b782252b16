"""The prompt builder (context fitting + the model's chat template) over any text people may type."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assistant.memory import fit_messages
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
    return [{"role": "user" if i % 2 == 0 else "assistant", "content": t} for i, t in enumerate(texts)] + [
        {"role": "user", "content": texts[-1] if texts else "hi"}
    ]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts=st.lists(ANY_TEXT, min_size=1, max_size=8), system=st.one_of(st.none(), ANY_TEXT))
def test_any_text_renders_and_fits(texts, system):
    history = _turns(texts)

    def count(messages):
        return len(TEMPLATE.render(messages).encode("utf-8", errors="replace")) // 3 + 1

    fit = fit_messages(history, system_prompt=system or None, count_tokens=count, n_ctx=100_000, reserve=100)
    prompt = TEMPLATE.render(fit.messages)
    for message in fit.messages:
        assert message["content"] in prompt  # text is passed through, never interpreted as template code
    assert prompt.endswith("<|im_start|>assistant\n")
