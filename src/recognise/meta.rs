//! Document metadata: agency, year, kind, and the staffing figures of 第一部分.

use std::collections::HashMap;
use std::sync::OnceLock;

use nom::{bytes::complete::tag, character::complete::digit1, combinator::map_res, IResult};
use regex::Regex;

use crate::model::{DocKind, Staffing, Unit};
use crate::normalize;

fn re(cell: &'static OnceLock<Regex>, pattern: &str) -> &'static Regex {
    cell.get_or_init(|| Regex::new(pattern).expect("valid regex"))
}

/// Labels that name a table's agency when they start its line (the
/// Ministry of Finance template's `部门：X`), longest first.
const LEADING_AGENCY_LABELS: [&str; 5] = ["部门名称", "单位名称", "预算部门", "预算单位", "部门"];

/// `编制部门：X  单位：万元`, `部门：X` → X (the agency a table names).
pub fn agency_in(line: &str) -> Option<String> {
    // Cheap pre-check: this runs on every line and cell.
    let trimmed = line.trim_start_matches(normalize::is_space);
    let leading = LEADING_AGENCY_LABELS.iter().any(|l| trimmed.starts_with(l));
    if !(leading || line.contains("编制") || line.contains("填报")) {
        return None;
    }
    let folded: String = line.chars().map(normalize::fold_char).collect();
    let name = agency_field(&folded).or_else(|| leading_agency_field(&folded))?;
    let name = name.trim_end_matches("单位").trim();
    let name = name.split("单位:").next().unwrap_or(name);
    (!name.is_empty()).then(|| name.to_string())
}

/// The field after the leftmost `(编制|填报)(部门|单位)((单位))?:`, up to a
/// blank or a colon (the regex `(?:编制|填报)(?:部门|单位)(?:\(单位\))?:([^\s:]*)`,
/// read by hand: a line with 编制 but no such label is common, and the
/// regex's capture engine was the costliest part of this test).
fn agency_field(folded: &str) -> Option<&str> {
    let mut from = 0;
    while let Some(offset) = folded[from..].find(['编', '填']) {
        let at = from + offset;
        let field = folded[at..]
            .strip_prefix("编制")
            .or_else(|| folded[at..].strip_prefix("填报"))
            .and_then(|r| r.strip_prefix("部门").or_else(|| r.strip_prefix("单位")))
            .map(|r| r.strip_prefix("(单位)").unwrap_or(r))
            .and_then(|r| r.strip_prefix(':'));
        if let Some(rest) = field {
            let end = rest
                .find(|c: char| c.is_whitespace() || c == ':')
                .unwrap_or(rest.len());
            return Some(&rest[..end]);
        }
        // 编 and 填 are three bytes each.
        from = at + '编'.len_utf8();
    }
    None
}

/// The field after a leading label (`部门:X`), up to a blank or a colon.
fn leading_agency_field(folded: &str) -> Option<&str> {
    let trimmed = folded.trim_start();
    let rest = LEADING_AGENCY_LABELS
        .iter()
        .find_map(|l| trimmed.strip_prefix(l)?.strip_prefix(':'))?
        .trim_start();
    // A sentence (`部门：X，主要负责…`) names its agency before the comma.
    let end = rest
        .find(|c: char| c.is_whitespace() || matches!(c, ':' | ',' | ';' | '。' | '、'))
        .unwrap_or(rest.len());
    Some(&rest[..end])
}

/// Whether `line` starts, once normalised, with a leading agency label and
/// its colon (`部门：`), named or not: a metadata cell either way.
pub fn starts_with_agency_label(line: &str) -> bool {
    // This runs on many lines and cells (any with 部 or 单): only those whose
    // first character may start a label are normalised.
    let first = line.trim_start_matches(normalize::is_space).chars().next();
    if !LEADING_AGENCY_LABELS
        .iter()
        .any(|l| l.chars().next() == first)
    {
        return false;
    }
    let label = normalize::label(line);
    LEADING_AGENCY_LABELS
        .iter()
        .any(|l| label.strip_prefix(l).is_some_and(|r| r.starts_with(':')))
}

/// A table's title with its unit on the same line (`…情况表（单位：万元）`,
/// `…预算表 单位：元` from a unit cell beside the title's): the title,
/// normalised, and the unit. `None` unless what comes before the unit
/// ends like a title (`表`, `表(续)`) or is a table's number alone (`表1-2
/// 单位：万元`, its title wrapped onto the lines around it).
pub fn title_and_unit(line: &str) -> Option<(String, Unit)> {
    const CLAUSES: [(&str, Unit); 10] = [
        ("(金额单位:万元)", Unit::WanYuan),
        ("(金额单位:元)", Unit::Yuan),
        ("(单位:万元)", Unit::WanYuan),
        ("(单位:元)", Unit::Yuan),
        ("金额单位:万元", Unit::WanYuan),
        ("金额单位:元", Unit::Yuan),
        ("单位:万元", Unit::WanYuan),
        ("单位:元", Unit::Yuan),
        ("(万元)", Unit::WanYuan),
        ("(元)", Unit::Yuan),
    ];
    // Every clause ends the line in 元 or a bracket (full-width too,
    // before folding): prose citing amounts is passed over unnormalised.
    let ends_so = line
        .trim_end_matches(normalize::is_space)
        .ends_with(['元', ')', '）']);
    if !ends_so || !line.contains('元') {
        return None;
    }
    let norm = normalize::label(line);
    let (title, unit) = CLAUSES
        .iter()
        .find_map(|(clause, unit)| Some((norm.strip_suffix(clause)?, *unit)))?;
    // A classification clause after the name (`…明细表(按功能科目)`) too.
    let name = match title.rfind("(按") {
        Some(at) if title.ends_with(')') => &title[..at],
        _ => title,
    };
    let reads_as_title = ["表", "表(续)", "续表"].iter().any(|e| name.ends_with(e))
        || super::title::is_bare_table_number(name);
    reads_as_title.then(|| (title.to_string(), unit))
}

/// `单位：万元` / `金额单位：元` / `单位：人民币千元` / `单位（元）` → the unit.
pub fn unit_in(line: &str) -> Option<Unit> {
    if !line.contains("单位") {
        return None;
    }
    // The leftmost `单位:万元` or `单位:元` (a `单位:` followed by anything
    // else, `单位:人`, does not stop the search).
    let norm = normalize::label(line);
    norm.match_indices("单位").find_map(|(at, label)| {
        let rest = &norm[at + label.len()..];
        let rest = rest.strip_prefix(':').or_else(|| rest.strip_prefix('('))?;
        unit_word(rest.strip_prefix("人民币").unwrap_or(rest))
    })
}

/// The unit `text` starts with.
fn unit_word(text: &str) -> Option<Unit> {
    [
        ("万元", Unit::WanYuan),
        ("千元", Unit::QianYuan),
        ("亿元", Unit::YiYuan),
        ("元", Unit::Yuan),
    ]
    .into_iter()
    .find_map(|(word, unit)| text.starts_with(word).then_some(unit))
}

/// Year and family from the first `2024年部门预算` / `2023年度部门决算` phrase
/// (the agency may stand between the year and 部门: `2023年度泗洪县卫生健康
/// 委员会部门决算`; the year may be in Chinese numerals: `二〇二四年`). A
/// phrase a comparison names (`与2022年度决算相比`, `比2023年预算增加`) is
/// another year's.
pub fn year_and_kind(text: &str) -> (Option<u16>, Option<DocKind>) {
    static RE: OnceLock<Regex> = OnceLock::new();
    let re = re(
        &RE,
        r"(20\d\d)年度?(?:[区县市省州旗]级|本级)?(?:(?:[^，。,；;：:()0-9年预决的]{2,30}?)?(?:部门|单位))?(?:\(单位\))?(?:综合)?(预算|决算)",
    );
    // What may follow the phrase in a document's title or heading: not
    // another noun (`2022年度预算执行情况`, `2023年决算结果`, `2021年决算
    // 数据`), which names something else of that year.
    const TITLE_ENDS: [&str; 11] = [
        "公开", "表", "报告", "说明", "情况", "目录", "信息", "草案", "编制", "单位", "及",
    ];
    // The agency between the year and 部门 holds no digit, 年, 的 and no
    // 预算 or 决算 of its own (`2024年部门预算及2023年部门决算` is two
    // phrases, `根据2023年县人大批准的部门预算` none). A line's phrases
    // are tried in order (`2023年预算执行情况和2024年部门预算公开`).
    // A comparison's word may end the line before (`…，比` / `2023年预算
    // 增加25万元`).
    let compares = |before: &str| before.ends_with(['与', '比', '较', '同']);
    let read = |(previous, line): (&str, &str), titles_only: bool| {
        let norm = arabic_years(&normalize::label(line));
        re.captures_iter(&norm).find_map(|c| {
            let m = c.get(0)?;
            let before = &norm[..m.start()];
            if compares(before) || (before.is_empty() && compares(&normalize::label(previous))) {
                return None;
            }
            let rest = &norm[m.end()..];
            let titled = !rest.starts_with(normalize::is_ideograph)
                || TITLE_ENDS.iter().any(|e| rest.starts_with(e));
            if titles_only && !titled {
                return None;
            }
            let kind = if &c[2] == "决算" {
                DocKind::FinalAccount
            } else {
                DocKind::Budget
            };
            Some((c[1].parse().ok(), Some(kind)))
        })
    };
    // A heading or title says what the document is; a sentence may name
    // another year's (`本单位已公开2022年度部门决算`): read only when no
    // heading does. A heading naming something else of a year comes after
    // those naming a document (a page range has none of these).
    let sentence = |(_, line): &(&str, &str)| line.contains(['。', '，', ',', '；', ';']);
    let lines = || {
        std::iter::once("")
            .chain(text.lines())
            .zip(text.lines())
            .take(400)
    };
    let headings = |titles_only| {
        lines()
            .filter(|l| !sentence(l))
            .find_map(|l| read(l, titles_only))
    };
    let sentences = |titles_only| lines().filter(sentence).find_map(|l| read(l, titles_only));
    headings(true)
        .or_else(|| lines().find_map(|(_, l)| year_of_table_title(l)))
        .or_else(|| headings(false))
        .or_else(|| sentences(true))
        .or_else(|| sentences(false))
        .unwrap_or_else(|| (None, kind_from_titles(text)))
}

/// The year a table's title opens with, and its family
/// (`2024年部门一般公共预算基本支出部门预算经济分类预算表`: a page range
/// without the cover).
fn year_of_table_title(line: &str) -> Option<(Option<u16>, Option<DocKind>)> {
    let norm = normalize::label(line);
    let title = norm.strip_suffix('表')?;
    let year: u16 = title.get(..4)?.parse().ok()?;
    if !(2000..2100).contains(&year) || !title[4..].starts_with('年') || title.chars().count() > 48
    {
        return None;
    }
    let kind = match (title.rfind("预算"), title.rfind("决算")) {
        (Some(b), Some(f)) if f > b => DocKind::FinalAccount,
        (Some(_), _) => DocKind::Budget,
        (None, Some(_)) => DocKind::FinalAccount,
        (None, None) => return None,
    };
    Some((Some(year), Some(kind)))
}

/// A year printed in Chinese numerals (`二〇二四年`, `二零二三年度`) in
/// digits.
fn arabic_years(text: &str) -> String {
    const DIGITS: [&str; 10] = [
        "〇零○Ｏ",
        "一",
        "二",
        "三",
        "四",
        "五",
        "六",
        "七",
        "八",
        "九",
    ];
    let digit = |c: char| DIGITS.iter().position(|d| d.contains(c));
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        let year = chars.get(i..i + 5).filter(|w| {
            w[4] == '年' && w[..4].iter().all(|c| digit(*c).is_some()) && digit(w[0]) == Some(2)
        });
        match year {
            Some(w) => {
                out.extend(
                    w[..4]
                        .iter()
                        .filter_map(|c| digit(*c))
                        .map(|d| char::from(b'0' + d as u8)),
                );
                i += 4;
            }
            None => {
                out.push(chars[i]);
                i += 1;
            }
        }
    }
    out
}

