"""Sub-sector modules: each family's firms are asked their own module, and no other family's."""

from __future__ import annotations

import pytest

from maturity.interview.session import Session
from maturity.models.answers import Enterprise
from tests.interview.driver import questionnaire, walk

# one firm per family; the family's module tag and the sub-sector the firm is in
FAMILIES = {
    "paper": "paper",
    "daily-chem": "daily-chem",
    "leather": "leather",
    "appliance": "appliance",
    "furniture": "furniture",
    "battery": "battery-pack",
    "plastics": "plastics-extrusion",
    "hardware": "hardware",
}


def _module(x) -> str | None:
    return next((t.removeprefix("module-") for t in x.tags if t.startswith("module-")), None)


@pytest.mark.parametrize("family", sorted(FAMILIES))
def test_interview_asks_the_firms_own_module(family):
    q = questionnaire()
    firm = Enterprise(name="测试企业", sub_sector=FAMILIES[family], size="small", region="江西省")
    _, asked, _ = walk(q, Session(q, firm))
    modules = [_module(q.question(qid)) for qid in asked if _module(q.question(qid))]
    assert set(modules) == {family}
    assert 3 <= len(modules) <= 5
    core = [qid for qid in asked if not _module(q.question(qid))]
    ai = [qid for qid in core if q.question(qid).dimension == "ai"]
    assert len(ai) == 7  # the AI-and-data block is on every firm's path
    # every module question the firm was asked is scored in a dimension of the questionnaire
    assert all(
        q.question(qid).scored and q.question(qid).dimension in q.dimension_map
        for qid in asked
        if _module(q.question(qid))
    )


def test_firms_outside_the_families_see_no_module():
    q = questionnaire()
    firm = Enterprise(name="测试企业", sub_sector="eyewear", size="small", region="江西省")
    _, asked, _ = walk(q, Session(q, firm))
    assert not [qid for qid in asked if _module(q.question(qid))]


def test_every_module_question_names_only_known_sub_sectors_and_one_family():
    q = questionnaire()
    mods = [x for x in q.questions if "module" in x.tags]
    assert len({_module(x) for x in mods}) >= 8
    for x in mods:
        assert x.applies_to is not None and x.applies_to.sub_sectors
        assert set(x.applies_to.sub_sectors) <= set(q.sub_sector_map)
        assert sum(1 for t in x.tags if t.startswith("module-")) == 1
