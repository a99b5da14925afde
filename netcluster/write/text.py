"""Words of the pages and tables, in Korean and English: one table.

The indicators' labels and definitions live in the registry (:mod:`netcluster.indicators`), the
columns' in the column specification (:mod:`netcluster.write.columns`); this table holds the rest
— headings, section introductions, chart titles and legends, the summary's sentences, notes and
page messages — written as a Korean cluster-policy analyst and an English one would write them.

>>> t("summary", "ko"), t("summary", "en")
('요약', 'Summary')
>>> t("n_more_rows", "en", n=12)
'12 more rows in the CSV/XLSX tables.'
"""

from __future__ import annotations

import re

__all__ = ["TEXT", "t", "LANGS", "QUALITY_REASONS_KO", "phase_label", "phase_short", "value_labels"]

LANGS = ("ko", "en")

TEXT = {
    # page
    "report_title": {"ko": "R&D 협력 네트워크 분석 보고서", "en": "R&D collaboration network report"},
    "network_title": {"ko": "기관 협력 네트워크", "en": "Organisation network"},
    "regions_title": {"ko": "{group} 간 협력 네트워크", "en": "Network between {group}s"},
    "pages": {"ko": "페이지", "en": "Pages"},
    "page_report": {"ko": "보고서", "en": "Report"},
    "page_network": {"ko": "기관 네트워크", "en": "Organisation network"},
    "page_regions": {"ko": "지역 네트워크", "en": "Region network"},
    "input_line": {"ko": "입력: {input} · 참여 {participations:,}건, 과제 {projects:,}개, 참여기관 {organisations:,}곳"
                         "(모집단 {population:,}곳) · {years} · 구분 기준: {group} · 연결 가중치: {weighting} · "
                         "seed {seed} · netcluster {version}",
                   "en": "Input: {input} · {participations:,} participations, {projects:,} projects, "
                         "{organisations:,} participating organisations ({population:,} in the population) · "
                         "{years} · grouping: {group} · tie weighting: {weighting} · seed {seed} · netcluster {version}"},
    "years_range": {"ko": "{a}–{b}년", "en": "years {a}–{b}"},
    "no_years": {"ko": "연도 정보 없음", "en": "no years"},
    "synthetic_note": {"ko": "내장 예제 자료는 합성 자료입니다. 검토 보고서의 수치는 실제 사업의 것이며, 예제에서는 보정 목표입니다.",
                       "en": "The bundled sample is synthetic: the review's figures are the real programme's, "
                             "calibration targets on the sample."},
    # sections
    "summary": {"ko": "요약", "en": "Summary"},
    "headline": {"ko": "핵심 지표", "en": "Headline figures"},
    "headline_intro": {"ko": "사업 검토 보고서가 묻는 항목별 지표입니다. 값 옆의 막대는 범위 안의 위치, 회색 띠는 무작위 기대 "
                             "범위, 세로선은 신뢰구간, ▼는 검토 보고서의 수치입니다.",
                       "en": "The figures the programme review asks about. Each bar shows the value within its "
                             "range; a grey band is the range expected at random, a whisker the confidence "
                             "interval, ▼ the review's figure."},
    "headline_intro_generic": {"ko": "네트워크의 규모, 공동과제, 개방성, 지역 간 연계 등 핵심 지표입니다. 막대는 범위 안의 위치, "
                                     "회색 띠는 무작위 기대 범위, 세로선은 신뢰구간입니다.",
                               "en": "The network's size, joint projects, openness, cross-region linkage and the other "
                                     "headline figures. Each bar shows the value within its range; a grey band is "
                                     "the range expected at random, a whisker the confidence interval."},
    "linkage": {"ko": "지역 간 연계", "en": "Cross-region linkage"},
    "linkage_intro": {"ko": "{group} 경계를 넘는 협력이 많을수록 지역 간 연계가 강합니다. 관측/기대 비율이 1보다 크면(빨강) "
                            "두 {group}의 기관이 무작위로 맺어질 때보다 자주 협력한 것입니다.",
                      "en": "The more ties cross {group} boundaries, the stronger the linkage between {group}s. "
                            "An observed/expected ratio above 1 (red) means two {group}s' organisations work "
                            "together more often than random pairing would give."},
    "openness": {"ko": "개방성", "en": "Openness"},
    "openness_intro": {"ko": "E-I 지수는 -1(모든 연결이 같은 {group} 안)부터 +1(모든 연결이 {group} 밖)까지이며 클수록 "
                             "개방적입니다. 회색 띠는 {group} 라벨을 무작위로 섞었을 때의 95% 범위로, 점이 띠보다 왼쪽이면 "
                             "우연보다 폐쇄적입니다.",
                       "en": "The E-I index runs from -1 (every tie inside a {group}) to +1 (every tie across); "
                             "higher is more open. The grey band is the 95% range when {group} labels are "
                             "shuffled: a dot left of it is more closed than chance."},
    "organisations": {"ko": "주요 기관과 게이트키퍼", "en": "Key organisations and gatekeepers"},
    "organisations_intro": {"ko": "매개 중심성이 높은 기관은 서로 떨어진 기관들을 잇는 통로입니다. 게이트키퍼는 자기 {group} "
                                  "안과 밖을 모두 잇는 기관입니다.",
                            "en": "Organisations with high betweenness link parts of the network that would "
                                  "otherwise be apart; gatekeepers link their own {group} with others."},
    "top_betweenness": {"ko": "매개 중심성 상위 20개 기관", "en": "Top 20 organisations by betweenness"},
    "sampled_betweenness": {"ko": "매개 중심성은 표본 출발점 {k}개로 추정했으며, 표준오차를 함께 적었습니다.",
                            "en": "Betweenness is estimated from {k} sampled sources; its standard error is shown."},
    "sampled_betweenness_precise": {"ko": "매개 중심성은 출발점 {k}개를 표본으로 추정했습니다. 상위 {top}개 기관의 표준오차가 모두 값의 "
                                          "{target}% 이하가 될 때까지 출발점을 늘렸습니다(가장 큰 상대 표준오차 {worst}).",
                                    "en": "Betweenness is estimated from {k} sampled sources, added until each of the top {top} "
                                          "has a standard error of at most {target}% of its value (largest: {worst})."},
    "sampled_betweenness_budget": {"ko": "매개 중심성은 출발점 {k}개를 표본으로 추정했습니다. 계산 한도에 이르렀고, 상위 {top}개 "
                                         "중 상대 표준오차가 가장 큰 값은 {worst}입니다. 순위가 가까운 기관은 표준오차를 함께 보십시오.",
                                   "en": "Betweenness is estimated from {k} sampled sources; the work budget was reached with "
                                         "a largest relative standard error of {worst} among the top {top}: read close ranks "
                                         "with their standard errors."},
    "gatekeepers": {"ko": "지역 게이트키퍼(Graf 2011)", "en": "Regional gatekeepers (Graf 2011)"},
    "gatekeepers_skipped": {"ko": "게이트키퍼를 계산하지 않았습니다: {why}", "en": "Gatekeepers not computed: {why}"},
    "communities_vs": {"ko": "Leiden 커뮤니티와 {what} 비교", "en": "Leiden communities and the declared {what}"},
    "communities_summary": {"ko": "ARI {ari}, NMI {nmi}; {split}개 그룹이 여러 커뮤니티로 나뉘고 {merged}개 그룹이 다른 "
                                  "그룹과 합쳐짐.",
                            "en": "ARI {ari}, NMI {nmi}; {split} declared groups split, {merged} merged with others."},
    "evolution": {"ko": "추이", "en": "Evolution"},
    "evolution_intro": {"ko": "연도별 값입니다. 음영은 사업 단계이며, 길이가 다른 단계는 연평균으로 비교합니다.",
                        "en": "Values by year; shaded bands are the programme's phases, which are compared on "
                              "yearly means because they differ in length."},
    "evolution_intro_no_phases": {"ko": "연도별 값입니다.", "en": "Values by year."},
    "no_evolution": {"ko": "과제에 연도가 없어 추이를 볼 수 없습니다.", "en": "The projects have no year: no evolution."},
    "by_phase": {"ko": "단계별 비교", "en": "By phase"},
    "phase_note": {"ko": "과제·기관 수와 포괄률은 단계 길이가 달라 연평균(연도별 값의 평균)으로, 비율은 단계 전체로 계산했습니다.",
                   "en": "Counts and coverage are yearly means (the phases differ in length); shares are "
                         "computed over each whole phase."},
    "per_year_mean": {"ko": "연평균", "en": "per year"},
    "growth": {"ko": "연도별 네트워크 규모", "en": "Network size by year"},
    "review_comparison": {"ko": "검토 보고서와의 비교", "en": "Comparison with the programme review"},
    "review_intro": {"ko": "검토 보고서(2015)의 수치와 같은 기준으로 다시 계산한 값입니다. 각 줄은 무엇이 같고 무엇이 다른지 "
                           "적었습니다.",
                     "en": "The data's figures computed as the review (2015) computed its own; each line says what "
                           "makes them comparable."},
    "quality": {"ko": "자료 품질", "en": "Data quality"},
    "quality_intro": {"ko": "제외·병합·수정한 모든 행은 파일과 행 번호와 함께 quality.json에 있습니다. 읽은 행 = 쓴 행 + "
                            "제외한 행.",
                      "en": "Every dropped, merged or repaired row is in quality.json with its file and line. "
                            "Rows read = rows used + rows dropped."},
    "methods": {"ko": "방법과 설정", "en": "Methods and parameters"},
    "print_hint": {"ko": "인쇄(PDF로 저장)하면 A4 문서가 됩니다.", "en": "Print (save as PDF) for an A4 document."},
    # table headers
    "col_figure": {"ko": "지표", "en": "Figure"},
    "col_value": {"ko": "값", "en": "Value"},
    "col_interval": {"ko": "구간", "en": "Interval"},
    "col_review": {"ko": "검토 보고서", "en": "Review"},
    "col_definition": {"ko": "정의", "en": "Definition"},
    "col_note": {"ko": "비고", "en": "Note"},
    "col_members": {"ko": "기관 수", "en": "Organisations"},
    "col_internal": {"ko": "내부 연결", "en": "Ties inside"},
    "col_external": {"ko": "외부 연결", "en": "Ties across"},
    "col_external_share": {"ko": "외부 연결 비율", "en": "Share across"},
    "col_ei": {"ko": "E-I 지수", "en": "E-I index"},
    "col_null": {"ko": "무작위 95% 범위", "en": "Random 95% range"},
    "col_open_share": {"ko": "개방 과제 비율", "en": "Open-project share"},
    "col_group": {"ko": "{group}", "en": "{group}"},
    "col_gatekeeper_share": {"ko": "게이트키퍼 몫", "en": "Gatekeeper share"},
    "col_z": {"ko": "z", "en": "z"},
    "col_size": {"ko": "규모", "en": "Size"},
    "col_dominant": {"ko": "주 커뮤니티", "en": "Main community"},
    "col_dominant_share": {"ko": "주 커뮤니티 비율", "en": "Share in it"},
    "col_communities": {"ko": "커뮤니티 수", "en": "Communities"},
    "col_split": {"ko": "분리", "en": "Split"},
    "col_table": {"ko": "표", "en": "Table"},
    "col_file": {"ko": "파일", "en": "File"},
    "col_read": {"ko": "읽은 행", "en": "Rows read"},
    "col_used": {"ko": "쓴 행", "en": "Rows used"},
    "col_dropped": {"ko": "제외한 행", "en": "Rows dropped"},
    "col_balanced": {"ko": "일치", "en": "Balanced"},
    "col_reason": {"ko": "사유", "en": "Reason"},
    "col_action": {"ko": "처리", "en": "Action"},
    "col_rows": {"ko": "행 수", "en": "Rows"},
    "col_phase": {"ko": "단계", "en": "Phase"},
    "yes": {"ko": "예", "en": "yes"},
    "no": {"ko": "아니오", "en": "no"},
    "not_applicable": {"ko": "해당 없음", "en": "not applicable"},
    "n_more_rows": {"ko": "나머지 {n:,}행은 CSV/XLSX 표에 있습니다.", "en": "{n:,} more rows in the CSV/XLSX tables."},
    "org_types": {"ko": {"firm": "기업", "university": "대학", "research": "연구기관", "government": "공공기관",
                         "support": "지원기관", "other": "기타"},
                  "en": {"firm": "firm", "university": "university", "research": "research institute",
                         "government": "public body", "support": "support organisation", "other": "other"}},
    "public_types": {"ko": "정부·지원기관 합계", "en": "government + support"},
    "units": {"ko": {"count": "개", "share": "비율", "organisations": "곳", "ratio": "배", "p-value": "p값",
                     "bits": "비트", "[-1, 1]": "지수(-1~1)", "[-0.5, 1]": "지수(-0.5~1)", "[0, 1]": "지수(0~1)"},
              "en": {}},
    "method_names": {"ko": {"count per year (a census: no sampling error)": "연평균 비교(전수 자료라 표본오차 없음)",
                       "difference-in-differences, two-way fixed effects (firm, year), exact matching on size class, "
                       "sector and complex/province, standard errors clustered by firm":
                           "이중차분법(기업·연도 고정효과), 기업규모·업종·산업단지(없으면 시·도) 정확 매칭, 기업 단위 군집 표준오차",
                       "bootstrap of {how} ({n_boot}), permutation of projects between the periods ({n_perm})":
                           "{how} 부트스트랩 {n_boot}회, 기간 간 과제 순열 {n_perm}회",
                       "organisations": "기관", "projects": "과제"},
                "en": {}},
    "comparison_groups": {"ko": {"non-participating SMEs": "미참여 중소기업", "non-participating firms": "미참여 기업"},
                          "en": {}},
    "other_sheets": {"ko": "그 밖의 시트", "en": "other sheets"},
    "ties_sheet_note": {"ko": "ties 시트에는 연결 {total:,}개 중 가중치가 큰 {n:,}개만 담았습니다. 전체 연결은 ties.csv에 있습니다.",
                        "en": "ties sheet: the {n:,} strongest of {total:,} ties; all ties are in ties.csv"},
    "table_names": {"ko": {"participations": "참여 기록", "organisations": "기관", "projects": "과제", "outcomes": "성과"},
                    "en": {"participations": "participations", "organisations": "organisations", "projects": "projects",
                           "outcomes": "outcomes"}},
    "actions": {"ko": {"drop": "제외", "repair": "수정", "merge": "병합", "info": "참고"},
                "en": {"drop": "dropped", "repair": "repaired", "merge": "merged", "info": "note"}},
    # charts
    "download": {"ko": "내려받기", "en": "Download"},
    "chart_cross_share": {"ko": "{group}별 다른 {group}과의 연결 비율", "en": "Share of each {group}'s ties that go to another {group}"},
    "chart_heatmap": {"ko": "{group} × {group}: 관측/기대 연결 비율(색, 로그 척도; 빨강 > 1)과 연결 수(숫자)",
                      "en": "{group} × {group}: observed / expected ties (colour, log scale; red > 1) and tie counts"},
    "chart_wide_heatmap": {"ko": "5+2 광역경제권: 관측/기대 연결 비율", "en": "5+2 wide economic regions: observed / expected ties"},
    "chart_ei": {"ko": "{group}별 E-I 지수와 무작위 95% 범위", "en": "E-I index of each {group} with its random 95% range"},
    "chart_ei_legend": {"ko": "회색 띠: 라벨을 섞었을 때 95% · 점: 관측값", "en": "grey band: 95% of shuffled labels · dot: observed"},
    "chart_open_share": {"ko": "{group}별 다른 {group} 기관이 함께한 과제 비율",
                         "en": "Share of each {group}'s projects with a partner from another {group}"},
    "chart_growth": {"ko": "연도별 기관·과제·연결 수", "en": "Organisations, projects and ties by year"},
    "structure": {"ko": "네트워크 구조의 변화", "en": "Network structure over time"},
    "structure_intro": {"ko": "해마다 하나로 이어진 네트워크인지(최대 연결 요소 비율), 핵심 집단이 얼마나 큰지(최대 k-코어 비율), "
                              "새로 참여한 기관이 기존 핵심과 연결되는지를 봅니다. 규모만 늘고 섬처럼 흩어진 성장과, 핵심을 중심으로 "
                              "이어지는 성장을 구분할 수 있습니다.",
                        "en": "Whether each year's network is one connected system (largest component share), how "
                              "large its core is (main k-core share), and whether newcomers tie into the earlier core: "
                              "growth as scattered islands and growth around a core look the same in counts."},
    "chart_structure_shares": {"ko": "연결성과 핵심 집단(연도별)", "en": "Connectedness and core (by year)"},
    "chart_structure_shape": {"ko": "군집과 집중도(연도별)", "en": "Clustering and centralisation (by year)"},
    "structure_line": {"ko": "{first}년에는 기관의 {a}가 최대 연결 요소에 속했고 {last}년에는 {b}입니다. 신규 참여 기관 중 "
                             "이전 해까지의 핵심 기관과 바로 연결된 비율은 평균 {tied}입니다.",
                       "en": "{a} of the organisations were in the largest connected component in {first}, {b} in "
                             "{last}; on average {tied} of each year's newcomers had a tie to the earlier years' core."},
    "structure_by_phase": {"ko": "단계별 구조", "en": "Structure by phase"},
    "systems": {"ko": "누가 네트워크를 이끄는가: 산학연관과 지역혁신체계", "en": "Who runs the network: the helix and regional systems"},
    "systems_intro": {"ko": "정부·지원기관(산단공, 테크노파크, 지자체)과 기업·대학·연구기관이 단계별로 연결, 중개(매개 중심성), 과제 주관을 "
                            "얼마나 차지하는지 봅니다. 공공 주도 클러스터가 개방적이지 않다는 검토 의견을 수치로 확인하는 표입니다.",
                      "en": "How much of the ties, the brokerage (betweenness) and the project leads are held by "
                            "government and support bodies (the agency, technoparks, local governments) and by firms, "
                            "universities and research institutes, period by period: how public-led the network is."},
    "se_suffix": {"ko": " (표준오차 {se:.1f}%p)", "en": " (standard error {se:.1f} percentage points)"},
    "systems_line": {"ko": "{period}: 정부·지원기관이 연결의 {ties}, 매개 중심성의 {btw}, 과제 주관의 {lead}를 차지합니다.",
                     "en": "{period}: government and support bodies hold {ties} of the ties, {btw} of the betweenness "
                           "and {lead} of the project leads."},
    "ris": {"ko": "{group}별 지역혁신체계", "en": "Regional innovation system by {group}"},
    "ris_intro": {"ko": "기업이 대학·연구기관과 얼마나 연결되는지, 기업의 협력 상대가 같은 지역에 있는지(지역 내 지식 파트너), "
                        "지식서비스 기업이 얼마나 연결되어 있는지를 {group}별로 보고 마지막 줄에 전국 값을 둡니다.",
                  "en": "How firms tie to universities and research institutes, whether their partners are in the same "
                        "{group} (local knowledge partners), and how embedded knowledge-service firms are — by {group}, "
                        "with the national value last."},
    "break_line": {"ko": "{label}: {year}년을 기준으로 수준이 {level}(95% 구간 {lo}~{hi}) 바뀌었고, 연간 추세는 {before}에서 {after}로 "
                         "변했습니다(추세 변화 p = {p}).",
                   "en": "{label}: a level change of {level} at {year} (95% interval {lo} to {hi}); the yearly trend "
                         "went from {before} to {after} (trend change p = {p})."},
    "funding_line": {"ko": "다른 사업에서 {years}년 이내에 과제명이 비슷하고(유사도 {t:.0%} 이상) 참여기관이 겹치는(Jaccard {o:.0%} 이상) "
                           "과제 쌍이 {pairs:,}건 있습니다(근거는 통합 문서의 유사 과제 시트). 두 개 이상 사업의 지원을 받은 "
                           "기관은 {repeat:,}곳입니다.",
                     "en": "{pairs:,} pairs of projects of different programmes within {years} years have similar titles "
                           "(similarity at least {t:.0%}) and overlapping consortia (Jaccard at least {o:.0%}) — listed "
                           "with the evidence in the workbook indicators.xlsx; {repeat:,} organisations were "
                           "funded by two or more programmes."},
    "concentration_line": {"ko": "{period}: 예산 집중도 HHI {hhi:.4f}, 지니계수 {gini:.3f}, 상위 10% 기관이 예산의 {top}를 받았습니다.",
                           "en": "{period}: budget concentration HHI {hhi:.4f}, Gini {gini:.3f}; the top 10% of "
                                 "recipients received {top} of the budget."},
    "outcomes": {"ko": "성과: 대응 비교집단과의 이중차분", "en": "Outcomes against a matched comparison"},
    "outcomes_intro": {"ko": "참여 기업의 연도별 성과를 처음 과제에 참여하기 전과 후로 나누어, 같은 기업규모·업종·산업단지(없으면 시·도)의 "
                             "{group} 변화와 비교했습니다(이중차분, 기업·연도 고정효과, 기업 단위 군집 표준오차). 참여 전 추세가 "
                             "비교집단과 같았는지(사전 추세 p값)도 함께 봅니다.",
                       "en": "Participating firms' yearly outcomes before and after their first project, against the "
                             "change among {group} of the same size class, sector and complex (province when there is "
                             "no complex): a difference-in-differences with firm and year fixed effects and standard "
                             "errors clustered by firm, with a test of parallel trends before entry."},
    "outcomes_caveat": {"ko": "이 설계는 관측되는 조건(규모·업종·입지)이 같고 참여 전 추세가 같았던 비교 기업과의 차이를 보여 줍니다. "
                              "성장하려는 기업이 스스로 참여를 택한 효과(관측되지 않는 선택)는 배제하지 못하며, 참여 연도가 다르고 "
                              "효과가 시간에 따라 커지면 하나의 추정치는 집단을 섞습니다. 아래 연도별 효과표를 함께 보십시오.",
                        "en": "The design compares firms alike in what is observed (size, sector, location) and in their "
                              "trend before entry. It cannot rule out that firms about to grow chose to take part "
                              "(selection on what is not observed); with entry in different years and an effect that "
                              "grows over time the single estimate mixes cohorts — read it with the event study below."},
    "outcome_line": {"ko": "{outcome}: 참여 후 연간 {est}(95% 구간 {lo}~{hi}), 참여 기업 {nt:,}곳, 비교 기업 {nc:,}곳, 사전 추세 p = {p}{verdict}",
                     "en": "{outcome}: {est} a year after entry (95% interval {lo} to {hi}), {nt:,} participating and "
                           "{nc:,} comparison firms, pre-trend p = {p}{verdict}"},
    "outcome_pretrend_warn": {"ko": " — 참여 전 추세가 달라 효과로 해석하기 어렵습니다.",
                              "en": " — trends differed before entry: do not read it as an effect."},
    "outcome_ok": {"ko": ".", "en": "."},
    "chart_event": {"ko": "{outcome}: 참여 전후 연도별 효과(참여 전년 = 0)", "en": "{outcome}: effect by year since entry (the year before = 0)"},
    "event_estimate": {"ko": "추정 효과", "en": "estimate"},
    "event_low": {"ko": "95% 하한", "en": "95% low"},
    "event_high": {"ko": "95% 상한", "en": "95% high"},
    "changes": {"ko": "기간 간 변화와 그 불확실성", "en": "Changes between periods, with their uncertainty"},
    "changes_intro": {"ko": "{a}와 {b}의 차이입니다. 95% 구간은 과제를 복원추출한 부트스트랩(기관 비율은 기관을 복원추출), "
                            "p값은 두 기간의 과제를 무작위로 바꿔 배치한 순열검정입니다. 구간이 0을 포함하면 우연으로 생길 수 있는 "
                            "차이입니다. 과제·기관·연결 수는 표본이 아닌 전수이므로 연평균만 비교합니다.",
                      "en": "{b} against {a}. The 95% interval is a bootstrap over projects (over organisations for "
                            "shares of organisations), the p-value a permutation test that reassigns projects between "
                            "the periods at random. An interval that includes 0 is a difference chance could produce. "
                            "Counts of projects, organisations and ties are a census, not a sample: compared per year."},
    "change_real": {"ko": "{label}: {a} → {b}({diff}), 95% 구간 {lo}~{hi}, p = {p} — 우연으로 보기 어려운 변화입니다.",
                    "en": "{label}: {a} → {b} ({diff}), 95% interval {lo} to {hi}, p = {p} — unlikely to be chance."},
    "change_noise": {"ko": "{label}: {a} → {b}({diff}), 95% 구간 {lo}~{hi}, p = {p} — 우연과 구별되지 않습니다.",
                     "en": "{label}: {a} → {b} ({diff}), 95% interval {lo} to {hi}, p = {p} — not distinguishable from chance."},
    "change_borderline": {"ko": "{label}: {a} → {b}({diff}), 95% 구간 {lo}~{hi}, p = {p} — 구간과 검정의 판단이 엇갈리는 경계선의 변화입니다.",
                          "en": "{label}: {a} → {b} ({diff}), 95% interval {lo} to {hi}, p = {p} — borderline: the interval and the test disagree."},
    "changes_not_tested": {"ko": "자료가 커서(참여 {n:,}건) 구간과 p값은 계산하지 않았습니다: netcluster compare로 계산하세요.",
                           "en": "Intervals and p-values not computed at this size ({n:,} participations): run "
                                 "netcluster compare."},
    "chart_legend_review": {"ko": "▼ 검토 보고서", "en": "▼ review"},
    "chart_legend_interval": {"ko": "구간: 95% 신뢰구간", "en": "whisker: 95% confidence interval"},
    "chart_legend_reference": {"ko": "회색: 무작위 95% 범위", "en": "grey: 95% range at random"},
    "too_many_groups": {"ko": "{group}이 40개를 넘어 region_matrix.csv에서 보십시오.",
                        "en": "More than 40 {group}s: see region_matrix.csv."},
    "cross_box": {"ko": "{group} 경계를 넘는 연결의 비율: <b>{share}</b> (연결 {ties:,}개 중 {cross:,}개).",
                  "en": "Share of ties that cross {group} boundaries: <b>{share}</b> ({cross:,} of {ties:,} ties)."},
    "ei_box": {"ko": "네트워크 E-I 지수 <b>{ei}</b>. {group} 라벨을 {k:,}번 무작위로 섞으면 평균 {null}(95% 범위 {lo}~{hi}); "
                     "무작위보다 폐쇄적일 확률 p = {p}. 재척도화 E-I(UCINET) {rescaled}.",
               "en": "Network E-I index <b>{ei}</b>. With {group} labels shuffled {k:,} times the mean is {null} "
                     "(95%: {lo} to {hi}); p = {p} for being more closed than chance. Rescaled E-I (UCINET) "
                     "{rescaled}."},
    # summary sentences (each a finding with its number)
    "s_scale": {"ko": "과제 {projects:,}개에 기관 {organisations:,}곳이 참여했고(참여 {participations:,}건), 함께 과제를 수행한 "
                      "기관 쌍은 {ties:,}개입니다.",
                "en": "{organisations:,} organisations took part in {projects:,} projects ({participations:,} "
                      "participations); {ties:,} pairs of them shared a project."},
    "s_joint": {"ko": "공동과제 비율은 {joint}이고, 기업이 2곳 이상 참여한 과제는 전체의 {two}입니다{review}.",
                "en": "{joint} of projects are joint and {two} involve two or more firms{review}."},
    "s_ei": {"ko": "{group} 기준 개방성(E-I 지수)은 {ei}로, 라벨을 무작위로 섞었을 때의 기대치 {null}(95% 범위 {lo}~{hi})보다 "
                   "{direction} (p {p}).",
             "en": "Openness by {group} (E-I index) is {ei}, {direction} the {null} expected at random "
                   "(95%: {lo} to {hi}; p {p})."},
    "s_ei_lower": {"ko": "유의하게 낮아 폐쇄적입니다", "en": "significantly below"},
    "s_ei_higher": {"ko": "유의하게 높아 개방적입니다", "en": "significantly above"},
    "s_ei_same": {"ko": "유의한 차이가 없습니다", "en": "not significantly different from"},
    "s_cross": {"ko": "{group} 간 연결 비율은 {cross}로, 무작위로 맺어질 때의 기대치 {expected}에 못 미칩니다{review}.",
                "en": "{cross} of ties cross {group} boundaries, against {expected} if partners were chosen at "
                      "random{review}."},
    "s_cross_above": {"ko": "{group} 간 연결 비율은 {cross}로, 무작위 기대치 {expected}보다 높습니다{review}.",
                      "en": "{cross} of ties cross {group} boundaries, above the {expected} expected at random{review}."},
    "s_wide": {"ko": "5+2 광역경제권 간 연결 비율은 {wide}입니다.", "en": "{wide} of ties cross the 5+2 wide economic regions."},
    "s_coverage": {"ko": "참여기업이 있는 산업단지는 {covered}{review}, 모집단 기업 중 참여기업은 {firms}입니다.",
                   "en": "{covered} of complexes have a participating firm{review}; {firms} of the population's "
                         "firms take part."},
    "s_specialised": {"ko": "시범단지 참여기업의 특화업종 비율은 {a}({ya}년)에서 {b}({yb}년)로 {trend}{review}.",
                      "en": "The pilot complexes' specialised-industry share went from {a} ({ya}) to {b} ({yb}){review}."},
    "s_up": {"ko": "높아졌습니다", "en": ""},
    "s_down": {"ko": "낮아졌습니다", "en": ""},
    "s_kis": {"ko": "참여기업 중 지식서비스 기업은 {kis}이며, 제조기업 가운데 지식서비스 기업과 협력한 곳은 {mfg}입니다{review}.",
              "en": "{kis} of participating firms are knowledge-intensive services; {mfg} of manufacturers have "
                    "such a partner{review}."},
    "s_overlap": {"ko": "사업 쌍의 참여기관 중복도(Jaccard 평균)는 {jac}, 둘 이상의 사업에 참여한 기관은 {several}이며, 같은 해 "
                        "다른 사업에서 참여기관이 거의 같은 과제가 {pairs}쌍입니다{review}.",
                  "en": "Programme pairs share participants with a mean Jaccard of {jac}; {several} of "
                        "organisations are in two or more programmes and {pairs} project pairs in different "
                        "programmes have nearly the same consortium in the same year{review}."},
    "s_patents": {"ko": "참여 중소기업의 평균 특허 수는 일반 중소기업의 {ratio}배(95% 구간 {lo}~{hi})입니다{review}. 기술 "
                        "통계이며 인과 효과가 아닙니다.",
                  "en": "Participating SMEs file {ratio} times the patents of other SMEs on average (95% CI {lo} "
                        "to {hi}){review}; a descriptive comparison, not a causal effect."},
    "s_phase": {"ko": "{label}: {parts}.", "en": "{label}: {parts}."},
    "review_aside": {"ko": " — 검토 보고서: {review}", "en": " (review: {review})"},
    # network and region pages
    # the organisation network page (network.js takes the net_* texts; {n} is filled in the page)
    "layout_fr": {"ko": "배치: igraph Fruchterman-Reingold(seed {seed})", "en": "Layout: seeded igraph Fruchterman-Reingold (seed {seed})"},
    "layout_two_level": {"ko": "배치: 커뮤니티를 Fruchterman-Reingold로 놓고 각 커뮤니티를 따로 배치(seed {seed})",
                         "en": "Layout: communities placed by Fruchterman-Reingold, each laid out on its own (seed {seed})"},
    "net_shown": {"ko": "표시: 기관 {orgs}곳, 연결 {ties}개 (전체 기관 {n_all}곳, 연결 {m_all}개)",
                  "en": "Showing {orgs} organisations and {ties} ties (of {n_all} organisations and {m_all} ties)"},
    "net_rule_all": {"ko": "기관 {n:,}곳을 모두 그렸고, 현재 보기에서 연결이 하나도 없는 기관은 숨겼습니다",
                     "en": "all {n:,} organisations are drawn; those without a tie in the current view are hidden"},
    "net_rule_top": {"ko": "기관이 {max:,}곳을 넘어 {graph}에서 가장 큰 연결 덩어리의 기관 {n:,}곳만 그렸습니다. 연결 강도"
                           "(연결 가중치의 합)가 가장 큰 기관에서 시작해, 이미 고른 기관과 연결된 기관 중 강도가 큰 순서로 "
                           "골랐습니다. 전체 {total:,}곳은 organisations.csv와 ties.csv에 있습니다",
                     "en": "more than {max:,} organisations: the {n:,} drawn come from the largest connected part of "
                           "the {graph}, taken strongest first (strength = sum of tie weights), each tied to one "
                           "already taken; all {total:,} are in organisations.csv and ties.csv"},
    "net_graph_backbone": {"ko": "백본", "en": "backbone"},
    "net_graph_all": {"ko": "전체 네트워크", "en": "whole network"},
    "net_backbone_line": {"ko": "백본: {method}, {correction}, 유의수준 {alpha} — 연결 {total:,}개 중 {kept:,}개({kept_share}) 유지, "
                                 "기관 {orgs:,}곳",
                          "en": "Backbone: {method}, {correction}, α = {alpha}: {kept:,} of {total:,} ties kept "
                                "({kept_share}), {orgs:,} organisations"},
    "net_backbone_default": {"ko": "연결이 {n:,}개를 넘어 백본부터 보여 줍니다.",
                             "en": "More than {n:,} ties: the backbone is shown first."},
    "net_no_backbone": {"ko": "백본을 계산하지 않았습니다(--backbone none).", "en": "No backbone was computed (--backbone none)."},
    "backbone_methods": {"ko": {"sdsm": "SDSM(Neal 2014, BiCM 확률)", "disparity": "불균형 필터(Serrano 외 2009)",
                                "none": "없음"},
                         "en": {"sdsm": "SDSM (Neal 2014, BiCM probabilities)",
                                "disparity": "disparity filter (Serrano et al. 2009)", "none": "none"}},
    "backbone_corrections": {"ko": {"none": "다중검정 보정 없음", "holm": "Holm 보정",
                                    "fdr": "FDR 보정(Benjamini–Hochberg)"},
                             "en": {"none": "no multiple-testing correction", "holm": "Holm correction",
                                    "fdr": "false discovery rate (Benjamini–Hochberg)"}},
    "net_ties": {"ko": "연결", "en": "Ties"},
    "net_ties_backbone": {"ko": "백본 연결만 ({n}개)", "en": "Backbone only ({n})"},
    "net_ties_all": {"ko": "모든 연결 ({n}개)", "en": "All ties ({n})"},
    "net_min_shared": {"ko": "연결당 최소 공동과제: {n}건", "en": "Minimum joint projects per tie: {n}"},
    "net_isolates": {"ko": "연결이 없는 기관도 표시", "en": "Also show organisations without a tie in this view"},
    "net_years": {"ko": "연도", "en": "Years"},
    "net_year_all": {"ko": "전체 기간", "en": "All years"},
    "net_year_upto": {"ko": "그해까지 누적", "en": "Cumulative up to the year"},
    "net_year_single": {"ko": "그해만", "en": "That year only"},
    "net_year_label_upto": {"ko": "{y}년까지", "en": "up to {y}"},
    "net_year_label_single": {"ko": "{y}년", "en": "{y}"},
    "net_year_note": {"ko": "백본은 전체 기간 기준이며, 연결 굵기와 최소 공동과제는 선택한 기간의 과제로 셉니다.",
                      "en": "The backbone is that of all years; tie widths and the minimum count the selected years' "
                            "projects."},
    "net_search": {"ko": "기관 찾기", "en": "Find an organisation"},
    "net_search_ph": {"ko": "기관명 일부 (예: 부산대)", "en": "any part of a name"},
    "net_no_match": {"ko": "일치하는 기관이 없습니다.", "en": "No organisation matches."},
    "net_more_matches": {"ko": "외 {n}곳 — 더 입력해 좁혀 보세요", "en": "and {n} more: type more to narrow"},
    "net_hidden_mark": {"ko": "숨김", "en": "hidden"},
    "net_hidden": {"ko": "{name}: 현재 선택(필터·연도·최소 공동과제·백본)에 가려 보이지 않습니다.",
                   "en": "{name} is hidden by the current choices (filters, years, minimum joint projects or backbone)."},
    "net_show_it": {"ko": "보이게 하기", "en": "Show it"},
    "net_colour": {"ko": "색 구분", "en": "Colour by"},
    "net_size": {"ko": "크기 기준", "en": "Size by"},
    "net_legend_hint": {"ko": "항목을 누르면 숨기거나 다시 보입니다. 괄호: 표시/전체.",
                        "en": "Click an entry to hide or show it. In brackets: shown/all."},
    "net_all": {"ko": "전체 선택", "en": "All"},
    "net_none": {"ko": "전체 해제", "en": "None"},
    "net_grey": {"ko": "그 밖의 {n}개 그룹은 회색입니다.", "en": "{n} other groups are grey."},
    "net_filter": {"ko": "{what}별 선택", "en": "Filter by {what}"},
    "net_fit": {"ko": "전체 보기", "en": "Fit"},
    "net_zoom_in": {"ko": "확대", "en": "Zoom in"},
    "net_zoom_out": {"ko": "축소", "en": "Zoom out"},
    "net_export": {"ko": "현재 화면 저장", "en": "Save the view"},
    "net_menu": {"ko": "메뉴", "en": "Menu"},
    "net_details": {"ko": "선택한 기관", "en": "Selected organisation"},
    "net_click_hint": {"ko": "기관을 누르면 협력 기관이 강조되고 정보가 여기에 나옵니다.",
                       "en": "Click an organisation to highlight its partners and show it here."},
    "net_partners": {"ko": "협력 기관 {n}곳", "en": "{n} partners"},
    "net_ego1": {"ko": "협력 기관만 보기", "en": "Ego view"},
    "net_ego2": {"ko": "2단계까지", "en": "2 steps"},
    "net_ego_exit": {"ko": "전체 네트워크로", "en": "Whole network"},
    "net_clear": {"ko": "선택 해제", "en": "Clear"},
    "net_ego_title": {"ko": "{name}의 협력 기관({k}단계까지)", "en": "{name} and its partners within {k} step(s)"},
    "net_ego_scope": {"ko": "모든 연결(백본 여부와 관계없이)과 선택한 기간의 과제로 찾았습니다.",
                      "en": "Through any tie (in the backbone or not), in the selected years."},
    "net_ego_drawn_only": {"ko": "그린 기관 {n}곳 안의 협력 기관만 보입니다. 모든 협력 기관은 ties.csv에 있습니다.",
                           "en": "Only partners among the {n} organisations drawn; ties.csv has them all."},
    "net_col_name": {"ko": "기관명", "en": "Organisation"},
    "net_col_type": {"ko": "유형", "en": "Type"},
    "net_col_shared": {"ko": "공동과제", "en": "Joint projects"},
    "net_col_step": {"ko": "단계", "en": "Step"},
    "net_col_via": {"ko": "경유 기관", "en": "Via"},
    "net_copy": {"ko": "표 복사", "en": "Copy table"},
    "net_csv": {"ko": "CSV 내려받기", "en": "Download CSV"},
    "net_copied": {"ko": "복사했습니다.", "en": "Copied."},
    "net_tip_shared": {"ko": "공동과제 {n}건", "en": "{n} joint projects"},
    "net_tip_backbone": {"ko": "백본 연결", "en": "in the backbone"},
    "unknown": {"ko": "(미상)", "en": "(unknown)"},
    # the region page
    "map_note": {"ko": "{group}별 지도입니다. 색은 오른쪽에서 고른 지표이고, 선은 두 {group} 기관 사이의 연결입니다(굵기: 연결 수, "
                       "색: 무작위로 섞였을 때의 기대값 대비 관측값 — 빨강은 기대보다 많음, 파랑은 적음).",
                 "en": "Map by {group}. Colour: the figure chosen on the right. Lines: ties between the two {group}s' "
                       "organisations (width: ties; colour: observed against what random mixing would give — red "
                       "more, blue fewer)."},
    "layout_note": {"ko": "{group}마다 원 하나(크기: 기관 수, 색: 고른 지표)를 연결 구조에 따라 배치했습니다(지도 아님). 기관이 "
                          "많은 {n}개 {group}을 그렸고, 모든 {group}은 표에 있습니다. 선 굵기: 연결 수, 선 색: 관측/기대.",
                    "en": "One circle per {group} (size: organisations; colour: the chosen figure), placed by their "
                          "ties (not a map). The {n} {group}s with most organisations are drawn; all are in the "
                          "table. Line width: ties; line colour: observed/expected."},
    "map_not_drawn": {"ko": "그림에 없는 {n}곳은 표와 region_matrix.csv에 있습니다.",
                      "en": "{n} more are in the table and region_matrix.csv."},
    "map_figure": {"ko": "색으로 볼 지표", "en": "Colour by"},
    "map_click_hint": {"ko": "{group}이나 표의 행을 누르면 그 {group}의 연결만 강조됩니다.",
                       "en": "Click a {group} or a table row to highlight its ties."},
    "map_min_ties": {"ko": "그릴 최소 연결 수: {n}", "en": "Ties drawn: at least {n}"},
    "map_width_legend": {"ko": "선 굵기: 연결 수", "en": "Line width: ties"},
    "map_ratio_legend": {"ko": "선 색: 관측/기대(무작위 혼합 대비)", "en": "Line colour: observed/expected (random mixing)"},
    "map_fewer": {"ko": "기대보다 적음", "en": "fewer than expected"},
    "map_more": {"ko": "기대보다 많음", "en": "more than expected"},
    "map_no_value": {"ko": "값 없음", "en": "no value"},
    "map_inset": {"ko": "울릉도·독도", "en": "Ulleungdo, Dokdo"},
    "map_attribution": {"ko": "경계: 통계청 SGIS 시도 경계(2018), 공공누리 제1유형",
                        "en": "Boundaries: Statistics Korea SGIS provinces (2018), KOGL Type 1"},
    "tip_across": {"ko": "외부 연결: ", "en": "ties to others: "},
    "col_orgs": {"ko": "기관", "en": "Organisations"},
    "col_ties_inside": {"ko": "내부 연결", "en": "Ties inside"},
    "col_ties_across": {"ko": "외부 연결", "en": "Ties to others"},
    "tip_orgs": {"ko": "기관 수: ", "en": "organisations: "},
    "tip_inside": {"ko": "내부 연결: ", "en": "ties inside: "},
    "tip_ties": {"ko": "연결: ", "en": "ties: "},
    "tip_ratio": {"ko": "관측/기대: ", "en": "observed/expected: "},
    # methods
    "m_projection": {"ko": "기관 간 연결은 과제를 함께 수행한 기관 쌍이며, 가중치는 {weighting}입니다(Newman 가중치: {newman}).",
                     "en": "Ties join organisations that shared a project, weighted by {weighting} (Newman weighting: "
                           "{newman})."},
    "m_excluded": {"ko": " 참여기관이 {n}곳을 넘는 과제 {k}개는 연결 계산에서 제외했습니다(과제 수에는 포함).",
                   "en": " {k} projects of more than {n} participants were left out of the ties (they still count as "
                         "projects)."},
    "m_centrality": {"ko": "중심성: 연결정도, 강도, k-코어, 매개 중심성({how}), 조화 근접 중심성, 고유벡터(최댓값 1), "
                           "PageRank(감쇠 {damping}); 가중 변형은 1/가중치를 연결 길이로 씁니다. 출처: {refs}.",
                     "en": "Centrality: degree, strength, k-core, betweenness ({how}), harmonic closeness, "
                           "eigenvector (max 1), PageRank (damping {damping}); weighted variants use 1/weight as "
                           "the length of a tie. Sources: {refs}."},
    "m_exact": {"ko": "정확 계산", "en": "exact"},
    "m_sampled": {"ko": "표본 출발점 {k}개로 추정, 정확 계산은 {n:,}개 기관까지", "en": "estimated from {k} sampled sources; "
                                                                             "exact up to {n:,} organisations"},
    "m_communities": {"ko": "커뮤니티: Leiden(모듈성, 해상도 {res}, seed {seed}, {iters}); {stability}. 출처: {ref}.",
                      "en": "Communities: Leiden (modularity, resolution {res}, seed {seed}, {iters}); {stability}. "
                            "Source: {ref}."},
    "m_iters_stable": {"ko": "변화가 없을 때까지 반복", "en": "iterated until stable"},
    "m_iters_n": {"ko": "{n}회 반복(안정 여부 미확인)", "en": "{n} iterations (not necessarily stable)"},
    "m_stability": {"ko": "seed {n}개 사이 평균 ARI {ari}", "en": "mean ARI {ari} over {n} seeds"},
    "m_no_stability": {"ko": "이 규모에서는 안정성 점검을 하지 않음", "en": "no stability check at this size"},
    "m_openness": {"ko": "개방성: E-I 지수({ei}); 그룹 크기를 고정하고 라벨을 {k:,}번 섞은 무작위 분포({method}, seed {seed}), "
                         "재척도화 E-I({ucinet}); 참여 계수({guimera}).",
                   "en": "Openness: E-I index ({ei}); a null of {k:,} label permutations with group sizes fixed "
                         "({method}, seed {seed}); rescaled E-I ({ucinet}); participation coefficient ({guimera})."},
    "m_linkage": {"ko": "지역 간 연계: 지역 × 지역 연결 끝점 행렬과 주변 합으로부터의 기대값; 동류성({assort}).",
                  "en": "Linkage: region × region tie-ends matrix with expected values from its margins; "
                        "assortativity ({assort})."},
    "m_brokerage": {"ko": "중개: Gould–Fernandez 역할과 이항 z 점수({gould}), 지역 게이트키퍼({graf}), 제약과 유효 규모({burt}){notes}.",
                    "en": "Brokerage: Gould–Fernandez roles with binomial z-scores ({gould}), regional gatekeepers "
                          "({graf}), constraint and effective size ({burt}){notes}."},
    "m_programme_generic": {"ko": "산학연관 T_UIG({leydesdorff}); 특화 지수({krugman}). 특허 배수는 기술 통계이며 인과 효과가 아닙니다.",
                            "en": "Triple helix T_UIG ({leydesdorff}); specialisation ({krugman}). Patent ratios are "
                                  "descriptive, not causal effects."},
    "m_programme": {"ko": "산학연관 T_UIG({leydesdorff}); 특화 지수({krugman}); 검토 보고서 수치: {review}. 특허 배수는 기술 "
                          "통계이며 인과 효과가 아닙니다.",
                    "en": "Triple helix T_UIG ({leydesdorff}); specialisation ({krugman}); the review's figures: "
                          "{review}. Patent ratios are descriptive, not causal effects."},
    "m_input": {"ko": "입력: {tables}. 매핑 파일: {mapping}.", "en": "Input: {tables}. Mapping file: {mapping}."},
    "m_table": {"ko": "{file}({encoding}, 구분자 {delimiter})", "en": "{file} ({encoding}, delimiter {delimiter})"},
    "m_no_mapping": {"ko": "없음(기본 열 이름)", "en": "none (the built-in column names)"},
    "m_backbone": {"ko": "백본: {method}, {correction}, 유의수준 {alpha}. 연결 {total:,}개 중 {kept:,}개({share})와 기관 {orgs:,}곳이 "
                          "남습니다.{tail} 모든 연결의 p값과 백본 포함 여부는 ties.csv에 있습니다.",
                   "en": "Backbone: {method}, {correction}, α = {alpha}: {kept:,} of {total:,} ties ({share}) and {orgs:,} "
                         "organisations remain.{tail} ties.csv has every tie's p-values and whether it is in the "
                         "backbone."},
    "m_backbone_none": {"ko": "백본을 계산하지 않았습니다(불균형 필터 p값만 ties.csv에 있음).",
                        "en": "No backbone was extracted (ties.csv has the disparity-filter p-values only)."},
    "m_tail_exact": {"ko": " p값은 포아송-이항 분포로 정확히 계산했습니다.", "en": " The p-values are exact (Poisson-binomial)."},
    "m_tail_rna": {"ko": " p값은 정규 근사(Volkova 1996)로 계산했습니다.",
                   "en": " The p-values use the refined normal approximation (Volkova 1996)."},
    "m_network_page": {"ko": "network.html: {rule}.", "en": "network.html: {rule}."},
    "weightings": {"ko": {"binary": "있음/없음", "count": "공동과제 수", "newman": "Newman 협업 가중치",
                          "jaccard": "Jaccard", "association": "연관 강도"},
                   "en": {"binary": "binary", "count": "shared projects", "newman": "Newman collaboration weight",
                          "jaccard": "Jaccard", "association": "association strength"}},
    "delimiters": {"ko": {",": "쉼표", ";": "세미콜론", "\t": "탭", "|": "세로선"},
                   "en": {",": "comma", ";": "semicolon", "\t": "tab", "|": "vertical bar"}},
}


