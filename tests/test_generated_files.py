"""docs/schema/*.schema.json are the published JSON Schemas; they must match the models."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from maturity import api

DOCS = Path(__file__).resolve().parent.parent / "docs" / "schema"


@pytest.mark.parametrize("kind", sorted(api.json_schemas()))
def test_published_schema_is_current(kind):
    published = json.loads((DOCS / f"{kind}.schema.json").read_text(encoding="utf-8"))
    assert published == api.json_schemas()[kind], (
        f"docs/schema/{kind}.schema.json is stale: regenerate with "
        f"`maturity schema {kind} -o docs/schema/{kind}.schema.json --force`"
    )


def test_catalog_claims_doc_is_current():
    from maturity.advice.claims import claims_markdown
    from maturity.load import bundled

    doc = Path(__file__).resolve().parent.parent / "docs" / "catalog-claims.md"
    want = claims_markdown(bundled.scheme("light-industry").questionnaire, bundled.catalog("light-industry"))
    assert doc.read_text(encoding="utf-8") == want, (
        "docs/catalog-claims.md is stale: regenerate with `python -m maturity.advice.claims > docs/catalog-claims.md`"
    )
