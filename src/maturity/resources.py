"""Where the bundled data lives: the installed wheel, or the development checkout."""

from __future__ import annotations

from functools import cache
from pathlib import Path

DATA_DIRS = ("questionnaires", "scoring_rules", "report_templates", "examples")


@cache
def data_root() -> Path:
    """The folder holding questionnaires/, scoring_rules/, report_templates/ and examples/.

    In a wheel they are shipped as ``maturity/_data``; in a checkout (``pip install -e .``)
    they are the top-level folders of the repository, the only copies anyone edits.
    """
    here = Path(__file__).resolve().parent
    packaged = here / "_data"
    if (packaged / "questionnaires").is_dir():
        return packaged
    checkout = here.parent.parent
    if (checkout / "questionnaires").is_dir() and (checkout / "pyproject.toml").is_file():
        return checkout
    raise RuntimeError(f"bundled data not found next to {here}")  # a packaging bug, not a user error


def data_dir(name: str) -> Path:
    assert name in DATA_DIRS, name
    return data_root() / name


def example_path() -> Path:
    return data_dir("examples") / "furniture-example.yaml"
