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
    "app_title": {
        "en": "Cadres under accountability pressure — a classroom simulator",
        "zh": "问责压力下的基层干部——课堂模拟器",
    },
    "switch_lang": {"en": "中文", "zh": "English"},
    "mode_explore": {"en": "Explore", "zh": "自由探索"},
    "mode_lessons": {"en": "Lessons", "zh": "课堂演示"},
    "mode_play": {"en": "Play as a cadre", "zh": "扮演一名干部"},
    "status": {
        "en": "Month {step} · {scenario} · {units} units, {cadres} cadres",
        "zh": "第 {step} 个月 · {scenario} · {units} 个单位，{cadres} 名干部",
    },
    "month_n": {"en": "Month {step}", "zh": "第 {step} 个月"},
    "error": {"en": "Error: {msg}", "zh": "错误：{msg}"},
    # ------------------------------------------------------------- controls
    "run_controls": {"en": "Run", "zh": "运行"},
    "reset": {"en": "Reset", "zh": "重置"},
    "step": {"en": "Step", "zh": "单步"},
    "play": {"en": "Play", "zh": "播放"},
    "pause": {"en": "Pause", "zh": "暂停"},
    "speed": {"en": "Speed", "zh": "速度"},
    "speed_value": {"en": "{v} months per second", "zh": "每秒 {v} 个月"},
    "speed_max_long": {"en": "as fast as possible", "zh": "尽可能快"},
    "speed_max": {"en": "max", "zh": "最快"},
    "render_every_n": {"en": "draw every {n}", "zh": "每 {n} 月绘制"},
    "scenario": {"en": "Scenario", "zh": "情景"},
    "preset": {"en": "Hierarchy", "zh": "层级规模"},
    "preset_classroom": {"en": "Classroom", "zh": "课堂规模"},
    "preset_province": {"en": "One province", "zh": "一个省"},
    "preset_size": {
        "en": "{units} units, {cadres} cadres",
        "zh": "{units} 个单位，{cadres} 名干部",
    },
    "seed": {"en": "Random seed", "zh": "随机种子"},
    "apply_seed": {"en": "Use seed", "zh": "使用该种子"},
    "seed_invalid": {
        "en": "“{seed}” is not a seed: use a whole number from 0 to {max}.",
        "zh": "“{seed}”不是有效的随机种子：请输入 0 到 {max} 之间的整数。",
    },
    "back_to_scenario": {"en": "Back to the scenario's values", "zh": "恢复情景的参数值"},
    "range": {"en": "range {low} – {high}", "zh": "取值范围 {low} – {high}"},
    "applies_next_month": {
        "en": "Moving a control during a run changes it from next month on "
        "(marked by a dotted line in the charts); Reset starts over with "
        "the current values.",
        "zh": "运行中调整参数从下个月起生效（图中以虚线标记）；点击“重置”则以当前参数重新开始。",
    },
    "source": {"en": "Source", "zh": "出处"},
    # ---------------------------------------------------------------- views
    "tree_title": {
        "en": "The hierarchy: who innovates, who follows routine, who avoids blame",
        "zh": "层级结构：谁在创新、谁按常规办事、谁在避责",
    },
    "tree_help": {
        "en": "Each circle is a unit, from the centre at the top to the townships at the "
        "bottom; its slices are the shares of its cadres who innovated, followed "
        "routine or avoided blame last month. Click a unit to see its cadres.",
        "zh": "每个圆代表一个单位，中央在最上方，乡镇在最下方；扇形表示该单位上个月选择创新、"
        "按常规办事和避责的干部比例。点击单位可查看其干部。",
    },
    "tree_aggregated": {
        "en": "Bars: the cadres of all townships under each county ({n} townships in all), "
        "their choices stacked",
        "zh": "条形：每个县所辖全部乡镇干部的选择（共 {n} 个乡镇），按选择堆叠",
    },
    "tree_coarse": {
        "en": "Large hierarchy: units are drawn down to the {level} level; click a county to see "
        "its cadres and its townships.",
        "zh": "层级较大：图中只画到{level}一级；点击一个县可查看其干部和所辖乡镇。",
    },
    "no_data_yet": {
        "en": "Run at least one month to see the choices.",
        "zh": "至少运行一个月后才能看到干部的选择。",
    },
    "shares_title": {
        "en": "Shares of the three choices at each level",
        "zh": "各层级三种选择的比例",
    },
    "shares_help": {
        "en": "One panel per level; dotted vertical lines mark lever changes. A change is issued by the "
        "centre and relayed down level by level: the dashed grey line is the share of the level's "
        "units that have adopted the centre's latest regime.",
        "zh": "每个小图对应一个层级；竖直虚线标记参数变化的月份。变化由中央发出、逐级传达：灰色虚线表示该层级"
        "已采纳中央最新制度的单位比例。",
    },
    "adopted_legend": {"en": "units that adopted the latest regime", "zh": "已采纳最新制度的单位"},
    "all_levels": {"en": "all levels", "zh": "全部层级"},
    "month": {"en": "month", "zh": "月"},
    "funnel_title": {"en": "The tolerance funnel", "zh": "容错漏斗"},
    "funnel_help": {
        "en": "Good-faith cases the tolerance provision covered, summed over the run, and how far each "
        "got in the procedure. The provision covers failed innovations first and, as it broadens, "
        "missed targets and past acts found by review; inaction never. A case tolerated below but "
        "not recognised above is a 'local ration coupon' (地方粮票).",
        "zh": "本次运行中容错规定所覆盖的善意失误累计数量，以及它们在容错程序中走到了哪一步。容错规定首先覆盖"
        "创新失败，覆盖面扩大后也包括指标失守和被审查翻出的过往行为；不作为从不在容错之列。"
        "本级认定容错但上级不认可的案例即“地方粮票”。",
    },
    "coupons": {"en": "local ration coupons", "zh": "地方粮票"},
    "eff_tolerance": {
        "en": "Chance a covered case ends tolerated (procedure in force now): {x}",
        "zh": "被覆盖的案例最终获容错的概率（按当前程序）：{x}",
    },
    "realised_tolerance": {
        "en": "In this run: {k} of {n} cases tolerated and recognised ({x})",
        "zh": "本次运行：{n} 个案例中 {k} 个获容错并被上级认可（{x}）",
    },
    "no_cases": {"en": "No cases yet.", "zh": "尚无案例。"},
    "beliefs_title": {"en": "What cadres believe, by level", "zh": "各层级干部的主观判断"},
    "beliefs_help": {
        "en": "Distribution of beliefs over cadres now, next to the truth at their posts (the regime in "
        "force at their unit). Detection is the chance a misstep of one's own becomes one's case in "
        "a month: a few per cent, so its axis is stretched.",
        "zh": "当前各层级干部主观判断的分布，以及其岗位上的真实概率（所在单位现行制度下）。“被查”指自己的失误"
        "在一个月内成为自己案例的概率，只有百分之几，因此横轴被放大。",
    },
    "belief_tol": {"en": "believed chance of being tolerated", "zh": "预期获容错的概率"},
    "belief_det": {
        "en": "believed chance of being detected (a month)",
        "zh": "预期被发现的概率（每月）",
    },
    "belief_mean_legend": {"en": "mean belief", "zh": "平均判断"},
    "belief_truth_legend": {"en": "the truth at their posts", "zh": "岗位上的真实概率"},
    "blame_title": {
        "en": "Targets felt and blame carried, by level",
        "zh": "各层级感受到的指标与承担的问责",
    },
    "blame_help": {
        "en": "Top: one-veto targets the units treat as binding (solid) and those really in force (dashed); "
        "after a loosening, units keep fearing freed targets until they see misses go unpunished "
        "(startled birds). Bottom: sanctions per cadre per year (12-month mean): blame is pushed "
        "down, and the lower levels carry it.",
        "zh": "上图：各单位当作硬指标对待的一票否决指标数（实线）与实际有效的指标数（虚线）；放松之后，"
        "单位要看到指标失守未被追责才会放下已松绑的指标（惊弓之鸟）。下图：每名干部每年受处分的比例"
        "（12个月均值）：责任层层下移，由下级承担。",
    },
    "targets_panel": {"en": "binding one-veto targets", "zh": "一票否决硬指标数"},
    "targets_dashed": {
        "en": "in force (dashed); as perceived (solid)",
        "zh": "实际有效（虚线）；单位感受（实线）",
    },
    "sanctions_panel": {"en": "sanctions per cadre per year", "zh": "每名干部每年受处分比例"},
    "problems_title": {
        "en": "Unsolved problems and risks moving upward",
        "zh": "未解决问题与风险上移",
    },
    "problems_help": {
        "en": "Problem stock per cadre at each level, and problems escalated to the "
        "level above each month.",
        "zh": "各层级人均未解决问题存量，以及每月向上级转移的问题数。",
    },
    "problems_per_cadre": {"en": "unsolved problems per cadre", "zh": "人均未解决问题"},
    "escalations": {"en": "problems escalated upward per month", "zh": "每月向上级转移的问题数"},
    "survey_title": {
        "en": "Survey: “Has your area or department applied the tolerance mechanism?”",
        "zh": "问卷：“您所在地区或部门，有适用过容错机制的案例吗？”",
    },
    "survey_help": {
        "en": "Every simulated cadre answers from what it could know in the last three years "
        "(the applications made in its own unit, its department; the cases its subordinate "
        "units sent up to its unit for recognition or decision; and the tolerated cases "
        "made public by its own or a peer unit), next to the survey reported in seed 003 "
        "(S003-06). Below, each level's answers: who hears of cases, and who does not.",
        "zh": "每名模拟干部根据自己近三年所能了解的情况（本单位即所在部门的申请、下级单位报请本单位"
        "认可或审核的案例，以及本单位或同级单位公开的获容错案例）作答，并与种子文献003报告的调查结果（S003-06）对照。"
        "下方为各层级的回答：谁听说过案例，谁没有。",
    },
    "survey_model": {"en": "this model (now)", "zh": "本模型（当前）"},
    "survey_by_level": {"en": "The model's answers, level by level", "zh": "本模型各层级的回答"},
    "survey_seed": {"en": "seed 003 survey", "zh": "种子文献003调查"},
    # ------------------------------------------------------------ unit info
    "unit_title": {"en": "Selected unit", "zh": "所选单位"},
    "unit_none": {
        "en": "Click a unit in the tree to see its cadres.",
        "zh": "点击层级图中的单位查看其干部。",
    },
    "unit_summary": {
        "en": "{name}: {n} cadres · unsolved problems {p:.1f}",
        "zh": "{name}：{n} 名干部 · 未解决问题 {p:.1f}",
    },
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
    "rec_none": {
        "en": "no record yet (before month 1, or before this cadre took the post)",
        "zh": "尚无记录（第1个月之前，或该干部尚未到任）",
    },
    # -------------------------------------------------------------- export
    "export": {"en": "Export", "zh": "导出"},
    "png": {"en": "PNG", "zh": "PNG 图片"},
    "all_figures_png": {"en": "All figures (PNG)", "zh": "全部图表（PNG）"},
    "history_csv": {"en": "Time series (CSV)", "zh": "时间序列（CSV）"},
    "cadres_csv": {"en": "Cadres now (CSV)", "zh": "干部当前状态（CSV）"},
    "settings_json": {"en": "Run settings (JSON)", "zh": "运行设置（JSON）"},
    "reproduce": {
        "en": "Reproduce this run on the command line:",
        "zh": "在命令行中复现本次运行：",
    },
    "font_note": {
        "en": "No Chinese font was found for the PNG export, so its labels are in English.",
        "zh": "未找到可用于导出 PNG 的中文字体，导出图片中的标签使用英文。",
    },
    # ------------------------------------------------------------- lessons
    "lessons_title": {"en": "Guided lessons", "zh": "课堂演示"},
    "lessons_intro": {
        "en": "Each lesson sets up a scenario, states a claim of the sources, asks you to "
        "predict, runs the model and explains what happened.",
        "zh": "每一课先布置情景、介绍文献中的一个观点，请你先做预测，再运行模型并解释结果。",
    },
    "lesson_n": {"en": "Lesson {i} of {n}", "zh": "第 {i} 课（共 {n} 课）"},
    "stage_claim": {"en": "1 · The claim", "zh": "1 · 观点"},
    "stage_predict": {"en": "2 · Predict", "zh": "2 · 预测"},
    "stage_run": {"en": "3 · Run", "zh": "3 · 运行"},
    "stage_explain": {"en": "4 · What happened", "zh": "4 · 结果与解释"},
    "setup_note": {
        "en": "Set-up: scenario “{scenario}”, {steps} months{changes}.",
        "zh": "场景设置：情景“{scenario}”，运行 {steps} 个月{changes}。",
    },
    "setup_change": {"en": "; from month {at}: {what}", "zh": "；第 {at} 个月起：{what}"},
    "to_predict": {"en": "Next: predict", "zh": "下一步：做出预测"},
    "predict_first": {
        "en": "Choose your prediction before running.",
        "zh": "请先选择你的预测，再运行。",
    },
    "run_lesson": {"en": "Run the lesson", "zh": "运行本课"},
    "skip_to_end": {"en": "Skip to the end", "zh": "直接跳到结尾"},
    "running": {"en": "Running… month {t} of {n}", "zh": "运行中……第 {t} 个月 / 共 {n} 个月"},
    "you_predicted": {"en": "You predicted: {p}", "zh": "你的预测：{p}"},
    "what_happened": {"en": "What happened: {o}", "zh": "实际结果：{o}"},
    "matched": {
        "en": "Your prediction matches the verdict of the runs.",
        "zh": "你的预测与这些运行的结论一致。",
    },
    "not_matched": {
        "en": "Your prediction does not match the verdict of the runs — which mechanism did you "
        "weigh differently?",
        "zh": "你的预测与这些运行的结论不一致——你对哪个机制的判断与模型不同？",
    },
    "why": {"en": "Why", "zh": "为什么"},
    "look_at": {"en": "Look at", "zh": "请观察"},
    "sources": {"en": "Sources (docs/sources.md)", "zh": "出处（docs/sources.md）"},
    "next_lesson": {"en": "Next lesson", "zh": "下一课"},
    "restart_lesson": {"en": "Start this lesson again", "zh": "重新开始本课"},
    "try_other_seed": {"en": "Run again with another seed", "zh": "换一个随机种子再运行"},
    "choose_lesson": {"en": "Lesson", "zh": "课程"},
    # ---------------------------------------------------------------- play
    "play_title": {"en": "Play as a township cadre", "zh": "扮演一名乡镇干部"},
    "play_intro": {
        "en": "You are a cadre in a township. Each month you decide what to do with the task "
        "at hand; every other cadre is simulated and reacts. Watch what happens to "
        "you — and what everyone else learns.",
        "zh": "你是某乡镇的一名干部。每个月由你决定如何处理手头的任务，其他干部都由模型模拟并作出反应。"
        "看看你会遇到什么，其他人又从中学到了什么。",
    },
    "play_unit": {"en": "Your township", "zh": "你所在的乡镇"},
    "play_role": {"en": "Your post", "zh": "你的职务"},
    "new_game": {"en": "Start a new game", "zh": "开始新游戏"},
    "your_choice": {"en": "Your choice for month {t}", "zh": "第 {t} 个月，你的选择"},
    "choice_innovate": {
        "en": "Try a new solution: it may solve problems and bring recognition and "
        "promotion; a failure can be detected and punished unless it is tolerated.",
        "zh": "尝试新办法：可能解决问题、获得认可和晋升；失败则可能被发现并受处分，除非获得容错。",
    },
    "choice_routine": {
        "en": "Do the assigned work by the book: it solves a little, and can still miss a "
        "one-veto target (see the odds above).",
        "zh": "按部就班完成规定任务：能解决少量问题，但仍可能导致一票否决指标失守（见上方概率）。",
    },
    "choice_avoid": {
        "en": "Share the responsibility or stall (a township has no level below to pass the task "
        "down to): saves effort; inaction can be noticed (see the odds above), and problems stay "
        "unsolved.",
        "zh": "分担责任或拖延（乡镇下面没有可以推给的层级）：省力；不作为也可能被发现（见上方概率），"
        "问题得不到解决。",
    },
    "you_now": {"en": "You now", "zh": "你的当前状态"},
    "colleagues": {"en": "Your colleagues last month", "zh": "同事们上个月的选择"},
    "turn_choice": {
        "en": "Month {t}: your choice — {choice}.",
        "zh": "第 {t} 个月：你选择了{choice}。",
    },
    "out_succeeded": {"en": "Your innovation succeeded.", "zh": "你的创新成功了。"},
    "out_failed": {"en": "Your innovation failed.", "zh": "你的创新失败了。"},
    "out_routine": {"en": "You did the routine work.", "zh": "你完成了常规工作。"},
    "out_avoid": {"en": "You avoided the task ({form}).", "zh": "你回避了任务（{form}）。"},
    "out_tolerated": {
        "en": "It was tolerated and recognised above: no sanction.",
        "zh": "获得容错并被上级认可：免于处分。",
    },
    "out_coupon": {
        "en": "Tolerated locally but not recognised above — a local ration coupon; the "
        "sanction stands.",
        "zh": "本级认定容错但上级不认可——成了“地方粮票”，处分照旧。",
    },
    "out_no_sanction": {"en": "No sanction this month.", "zh": "本月没有受到处分。"},
    "out_no_case": {
        "en": "Nothing of yours was noticed this month: no case, no sanction.",
        "zh": "本月你没有任何行为被追究：没有案例，也没有处分。",
    },
    "out_promoted": {"en": "You were promoted!", "zh": "你获得了晋升！"},
    "out_removed": {"en": "You were removed from your post.", "zh": "你被免职了。"},
    "out_retired": {"en": "You retired or were transferred.", "zh": "你退休或调离了。"},
    "out_newcomer": {
        "en": "A newcomer takes the post; you play on as the newcomer.",
        "zh": "新人接任该岗位，你将以新任干部的身份继续。",
    },
    "out_solved": {
        "en": "Your township solved {solved} this month; {left} remain unsolved.",
        "zh": "本月你所在乡镇解决了 {solved} 个问题，仍有 {left} 个未解决。",
    },
    "path_title": {
        "en": "Your path and the simulated cadres' path",
        "zh": "你的选择与模拟干部的选择",
    },
    "path_you": {"en": "you", "zh": "你"},
    "path_others": {"en": "all townships", "zh": "全部乡镇干部"},
    "log_title": {"en": "What happened, month by month", "zh": "逐月记录"},
    # ------------------------------------------------------------ page frame
    "toggle_sidebar": {"en": "Controls", "zh": "控制面板"},
    "loading": {"en": "Loading…", "zh": "正在加载……"},
    "close": {"en": "Close", "zh": "关闭"},
    "lesson_n_short": {"en": "lesson {i}", "zh": "第 {i} 课"},
    "playing_elsewhere": {
        "en": "· also playing in the background: {runs}",
        "zh": "· 后台仍在运行：{runs}",
    },
    "start_title": {"en": "Start here", "zh": "从这里开始"},
    "start_text": {
        "en": "This page simulates cadres at five levels, from the centre to the townships, choosing "
        "each month to innovate, follow routine or avoid blame under four levers "
        "(supervision, one-veto targets, retroactive accountability, tolerance).",
        "zh": "本页面模拟从中央到乡镇五级政府的干部：在四个杠杆（监督、一票否决指标、秋后算账、容错）的作用下，"
        "他们每月选择创新、按常规办事或避责。",
    },
    "start_play": {"en": "Press Play to watch the run", "zh": "点击“播放”观看运行"},
    "start_lessons": {"en": "Start with the lessons", "zh": "从课堂演示开始"},
    "start_game": {"en": "Play as a cadre", "zh": "扮演一名干部"},
    "start_plan": {"en": "The 45-minute class plan", "zh": "45 分钟课堂教案"},
    "start_dismiss": {"en": "Hide this", "zh": "不再显示"},
    "plan_title": {"en": "Class plan (docs/teaching.md)", "zh": "课堂教案（docs/teaching.md）"},
    "source_title": {"en": "Source passage {code}", "zh": "文献段落 {code}"},
    "source_gloss": {"en": "In English", "zh": "英文释义"},
    "source_missing": {
        "en": "No passage {code} in docs/sources.md.",
        "zh": "docs/sources.md 中没有段落 {code}。",
    },
    "source_hint": {
        "en": "Source codes such as S000-04 open the passage they cite.",
        "zh": "点击 S000-04 这样的出处编号即可查看所引段落。",
    },
    # ----------------------------------------------------------- controls
    "what_it_means": {"en": "What it means", "zh": "含义"},
    "monitors_title": {"en": "Now (last month), by level", "zh": "当前（上个月）各层级"},
    "locked_note": {
        "en": "The lesson sets these values: they are locked while the lesson is shown, so its "
        "verdict judges the lesson's set-up.",
        "zh": "这些数值由本课设定，在演示期间锁定，以保证结论针对本课的设置。",
    },
    "unlock": {
        "en": "Unlock (the lesson then gives no verdict)",
        "zh": "解锁（本课将不再给出结论）",
    },
    "unlocked_note": {
        "en": "Unlocked: moving a control makes the run depart from the lesson, and the verdict "
        "is withheld.",
        "zh": "已解锁：调整参数会使运行偏离本课设置，结论将不予给出。",
    },
    "confirm_discard": {
        "en": "Changing the {what} starts a new run and discards the one at month {month}.",
        "zh": "更改{what}将开始新的运行，并丢弃当前第 {month} 个月的运行。",
    },
    "confirm_yes": {"en": "Start a new run", "zh": "开始新的运行"},
    "confirm_no": {"en": "Keep this run", "zh": "保留当前运行"},
    "what_scenario": {"en": "scenario", "zh": "情景"},
    "what_preset": {"en": "hierarchy", "zh": "层级规模"},
    "what_seed": {"en": "seed", "zh": "随机种子"},
    "what_game": {"en": "game", "zh": "游戏"},
    "setting": {"en": "Setting", "zh": "设置"},
    # ------------------------------------------------------------- lessons
    "sources_say": {"en": "What the sources argue", "zh": "文献的观点"},
    "claim_agrees": {
        "en": "These runs agree with the sources' claim.",
        "zh": "这些运行的结果与文献的观点一致。",
    },
    "claim_differs": {
        "en": "These runs do not show what the sources claim.",
        "zh": "这些运行没有显示出文献所说的结果。",
    },
    "claim_unclear": {
        "en": "These runs cannot tell whether the sources' claim holds here.",
        "zh": "这些运行无法判断文献的观点在此是否成立。",
    },
    "computing_verdict": {
        "en": "Judging the run: {k} runs of this set-up with other seeds are being computed…",
        "zh": "正在判定：正在计算本设置下另外 {k} 个随机种子的运行……",
    },
    "prediction_unclear": {
        "en": "The runs cannot settle it, so your prediction is neither confirmed nor refuted.",
        "zh": "这些运行无法给出定论，因此你的预测既不能被证实也不能被否定。",
    },
    "last_lesson": {"en": "That was the last lesson.", "zh": "这是最后一课。"},
    "back_to_first": {"en": "Back to lesson 1", "zh": "回到第 1 课"},
    "to_game": {"en": "Now play as a cadre", "zh": "接下来：扮演一名干部"},
    # ---------------------------------------------------------------- game
    "game_goal": {
        "en": "Goal: after {months} months, have done two things. For your township (为乡镇): solve at "
        "least as many problems as the average township {role} of this run ({success} for a successful "
        "innovation, {routine} for a month of routine work, nothing for avoiding). For your career "
        "(为仕途): end no worse than theirs — never removed from your post, and no more months of "
        "promotion blocked by sanctions than their average plus {tol} (one mild sanction). A sanction "
        "blocks promotion for {mild}, {moderate} or {severe} months (mild, moderate, severe; months "
        "blocked twice count once), and a severe one removes you from the post.",
        "zh": "目标：{months} 个月后，同时做到两件事。为乡镇：解决的问题不少于本次运行中乡镇{role}的平均数"
        "（一项成功创新 {success}，一个月的常规工作 {routine}，避责为 0）。为仕途：不比他们差——没有被免职，"
        "且因处分不得晋升的月数不超过他们的平均数加 {tol} 个月（一次轻微处分）。轻微、中等、严重处分分别使你 "
        "{mild}、{moderate}、{severe} 个月内不得晋升（重叠的月份只算一次），严重处分还会使你被免职。",
    },
    "game_length": {"en": "Months", "zh": "月数"},
    "game_progress": {"en": "Month {n} of {months}", "zh": "第 {n} 个月 / 共 {months} 个月"},
    "odds_title": {"en": "What you know this month", "zh": "本月你所知道的情况"},
    "odds_attention": {
        "en": "Free attention: {free} cadre-months left of your budget of {budget}, after routine work "
        "{routine}, paperwork {paperwork}, {targets} one-veto targets × {per_target} = {veto}"
        "{passed}. An innovation needs {needed} for its full chance.",
        "zh": "剩余注意力：你的注意力预算为 {budget} 人·月，扣除常规工作 {routine}、文牍 {paperwork}、"
        "{targets} 项一票否决指标 × {per_target} = {veto}{passed}之后，剩余 {free}。"
        "一项创新需要 {needed} 才能有完整的成功机会。",
    },
    "odds_passed": {"en": ", work passed down from above {x}", "zh": "、上级下推的工作 {x}"},
    "odds_duty": {
        "en": " (as a leader every load counts ×{duty})",
        "zh": "（作为领导，每项负担按 ×{duty} 计）",
    },
    "odds_success": {
        "en": "Chance your innovation works: {p} (with enough attention it would be {full}).",
        "zh": "你的创新成功的概率：{p}（注意力充足时为 {full}）。",
    },
    "odds_fail": {
        "en": "If it fails, the {levels} levels that watch a township (its own and every level above) notice "
        "it with {d} (you believe {bd}); a noticed failure is sanctioned unless it is tolerated.",
        "zh": "如果失败，监督乡镇的 {levels} 级（本级及以上各级）发现它的概率为 {d}（你认为是 {bd}）；"
        "被发现的失败除非获得容错，否则会受到处分。",
    },
    "odds_reach": {
        "en": "The tolerance provision covers a failed innovation with {innovation}, a missed target with "
        "{routine} and a past act found by review with {retro}; inaction never. A covered case you "
        "apply for ends tolerated with {tol} (you believe {bt}).",
        "zh": "容错规定覆盖创新失败的概率为 {innovation}，覆盖指标失守的概率为 {routine}，覆盖被审查翻出的过往行为的"
        "概率为 {retro}；不作为从不在容错之列。被覆盖的案例若申请容错，最终获容错的概率为 {tol}（你认为是 {bt}）。",
    },
    "odds_routine": {
        "en": "Routine work misses a one-veto target with {p}; a miss is noticed with {d}.",
        "zh": "常规工作有 {p} 的概率导致某项一票否决指标失守，失守被发现的概率为 {d}。",
    },
    "odds_avoid": {
        "en": "Avoiding is noticed as inaction with {p}; the problems stay unsolved.",
        "zh": "避责被当作“不作为”发现的概率为 {p}；问题得不到解决。",
    },
    "odds_retro": {
        "en": "Retroactive review: each month the inspection tours of the cadre's own level and those above re-read its record with {p}, {months} "
        "months back, under today's standards; a re-read finds an act not yet judged irregular with {ji} "
        "(an innovation) or {jr} (routine work).",
        "zh": "秋后算账：每月本级和上级的巡察按今天的标准回溯审查一名干部近 {months} 个月记录的概率为 {p}；"
        "审查时尚未定性的行为被认定不合规的概率为 {ji}（创新）或 {jr}（常规工作）。",
    },
    "odds_blame_township": {
        "en": "Your own cases stay yours: a township has no one below to push them onto. Cases of the "
        "units above can be pushed down onto you (背锅), and incidents of your township's own "
        "problems can be pinned on its cadres (属地式问责).",
        "zh": "你自己的案例只能由你承担：乡镇之下没有可以推给的人。上级单位的案例则可能被推给你（背锅），"
        "本乡镇自身问题引发的事件也可能被追究到本乡镇干部身上（属地式问责）。",
    },
    "odds_shift": {
        "en": "A case of yours is pushed down onto a cadre below with {p}.",
        "zh": "你的案例被推给下级干部承担的概率为 {p}。",
    },
    "apply_choice": {
        "en": "If a case of mine is covered by the tolerance provision this month, apply for tolerance",
        "zh": "如果本月我的案例在容错规定覆盖范围内，我申请容错",
    },
    "apply_stages": {
        "en": "If you apply, the application is filed and the case passes {stages} (ordinary case): it ends "
        "tolerated with {tol}. If you do not, the procedure stops at the application.",
        "zh": "若申请，申请即提出，案例随后依次通过：{stages}（普通案例），最终获容错的概率为 {tol}。"
        "若不申请，程序止于申请环节。",
    },
    "case_commission": {
        "en": "Supervision noticed your failed innovation: the {levels} levels that watch a township (its "
        "own and every level above) notice a misstep with {d} a month.",
        "zh": "你的创新失败被监督发现：监督乡镇的 {levels} 级（本级及以上各级）每月发现一项失误的概率为 {d}。",
    },
    "case_veto": {
        "en": "Your routine work missed a one-veto target, and supervision noticed it (the {levels} levels that "
        "watch a township notice a miss with {d} a month).",
        "zh": "你的常规工作导致一项一票否决指标失守，并被监督发现（监督乡镇的 {levels} 级每月发现失守的概率为 {d}）。",
    },
    "case_territorial": {
        "en": "A territorial case (属地式问责): problems that arose in your township escalated to the "
        "level above, and the watching levels pinned the incident on a cadre of the township — "
        "you.",
        "zh": "属地式问责：本乡镇自身产生的问题向上级蔓延，监督的各级把这一事件追究到本乡镇的一名干部——你身上。",
    },
    "case_retro_innov": {
        "en": "Retroactive review (秋后算账) by your own level or one above re-read your last {months} months under "
        "today's standards and judged a past innovation irregular.",
        "zh": "本级或上级的“秋后算账”按今天的标准回溯审查了你近 {months} 个月的记录，认定一项过往创新不合规。",
    },
    "case_retro_routine": {
        "en": "Retroactive review (秋后算账) by your own level or one above re-read your last {months} months "
        "under today's standards and judged a past routine act irregular.",
        "zh": "本级或上级的“秋后算账”按今天的标准回溯审查了你近 {months} 个月的记录，认定一项过往常规工作不合规。",
    },
    "case_omission": {
        "en": "Your inaction was noticed (a month of inaction is noticed with {p}).",
        "zh": "你的不作为被发现了（一个月的不作为被发现的概率为 {p}）。",
    },
    "case_shifted": {
        "en": "A case of a unit above — {what} — was pushed down onto you (背锅): you carry it.",
        "zh": "上级单位的一个案例——{what}——被推给了你（背锅）：由你承担。",
    },
    "shifted_commission": {"en": "a failed innovation there", "zh": "那里的一项创新失败"},
    "shifted_veto": {
        "en": "a missed one-veto target or an incident on its territory",
        "zh": "那里的一项一票否决指标失守或辖区内的事件",
    },
    "shifted_retro_innov": {
        "en": "a past innovation there found by review",
        "zh": "审查翻出的那里的一项过往创新",
    },
    "shifted_retro_routine": {
        "en": "a past routine act there found by review",
        "zh": "审查翻出的那里的一项过往常规工作",
    },
    "case_stages": {"en": "Tolerance procedure: {stages}.", "zh": "容错程序：{stages}。"},
    "case_not_applied": {
        "en": "No application was made, so the procedure stopped there.",
        "zh": "没有提出申请，程序就此终止。",
    },
    "case_not_covered": {
        "en": "The tolerance provision did not cover it (it covers such a case with {reach}).",
        "zh": "容错规定没有覆盖这一案例（此类案例被覆盖的概率为 {reach}）。",
    },
    "case_never_covered": {
        "en": "Inaction is never covered by tolerance.",
        "zh": "不作为从不在容错之列。",
    },
    "cause_commission": {"en": "for the failed innovation", "zh": "因创新失败"},
    "cause_veto": {"en": "for the missed one-veto target", "zh": "因一票否决指标失守"},
    "cause_territorial": {
        "en": "for the incident on your township's territory",
        "zh": "因本乡镇辖区内的事件",
    },
    "cause_retro_innov": {
        "en": "for the past innovation found by the review",
        "zh": "因审查翻出的过往创新",
    },
    "cause_retro_routine": {
        "en": "for the past routine act found by the review",
        "zh": "因审查翻出的过往常规工作",
    },
    "cause_omission": {"en": "for inaction", "zh": "因不作为"},
    "cause_shifted": {"en": "for the case pushed down onto you", "zh": "因被推给你的案例"},
    "out_sanction_for": {
        "en": "Sanction ({severity}) {cause}; no promotion for {months} months.",
        "zh": "处分（{severity}），{cause}；{months} 个月内不得晋升。",
    },
    "out_removed_for": {
        "en": "A severe sanction ends your post: you are removed.",
        "zh": "严重处分使你失去职务：你被免职了。",
    },
    "out_tallies": {
        "en": "This month, for your township: {township} problems solved by you; for your career: {career}.",
        "zh": "本月为乡镇：你解决问题 {township}；为仕途：{career}。",
    },
    "career_clear": {"en": "no month of promotion lost", "zh": "没有失去晋升的月份"},
    "career_blocked": {
        "en": "{b} more months without promotion",
        "zh": "不得晋升的月数增加 {b} 个月",
    },
    "you_record": {"en": "Your record", "zh": "你的记录"},
    "tally_now": {
        "en": "for your township {township} problems solved (average so far {avg_township}); for your "
        "career {blocked} months of promotion blocked (average so far {avg_blocked})",
        "zh": "为乡镇已解决问题 {township}（目前平均 {avg_township}）；为仕途不得晋升 {blocked} 个月"
        "（目前平均 {avg_blocked}）",
    },
    "rec_township": {
        "en": "for your township: problems solved",
        "zh": "为乡镇：解决的问题",
    },
    "rec_blocked": {
        "en": "for your career: months of promotion blocked",
        "zh": "为仕途：不得晋升的月数",
    },
    "rec_allowed": {"en": "at most {x} to keep the career", "zh": "保住仕途的上限 {x}"},
    "rec_successes": {"en": "successful innovations", "zh": "成功创新"},
    "rec_sanctions": {"en": "sanctions", "zh": "处分"},
    "rec_tolerated": {"en": "cases tolerated", "zh": "获容错"},
    "rec_promotions": {"en": "promotions", "zh": "晋升"},
    "rec_removals": {"en": "removals", "zh": "免职"},
    "rec_severity": {"en": "mild / moderate / severe sanctions", "zh": "轻微 / 中等 / 严重处分"},
    "rec_choices": {
        "en": "innovate / routine / avoid (share of months)",
        "zh": "创新 / 常规 / 避责（月份占比）",
    },
    "debrief_title": {
        "en": "Debrief: {months} months as a township {role}",
        "zh": "复盘：作为乡镇{role}的 {months} 个月",
    },
    "debrief_you": {"en": "you", "zh": "你"},
    "debrief_peers": {"en": "average township {role} ({n})", "zh": "乡镇{role}平均（{n} 人）"},
    "debrief_won": {
        "en": "You won: you served your township at least as well as the average township {role} and "
        "kept your career no worse than theirs.",
        "zh": "你赢了：你为乡镇做的不比乡镇{role}的平均少，仕途也不比他们差。",
    },
    "debrief_township_only": {
        "en": "You served your township, but paid with your career: {why}.",
        "zh": "你为乡镇做了事，却赔上了仕途：{why}。",
    },
    "debrief_career_only": {
        "en": "You kept your career, but your township lost: it got {mine} solved from you, less than the "
        "{avg} of the average township {role}.",
        "zh": "你保住了仕途，但乡镇吃了亏：你为乡镇解决了 {mine}，少于乡镇{role}平均的 {avg}。",
    },
    "debrief_neither": {
        "en": "Neither: your township got {mine} solved from you, less than the {avg} of the average "
        "township {role}, and your career paid too: {why}.",
        "zh": "两头落空：你为乡镇解决了 {mine}，少于乡镇{role}平均的 {avg}；仕途也受了损：{why}。",
    },
    "why_removed": {"en": "you were removed from your post", "zh": "你被免职了"},
    "why_blocked": {
        "en": "{b} months of promotion blocked, more than the average {avg} plus {tol}",
        "zh": "不得晋升 {b} 个月，超过了平均的 {avg} 加 {tol} 个月",
    },
    "debrief_group": {
        "en": "Judged by the same rule against the others' average, {k} of the {n} township {role} posts "
        "of this run (yours included) won.",
        "zh": "按同样的规则与其他人的平均比较，本次运行的 {n} 个乡镇{role}岗位（包括你的）中有 {k} 个赢了。",
    },
    "debrief_problems": {
        "en": "Your township solved {mine} problems over the game; the average township solved {avg}.",
        "zh": "游戏期间你所在乡镇解决了 {mine} 个问题，乡镇平均解决了 {avg} 个。",
    },
    "debrief_scenario": {"en": "Scenario: {scenario}. {text}", "zh": "情景：{scenario}。{text}"},
    "debrief_again": {"en": "Play again", "zh": "再玩一次"},
    "debrief_other": {"en": "Try another scenario", "zh": "换一个情景试试"},
    "game_over": {"en": "The game is over.", "zh": "游戏结束。"},
}

