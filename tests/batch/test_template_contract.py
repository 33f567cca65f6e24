"""A filled batch sheet names its answers by the option's text, so within one questionnaire version those texts are
a contract with every template already handed out: a label changed under the same version refuses the rows filled
with the old text. The labels of each bundled version are recorded in labels/; one changed or removed fails here
(add options freely; to reword one, bump the questionnaire version and add a migration)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from maturity.load import bundled

LABELS = Path(__file__).parent / "labels"


@pytest.mark.parametrize("qid", ["light-industry", "miit-2024"])
def test_option_texts_of_a_questionnaire_version_never_change(qid):
    q = bundled.scheme(qid).questionnaire
    now = {f"{x.id}={o.value}": o.label for x in q.questions for o in q.options_of(x)}
    path = LABELS / f"{qid}-{q.version}.json"
    if not path.exists():
        if not os.environ.get("MATURITY_UPDATE_GOLDEN"):
            pytest.fail(
                f"{path.name} missing: a new questionnaire version records its labels with MATURITY_UPDATE_GOLDEN=1"
            )
        path.write_text(
            json.dumps(now, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8"
        )
    recorded = json.loads(path.read_text(encoding="utf-8"))
    changed = {k: (old, now.get(k)) for k, old in recorded.items() if now.get(k) != old}
    assert not changed, (
        f"option texts of {qid} {q.version} changed or removed (filled spreadsheets would be refused): {changed}; "
        "keep them, or bump the questionnaire version with a migration"
    )