/// Without a `2023年度部门决算` phrase (a table saved on its own, a page
/// without the cover): the family the first title names, the disclosure's
/// (`某局部门预算公开`) or a table's (`财政拨款收入支出决算总表`,
/// `一般公共预算支出预算表`).
fn kind_from_titles(text: &str) -> Option<DocKind> {
    text.lines().take(400).find_map(|line| {
        let norm = normalize::label(line);
        let title = norm
            .strip_suffix('表')
            .or_else(|| norm.strip_suffix("公开"))?;
        if title.chars().count() > 40 {
            return None;
        }
        if title.contains("决算") {
            Some(DocKind::FinalAccount)
        } else if title.contains("预算") {
            Some(DocKind::Budget)
        } else {
            None
        }
    })
}

/// The document's agency: the one its tables' 编制部门 lines name most
/// often, unless the overview's heading names one of them (a performance
/// table's 填报单位 lines may outnumber them), or names it whole where the
/// lines cut it short (a name wrapped, or letter-spaced: `昌 吉 州…` read
/// `昌`).
pub fn agency(names: &[String], heading: Option<String>) -> Option<String> {
    // How an agency's name ends (局, 委员会, 中心, 街道办事处…): a name
    // ending otherwise was cut (`…喀什市社会保` / `险中心`).
    const ENDINGS: &str = "局委办院心所站会室处厅部校馆队社府司团联协署园场台";
    let cut = |name: &str| !name.ends_with(|c: char| ENDINGS.contains(c));
    let common = most_common(names);
    match (common, heading) {
        (Some(c), Some(h))
            if names.contains(&h) || (cut(&c) && h.starts_with(&c) && h.len() > c.len()) =>
        {
            Some(h)
        }
        (Some(c), _) => Some(c),
        (None, h) => h,
    }
}