# English display names where the model's names are identifiers.
ACTIONS_EN: tuple[str, ...] = ("innovate", "routine", "avoid blame")
FORMS_EN: tuple[str, ...] = ("pass down", "share responsibility", "refuse / stall")
# The first row of the funnel counts the cases the provision covers (the model's "cases").
STAGES_ZH_SHOWN: tuple[str, ...] = ("纳入容错范围的案例", *STAGES_ZH[1:])
STAGES_EN: tuple[str, ...] = (
    "covered cases",
    "applied",
    "accepted",
    "consultation passed",
    "determined tolerable",
    "recognised above",
)
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
    """The schema's explanation, with code-style parameter names (`name`) given by
    their label instead."""
    import re

    p = SCHEMA[name]
    text = pick(lang, p.en, p.zh)
    named = "N (“{}”)" if lang == "en" else "N（“{}”）"
    return re.sub(
        r"`(\w+)`",
        lambda m: (
            named.format(param_label(m.group(1), lang)) if m.group(1) in SCHEMA else m.group(1)
        ),
        text,
    )


# English units that take the singular for a value of 1 ("1 target", not "1 targets").
SINGULAR_EN: dict[str, str] = {
    "targets": "target",
    "channels": "channel",
    "months": "month",
    "problems": "problem",
    "requirements": "requirement",
}


