"""Fuzzing the loaders: any input yields a model or a clean user error, never a crash."""

from __future__ import annotations

import copy

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from maturity import api
from maturity.errors import DataValidationError, InputError, MaturityError
from maturity.load.yamlio import loads
from maturity.resources import example_path
from tests.strategies import examples

EXAMPLE = yaml.safe_load(example_path().read_text(encoding="utf-8"))
FUZZ = settings(
    max_examples=examples(150),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**6), 10**6),
    st.floats(allow_nan=True),
    st.text(max_size=20),
    st.sampled_from(["", "是", "８０％", "1,2", "none", "<b>x</b>", "=1+1"]),
)
values = st.recursive(
    scalars,
    lambda kids: st.one_of(
        st.lists(kids, max_size=4), st.dictionaries(st.text(max_size=8), kids, max_size=4)
    ),
    max_leaves=12,
)


@FUZZ
@given(st.text(max_size=400))
def test_any_text_loads_or_fails_cleanly(text):
    try:
        loads(text, "fuzz.yaml")
    except (DataValidationError, InputError):
        pass


@FUZZ
@given(st.binary(max_size=400))
def test_any_bytes_validate_cleanly(tmp_path_factory, data):
    p = tmp_path_factory.mktemp("fz") / "x.yaml"
    p.write_bytes(data)
    issues, kinds = api.validate_paths([p])
    assert len(kinds) == 1
    if kinds[0][1] == "?":  # unreadable or unrecognised: said so, with the file named
        assert issues and all(i.file == str(p) for i in issues)


def _mutate(doc: dict, path: list, value):
    node = doc
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value


_PATHS = [
    ["questionnaire"],
    ["questionnaire_version"],
    ["enterprise"],
    ["enterprise", "name"],
    ["enterprise", "sub_sector"],
    ["enterprise", "credit_code"],
    ["enterprise", "size"],
    ["created_at"],
    ["answers"],
] + [["answers", qid] for qid in list(EXAMPLE["answers"])[:40]]


@FUZZ
@given(st.lists(st.tuples(st.sampled_from(_PATHS), values), min_size=1, max_size=4))
def test_mutated_answers_score_or_fail_cleanly(tmp_path_factory, mutations):
    doc = copy.deepcopy(EXAMPLE)
    for path, value in mutations:
        try:
            _mutate(doc, path, value)
        except (TypeError, KeyError, IndexError):
            continue  # an earlier mutation replaced a parent with a scalar
    p = tmp_path_factory.mktemp("fz") / "answers.yaml"
    try:
        p.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    except yaml.YAMLError:
        return
    try:
        result = api.assess_file(p)
    except MaturityError:
        return
    assert 0 <= result.score <= 100
    assert result.level.id in {lv.id for lv in api.scheme().levels}