/// The most frequent agency named by the tables' 编制部门 lines.
fn most_common(names: &[String]) -> Option<String> {
    let mut counts: HashMap<&str, usize> = HashMap::new();
    for n in names {
        *counts.entry(n.as_str()).or_default() += 1;
    }
    counts
        .into_iter()
        .max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(a.0)))
        .map(|(n, _)| n.to_string())
}

/// Agency from the overview heading: `第一部分 昌吉州社会保险管理局概况`.
pub fn agency_from_heading(line: &str) -> Option<String> {
    static RE: OnceLock<Regex> = OnceLock::new();
    // `第一部分 2024 年奇台县社会保险管理局单位概况`: the year is no part of
    // the name.
    let re = re(&RE, r"^第[一1]部分(?:20\d\d年度?)?(.+?)(?:部门|单位)?概况$");
    let norm = normalize::label(line);
    let caps = re.captures(&norm)?;
    // `第一部分 部门概况`, `第一部分 部门(单位)基本概况` name no one.
    let name = caps[1].trim_end_matches("基本");
    let generic = ["部门", "单位", "部门(单位)", "本部门", "本单位"].contains(&name);
    (!generic && !name.is_empty()).then(|| name.to_string())
}

/// A figure after a keyword: `编制数59人`, `编制数 13`, `在职：57人`,
/// `在职人员68人`, `实有人数共计116人`.
fn figure(i: &str) -> IResult<&str, u32> {
    // Up to three linking characters, counted as characters: nom's
    // `take_while_m_n` measures a multi-byte match in bytes against its
    // limit and took a digit with them (`人员68` read as 8).
    let linking: usize = i
        .chars()
        .take(3)
        .take_while(|c| "人员数为是:共计有职工干部".contains(*c))
        .map(char::len_utf8)
        .sum();
    let (rest, n) = map_res(digit1, str::parse)(&i[linking..])?;
    // A count of something else: cars (`公务用车编制数3辆`), money, a
    // share, a date. (A quota may be counted in 个: `编制数67个`.)
    if rest.starts_with(['辆', '台', '项', '万', '元', '%', '.', '年', '月']) {
        return Err(nom::Err::Error(nom::error::Error::new(
            i,
            nom::error::ErrorKind::Verify,
        )));
    }
    Ok((rest, n))
}