def unit_text(name: str, lang: str, value: float | None = None) -> str:
    p = SCHEMA[name]
    if lang == "zh":
        return p.unit_zh
    return SINGULAR_EN.get(p.unit, p.unit) if value is not None and value == 1 else p.unit


def plural(n: float, one: str, many: str) -> str:
    """``"1 problem"``, ``"2 problems"`` (English; counts shown rounded)."""
    k = round(n)
    return f"{k:,} {one if k == 1 else many}"


def colon(lang: str) -> str:
    """The colon after a lead-in: full-width in Chinese."""
    return "：" if lang == "zh" else ": "


def list_sep(lang: str) -> str:
    return "、" if lang == "zh" else ", "


def param_source(name: str, lang: str) -> str:
    p = SCHEMA[name]
    return pick(lang, p.source, p.source_zh)


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
    return pick(lang, STAGES_EN[i], STAGES_ZH_SHOWN[i])


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


def lead(key: str, lang: str) -> str:
    """A label followed by a colon (full-width in Chinese): "Why:" / "为什么："."""
    return t(key, lang) + colon(lang).rstrip()


def preset_label(name: str, lang: str) -> str:
    spec = PRESETS[name]
    size = t("preset_size", lang, units=f"{spec.n_units:,}", cadres=f"{spec.n_cadres:,}")
    return (
        f"{t('preset_' + name, lang)} ({size})"
        if lang == "en"
        else f"{t('preset_' + name, lang)}（{size}）"
    )


