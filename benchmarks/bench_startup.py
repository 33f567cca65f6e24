"""Start-up: `maturity --help` vs `python -c "import typer, rich"` (target ≤ 1.3×)."""

from __future__ import annotations

import compileall
import shutil
import statistics
import sys
from pathlib import Path

from _common import command_times, print_table, row


def main(repeat: int = 15) -> list[tuple]:
    # The baseline's modules have .pyc files (pip compiles on install); an editable checkout run with
    # PYTHONDONTWRITEBYTECODE would recompile ours on every start. Compare like with like.
    import maturity

    compileall.compile_dir(Path(maturity.__file__).parent, quiet=1)
    exe = shutil.which("maturity") or str(Path(sys.executable).parent / "maturity")
    base_cmd = [sys.executable, "-c", "import typer, rich"]
    help_cmd = [exe, "--help"]
    command_times(base_cmd, 2)  # warm the file cache
    command_times(help_cmd, 2)
    base, ours = [], []
    for _ in range(repeat):  # interleave so that machine noise hits both alike
        base += command_times(base_cmd, 1)
        ours += command_times(help_cmd, 1)
    b, o = statistics.median(base), statistics.median(ours)
    return [
        row(
            "maturity --help（中位数）",
            f"{o * 1000:.0f} ms",
            f"import typer, rich：{b * 1000:.0f} ms",
            f"{o / b:.2f}×",
            "≤ 1.3×",
            o / b <= 1.3,
        )
    ]


if __name__ == "__main__":
    print_table("启动时间", main())