fn figure_after(text: &str, keyword: &str) -> Option<u32> {
    figure_after_unless(text, keyword, &[])
}

/// The ways a retirees' count names 离休 and 退休 together (`离退休`,
/// `离、退休`, `退离休`): a count of both is neither's.
const RETIRED_JOINTLY: [&str; 8] = [
    "离",
    "离、",
    "离/",
    "离及",
    "离休、",
    "离休和",
    "离休及",
    "离休/",
];
const HONORARY_JOINTLY: [&str; 8] = [
    "退",
    "退、",
    "退/",
    "退及",
    "退休、",
    "退休和",
    "退休及",
    "退休/",
];

/// Words before a keyword that make its figure another's: a kind of post
/// (`行政编制数10名` is part of the quota), a car's, last year's.
const NOT_THE_WHOLE: [&str; 11] = [
    "行政",
    "事业",
    "工勤",
    "参公",
    "全额",
    "差额",
    "自收自支",
    "车辆",
    "用车",
    "上年",
    "去年",
];

/// The figure after the first `keyword` not preceded by one of `unless`
/// (`退休` but not `离退休`, which counts 离休 and 退休 together) nor by
/// one of [`NOT_THE_WHOLE`].
fn figure_after_unless(text: &str, keyword: &str, unless: &[&str]) -> Option<u32> {
    let mut from = 0;
    while let Some(off) = text[from..].find(keyword) {
        let at = from + off;
        let after = &text[at + keyword.len()..];
        let before = &text[..at];
        let excluded = unless.iter().any(|w| before.ends_with(w))
            || NOT_THE_WHOLE.iter().any(|w| before.ends_with(w));
        if let (false, Ok((_, n))) = (excluded, figure(after)) {
            return Some(n);
        }
        from = at + keyword.len();
    }
    None
}

/// Whether the bare number on line `i` of the overview is its page's, not
/// a figure or a figure's digits: at a page break (a form feed, a blank
/// line) before a line of digits it would run into; before a page's first
/// line (after a form feed, which comes after the footer) when it would run
/// into a figure (`在职29` / `2` / `\f人`; `实有人数` / `38` / `\f人` is the
/// figure); or between blank lines, a figure and its unit (`退休9` / `2` /
/// `人`).
fn bare_number_is_a_page(lines: &[&str], i: usize) -> bool {
    let at_break =
        |l: Option<&&str>| l.is_none_or(|l| l.trim().is_empty() || l.starts_with('\u{c}'));
    // (A form feed is white space: a line holding only one is blank.)
    let next = lines[i + 1..].iter().find(|l| !l.trim().is_empty());
    let next_page = next.is_some_and(|l| l.starts_with('\u{c}'));
    let next = next.map(|l| l.trim_matches('\u{c}'));
    let previous = lines[..i]
        .iter()
        .rev()
        .map(|l| l.trim_matches('\u{c}').trim())
        .find(|l| !l.is_empty());
    let before_digits = next.is_some_and(|l| {
        l.trim_start_matches(normalize::is_space)
            .starts_with(|c: char| c.is_ascii_digit())
    });
    let after_digits = previous.is_some_and(|p| p.ends_with(|c: char| c.is_ascii_digit()));
    let before_unit = next.is_some_and(|n| n.trim_start().starts_with(['人', '名', '个']));
    let (break_before, break_after) = (
        at_break(i.checked_sub(1).and_then(|p| lines.get(p))),
        at_break(lines.get(i + 1)),
    );
    next_page && (before_digits || after_digits)
        || before_digits && (break_before || break_after)
        || after_digits && before_unit && break_before && break_after
}

/// The figure after the first of `keywords` that has one.
fn figure_after_any(text: &str, keywords: &[&str]) -> Option<u32> {
    keywords.iter().find_map(|k| figure_after(text, k))
}

/// The overview's text for reading figures: page footers dropped (a page
/// number between a keyword and its figure joined them: `实有人数` / `3` /
/// `91人` read 391), figures a line prints apart kept apart (`13 58 48`),
/// a figure wrapped over a line break joined (`退休 1` / `0人`), then
/// normalised ([`normalize::label`]: no spaces).
fn figures_text(overview: &str) -> String {
    let lines: Vec<&str> = overview.lines().collect();
    let digits = |w: &str, from_end: bool| {
        let folded = w.chars().map(normalize::fold_char);
        if from_end {
            folded.rev().take_while(char::is_ascii_digit).count()
        } else {
            folded.take_while(char::is_ascii_digit).count()
        }
    };
    let mut kept = String::with_capacity(overview.len());
    for (i, line) in lines.iter().enumerate() {
        let line = line.trim_matches('\u{c}');
        let page_footer = normalize::is_page_marker(line)
            || normalize::is_page_number(line) && !normalize::is_bare_page_number(line)
            || normalize::is_bare_page_number(line) && bare_number_is_a_page(&lines, i);
        if page_footer {
            continue;
        }
        // Figures a line sets apart stay apart (`13 58 48 10 0`); single
        // digits spaced are a letter-spaced figure's (`5 9 人`).
        let mut before = 0;
        for (k, word) in line
            .split(normalize::is_space)
            .filter(|w| !w.is_empty())
            .enumerate()
        {
            let after = digits(word, false);
            if k > 0 {
                let apart = before > 0 && after > 0 && (before >= 2 || after >= 2);
                kept.push(if apart { '，' } else { ' ' });
            }
            kept.push_str(word);
            before = digits(word, true);
        }
        kept.push('\n');
    }
    normalize::label(&kept).into_owned()
}

