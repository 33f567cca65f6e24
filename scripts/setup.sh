#!/usr/bin/env bash
# Set up maturity from scratch on Debian/Ubuntu: system libraries for the PDF report, then a
# virtual environment in .venv with the package (editable), its test tools and the cluster extra
# (dask.distributed, for `maturity batch --cluster` and its tests).
#   bash scripts/setup.sh            # system packages + .venv
#   SKIP_APT=1 bash scripts/setup.sh # only the Python part (e.g. no root; libraries already present)
#   EXTRA_APT_PACKAGES="libreoffice-calc-nogui" bash scripts/setup.sh  # also what CI installs
set -euo pipefail
cd "$(dirname "$0")/.."

# Pango/HarfBuzz for WeasyPrint; libharfbuzz-subset0 makes CJK font subsetting 8-15x faster;
# poppler-utils (pdffonts, pdftotext, pdftoppm) for the PDF checks in the tests.
# EXTRA_APT_PACKAGES adds more (CI adds LibreOffice for the spreadsheet round-trip test).
APT_PACKAGES=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fontconfig poppler-utils)
# shellcheck disable=SC2206
APT_PACKAGES+=(${EXTRA_APT_PACKAGES:-})

missing=()
if command -v dpkg-query >/dev/null 2>&1; then
  for p in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
fi
if [ "${SKIP_APT:-0}" != "1" ] && [ ${#missing[@]} -gt 0 ]; then
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "需要系统软件包：${missing[*]}（非 Debian 系统请用本机的包管理器安装；见 README）" >&2
    exit 1
  fi
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  echo "安装系统软件包：${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

PY="${PYTHON:-python3}"
if ! "$PY" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
  echo "需要 Python 3.11 或更高版本（当前：$("$PY" --version 2>&1)）" >&2
  exit 1
fi
[ -x .venv/bin/python ] || "$PY" -m venv .venv
.venv/bin/python -m pip install -q --disable-pip-version-check --upgrade pip
.venv/bin/python -m pip install -q --disable-pip-version-check -e ".[test,cluster]"
echo "安装完成：.venv/bin/maturity"