LEVELS_TITLE_EN: tuple[str, ...] = ("the Centre", "Province", "City", "County", "Township")


def place_part(level: int, number: int, lang: str) -> str:
    """One step of a unit's place: "City 2" / "第2市" (numbers count from 1)."""
    if level == 0:
        return pick(lang, LEVELS_TITLE_EN[0], LEVELS_ZH[0])
    return f"{LEVELS_TITLE_EN[level]} {number}" if lang == "en" else f"第{number}{LEVELS_ZH[level]}"


def place_name(path: list[tuple[int, int]], lang: str, full: bool = False) -> str:
    """A unit named by its place in the tree. ``path`` is [(level, number among its
    siblings)] from below the centre down to the unit: "County 3 of City 2" (short:
    the unit and its parent), or the whole path with ``full``."""
    if not path:
        return place_part(0, 0, lang)
    steps = path if full else path[-2:]
    if lang == "zh":
        return "".join(place_part(lv, k, lang) for lv, k in steps)
    return " of ".join(place_part(lv, k, lang) for lv, k in reversed(steps))


# Names the model keeps in its own tuples; kept in step with them by the tests.
MODEL_NAME_TUPLES = {
    "actions": (ACTIONS, ACTIONS_EN),
    "forms": (FORMS, FORMS_EN),
    "stages": (STAGES, STAGES_EN),
    "survey": (SURVEY_ANSWERS, SURVEY_EN),
}
