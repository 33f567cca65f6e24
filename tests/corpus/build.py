"""Regenerate the bad-input corpus: `python tests/corpus/build.py`.

Each file in files/ is a hostile or broken input; expected.yaml says what the CLI
must do with it (exit status and words the message must contain). Large or binary
inputs are made at test time instead (see tests/test_bad_inputs.py).
"""

from __future__ import annotations

import copy
from pathlib import Path

import yaml

HERE = Path(__file__).parent
ROOT = HERE.parent.parent
FILES = HERE / "files"
EXAMPLE = yaml.safe_load((ROOT / "examples" / "furniture-example.yaml").read_text(encoding="utf-8"))


def answers(mutate) -> str:
    doc = copy.deepcopy(EXAMPLE)
    mutate(doc)
    return yaml.safe_dump(doc, allow_unicode=True, sort_keys=False, default_flow_style=False)


def setter(*path_and_value):
    *path, value = path_and_value

    def mutate(doc):
        node = doc
        for key in path[:-1]:
            node = node[key]
        node[path[-1]] = value

    return mutate


def deleter(*path):
    def mutate(doc):
        node = doc
        for key in path[:-1]:
            node = node[key]
        del node[path[-1]]

    return mutate


CASES: dict[str, tuple[str | bytes, dict]] = {
    # --- YAML syntax and safety -------------------------------------------------------------
    "malformed.yaml": (
        "questionnaire: light-industry\nenterprise: {name: 甲, sub_sector: furniture\nanswers: {}\n",
        {"exit": 1, "contains": ["YAML 语法错误", "malformed.yaml:"]},
    ),
    "tabs.yaml": (
        "questionnaire: light-industry\nenterprise:\n\tname: 甲\n",
        {"exit": 1, "contains": ["制表符", ":3:"]},
    ),
    "duplicate-keys.yaml": (
        answers(lambda d: None).replace("answers:\n", "answers:\n  RD-02: 10\n", 1),
        {"exit": 1, "contains": ["重复的键", "RD-02"]},
    ),
    "empty.yaml": ("", {"exit": 1, "contains": ["文件为空"]}),
    "only-comments.yaml": ("# 只有注释\n# nothing else\n", {"exit": 1, "contains": ["文件为空"]}),
    "python-object.yaml": (
        "enterprise: !!python/object/apply:os.system ['touch /tmp/pwned']\n",
        {"exit": 1, "contains": ["不允许的 YAML 标签"]},
    ),
    "python-name.yaml": (
        "answers: !!python/name:builtins.eval\n",
        {"exit": 1, "contains": ["不允许的 YAML 标签"]},
    ),
    "alias-bomb.yaml": (
        "a: &a [x,x,x,x,x,x,x,x,x,x]\n"
        + "".join(
            f"{chr(98 + i)}: &{chr(98 + i)} [{','.join(['*' + chr(97 + i)] * 10)}]\n" for i in range(7)
        ),
        {"exit": 1, "contains": ["别名"]},
    ),
    "recursive-alias.yaml": ("a: &a [1, *a]\n", {"exit": 1, "contains": ["循环引用"]}),
    "deep-nesting.yaml": ("a: " + "[" * 3000 + "]" * 3000 + "\n", {"exit": 1, "contains": ["嵌套层数过深"]}),
    "scalar-document.yaml": ("just a string\n", {"exit": 1, "contains": ["无法识别的文件"]}),
    "list-document.yaml": ("- a\n- b\n", {"exit": 1, "contains": ["无法识别的文件"]}),
    "gbk-encoded.yaml": (answers(lambda d: None).encode("gb18030"), {"exit": 1, "contains": ["UTF-8"]}),
    "renamed-notes.txt": (
        "这是一份会议纪要，不是答卷。\n参会人：张三、李四\n",
        {"exit": 1, "contains": ["无法识别的文件"]},
    ),
    "trailing-comma.json": (
        '{"questionnaire": "light-industry", "answers": {"RD-01": "2",}}',
        {"exit": 1, "contains": ["JSON 语法错误", ":1:"]},
    ),
    # --- wrong shapes and types -------------------------------------------------------------
    "enterprise-is-list.yaml": (
        answers(setter("enterprise", ["甲", "乙"])),
        {"exit": 1, "contains": ["enterprise", "键值映射"]},
    ),
    "missing-name.yaml": (
        answers(deleter("enterprise", "name")),
        {"exit": 1, "contains": ["enterprise.name", "缺少必填字段"]},
    ),
    "unknown-field.yaml": (
        answers(setter("enterprise", "colour", "红")),
        {"exit": 1, "contains": ["未知字段", "colour"]},
    ),
    "bad-timestamp.yaml": (
        answers(setter("created_at", "昨天下午")),
        {"exit": 1, "contains": ["created_at", "日期时间"]},
    ),
    "version-as-number.yaml": (
        answers(setter("questionnaire_version", 1.0)),
        {"exit": 1, "contains": ["questionnaire_version"]},
    ),
    "string-condition.yaml": (
        "id: x-rules\nversion: 1.0.0\nquestionnaire: light-industry\nquestionnaire_version: 1.0.0\n"
        "title: 规则\nlevel_bands: [{level: L1, min_score: 0}]\n"
        "gates:\n  - {id: g, level: L2, title: 门槛, when: \"score > 60 and __import__('os')\"}\n",
        {"exit": 1, "contains": ["条件须以", ":8:"]},
    ),
    # --- dangling references and impossible rules ------------------------------------------------
    "unknown-questionnaire.yaml": (
        answers(setter("questionnaire", "no-such-questionnaire")),
        {"exit": 1, "contains": ["未知问卷 no-such-questionnaire"]},
    ),
    "traversal-questionnaire-id.yaml": (
        answers(setter("questionnaire", "../../etc/passwd")),
        {"exit": 1, "contains": ["questionnaire", "格式不符"]},
    ),
    "other-version.yaml": (
        answers(setter("questionnaire_version", "0.9.0")),
        {"exit": 1, "contains": ["0.9.0", "版本"]},
    ),
    "unknown-question.yaml": (
        answers(setter("answers", "ZZ-99", "a")),
        {"exit": 1, "contains": ["没有题目 ZZ-99"]},
    ),
    "unknown-option.yaml": (
        answers(setter("answers", "RD-03", "hologram")),
        {"exit": 1, "contains": ["RD-03", "不是本题的选项"]},
    ),
    "unknown-sub-sector.yaml": (
        answers(setter("enterprise", "sub_sector", "spaceships")),
        {"exit": 1, "contains": ["未知子行业 spaceships"]},
    ),
    "out-of-range.yaml": (
        answers(setter("answers", "RD-02", 180)),
        {"exit": 1, "contains": ["RD-02", "不大于 100"]},
    ),
    "negative-percent.yaml": (
        answers(setter("answers", "RD-02", -5)),
        {"exit": 1, "contains": ["RD-02", "不小于 0"]},
    ),
    "infinite-number.yaml": (
        answers(setter("answers", "RD-02", "1e400")),
        {"exit": 1, "contains": ["RD-02", "有效数字"]},
    ),
    "nan-number.yaml": (
        answers(setter("answers", "RD-02", ".nan")).replace("'.nan'", ".nan"),
        {"exit": 1, "contains": ["RD-02", "有效数字"]},
    ),
    "list-for-single.yaml": (
        answers(setter("answers", "RD-01", ["1", "2"])),
        {"exit": 1, "contains": ["RD-01", "只能选一项"]},
    ),
    "na-without-reason.yaml": (
        answers(setter("answers", "SC-05", {"na": True})),
        {"exit": 1, "contains": ["SC-05", "理由"]},
    ),
    "na-not-allowed.yaml": (
        answers(setter("answers", "RD-01", {"na": True, "justification": "不想答"})),
        {"exit": 1, "contains": ["RD-01", "不允许"]},
    ),
    "na-and-value.yaml": (
        answers(setter("answers", "SC-05", {"na": True, "justification": "无", "value": "2"})),
        {"exit": 1, "contains": ["SC-05", "不能同时有答案"]},
    ),
    "bad-credit-code.yaml": (
        answers(setter("enterprise", "credit_code", "91360703MA3EXMPL0X")),
        {"exit": 1, "contains": ["统一社会信用代码无效"]},
    ),
    "credit-code-wrong-length.yaml": (
        answers(setter("enterprise", "credit_code", "12345")),
        {"exit": 1, "contains": ["18 位"]},
    ),
    # --- accepted where a user would expect it ----------------------------------------------
    "fullwidth-digits.yaml": (
        answers(setter("answers", "RD-02", "８０％")),
        {"exit": 0, "contains": ["全部通过"]},
    ),
    "number-as-text.yaml": (answers(setter("answers", "RD-02", "80")), {"exit": 0, "contains": ["全部通过"]}),
    "option-label.yaml": (
        answers(setter("answers", "SC-05", {"na": True, "justification": "无外协加工"})),
        {"exit": 0, "contains": ["全部通过"]},
    ),
    "emoji-and-controls.yaml": (
        answers(setter("enterprise", "name", "南康🪑家具\x07有限公司\x1b[31m")),
        {"exit": 0, "contains": ["全部通过"]},
    ),
    "bom.yaml": ("\ufeff" + answers(lambda d: None), {"exit": 0, "contains": ["全部通过"]}),
    "utf16.yaml": (answers(lambda d: None).encode("utf-16"), {"exit": 0, "contains": ["全部通过"]}),
    "crlf.yaml": (answers(lambda d: None).replace("\n", "\r\n"), {"exit": 0, "contains": ["全部通过"]}),
    "html-in-name.yaml": (
        answers(setter("enterprise", "name", "<script>alert(1)</script>家具厂")),
        {"exit": 0, "contains": ["全部通过"]},
    ),
}


def main() -> None:
    FILES.mkdir(exist_ok=True)
    for old in FILES.iterdir():
        old.unlink()
    expected = {}
    for name, (content, expect) in CASES.items():
        path = FILES / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_bytes(content.encode("utf-8"))
        expected[name] = expect
    (HERE / "expected.yaml").write_text(
        "# Generated by build.py: what `maturity validate FILE` must do with each corpus file.\n"
        + yaml.safe_dump(expected, allow_unicode=True, sort_keys=False),
        encoding="utf-8",
    )
    print(f"{len(CASES)} files in {FILES}")


if __name__ == "__main__":
    main()