/// Staffing figures from the overview text; the counts by status (在职,
/// 退休, 离休) from sentences naming two staffing words at least: an
/// agency's duties may count retirees it serves (`负责全县退休人员2099人
/// 的生活补贴发放工作`).
pub fn staffing(overview: &str) -> Staffing {
    let all = figures_text(overview);
    let t = all.as_str();
    // The sentences naming two staffing words at least, for the counts by
    // status: an agency's duties may count retirees it serves.
    // A sentence of duties is none (`负责全县在职职工12000人、退休人员8000
    // 人的养老保险待遇核定`) unless it gives the quota or the staff too,
    // and those giving them come first.
    const WORDS: [&str; 6] = ["编制", "实有", "现有", "在职", "退休", "离休"];
    let core = |s: &str| ["编制", "实有", "现有"].iter().any(|w| s.contains(w));
    // The counts a duty names come after it (`负责全县在职职工…`); a
    // sentence naming its staff first may say who cares for them
    // (`另有退休人员9人，由本单位负责管理服务`).
    let first = |s: &str, words: &[&str]| words.iter().filter_map(|w| s.find(w)).min();
    let duties = |s: &str| {
        first(s, &["负责", "承担"]).is_some_and(|d| first(s, &WORDS).is_none_or(|w| d < w))
    };
    let mut sentences: Vec<&str> = all
        .split('。')
        .filter(|s| WORDS.iter().filter(|w| s.contains(*w)).count() >= 2)
        .filter(|s| core(s) || !duties(s))
        .collect();
    sentences.sort_by_key(|s| !core(s));
    let staff = sentences.join("。");
    let counts = staff.as_str();
    let no_retirees = |word: &str| {
        let p: IResult<&str, &str> = tag("无")(word);
        p.is_ok()
    };
    let honorary = figure_after_unless(counts, "离休", &HONORARY_JOINTLY).or_else(|| {
        counts.find("离休人员").and_then(|i| {
            let before = &counts[..i];
            no_retirees(before.rsplit(['，', ';', '；', ',']).next().unwrap_or("")).then_some(0)
        })
    });
    // `核定行政编制20名、事业编制12名`: the quota is the kinds' sum.
    let by_kind = || {
        let kinds: Vec<u32> = ["行政编制", "事业编制", "工勤编制"]
            .iter()
            .filter_map(|k| figure_after_unless(t, k, &["含"]))
            .collect();
        (!kinds.is_empty()).then(|| kinds.iter().sum())
    };
    Staffing {
        quota: figure_after_any(t, &["编制数", "核定编制", "编制人数", "人员编制"])
            .or_else(by_kind),
        actual: figure_after_any(t, &["实有人数", "实有人员", "现有人员", "现有人数"]),
        active: figure_after(counts, "在职"),
        retired: figure_after_unless(counts, "退休", &RETIRED_JOINTLY),
        honorary_retired: honorary,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn staffing_sentences() {
        let s = staffing("昌吉州社会保险管理局编制数59人，实有人数91人，其中：在职57人，增加1人； 退休34人，增加1人；无离休人员。");
        assert_eq!(
            s,
            Staffing {
                quota: Some(59),
                actual: Some(91),
                active: Some(57),
                retired: Some(34),
                honorary_retired: Some(0)
            }
        );
        let s = staffing("喀什市社会保险中心部门编制数 13，实有人数\n58人，其中：在职 48人，减少 0人；退休 10人，增加 0人；离休 0 人，增加\n0 人。");
        assert_eq!(
            s,
            Staffing {
                quota: Some(13),
                actual: Some(58),
                active: Some(48),
                retired: Some(10),
                honorary_retired: Some(0)
            }
        );
        // 离退休 counts both: the 退休 figure is the one given alone.
        let s = staffing(
            "编制人数32人，现有人员38人，其中：在职29人；离退休人员9人，其中离休1人、退休8人。",
        );
        assert_eq!(
            (s.quota, s.actual, s.retired, s.honorary_retired),
            (Some(32), Some(38), Some(8), Some(1))
        );
        // The quota given by kind of post.
        let s = staffing("核定行政编制20名、事业编制12名，实有人员30人，其中在职25人。");
        assert_eq!(
            (s.quota, s.actual, s.active),
            (Some(32), Some(30), Some(25))
        );
        // Seed 004 counts its quota in 个.
        let s = staffing("某局编制数67个，实有人数116人，其中：在职68人，减少1人；");
        assert_eq!(
            (s.quota, s.actual, s.active),
            (Some(67), Some(116), Some(68))
        );
        let s = staffing("核定编制：行政编制8名，实有人数8人。");
        assert_eq!(s.quota, Some(8));
        let s = staffing("编制数32人，实有人数38人，其中：在职人员29人，离退休人员9人。");
        assert_eq!(s.retired, None);
        // A kind of post's quota is not the whole (read 20 in review).
        let s = staffing("参公人员编制20人，事业人员编制12人，实有人数30人。");
        assert_eq!((s.quota, s.actual), (None, Some(30)));
        // `人员编制` names the quota (before 2026-12-07: none read).
        let s = staffing(
            "奇台县社会保险管理局人员编制32人，实有在职人员29人，退休人员9人，离休人员0人。",
        );
        assert_eq!(
            (s.quota, s.active, s.retired, s.honorary_retired),
            (Some(32), Some(29), Some(9), Some(0))
        );
        // A count of 离休 and 退休 together, however written, is neither's
        // (before 2026-12-07: retired 9, honorary 9).
        for joint in [
            "离、退休人员9人",
            "退离休人员9人",
            "离/退休人员9人",
            "离休、退休人员9人",
            "离休和退休人员9人",
            "退休、离休人员9人",
        ] {
            let s = staffing(&format!(
                "编制数32人，实有人数38人，其中：在职人员29人，{joint}。"
            ));
            assert_eq!((s.retired, s.honorary_retired), (None, None), "{joint}");
        }
        // Fuzzing review finds (before 2026-12-07, the figure in brackets):
        // a page number between a keyword and its figure (391), figures a
        // line sets apart (135848100), the quota by kind of post given as
        // 编制数 (10), a car's quota (3), last year's (30), a 工勤 quota
        // within the 事业 one (35), retirees the agency serves (2099).
        let s = staffing("编制数59人，实有人数\n\n3\n91人，其中：在职57人，退休\n\n3\n\u{c}34人。");
        assert_eq!((s.actual, s.retired), (Some(91), Some(34)));
        // The page's number between a figure and its unit (before
        // 2026-12-07: 292 and 92).
        // Counts in a sentence of the agency's duties (before: 12000 and
        // 8000).
        let s = staffing(
            "负责全县机关事业单位在职职工12000人、退休人员8000人的养老保险待遇核定。编制数32人，实有人数38人，其中：在职29人，退休9人。",
        );
        assert_eq!((s.active, s.retired), (Some(29), Some(9)));
        let s = staffing("编制数32人，实有人数38人，其中：在职29\n\n2\n\u{c}人，退休9人。");
        assert_eq!(s.active, Some(29));
        // A figure alone before a page break is the figure.
        assert_eq!(
            staffing("编制数32人，实有人数\n38\n\u{c}人。").actual,
            Some(38)
        );
        let s = staffing("编制数32人，实有人数38人，其中在职29人。另有退休人员9人，离休人员0人，由本单位负责管理服务。");
        assert_eq!((s.retired, s.honorary_retired), (Some(9), Some(0)));
        // Duties in a sentence giving the staff leave it the staff's.
        let s = staffing("社会保险经办中心编制数32人，实有人数38人，由本单位负责管理服务，其中：在职29人，退休9人。");
        assert_eq!((s.active, s.retired), (Some(29), Some(9)));
        let s = staffing("编制数32人，实有人数38人，其中：在职29人，退休9\n\n2\n\n人，离休0人。");
        assert_eq!((s.retired, s.honorary_retired), (Some(9), Some(0)));
        // A figure wrapped over lines (no page break), letter-spaced text,
        // the counts by status before the quota.
        assert_eq!(staffing("编制数59人，实有人数\n9\n1人。").actual, Some(91));
        let s = staffing("编 制 数 5 9 人 ， 实 有 人 数 9 1 人 ， 在 职 5 7 人");
        assert_eq!(
            (s.quota, s.actual, s.active),
            (Some(59), Some(91), Some(57))
        );
        let s = staffing("在职57人，退休34人，无离休人员。编制数59人，实有人数91人。");
        assert_eq!(
            (s.active, s.retired, s.honorary_retired, s.quota),
            (Some(57), Some(34), Some(0), Some(59))
        );
        let s = staffing("编制数 实有人数 在职 退休 离休\n\n13 58 48 10 0\n");
        assert_ne!(s.honorary_retired, Some(135_848_100));
        for (text, quota) in [
            ("行政编制数10名，事业编制数22名，实有人数38人。", 32),
            (
                "公务用车编制数3辆，实有车辆2辆。编制数32人，实有人数38人。",
                32,
            ),
            ("上年编制数30人，本年编制数32人，实有人数38人。", 32),
            (
                "核定行政编制10名，事业编制22名（含工勤编制3名），实有人数38人。",
                32,
            ),
        ] {
            assert_eq!(staffing(text).quota, Some(quota), "{text}");
        }
        let s = staffing("负责全县退休人员2099人的生活补贴发放工作。编制数32人，实有人数38人，其中：在职29人，退休9人。");
        assert_eq!(s.retired, Some(9));
        // A word between the keyword and its figure (before 2026-12-03 the
        // figure lost its first digit: 68 → 8, 116 → 16, 47 → 7).
        let s = staffing(
            "编制数70人，实有人数共计116人，其中：在职人员68人，退休职工47人，离休干部1人。",
        );
        assert_eq!(
            s,
            Staffing {
                quota: Some(70),
                actual: Some(116),
                active: Some(68),
                retired: Some(47),
                honorary_retired: Some(1)
            }
        );
    }

    #[test]
    fn the_agency_is_the_tables_unless_the_heading_names_it_whole() {
        let names = |n: &[&str]| n.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let heading = Some("喀什市社会保险中心".to_string());
        // The tables' lines name it cut short (a wrapped line): the heading.
        assert_eq!(
            agency(&names(&["喀什市社会保", "喀什市社会保"]), heading.clone()).as_deref(),
            Some("喀什市社会保险中心")
        );
        // Performance tables' 填报单位 outnumber the 编制部门 lines.
        assert_eq!(
            agency(
                &names(&["某中心", "某中心", "某中心", "喀什市社会保险中心"]),
                heading.clone()
            )
            .as_deref(),
            Some("喀什市社会保险中心")
        );
        // A whole name the heading extends (a unit of it) stays the tables'.
        assert_eq!(
            agency(&names(&["某局"]), Some("某局机关".to_string())).as_deref(),
            Some("某局")
        );
        assert_eq!(agency(&[], heading).as_deref(), Some("喀什市社会保险中心"));
        assert_eq!(agency(&names(&["某局"]), None).as_deref(), Some("某局"));
    }

    #[test]
    fn the_overview_heading_names_the_agency_without_its_year() {
        // Seed 002's heading, read when no 编制单位 line names the agency
        // (before 2026-12-03: `2024年奇台县社会保险管理局`).
        assert_eq!(
            agency_from_heading("第一部分 2024 年奇台县社会保险管理局单位概况").as_deref(),
            Some("奇台县社会保险管理局")
        );
        assert_eq!(
            agency_from_heading(" 第一部分 新疆维吾尔自治区喀什地区喀什市社会保险中心部门概况")
                .as_deref(),
            Some("新疆维吾尔自治区喀什地区喀什市社会保险中心")
        );
        assert_eq!(agency_from_heading("第一部分 部门概况"), None);
        assert_eq!(agency_from_heading("第一部分 部门（单位）基本概况"), None);
    }

    #[test]
    fn agency_and_unit_read_as_their_regexes_do() {
        // The regexes these functions once ran, kept as the definition.
        let agency_re = Regex::new(r"(?:编制|填报)(?:部门|单位)(?:\(单位\))?:([^\s:]*)").unwrap();
        let leading_re =
            Regex::new(r"^\s*(?:部门名称|单位名称|预算部门|预算单位|部门):\s*([^\s:,;。、]*)")
                .unwrap();
        let agency = |line: &str| -> Option<String> {
            let folded: String = line.chars().map(normalize::fold_char).collect();
            if !(line.contains("编制") || line.contains("填报") || leading_re.is_match(&folded))
            {
                return None;
            }
            let caps = agency_re
                .captures(&folded)
                .or_else(|| leading_re.captures(&folded))?;
            let name = caps.get(1)?.as_str().trim_end_matches("单位").trim();
            let name = name.split("单位:").next().unwrap_or(name);
            (!name.is_empty()).then(|| name.to_string())
        };
        let unit_re = Regex::new(r"单位[:(](?:人民币)?(万元|千元|亿元|元)").unwrap();
        let unit = |line: &str| -> Option<Unit> {
            if !line.contains("单位") {
                return None;
            }
            match unit_re.captures(&normalize::label(line))?.get(1)?.as_str() {
                "万元" => Some(Unit::WanYuan),
                "千元" => Some(Unit::QianYuan),
                "亿元" => Some(Unit::YiYuan),
                _ => Some(Unit::Yuan),
            }
        };
        let pieces = [
            "编制",
            "填报",
            "部门",
            "单位",
            "(单位)",
            "（单位）",
            ":",
            "：",
            " ",
            "\u{3000}",
            "局",
            "编",
            "万元",
            "元",
            "千元",
            "人民币",
            "(",
        ];
        let mut n = 0;
        for line in crate::testing::strings_of(&pieces, 1..=5) {
            assert_eq!(agency_in(&line), agency(&line), "{line:?}");
            assert_eq!(unit_in(&line), unit(&line), "{line:?}");
            n += 1;
        }
        assert!(n > 800_000);
        for text in crate::testing::sample_texts() {
            for line in text.lines().chain(text.split('\t')) {
                assert_eq!(agency_in(line), agency(line), "{line:?}");
                assert_eq!(unit_in(line), unit(line), "{line:?}");
            }
        }
    }

    #[test]
    fn a_title_with_its_unit_on_its_line() {
        let yuan = Some(("一般公共预算支出表".to_string(), Unit::Yuan));
        assert_eq!(title_and_unit("一般公共预算支出表（单位：元）"), yuan);
        assert_eq!(title_and_unit("一般公共预算支出表    单位：元"), yuan);
        assert_eq!(title_and_unit("一般公共预算支出表(元)"), yuan);
        assert_eq!(
            title_and_unit("收支总体情况表(续) 金额单位：万元"),
            Some(("收支总体情况表(续)".to_string(), Unit::WanYuan))
        );
        assert_eq!(
            title_and_unit("一般公共预算支出明细表（按功能科目） 单位：万元"),
            Some((
                "一般公共预算支出明细表(按功能科目)".to_string(),
                Unit::WanYuan
            ))
        );
        // A table's number alone, its title wrapped around this line.
        assert_eq!(
            title_and_unit("表1-2 单位：万元"),
            Some(("表1-2".to_string(), Unit::WanYuan))
        );
        // Not a title before the unit: an agency line, a header cell.
        assert_eq!(title_and_unit("编制部门：某局  单位：万元"), None);
        assert_eq!(title_and_unit("合计（万元）"), None);
        assert_eq!(title_and_unit("一般公共预算支出表"), None);
    }

    #[test]
    fn agency_and_unit_lines() {
        assert_eq!(
            agency_in("编制部门：昌吉州社会保险管理局                   单位：万元").as_deref(),
            Some("昌吉州社会保险管理局")
        );
        assert_eq!(
            agency_in("编制部门（单位）：昌吉回族自治州人力资源和社会保障局       单位：万元")
                .as_deref(),
            Some("昌吉回族自治州人力资源和社会保障局")
        );
        assert_eq!(agency_in("编制部门："), None);
        // The Ministry of Finance template's label, at the start of its line.
        assert_eq!(
            agency_in("部门：某某县民政局\t\t\t单位：万元").as_deref(),
            Some("某某县民政局")
        );
        assert_eq!(
            agency_in("单位名称： 某某县民政局").as_deref(),
            Some("某某县民政局")
        );
        assert_eq!(agency_in("本部门：负责"), None);
        assert_eq!(
            agency_in("部门：某某县民政局，主要负责全县社会救助工作。").as_deref(),
            Some("某某县民政局")
        );
        assert_eq!(
            unit_in("编制部门：X        单位：万元"),
            Some(Unit::WanYuan)
        );
        assert_eq!(unit_in("金额单位：元"), Some(Unit::Yuan));
        assert_eq!(unit_in("编制单位：奇台县社会保险管理局"), None);
        // Other ways publishers state it (before 2026-12-03 each was read
        // as no unit, and the tables took 万元).
        assert_eq!(unit_in("单位：人民币元"), Some(Unit::Yuan));
        assert_eq!(unit_in("单位（元）"), Some(Unit::Yuan));
        assert_eq!(unit_in("单位：千元"), Some(Unit::QianYuan));
        assert_eq!(unit_in("金额单位：人民币亿元"), Some(Unit::YiYuan));
        assert_eq!(unit_in("单位(本级)"), None);
    }

    #[test]
    fn year_kind() {
        assert_eq!(
            year_and_kind("x\n2024 年部门预算公开\n"),
            (Some(2024), Some(DocKind::Budget))
        );
        assert_eq!(
            year_and_kind("上海市普陀区财政局2024年度部门决算"),
            (Some(2024), Some(DocKind::FinalAccount))
        );
        // The cover names the level of government; the year compared
        // against comes later and must not win.
        assert_eq!(
            year_and_kind("上海市普陀区2023年区级部门预算\n…比2022年部门预算增加…\n"),
            (Some(2023), Some(DocKind::Budget))
        );
        // No such phrase: the first table title names the family.
        assert_eq!(
            year_and_kind("财政拨款收入支出决算总表\n单位：万元\n"),
            (None, Some(DocKind::FinalAccount))
        );
        assert_eq!(
            year_and_kind("部门收支预算总表\n"),
            (None, Some(DocKind::Budget))
        );
        assert_eq!(year_and_kind("收支总表\n"), (None, None));
        // The agency between the year and 部门, and a comparison naming
        // last year (before 2026-12-07: 2022 from the comparison).
        let compared = "2023年度泗洪县卫生健康委员会部门决算公开\n与2022年度决算相比，减少。\n";
        assert_eq!(
            year_and_kind(compared),
            (Some(2023), Some(DocKind::FinalAccount))
        );
        assert_eq!(
            year_and_kind("泗洪县卫生健康委员会二〇二三年度部门决算公开\n"),
            (Some(2023), Some(DocKind::FinalAccount))
        );
        // A table's title opening with its year, a page without the cover;
        // a comparison's word ending the line before.
        assert_eq!(
            year_and_kind("2024年部门一般公共预算基本支出部门预算经济分类预算表\n…比\n2023年预算增加25万元。\n"),
            (Some(2024), Some(DocKind::Budget))
        );
        assert_eq!(
            year_and_kind("三公经费比\n2023年预算增加25万元。\n"),
            (None, None)
        );
        // Two phrases, or a phrase after another year's execution: the
        // agency's place between year and 部门 spans neither.
        for title in [
            "2024年部门预算及2023年部门决算",
            "2023年预算执行情况和2024年部门预算公开",
            "2023年度部门决算和2024年度部门预算公开",
            "根据2023年县人大批准的部门预算\n2024年部门预算公开",
        ] {
            assert_eq!(
                year_and_kind(title),
                (Some(2024), Some(DocKind::Budget)),
                "{title}"
            );
        }
        // No year in the title: a comparison gives neither the year nor
        // the family (before: 2023, 决算, every amount read as outturn).
        assert_eq!(
            year_and_kind("奇台县社会保险管理局部门预算公开\n比2023年决算数增加10万元。\n"),
            (None, Some(DocKind::Budget))
        );
        // A sentence naming another year's final account before the first
        // heading that names this document (before 2026-12-03: 2022, 决算).
        assert_eq!(
            year_and_kind(
                "本单位已公开2022年度部门决算，详见网站。\n第二部分 2023年部门预算公开表\n"
            ),
            (Some(2023), Some(DocKind::Budget))
        );
        // No heading names it: a sentence does.
        assert_eq!(
            year_and_kind("现将本单位2023年部门预算公开如下。\n"),
            (Some(2023), Some(DocKind::Budget))
        );
        // A phrase naming something else of a year (its budget's
        // execution, its final account's results) names no document.
        assert_eq!(
            year_and_kind("三、2022年度预算执行情况\n第二部分 2023年部门预算公开表\n"),
            (Some(2023), Some(DocKind::Budget))
        );
        assert_eq!(
            year_and_kind("（根据2023年决算结果编制）\n2024年部门预算公开\n"),
            (Some(2024), Some(DocKind::Budget))
        );
        assert_eq!(
            year_and_kind("本单位2022年度部门决算已按要求公开\n2023年部门预算\n"),
            (Some(2023), Some(DocKind::Budget))
        );
        // A heading, whatever follows its phrase, before a sentence.
        assert_eq!(
            year_and_kind(
                "本部门已于2022年9月公开2021年度部门决算信息，\n第二部分 2023年部门预算绩效目标表\n"
            ),
            (Some(2023), Some(DocKind::Budget))
        );
    }
}