def t(key: str, lang: str, **fill) -> str:
    """The text of ``key`` in ``lang`` with its placeholders filled."""
    try:
        entry = TEXT[key][lang]
    except KeyError:
        raise KeyError(f"no text {key!r} in {lang!r}") from None
    return entry.format(**fill) if fill and isinstance(entry, str) else entry


#: The quality report's reasons in Korean (the quality log keeps the English ones).
QUALITY_REASONS_KO = {
    "blank row": "빈 행", "duplicate participation": "중복 참여 행", "ragged row": "열 수가 머리행과 다른 행",
    "repeated header line": "반복된 머리행(파일을 이어 붙임?)", "missing project id": "과제번호 없음",
    "missing organisation id and name": "기관 ID와 기관명 없음", "duplicate organisation": "중복 기관 행",
    "duplicate project": "중복 과제 행", "single-participant project (kept; no ties)": "단독 과제(유지, 연결 없음)",
    "project with no participations (not counted)": "참여 기록이 없는 과제(과제 수에서 제외)",
    "mapped column not in this table": "매핑한 열이 이 표에 없음",
    "mapped column is empty in every row": "매핑한 열이 모든 행에서 비어 있음",
    "cell looks multi-valued (a separator can be set in the mapping)": "여러 값이 든 칸으로 보임(매핑에서 구분자 지정 가능)",
    "multi-valued cell, first value kept": "여러 값이 든 칸, 첫 값 사용",
    "value reserved for a total or the unknown group, renamed": "합계·미상 행 이름과 같은 값, 따옴표를 붙여 구분",
    "several columns for one number field, the first used": "한 수치 항목에 해당하는 열이 여럿, 첫 열 사용",
    "rows above the header (a title or a note) skipped": "머리행 위의 제목·메모 행 건너뜀",
    "unnamed empty column left out": "이름도 값도 없는 열 제외",
    "a web page's table named like a workbook, read": "엑셀 이름의 웹 페이지(HTML 표)를 표로 읽음",
    "the workbook's first sheet lacks the table's columns: another sheet read": "첫 시트에 필요한 열이 없어 다른 시트를 읽음",
    "id written with other separators than in the participations, matched": "참여 표와 구분 기호만 다른 ID, 참여 표 형식으로 맞춤",
    "amount in Korean units (억, 만 …) read in 원": "억·만 등 한글 단위 금액을 원 단위로 환산",
    "amounts read in the header's unit, converted to 원": "머리행에 적힌 단위의 금액을 원 단위로 환산",
    "amount with a currency sign parsed": "통화 기호가 붙은 금액 해석",
    "number like 1,234 read with the column's decimal comma": "1,234 같은 값을 이 열의 소수점 쉼표 규칙으로 해석",
    "organisation-type labels not recognised: types guessed from names (map them in the mapping's values for "
    "org_type; the labels stay in org_category)": "원자료 기관구분을 인식하지 못해 기관명으로 유형 추정(매핑 파일에서 지정 가능, 원래 구분은 "
                                    "기관구분(원자료) 열에 보존)",
    "organisation not in the organisations table": "기관표에 없는 기관",
    "project not in the projects table": "과제표에 없는 과제", "region read from address": "주소에서 시·도를 읽음",
    "unknown region": "시·도 미상", "organisation type inferred from name": "기관명에서 기관유형 추정",
    "unrecognised organisation type, inferred from name": "알 수 없는 기관유형, 기관명에서 추정",
    "unrecognised role, set to 'other'": "알 수 없는 참여역할, '기타'로 처리",
    "organisation names merged by name key": "기관명 표기 차이를 같은 기관으로 병합",
    "organisation id used with different names": "한 기관 ID에 여러 기관명",
    "missing organisation id, name key used": "기관 ID 없음, 기관명 키 사용",
    "id written as a float, repaired": "실수로 적힌 ID 수정('123.0' → '123')",
    "id normalised (full-width forms, invisible or control characters)": "ID 정규화(전각 문자, 보이지 않는 문자)",
    "invisible or control characters removed from name": "기관명의 보이지 않는 문자·제어 문자 제거",
    "number with thousands separators parsed": "천 단위 구분 기호가 있는 숫자 해석",
    "number with a decimal comma parsed": "소수점 쉼표 숫자 해석", "not a number, set missing": "숫자가 아님, 결측 처리",
    "not a finite number (inf or NaN), set missing": "유한한 숫자가 아님(inf, NaN), 결측 처리",
    "not a finite number (infinite), set missing": "유한한 숫자가 아님(무한대), 결측 처리",
    "unreadable year, set missing": "읽을 수 없는 연도, 결측 처리", "year out of range, set missing": "범위 밖 연도, 결측 처리",
    "year taken from start date": "시작일에서 연도를 가져옴", "unreadable date, set missing": "읽을 수 없는 날짜, 결측 처리",
    "extract pattern did not match, value kept": "추출 패턴 불일치, 값 유지",
    "encoding: CP949 chosen although the bytes are also valid UTF-8": "UTF-8로도 읽히지만 CP949로 판단",
    "conflicting organisation attribute, most frequent value kept": "행마다 다른 기관 속성, 가장 많은 값 사용",
    "conflicting project attribute, most frequent value kept": "행마다 다른 과제 속성, 가장 많은 값 사용",
    "outcome row without a numeric year or value": "연도나 값이 숫자가 아닌 성과 행",
    "outcome of an organisation not in the organisations table": "기관표에 없는 기관의 성과 행",
}
#: Reasons whose text holds a value (readers: the encoding asked for), as patterns.
_REASON_PATTERNS_KO = ((re.compile(r"encoding (.+) as requested, although the file is also valid UTF-8"),
                        "요청한 인코딩({0})으로 읽음(UTF-8로도 읽히는 파일)"),)


