"""Every label of the dashboard in Chinese and English.

Parameter labels, explanations and group titles come from :data:`model.params.SCHEMA`
and :data:`model.params.GROUPS`; level, action, form, stage and survey names from the
model's ``*_ZH`` tuples; scenario titles from :data:`model.scenarios.SCENARIOS`. Only
what the model does not name (UI text, units in Chinese, English display names) is here.
Lesson texts live with the lessons in :mod:`dashboards.lessons`.
"""

from __future__ import annotations

from model.accountability import SEVERITIES, SEVERITIES_ZH
from model.hierarchy import LEVELS, LEVELS_ZH, PRESETS
from model.metrics import SURVEY_ANSWERS, SURVEY_ANSWERS_ZH
from model.params import GROUPS, SCHEMA
from model.scenarios import SCENARIOS
from model.state import ACTIONS, ACTIONS_ZH, FORMS, FORMS_ZH
from model.tolerance import STAGES, STAGES_ZH

LANGS: tuple[str, ...] = ("zh", "en")
DEFAULT_LANG = "en"

STRINGS: dict[str, dict[str, str]] = {
    # ------------------------------------------------------------------ app
    "app_title": {"en": "Cadres under accountability pressure — a classroom simulator",
                  "zh": "问责压力下的基层干部——课堂模拟器"},
    "switch_lang": {"en": "中文", "zh": "English"},
    "mode_explore": {"en": "Explore", "zh": "自由探索"},
    "mode_lessons": {"en": "Lessons", "zh": "课堂演示"},
    "mode_play": {"en": "Play as a cadre", "zh": "扮演一名干部"},
    "status": {"en": "Month {step} · {scenario} · {units} units, {cadres} cadres",
               "zh": "第 {step} 个月 · {scenario} · {units} 个单位，{cadres} 名干部"},
    "month_n": {"en": "Month {step}", "zh": "第 {step} 个月"},
    "error": {"en": "Error: {msg}", "zh": "错误：{msg}"},
    # ------------------------------------------------------------- controls
    "run_controls": {"en": "Run", "zh": "运行"},
    "reset": {"en": "Reset", "zh": "重置"},
    "step": {"en": "Step", "zh": "单步"},
    "play": {"en": "Play", "zh": "播放"},
    "pause": {"en": "Pause", "zh": "暂停"},
    "speed": {"en": "Speed (months per second)", "zh": "速度（每秒月数）"},
    "speed_max": {"en": "max", "zh": "最快"},
    "render_every": {"en": "Redraw every … months", "zh": "每隔几个月刷新一次画面"},
    "scenario": {"en": "Scenario", "zh": "情景"},
    "preset": {"en": "Hierarchy", "zh": "层级规模"},
    "preset_classroom": {"en": "Classroom", "zh": "课堂规模"},
    "preset_province": {"en": "One province", "zh": "一个省"},
    "preset_size": {"en": "{units} units, {cadres} cadres", "zh": "{units} 个单位，{cadres} 名干部"},
    "seed": {"en": "Random seed", "zh": "随机种子"},
    "apply_seed": {"en": "Use seed", "zh": "使用该种子"},
    "back_to_scenario": {"en": "Back to the scenario's values", "zh": "恢复情景的参数值"},
    "range": {"en": "range {low} – {high}", "zh": "取值范围 {low} – {high}"},
    "applies_next_month": {"en": "Moving a control during a run changes it from next month on "
                                 "(marked by a dotted line in the charts); Reset starts over with "
                                 "the current values.",
                           "zh": "运行中调整参数从下个月起生效（图中以虚线标记）；点击“重置”则以当前参数重新开始。"},
    "source": {"en": "Source", "zh": "出处"},
    # ---------------------------------------------------------------- views
    "tree_title": {"en": "The hierarchy: who innovates, who follows routine, who avoids blame",
                   "zh": "层级结构：谁在创新、谁按常规办事、谁在避责"},
    "tree_help": {"en": "Each circle is a unit, from the centre at the top to the townships at the "
                        "bottom; its slices are the shares of its cadres who innovated, followed "
                        "routine or avoided blame last month. Click a unit to see its cadres.",
                  "zh": "每个圆代表一个单位，中央在最上方，乡镇在最下方；扇形表示该单位上个月选择创新、"
                        "按常规办事和避责的干部比例。点击单位可查看其干部。"},
    "tree_aggregated": {"en": "townships, summed per county ({n})", "zh": "乡镇（按所属县汇总，共 {n} 个）"},
    "tree_coarse": {"en": "Large hierarchy: units are drawn down to the {level} level; the bars "
                          "below sum up the townships of each county.",
                    "zh": "层级较大：图中只画到{level}一级，下方条形为各县所辖乡镇的汇总。"},
    "no_data_yet": {"en": "Run at least one month to see the choices.",
                    "zh": "至少运行一个月后才能看到干部的选择。"},
    "shares_title": {"en": "Shares of the three choices at each level", "zh": "各层级三种选择的比例"},
    "shares_help": {"en": "One panel per level; dotted lines mark lever changes.",
                    "zh": "每个小图对应一个层级；虚线标记参数变化的月份。"},
    "all_levels": {"en": "all levels", "zh": "全部层级"},
    "month": {"en": "month", "zh": "月"},
    "funnel_title": {"en": "The tolerance funnel", "zh": "容错漏斗"},
    "funnel_help": {"en": "Detected good-faith errors (failed innovations and past innovations caught "
                          "by retroactive review), summed over the run, and how far each got in the "
                          "tolerance procedure. A case tolerated below but not recognised above is a "
                          "'local ration coupon' (地方粮票).",
                    "zh": "本次运行中被发现的善意失误（创新失败及被“秋后算账”翻出的过往创新）累计数量，"
                          "以及它们在容错程序中走到了哪一步。本级认定容错但上级不认可的案例即“地方粮票”。"},
    "coupons": {"en": "local ration coupons", "zh": "地方粮票"},
    "coupons_long": {"en": "local ration coupons: tolerated below, not recognised above",
                     "zh": "地方粮票：本级认定容错，上级不认可"},
    "eff_tolerance": {"en": "Chance a detected good-faith error ends tolerated (procedure, now): {x}",
                      "zh": "被发现的善意失误最终获容错的概率（按当前程序）：{x}"},
    "realised_tolerance": {"en": "In this run: {k} of {n} cases tolerated and recognised ({x})",
                           "zh": "本次运行：{n} 个案例中 {k} 个获容错并被上级认可（{x}）"},
    "no_cases": {"en": "No cases yet.", "zh": "尚无案例。"},
    "beliefs_title": {"en": "What cadres believe, by level", "zh": "各层级干部的主观判断"},
    "beliefs_help": {"en": "Distribution of beliefs over cadres now; the tick marks the mean.",
                     "zh": "当前各层级干部主观判断的分布；竖线为均值。"},
    "belief_tol": {"en": "believed chance of being tolerated", "zh": "预期获容错的概率"},
    "belief_det": {"en": "believed chance of being detected", "zh": "预期被发现的概率"},
    "problems_title": {"en": "Unsolved problems and risks moving upward", "zh": "未解决问题与风险上移"},
    "problems_help": {"en": "Problem stock per cadre at each level, and problems escalated to the "
                            "level above each month.",
                      "zh": "各层级人均未解决问题存量，以及每月向上级转移的问题数。"},
    "problems_per_cadre": {"en": "unsolved problems per cadre", "zh": "人均未解决问题"},
    "escalations": {"en": "problems escalated upward per month", "zh": "每月向上级转移的问题数"},
    "survey_title": {"en": "Survey: “Has your area or department applied the tolerance mechanism?”",
                     "zh": "问卷：“您所在地区或部门，有适用过容错机制的案例吗？”"},
    "survey_help": {"en": "Every simulated cadre answers from what it could know (applications in its "
                          "unit in the last two years and publicised cases), next to the survey "
                          "reported in seed 003 (S003-06).",
                    "zh": "每名模拟干部根据自己所能了解的情况（本单位近两年的申请及公开的案例）作答，"
                          "并与种子文献003报告的调查结果（S003-06）对照。"},
    "survey_model": {"en": "this model (now)", "zh": "本模型（当前）"},
    "survey_seed": {"en": "seed 003 survey", "zh": "种子文献003调查"},
    # ------------------------------------------------------------ unit info
    "unit_title": {"en": "Selected unit", "zh": "所选单位"},
    "unit_none": {"en": "Click a unit in the tree to see its cadres.", "zh": "点击层级图中的单位查看其干部。"},
    "unit_summary": {"en": "{name}: {n} cadres · unsolved problems {p:.1f}",
                     "zh": "{name}：{n} 名干部 · 未解决问题 {p:.1f}"},
    "subordinates": {"en": "Subordinate units (click to open)", "zh": "下级单位（点击查看）"},
    "superior": {"en": "Up to {name}", "zh": "返回上级：{name}"},
    "col_cadre": {"en": "cadre", "zh": "干部"},
    "col_role": {"en": "role", "zh": "职务"},
    "leader": {"en": "leader", "zh": "领导干部"},
    "staff": {"en": "staff", "zh": "普通干部"},
    "col_action": {"en": "this month", "zh": "本月选择"},
    "col_belief_tol": {"en": "believed tolerance", "zh": "预期容错"},
    "col_belief_det": {"en": "believed detection", "zh": "预期被查"},
    "col_attention": {"en": "free attention", "zh": "剩余注意力"},
    "col_sanctions": {"en": "sanctions", "zh": "处分"},
    "col_tolerated": {"en": "tolerated", "zh": "获容错"},
    "col_tenure": {"en": "months in post", "zh": "任职月数"},
    "col_history": {"en": "last 12 months (oldest → newest)", "zh": "近12个月（由远及近）"},
    "rec_succeeded": {"en": "innovated, succeeded", "zh": "创新成功"},
    "rec_failed": {"en": "innovated, failed", "zh": "创新失败"},
    "rec_routine": {"en": "routine", "zh": "常规"},
    "rec_avoid": {"en": "avoided", "zh": "避责"},
    "rec_none": {"en": "not in post", "zh": "未在任"},
    # -------------------------------------------------------------- export
    "export": {"en": "Export", "zh": "导出"},
    "png": {"en": "PNG", "zh": "PNG 图片"},
    "all_figures_png": {"en": "All figures (PNG)", "zh": "全部图表（PNG）"},
    "history_csv": {"en": "Time series (CSV)", "zh": "时间序列（CSV）"},
    "cadres_csv": {"en": "Cadres now (CSV)", "zh": "干部当前状态（CSV）"},
    "settings_json": {"en": "Run settings (JSON)", "zh": "运行设置（JSON）"},
    "reproduce": {"en": "Reproduce this run on the command line:", "zh": "在命令行中复现本次运行："},
    "font_note": {"en": "No Chinese font was found for the PNG export, so its labels are in English.",
                  "zh": "未找到可用于导出 PNG 的中文字体，导出图片中的标签使用英文。"},
    # ------------------------------------------------------------- lessons
    "lessons_title": {"en": "Guided lessons", "zh": "课堂演示"},
    "lessons_intro": {"en": "Each lesson sets up a scenario, states a claim of the sources, asks you to "
                            "predict, runs the model and explains what happened.",
                      "zh": "每一课先布置情景、介绍文献中的一个观点，请你先做预测，再运行模型并解释结果。"},
    "lesson_n": {"en": "Lesson {i} of {n}", "zh": "第 {i} 课（共 {n} 课）"},
    "stage_claim": {"en": "1 · The claim", "zh": "1 · 观点"},
    "stage_predict": {"en": "2 · Predict", "zh": "2 · 预测"},
    "stage_run": {"en": "3 · Run", "zh": "3 · 运行"},
    "stage_explain": {"en": "4 · What happened", "zh": "4 · 结果与解释"},
    "setup_note": {"en": "Set-up: scenario “{scenario}”, {steps} months{changes}.",
                   "zh": "场景设置：情景“{scenario}”，运行 {steps} 个月{changes}。"},
    "setup_change": {"en": "; from month {at}: {what}", "zh": "；第 {at} 个月起：{what}"},
    "to_predict": {"en": "Next: predict", "zh": "下一步：做出预测"},
    "predict_first": {"en": "Choose your prediction before running.", "zh": "请先选择你的预测，再运行。"},
    "run_lesson": {"en": "Run the lesson", "zh": "运行本课"},
    "skip_to_end": {"en": "Skip to the end", "zh": "直接跳到结尾"},
    "running": {"en": "Running… month {t} of {n}", "zh": "运行中……第 {t} 个月 / 共 {n} 个月"},
    "you_predicted": {"en": "You predicted: {p}", "zh": "你的预测：{p}"},
    "what_happened": {"en": "What happened: {o}", "zh": "实际结果：{o}"},
    "matched": {"en": "Your prediction matched the run.", "zh": "你的预测与模拟结果一致。"},
    "not_matched": {"en": "Your prediction did not match this run — which mechanism did you weigh "
                          "differently?",
                    "zh": "你的预测与本次模拟不一致——你对哪个机制的判断与模型不同？"},
    "why": {"en": "Why", "zh": "为什么"},
    "look_at": {"en": "Look at", "zh": "请观察"},
    "sources": {"en": "Sources (docs/sources.md)", "zh": "出处（docs/sources.md）"},
    "next_lesson": {"en": "Next lesson", "zh": "下一课"},
    "restart_lesson": {"en": "Start this lesson again", "zh": "重新开始本课"},
    "try_other_seed": {"en": "Run again with another seed", "zh": "换一个随机种子再运行"},
    "choose_lesson": {"en": "Lesson", "zh": "课程"},
    # ---------------------------------------------------------------- play
    "play_title": {"en": "Play as a township cadre", "zh": "扮演一名乡镇干部"},
    "play_intro": {"en": "You are a cadre in a township. Each month you decide what to do with the task "
                         "at hand; every other cadre is simulated and reacts. Watch what happens to "
                         "you — and what everyone else learns.",
                   "zh": "你是某乡镇的一名干部。每个月由你决定如何处理手头的任务，其他干部都由模型模拟并作出反应。"
                         "看看你会遇到什么，其他人又从中学到了什么。"},
    "play_unit": {"en": "Your township", "zh": "你所在的乡镇"},
    "play_role": {"en": "Your post", "zh": "你的职务"},
    "new_game": {"en": "Start a new game", "zh": "开始新游戏"},
    "your_choice": {"en": "Your choice for month {t}", "zh": "第 {t} 个月，你的选择"},
    "choice_innovate": {"en": "Try a new solution: it may solve problems and bring recognition and "
                              "promotion; a failure can be detected and punished unless it is tolerated.",
                        "zh": "尝试新办法：可能解决问题、获得认可和晋升；失败则可能被发现并受处分，除非获得容错。"},
    "choice_routine": {"en": "Do the assigned work by the book: safe, unless a one-veto target is missed.",
                       "zh": "按部就班完成规定任务：比较安全，除非某项一票否决指标失守。"},
    "choice_avoid": {"en": "Pass the task down, share the responsibility or stall: saves effort and is "
                           "rarely punished, but problems stay unsolved.",
                     "zh": "把任务往下推、分担责任或拖延：省力且很少受罚，但问题得不到解决。"},
    "you_now": {"en": "You now", "zh": "你的当前状态"},
    "colleagues": {"en": "Your colleagues last month", "zh": "同事们上个月的选择"},
    "turn_choice": {"en": "Month {t}: your choice — {choice}.", "zh": "第 {t} 个月：你选择了{choice}。"},
    "out_succeeded": {"en": "Your innovation succeeded.", "zh": "你的创新成功了。"},
    "out_failed": {"en": "Your innovation failed.", "zh": "你的创新失败了。"},
    "out_routine": {"en": "You did the routine work.", "zh": "你完成了常规工作。"},
    "out_avoid": {"en": "You avoided the task ({form}).", "zh": "你回避了任务（{form}）。"},
    "out_detected": {"en": "Supervision noticed it.", "zh": "这被监督发现了。"},
    "out_retro": {"en": "Retroactive review re-examined your past record under today's standards.",
                  "zh": "“秋后算账”：你的过往记录被按今天的标准重新审查。"},
    "out_case": {"en": "A tolerance case was opened; it got as far as: {stage}.",
                 "zh": "启动了容错程序，最远走到：{stage}。"},
    "out_not_applied": {"en": "A tolerance case was possible, but no application was made.",
                        "zh": "本可以申请容错，但没有提出申请。"},
    "out_tolerated": {"en": "It was tolerated and recognised above: no sanction.",
                      "zh": "获得容错并被上级认可：免于处分。"},
    "out_coupon": {"en": "Tolerated locally but not recognised above — a local ration coupon; the "
                         "sanction stands.",
                   "zh": "本级认定容错但上级不认可——成了“地方粮票”，处分照旧。"},
    "out_sanction": {"en": "You were sanctioned ({severity}); no promotion for a year.",
                     "zh": "你受到了处分（{severity}），一年内不得晋升。"},
    "out_no_sanction": {"en": "No sanction this month.", "zh": "本月没有受到处分。"},
    "out_promoted": {"en": "You were promoted!", "zh": "你获得了晋升！"},
    "out_removed": {"en": "You were removed from your post.", "zh": "你被免职了。"},
    "out_retired": {"en": "You retired or were transferred.", "zh": "你退休或调离了。"},
    "out_newcomer": {"en": "A newcomer takes the post; you play on as the newcomer.",
                     "zh": "新人接任该岗位，你将以新任干部的身份继续。"},
    "out_solved": {"en": "Your township solved {solved:.0f} problems this month; {left:.0f} remain unsolved.",
                   "zh": "本月你所在乡镇解决了 {solved:.0f} 个问题，仍有 {left:.0f} 个未解决。"},
    "score": {"en": "Your record", "zh": "你的记录"},
    "score_months": {"en": "months played", "zh": "已进行月数"},
    "score_successes": {"en": "successful innovations", "zh": "成功创新"},
    "score_sanctions": {"en": "sanctions", "zh": "受处分"},
    "score_tolerated": {"en": "cases tolerated", "zh": "获容错"},
    "score_promotions": {"en": "promotions", "zh": "晋升"},
    "score_solved": {"en": "problems solved in your township", "zh": "本乡镇解决的问题"},
    "path_title": {"en": "Your path and the simulated cadres' path", "zh": "你的选择与模拟干部的选择"},
    "path_you": {"en": "you", "zh": "你"},
    "path_others": {"en": "all townships", "zh": "全部乡镇干部"},
    "log_title": {"en": "What happened, month by month", "zh": "逐月记录"},
    "hook_missing": {"en": "This model version cannot take a cadre's choice (no forced_actions hook).",
                     "zh": "当前模型版本不支持由玩家决定干部的选择（缺少 forced_actions 接口）。"},
}

