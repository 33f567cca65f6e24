"""The interview's own messages (prompts, commands, errors) in Chinese and English.

Questionnaire content (questions, options, help) stays in the questionnaire's language;
only what the CLI itself says is translated. ``Messages(lang)(key, **kw)`` formats one.
"""

from __future__ import annotations

from typing import Any

LANGS = ("zh", "en")

_ZH: dict[str, str] = {
    # start
    "choose_questionnaire": "请选择问卷（回车 = {default}）：",
    "q_item": "{n}. {title}（{id}，共 {count} 道题，只问适用于本企业的题目）",
    "profile_title": "企业基本信息",
    "ask_name": "企业名称：",
    "name_required": "企业名称不能为空。",
    "name_too_long": "企业名称最多 100 个字。",
    "ask_sub_sector": "所属细分行业（输入编号）：",
    "ask_size": "企业规模（输入编号，或直接输入从业人数、营业收入，如 30人、营收1500万；回车跳过）：",
    "size_staff": "从业人员 {n} 人",
    "size_revenue": "营业收入 {n} 万元",
    "size_is": "按{figures}，属于{band}企业（《中小企业划型标准规定》工业标准）",
    "size_lower": "；若{condition}，则低一档。",
    "size_confirm": "回车 = 确认，或输入编号改选：",
    "size_unknown": "请输入 1–{hi} 的编号，或从业人数、营业收入（如 30人、营收1500万），回车跳过。",
    "ask_contact": "联系人及电话（回车跳过）：",
    "ask_assessor": "评估人（如本企业负责人或数字专员姓名，回车跳过）：",
    "ask_region": "所在地区（如 江西省赣州市南康区，回车跳过）：",
    "ask_credit": "统一社会信用代码（18 位，回车跳过）：",
    "credit_bad": "统一社会信用代码无效：{problem}。请重新输入，或直接回车跳过。",
    "industry_is": "按所选行业，本企业属于{itype}行业，将只提问适用的题目。",
    "pick_number": "请输入 {lo}–{hi} 之间的编号。",
    "will_save": "答卷保存在：{path}（每答一题自动保存）",
    "ask_mixed": "后段是否有离散的灌装、复卷分切或包装线（如日化配制+灌装、造纸+复卷分切、食品加工+包装）？"
    "有则按混合型提问，流程型和离散型的题目都问 [y/N]：",
    "path_core": "核心问卷：本企业共 {n} 道题（含行业专题 {module} 道），约 {minutes} 分钟。"
    "现场评估可用 maturity assess --full 回答完整问卷（本企业 {full} 道题，约 {full_minutes} 分钟）。",
    "path_full": "完整问卷：本企业共 {n} 道题（含行业专题 {module} 道），约 {minutes} 分钟。",
    "path_left": "还剩 {n} 道题，约 {minutes} 分钟。",
    "exists_choice": "文件已存在：{path}\n  1. 继续填写这份答卷\n  2. 另存为新文件 {alt}\n  3. 覆盖（原答卷将丢失）\n请选择（回车 = 1）：",
    "exists_choice_other": "文件已存在：{path}（属于其他问卷或无法读取）\n  1. 另存为新文件 {alt}\n  2. 覆盖（原文件将丢失）\n请选择（回车 = 1）：",
    "overwrite_confirm": "确认覆盖 {path}？输入 yes 确认：",
    "not_overwritten": "未覆盖，已退出。",
    # interview
    "progress": "第 {n}/{total} 题 · {dimension}",
    "progress_review": "第 {n}/{total} 题 · {dimension} · 修改",
    "current_answer": "当前答案：{answer}",
    "multi_hint": "可多选，用逗号分隔，如 1,3,4",
    "single_hint": "输入选项编号",
    "number_hint": "输入数值{range}",
    "number_range": "（{range}）",
    "lang_scope": "",
    "text_hint": "输入文字（可留空）",
    "na_option": "n. 不适用",
    "keep_hint": "直接回车 = 保留当前答案",
    "commands": "b=上一题  s=跳过  r=回顾  q=保存并退出  ?=帮助",
    "help": (
        "操作说明：\n"
        "  数字      选择对应选项；多选题用逗号分隔，如 1,3,4\n"
        "  n         本题不适用（仅部分题目允许，需说明理由）\n"
        "  回车      已有答案时保留当前答案并进入下一题\n"
        "  b         返回上一题\n"
        "  s         跳过本题，稍后再答（完成前会提醒）\n"
        "  r         回顾全部答案，可跳到任一题修改\n"
        "  f         结束答题并查看结果\n"
        "  q         保存并退出，以后用 {command} 继续\n"
        "每答一题都会立即保存，断电或关闭窗口最多丢失当前这一题。"
    ),
    "source_line": "出处：{source}{basis}",
    "empty_input": "请输入答案；不确定可输入 s 跳过，稍后再答。",
    "bad_option": "“{text}”不是有效的选项编号，请输入 1–{hi} 之间的编号。",
    "na_not_allowed": "本题不能选“不适用”。",
    "implausible": "{value} 明显高于大多数企业（通常不超过 {limit}），请再核对一下。确认无误请回车或输入 y，重新输入请输入 n：",
    "ask_justification": "请简要说明不适用的理由：",
    "justification_required": "选择“不适用”须说明理由（输入 c 取消）。",
    "first_question": "已经是第一题。",
    "saved_answer": "已保存。",
    "skipped": "已跳过，稍后再答。",
    "na_saved": "已记为不适用：{justification}",
    # review / finish
    "review_title": "答案回顾（已答 {answered}/{total} 题）",
    "review_prompt": "输入序号修改该题，回车返回答题：",
    "review_prompt_done": "输入序号修改该题；回车 = 完成并查看结果：",
    "status_unanswered": "未答",
    "status_skipped": "已跳过",
    "status_optional": "（选填，未填）",
    "status_na": "不适用（{justification}）",
    "pending": "还有 {n} 道题未答：{ids}",
    "pending_prompt": "回车 = 现在补答，f = 就此完成（未答题按 0 分计），r = 回顾：",
    "all_done": "全部 {total} 道题已答完。",
    "all_done_optional": "必答题已全部答完（共 {total} 道题，其中 {n} 道选填题未填，可不填）。",
    "path_grew": "根据这个回答，增加 {n} 道追问，本企业共 {total} 道题。",
    "path_shrank": "根据这个回答，{n} 道追问不再需要，本企业共 {total} 道题。",
    "done_prompt": "回车 = 完成并查看结果，r = 回顾修改，b = 返回上一题：",
    "finish_keys_pending": "请直接回车补答，或输入 f（完成）、r（回顾）。",
    "finish_keys_done": "请直接回车完成，或输入 r（回顾）、b（上一题）。",
    "quit_saved": "已保存并退出：{path}\n继续答题：{command}",
    "interrupted": "已中断，答卷已保存：{path}\n继续答题：{command}",
    "eof": "输入已结束，答卷已保存：{path}\n继续答题：{command}",
    "resuming": "继续答题：已答 {answered}/{total} 题。",
    "finished": "答题完成。",
    # end
    "answers_written": "答卷文件：{path}",
    "next_steps": "最重要的{n_zh}项下一步",
    "next_steps_none": "没有需要优先改进的事项。",
    "why": "理由：{reason}",
    "pdf_written": "PDF 报告：{path}",
    "pdf_hint": "生成 PDF 报告：加 --pdf 报告.pdf",
    "rules_missing": "问卷 {qid} 的评分规则尚未提供，暂无法计算等级；答卷已保存：{path}",
    # non-interactive
    "no_tty": "标准输入不是终端，无法逐题提问。",
    "no_tty_hint": "请在终端中直接运行 maturity assess；已填好的答卷可用 maturity assess --answers 文件 评分"
    "（或加 --interactive 从管道读入回答）。",
    "resume_and_answers": "--resume 与 --answers 不能同时使用。",
    "resume_other_q": "答卷属于问卷 {qid}，不能用 --questionnaire {other} 继续。",
    "yes_words": "yes,y,是,确认",
}