def _reason_label(reason: str, lang: str) -> str:
    """A data-quality reason in ``lang`` (the quality log keeps the English one)."""
    if lang != "ko":
        return reason
    if reason in QUALITY_REASONS_KO:
        return QUALITY_REASONS_KO[reason]
    for pattern, text in _REASON_PATTERNS_KO:
        m = pattern.fullmatch(reason)
        if m:
            return text.format(*m.groups())
    return reason


def phase_label(name: str, lang: str) -> str:
    """A programme phase's name as the pages and the workbook show it: ``"phase 1 (2005-2008)"``
    is ``1단계(2005–2008)`` in Korean; other names (years, the analyst's phases) as they are.

    >>> phase_label("phase 3 (2014-)", "ko"), phase_label("2009", "ko"), phase_label("phase 1 (2005-2008)", "en")
    ('3단계(2014–)', '2009', 'phase 1 (2005-2008)')
    """
    if lang == "ko" and name.startswith("phase ") and "(" in name:
        num, rng = name.split(" ", 2)[1], name.split("(", 1)[-1].rstrip(")")
        return f"{num}단계({rng.replace('-', '–')})"
    return name


def phase_short(name: str, lang: str) -> str:
    """A phase's name on a chart band: ``1단계`` / ``phase 1`` (the analyst's phases: as given)."""
    if name.startswith("phase "):
        num = name.split(" ", 2)[1]
        return f"{num}단계" if lang == "ko" else f"phase {num}"
    return name