# English display names where the model's names are identifiers.
ACTIONS_EN: tuple[str, ...] = ("innovate", "routine", "avoid blame")
FORMS_EN: tuple[str, ...] = ("pass down", "share responsibility", "refuse / stall")
STAGES_EN: tuple[str, ...] = ("cases", "applied", "accepted", "consultation passed",
                              "determined tolerable", "recognised above")
SURVEY_EN: tuple[str, ...] = ("yes, many", "yes, but few", "none", "don't know")
SEVERITIES_EN: tuple[str, ...] = SEVERITIES


def check_lang(lang: str) -> str:
    if lang not in LANGS:
        from model.errors import CadreSimError

        raise CadreSimError(f"language = {lang!r} is invalid: allowed are {', '.join(LANGS)}")
    return lang


def t(key: str, lang: str, **fmt: object) -> str:
    """The text of ``key`` in ``lang``, formatted with ``fmt``."""
    text = STRINGS[key][lang]
    return text.format(**fmt) if fmt else text


def pick(lang: str, en: str, zh: str) -> str:
    return zh if lang == "zh" else en


def param_label(name: str, lang: str) -> str:
    p = SCHEMA[name]
    return pick(lang, p.label_en, p.label_zh)


def param_help(name: str, lang: str) -> str:
    p = SCHEMA[name]
    return pick(lang, p.en, p.zh)