_EN: dict[str, str] = {
    "choose_questionnaire": "Choose a questionnaire (Enter = {default}): ",
    "q_item": "{n}. {title} ({id}, {count} questions; only those that apply to your enterprise are asked)",
    "profile_title": "Enterprise profile",
    "ask_name": "Enterprise name: ",
    "name_required": "The enterprise name cannot be empty.",
    "name_too_long": "The enterprise name is limited to 100 characters.",
    "ask_sub_sector": "Sub-sector (enter a number): ",
    "ask_size": "Size band (a number, or staff / revenue such as 30人, 营收1500万; Enter to skip): ",
    "size_staff": "{n} staff",
    "size_revenue": "revenue of {n} 万元 (10,000 yuan)",
    "size_is": "With {figures} the enterprise is {band} (national SME size standard, industry)",
    "size_lower": "; one band lower if {condition}.",
    "size_confirm": "Enter = confirm, or type a number to choose another: ",
    "size_unknown": "Enter a number from 1 to {hi}, or staff / revenue (e.g. 30人, 营收1500万); Enter to skip.",
    "ask_contact": "Contact person and phone (Enter to skip): ",
    "ask_assessor": "Assessor (owner or digital officer name, Enter to skip): ",
    "ask_region": "Region (Enter to skip): ",
    "ask_credit": "Unified social credit code (18 characters, Enter to skip): ",
    "credit_bad": "Invalid unified social credit code: {problem}. Try again, or press Enter to skip.",
    "industry_is": "This sub-sector is {itype}; only the questions that apply will be asked.",
    "pick_number": "Enter a number from {lo} to {hi}.",
    "will_save": "Answers are saved to: {path} (after every question)",
    "ask_mixed": "Does the plant also run discrete filling, rewinding/slitting or packing lines? "
    "If so both process and discrete questions are asked [y/N]: ",
    "path_core": "Core questionnaire: {n} questions for this enterprise ({module} in its sub-sector module), about "
    "{minutes} minutes. On site, maturity assess --full asks the full questionnaire ({full} questions, about "
    "{full_minutes} minutes).",
    "path_full": "Full questionnaire: {n} questions for this enterprise ({module} in its sub-sector module), about "
    "{minutes} minutes.",
    "path_left": "{n} questions left, about {minutes} minutes.",
    "exists_choice": "File exists: {path}\n  1. Continue this answers file\n  2. Save as a new file {alt}\n  3. Overwrite (the old answers are lost)\nChoose (Enter = 1): ",
    "exists_choice_other": "File exists: {path} (another questionnaire, or unreadable)\n  1. Save as a new file {alt}\n  2. Overwrite (the old file is lost)\nChoose (Enter = 1): ",
    "overwrite_confirm": "Really overwrite {path}? Type yes to confirm: ",
    "not_overwritten": "Not overwritten; exiting.",
    "progress": "Question {n}/{total} · {dimension}",
    "progress_review": "Question {n}/{total} · {dimension} · editing",
    "current_answer": "Current answer: {answer}",
    "multi_hint": "Several allowed, separated by commas, e.g. 1,3,4",
    "single_hint": "Enter the option number",
    "number_hint": "Enter a number{range}",
    "number_range": " ({range})",
    "lang_scope": (
        "Note: --lang en translates this tool's own prompts, help and errors. The questionnaire itself "
        "(questions, options, sub-sector and size names) and the result screen stay in Chinese."
    ),
    "text_hint": "Enter text (may be empty)",
    "na_option": "n. Not applicable",
    "keep_hint": "Enter alone = keep the current answer",
    "commands": "b=back  s=skip  r=review  q=save and quit  ?=help",
    "help": (
        "How to answer:\n"
        "  number    choose that option; for multiple choice separate with commas, e.g. 1,3,4\n"
        "  n         not applicable (only where allowed; asks for a reason)\n"
        "  Enter     keep the current answer and go on\n"
        "  b         previous question\n"
        "  s         skip for now (you are reminded before finishing)\n"
        "  r         review all answers and jump to any question\n"
        "  f         finish and see the result\n"
        "  q         save and quit; continue later with {command}\n"
        "Every answer is saved at once; a crash or closed window loses at most the question on screen."
    ),
    "source_line": "Source: {source}{basis}",
    "empty_input": "Please answer; if unsure, type s to skip and come back later.",
    "bad_option": '"{text}" is not a valid option number; enter a number from 1 to {hi}.',
    "na_not_allowed": 'This question cannot be answered "not applicable".',
    "implausible": "{value} is far above most enterprises (usually at most {limit}); please check. Enter or y = keep it, n = type it again: ",
    "ask_justification": "Briefly, why does it not apply? ",
    "justification_required": '"Not applicable" needs a reason (type c to cancel).',
    "first_question": "This is the first question.",
    "saved_answer": "Saved.",
    "skipped": "Skipped; you can answer it later.",
    "na_saved": "Recorded as not applicable: {justification}",
    "review_title": "Review ({answered}/{total} questions answered)",
    "review_prompt": "Enter a number to change that answer, Enter to go back: ",
    "review_prompt_done": "Enter a number to change that answer; Enter = finish and see the result: ",
    "status_unanswered": "unanswered",
    "status_skipped": "skipped",
    "status_optional": "(optional, empty)",
    "status_na": "not applicable ({justification})",
    "pending": "{n} questions are still unanswered: {ids}",
    "pending_prompt": "Enter = answer them now, f = finish anyway (unanswered score 0), r = review: ",
    "all_done": "All {total} questions are answered.",
    "all_done_optional": "All required questions are answered ({total} questions; {n} optional ones left empty).",
    "path_grew": "Because of this answer, {n} follow-up question(s) added; {total} questions in all.",
    "path_shrank": "Because of this answer, {n} follow-up question(s) no longer needed; {total} questions in all.",
    "done_prompt": "Enter = finish and see the result, r = review, b = previous question: ",
    "finish_keys_pending": "Press Enter to answer them, or type f (finish) or r (review).",
    "finish_keys_done": "Press Enter to finish, or type r (review) or b (back).",
    "quit_saved": "Saved; exiting: {path}\nContinue with: {command}",
    "interrupted": "Interrupted; answers saved: {path}\nContinue with: {command}",
    "eof": "End of input; answers saved: {path}\nContinue with: {command}",
    "resuming": "Resuming: {answered}/{total} questions answered.",
    "finished": "All done.",
    "answers_written": "Answers file: {path}",
    "next_steps": "The {n} most important next steps",
    "next_steps_none": "Nothing urgent to improve.",
    "why": "Why: {reason}",
    "pdf_written": "PDF report: {path}",
    "pdf_hint": "For a PDF report add --pdf report.pdf",
    "rules_missing": "No scoring rules for questionnaire {qid} yet, so no level can be computed; answers saved: {path}",
    "no_tty": "Standard input is not a terminal, so the interview cannot ask questions.",
    "no_tty_hint": "Run maturity assess in a terminal; score a filled answers file with maturity assess --answers FILE "
    "(or add --interactive to read answers from a pipe).",
    "resume_and_answers": "--resume and --answers cannot be used together.",
    "resume_other_q": "The answers file belongs to questionnaire {qid}; it cannot be continued with --questionnaire {other}.",
    "yes_words": "yes,y",
}

_CATALOG = {"zh": _ZH, "en": _EN}
INDUSTRY_NAMES = {
    "zh": {"discrete": "离散型", "process": "流程型", "mixed": "混合型"},
    "en": {"discrete": "discrete", "process": "process", "mixed": "mixed"},
}


class Messages:
    """Look up and format the CLI's own messages in one language."""

    def __init__(self, lang: str = "zh") -> None:
        if lang not in _CATALOG:
            raise ValueError(f"unknown language {lang!r}; choose one of {', '.join(LANGS)}")
        self.lang = lang
        self._table = _CATALOG[lang]

    def __call__(self, key: str, **kw: Any) -> str:
        return self._table[key].format(**kw)

    def industry(self, itype: str) -> str:
        return INDUSTRY_NAMES[self.lang].get(itype, itype)

    @property
    def yes_words(self) -> set[str]:
        return set(self._table["yes_words"].split(","))