def value_labels(column: str, lang: str):
    """How the values of ``column`` are shown to a reader (the workbook, the pages): a function
    code → text, or None when the column's values are shown as they are (organisation types and
    scorecard sections: :func:`netcluster.write.sheets.show_function`, which knows their codes).
    The CSV files keep the codes (scripts join on them); the workbook's ``labels`` sheet names
    the columns.

    >>> value_labels("slice", "ko")("phase 2 (2009-2013)"), value_labels("action", "ko")("drop")
    ('2단계(2009–2013)', '제외')
    >>> value_labels("unit", "en")("share"), value_labels("name", "ko") is None
    ('share', True)
    """
    if column == "slice":
        return lambda v: phase_label(v, lang)
    if column == "method":
        return lambda v: _method_label(v, lang)
    if column == "reason":
        return lambda v: _reason_label(v, lang)
    table = {"unit": TEXT["units"][lang], "action": TEXT["actions"][lang], "table": TEXT["table_names"][lang],
             "comparison_group": TEXT["comparison_groups"][lang]}.get(column)
    if table is None:
        return None
    return lambda v: table.get(v, v)


#: The resampling method of a row of the change table (netcluster.changes), as it writes it.
_RESAMPLED = re.compile(r"bootstrap of (organisations|projects) \((\d+)\), permutation of projects between the "
                        r"periods \((\d+)\)")


def _method_label(text: str, lang: str) -> str:
    """A method's description (the change and outcome tables) in ``lang``."""
    words = TEXT["method_names"][lang]
    if text in words:
        return words[text]
    m = _RESAMPLED.fullmatch(text)
    key = "bootstrap of {how} ({n_boot}), permutation of projects between the periods ({n_perm})"
    if m and key in words:
        return words[key].format(how=words.get(m[1], m[1]), n_boot=m[2], n_perm=m[3])
    return text