def unit_text(name: str, lang: str) -> str:
    p = SCHEMA[name]
    return pick(lang, p.unit, p.unit_zh)


def group_title(group: str, lang: str) -> str:
    en, zh = GROUPS[group]
    return pick(lang, en, zh)


def level_name(level: int, lang: str) -> str:
    return pick(lang, LEVELS[level], LEVELS_ZH[level])


def action_name(code: int, lang: str) -> str:
    return pick(lang, ACTIONS_EN[code], ACTIONS_ZH[code])


def form_name(code: int, lang: str) -> str:
    return pick(lang, FORMS_EN[code], FORMS_ZH[code])


def stage_name(i: int, lang: str) -> str:
    return pick(lang, STAGES_EN[i], STAGES_ZH[i])


def survey_answer(i: int, lang: str) -> str:
    return pick(lang, SURVEY_EN[i], SURVEY_ANSWERS_ZH[i])


def severity_name(i: int, lang: str) -> str:
    return pick(lang, SEVERITIES_EN[i], SEVERITIES_ZH[i])


def scenario_title(name: str, lang: str) -> str:
    s = SCENARIOS[name]
    return pick(lang, s.title_en, s.title_zh)


def scenario_text(name: str, lang: str) -> str:
    s = SCENARIOS[name]
    return pick(lang, s.en, s.zh)


def preset_label(name: str, lang: str) -> str:
    spec = PRESETS[name]
    size = t("preset_size", lang, units=f"{spec.n_units:,}", cadres=f"{spec.n_cadres:,}")
    return f"{t('preset_' + name, lang)} ({size})" if lang == "en" else f"{t('preset_' + name, lang)}（{size}）"


def unit_display_name(level: int, index_in_level: int, lang: str) -> str:
    return f"{level_name(level, lang)}-{index_in_level}"


# Names the model keeps in its own tuples; kept in step with them by the tests.
MODEL_NAME_TUPLES = {
    "actions": (ACTIONS, ACTIONS_EN),
    "forms": (FORMS, FORMS_EN),
    "stages": (STAGES, STAGES_EN),
    "survey": (SURVEY_ANSWERS, SURVEY_EN),
}
