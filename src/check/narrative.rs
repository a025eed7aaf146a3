//! Figures stated in 第三部分, matched to the cells they restate.
//!
//! The narrative is split into sections by its headings (`三、关于…支出预算
//! 情况说明`); a section's heading words choose the table it talks about. A
//! figure is an amount followed by 万元/元; the phrase right before it
//! (`基本支出927.93万元`, `社会保障和就业支出(类)933.03万元`) chooses the
//! cell, or the sentence names its row by classification (`…(类)…(款)
//! 行政运行(项):2024年预算数为376.61万元`). A change on last year stated with
//! its rate right after a figure is checked on the spot (all three are the
//! narrative's own). Figures no phrase covers are reported as unchecked,
//! not dropped.

use std::sync::OnceLock;

use nom::{
    branch::alt,
    bytes::complete::{tag, take_while1},
    combinator::{opt, recognize},
    sequence::{pair, preceded},
    IResult,
};
use regex::Regex;

use super::{
    format_in, rate_evaluation, CheckResult, Evaluation, Identity, Outcome, Rounded, Rule, Subject,
    Term,
};
use crate::amount::Amount;
use crate::grammar::identities::{Figure, FigureRow, NarrativeSection};
use crate::grammar::{Grammar, Measure};
use crate::model::{DocKind, Document, Provenance, Table, Unit};
use crate::normalize;
use crate::recognise::standalone_narrative_heading;

/// `1,010.70万元` / `0.6万元` / `3245.21元`.
fn amount_with_unit(i: &str) -> IResult<&str, (&str, Unit)> {
    let (i, number) = recognize(pair(
        take_while1(|c: char| c.is_ascii_digit() || c == ','),
        opt(preceded(
            tag("."),
            take_while1(|c: char| c.is_ascii_digit()),
        )),
    ))(i)?;
    let (i, unit) = alt((tag("万元"), tag("元")))(i)?;
    Ok((i, (number, unit_named(unit))))
}

/// The unit a figure's word names: `万元`, else `元`.
fn unit_named(word: &str) -> Unit {
    if word == "万元" {
        Unit::WanYuan
    } else {
        Unit::Yuan
    }
}

/// A numbered heading of the narrative (`三、关于…说明`, `(一)…情况`).
fn is_heading(line: &str) -> bool {
    static RE: OnceLock<Regex> = OnceLock::new();
    let re = RE.get_or_init(|| {
        Regex::new(r"^(?:[一二三四五六七八九十]+、|\([一二三四五六七八九十]+\))")
            .expect("valid regex")
    });
    // Most lines are prose: their first character already rules them out.
    line.starts_with([
        '一', '二', '三', '四', '五', '六', '七', '八', '九', '十', '(',
    ]) && re.is_match(line)
        && line.chars().count() <= 60
        && !line.contains('。')
}

struct Section<'g> {
    rule: Option<&'g NarrativeSection>,
    heading: String,
    text: String,
    at: Provenance,
}

fn sections<'g>(doc: &Document, g: &'g Grammar) -> Vec<Section<'g>> {
    let mut out: Vec<Section<'g>> = Vec::new();
    let mut norm = String::new();
    let mut lines = doc.narrative.iter().peekable();
    while let Some((at, line)) = lines.next() {
        normalize::label_into(&mut norm, line);
        // Only top-level headings (`三、`, or one standing alone:
        // `2025年部门预算编制说明`) switch the topic; `(一)` sub-headings stay in it.
        if (is_heading(&norm) && !norm.starts_with('(')) || standalone_narrative_heading(&norm) {
            let mut heading = norm.clone();
            if let Some((_, next)) = lines.peek() {
                let next = normalize::label(next);
                if continues_heading(&heading, &next) {
                    heading.push_str(&next);
                    lines.next();
                }
            }
            let rule = g
                .identities
                .narrative
                .iter()
                .find(|s| s.heading.iter().any(|h| heading.contains(h.as_str())));
            out.push(Section {
                rule,
                heading,
                text: String::new(),
                at: *at,
            });
        } else if let Some(s) = out.last_mut() {
            s.text.push_str(&norm);
        } else {
            out.push(Section {
                rule: None,
                heading: String::new(),
                text: norm.clone(),
                at: *at,
            });
        }
    }
    out
}

/// Whether `next` is the rest of a heading a flow dump wrapped at its line
/// width (`…部门2023年一般` / `公共预算当年拨款情况说明`): the heading stops
/// short of a heading's last word, and `next` is a short line ending in one.
fn continues_heading(heading: &str, next: &str) -> bool {
    const ENDINGS: [&str; 3] = ["说明", "情况", "概况"];
    let ends = |s: &str| ENDINGS.iter().any(|e| s.ends_with(e));
    !ends(heading) && ends(next) && next.chars().count() <= 30 && !next.contains(['。', ',', ';'])
}

/// Connectors allowed between a phrase and its amount.
const CONNECTORS: [&str; 6] = ["", "为", "是", ":", "(类)", "预算数为"];

/// The figure specs whose phrase the text before an amount ends with, in
/// the rule's order, each with the phrase matched.
fn matching_phrases<'a>(
    g: &'a Grammar,
    doc: &'a Document,
    figures: &'a [Figure],
    before: &'a str,
) -> impl Iterator<Item = (&'a Figure, &'a str)> + 'a {
    // The text before the amount less each connector, worked out once for
    // every phrase tested against it.
    let stems = CONNECTORS.map(|c| before.strip_suffix(c));
    let hit = move |phrase: &str| stems.iter().flatten().any(|stem| stem.ends_with(phrase));
    figures
        .iter()
        .filter(|fig| fig.only_in.is_none() || fig.only_in == doc.kind)
        .flat_map(move |fig| fig.phrases.iter().map(move |p| (fig, p.as_str())))
        .filter_map(move |(fig, phrase)| {
            let matched = if phrase == "@class" {
                // Not the end of a longer name: `其他社会保障和就业支出` is
                // a 款 of 208, not the 类.
                let whole = |name: &str| {
                    stems.iter().flatten().any(|stem| {
                        stem.strip_suffix(name)
                            .is_some_and(|head| !head.ends_with("其他"))
                    })
                };
                g.class_names()
                    .iter()
                    .map(String::as_str)
                    .find(|name| whole(name))
            } else {
                hit(phrase).then_some(phrase)
            };
            matched.map(|p| (fig, p))
        })
}

/// The row of `table` a figure names; `before` is the text before the amount.
fn target_row(
    g: &Grammar,
    doc: &Document,
    ti: usize,
    fig: &Figure,
    phrase: &str,
    before: &str,
) -> Option<usize> {
    let t = &doc.tables[ti];
    let in_section = |i: &usize| fig.section.is_none() || t.rows[*i].section == fig.section;
    match &fig.row {
        FigureRow::GrandTotal => (0..t.rows.len())
            .filter(in_section)
            .find(|&i| t.rows[i].is_total()),
        FigureRow::Item(item) => (0..t.rows.len())
            .filter(in_section)
            .find(|&i| &t.rows[i].item == item),
        FigureRow::Class => {
            let code = g.class_code(phrase)?;
            (0..t.rows.len())
                .filter(in_section)
                .find(|&i| t.rows[i].code.as_ref().is_some_and(|c| c.as_str() == code))
        }
        // A final account states the 项's 年初预算 before its 决算.
        FigureRow::Classified => classified_row(g, t, before, usize::from(doc.is_final_account())),
    }
}

/// A classification a sentence names: `208社会保障和就业支出(类)` → the
/// printed code (3, 5 or 7 digits) if any, and the name.
struct ClassifiedName<'a> {
    code: Option<&'a str>,
    name: &'a str,
}

impl<'a> ClassifiedName<'a> {
    /// The name is the text after the last digit, less the ordinal's and
    /// the quote's punctuation (`4.208社会保障和就业支出`, `“一般公共服务支出`);
    /// the digits right before it are its code when they are a code's length.
    fn parse(part: &'a str) -> ClassifiedName<'a> {
        let name_at = part
            .rfind(|c: char| c.is_ascii_digit())
            .map_or(0, |i| i + 1);
        let name = part[name_at..].trim_start_matches(['.', '、', ':', '“', '"', '(', ')', '”']);
        let name = name.trim_end_matches(['”', '"']);
        let digits = part[..name_at]
            .bytes()
            .rev()
            .take_while(u8::is_ascii_digit)
            .count();
        let code = matches!(digits, 3 | 5 | 7).then(|| &part[name_at - digits..name_at]);
        ClassifiedName { code, name }
    }
}

/// The row of `table` that the sentence before a figure names by its
/// classification: `社会保障和就业支出(类)行政事业单位养老支出(款)行政单位
/// 离退休(项):2024年预算数为`, or with codes (`208…(类)20805…(款)2080501…
/// (项)`). A printed 项 code names the row (its name must agree); otherwise
/// the 项 name, narrowed by the 款 and 类 named, must name exactly one row.
/// `None` when the sentence names no 项, or no one row.
/// `figures_between`: how many other figures may stand between the 项 and
/// this one.
fn classified_row(
    g: &Grammar,
    table: &Table,
    before: &str,
    figures_between: usize,
) -> Option<usize> {
    const XIANG: &str = "(项)";
    let at = before.rfind(XIANG)?;
    // The figure follows its 项 closely (`(项):2024年预算数为`, `(项)”科目`,
    // `(项)。主要用于:…。年初预算为…,支出决算为`), with no other level named
    // between (nor a part of it: `…,其中…预算数为`).
    let gap = &before[at + XIANG.len()..];
    if gap.chars().count() > 80
        || gap.contains("(类)")
        || gap.contains("(款)")
        || gap.matches('元').count() > figures_between
    {
        return None;
    }
    let chain = &before[..at];
    let chain = match chain.char_indices().rfind(|(_, c)| matches!(c, '。' | ';')) {
        Some((i, c)) => &chain[i + c.len_utf8()..],
        None => chain,
    };
    let (class, rest) = chain.split_once("(类)").unwrap_or(("", chain));
    let (kuan, xiang) = rest.split_once("(款)").unwrap_or(("", rest));
    let (class, kuan, xiang) = (
        ClassifiedName::parse(class),
        ClassifiedName::parse(kuan),
        ClassifiedName::parse(xiang),
    );
    let rows = &table.rows;
    let code_of = |i: usize| rows[i].code.as_ref().map(|c| c.as_str());
    if let Some(code) = xiang.code {
        let i = (0..rows.len()).find(|&i| code_of(i) == Some(code))?;
        let item = rows[i].item.as_str();
        let agrees =
            xiang.name.is_empty() || item.contains(xiang.name) || xiang.name.contains(item);
        return agrees.then_some(i);
    }
    if xiang.name.is_empty() {
        return None;
    }
    // The codes the 款 (else the 类) may have: printed, or found by name.
    let kuan_codes: Vec<&str> = match kuan.code {
        Some(code) => vec![code],
        None => (0..rows.len())
            .filter(|&i| !kuan.name.is_empty() && rows[i].item == kuan.name)
            .filter_map(code_of)
            .filter(|c| c.len() == 5)
            .collect(),
    };
    let class_code = class.code.or_else(|| g.class_code(class.name));
    let under = |code: &str| match (kuan_codes.is_empty(), class_code) {
        (false, _) => kuan_codes.iter().any(|k| code.starts_with(k)),
        (true, Some(c)) => code.starts_with(c),
        (true, None) => true,
    };
    let named: Vec<usize> = (0..rows.len())
        .filter(|&i| rows[i].item == xiang.name)
        .filter(|&i| code_of(i).is_none_or(under))
        .collect();
    // A 款 and its one 项 may share a name (`208 99` / `208 99 99
    // 其他社会保障和就业支出`): the 项 is meant.
    let xiang_level = |i: &usize| code_of(*i).is_some_and(|c| c.len() == 7);
    let named: Vec<usize> = if named.iter().any(xiang_level) {
        named.into_iter().filter(xiang_level).collect()
    } else {
        named
    };
    match named[..] {
        [only] => Some(only),
        _ => None,
    }
}

/// The table column a narrative figure states: the rule's, or — for a
/// figure of a row's `total` in a budget document whose table has no total
/// column but a 本年预算数 one (`上年 | 本年预算数`) — `budget`; a rule's
/// `budget` or `total`, where the table has no such column, is a final
/// account's `final` (its one 决算数 column).
/// `None` (the figure is listed unchecked) when the table has neither.
fn stated_measure(doc: &Document, table: &Table, measure: Measure) -> Option<Measure> {
    let final_account = doc.is_final_account();
    let measure = match measure {
        "budget" | "total" if final_account && !table.columns.contains(&measure) => "final",
        m => m,
    };
    if table.columns.contains(&measure) {
        return Some(measure);
    }
    let budget = measure == "total"
        && doc.kind == Some(DocKind::Budget)
        && table.columns.contains(&"budget");
    budget.then_some("budget")
}

/// A change on last year stated right after a figure, with its rate:
/// `,比上年预算增加63.1万元,增长8.81%` (an `,占98.37%` may stand between).
struct Comparison<'t> {
    /// As printed, for the check's subject.
    text: &'t str,
    change: Amount,
    change_unit: Unit,
    /// 增加 (last year's figure is this year's less the change) or 减少.
    increase: bool,
    /// In hundredths of a percent.
    rate: Amount,
}

fn comparison(after: &str) -> Option<Comparison<'_>> {
    // What the pattern opens with, looked at before the pattern runs (it
    // runs after every figure of the narrative).
    let opening = after.strip_prefix(',').unwrap_or(after);
    if !opening.starts_with(['占', '比', '较']) {
        return None;
    }
    static RE: OnceLock<Regex> = OnceLock::new();
    let re = RE.get_or_init(|| {
        Regex::new(concat!(
            r"^(?:,?占[^,;。%]{0,12}?\d+(?:\.\d+)?%)?,?(?:比|较)[^,;。%]{0,14}?",
            r"(增加|增长|上升|减少|下降|降低)了?(\d[\d,]*(?:\.\d+)?)(万元|元),?",
            r"(?:增长|增幅|上升|增加|下降|降幅|减幅|降低|减少)?了?(\d+(?:\.\d+)?)%",
        ))
        .expect("valid regex")
    });
    let c = re.captures(after)?;
    Some(Comparison {
        text: c.get(0)?.as_str(),
        change: Amount::parse(&c[2])?,
        change_unit: unit_named(&c[3]),
        increase: matches!(&c[1], "增加" | "增长" | "上升"),
        rate: Amount::parse(&c[4])?,
    })
}

/// The stated rate against the change and last year's figure (this year's
/// less an increase, plus a decrease), each within its printed rounding.
/// `None` when last year's figure can round to zero (`增加22万元,增长100%`:
/// new this year, the rate is a convention).
/// `figure_is_last_years`: the figure stated is last year's itself
/// (`2023年预算数为388.35万元,比上年预算减少11.74万元`).
fn rate_of_change(
    figure: Amount,
    unit: Unit,
    c: &Comparison,
    figure_is_last_years: bool,
) -> Option<Evaluation> {
    let figure = Rounded::in_yuan(figure, unit);
    let change = Rounded::in_yuan(c.change, c.change_unit);
    let last_year = if figure_is_last_years {
        figure
    } else {
        Rounded {
            twice: if c.increase {
                figure.twice - change.twice
            } else {
                figure.twice + change.twice
            },
            half_unit: figure.half_unit + change.half_unit,
        }
    };
    rate_evaluation(c.rate, change, last_year, 0)
}

/// Whether the figure after `before` is another year's: its clause (from
/// the last comma, stop, semicolon, colon or bracket) names last year
/// (`上年基本支出512.98万元`, `上年预算数为388.35万元`; not `上年结转`,
/// carried into this year) or a year other than the document's
/// (`2023年收入预算881.75万元` in a 2024 budget). Compared with this year's
/// table, such figures failed.
fn another_years(before: &str, year: Option<u16>) -> bool {
    let clause = before
        .rfind([
            '，', ',', '。', '；', ';', '(', ')', '（', '）', ':', '：', '\n',
        ])
        .map_or(before, |at| &before[at..]);
    // 上年结转/结余 is carried into this year: this year's figure.
    let last_year = clause
        .match_indices("上年")
        .any(|(at, w)| !clause[at + w.len()..].starts_with('结'));
    if last_year || ["去年", "上一年"].iter().any(|w| clause.contains(w)) {
        return true;
    }
    let Some(year) = year else {
        return false;
    };
    clause.match_indices('年').any(|(at, _)| {
        let digits = clause[..at]
            .bytes()
            .rev()
            .take_while(u8::is_ascii_digit)
            .count();
        digits == 4 && clause[at - 4..at].parse::<u16>().is_ok_and(|y| y != year)
    })
}

/// Narrative identities; and the results already known: the rates of
/// change, and the figures no rule covers (unchecked).
pub fn figures(doc: &Document, g: &Grammar) -> (Vec<Identity>, Vec<CheckResult>) {
    let mut ids = Vec::new();
    let mut results = Vec::new();
    for section in sections(doc, g) {
        let table = section
            .rule
            .and_then(|r| doc.tables.iter().position(|t| t.kind == r.table));
        // The kind the section's results name (unchecked figures, rates).
        let kind = section.rule.map_or("", |r| leak_kind(g, &r.table));
        let mut i = 0;
        let text = &section.text;
        while i < text.len() {
            // Skip to the next ASCII digit (never inside a multi-byte
            // character, so `i` stays on a boundary).
            match text.as_bytes()[i..].iter().position(u8::is_ascii_digit) {
                Some(skip) => i += skip,
                None => break,
            }
            let rest = &text[i..];
            let starts_number = rest.starts_with(|c: char| c.is_ascii_digit())
                && !text[..i].ends_with(|c: char| c.is_ascii_digit() || c == '.' || c == ',');
            if !starts_number {
                i += rest.chars().next().map_or(1, char::len_utf8);
                continue;
            }
            let Ok((after, (number, unit))) = amount_with_unit(rest) else {
                i += rest.chars().next().map_or(1, char::len_utf8);
                continue;
            };
            i = text.len() - after.len();
            let Some(amount) = Amount::parse(number) else {
                continue;
            };
            let before = &text[..text.len() - rest.len()];
            // Its last sixteen characters.
            let context = &before[before.char_indices().rev().nth(15).map_or(0, |(at, _)| at)..];
            let stated = format!("{number}{}", unit.as_str());
            // The first figure whose phrase matches decides; a `classified`
            // one whose sentence names no row of the table passes on.
            // Another year's figure is no figure of the tables.
            let last_years = another_years(before, doc.year);
            let matched = section.rule.filter(|_| !last_years).and_then(|rule| {
                for (f, p) in matching_phrases(g, doc, &rule.figures, before) {
                    let ti = match &f.table {
                        Some(kind) => doc.tables.iter().position(|t| t.kind == kind.as_str()),
                        None => table,
                    };
                    let cell = ti.and_then(|ti| {
                        let ri = target_row(g, doc, ti, f, p, before)?;
                        let measure = stated_measure(doc, &doc.tables[ti], f.measure)?;
                        Some((ti, ri, measure, p.to_string()))
                    });
                    if cell.is_some() || f.row != FigureRow::Classified {
                        return cell;
                    }
                }
                None
            });
            match matched {
                Some((ti, ri, measure, phrase)) => ids.push(Identity {
                    rule: Rule::Narrative,
                    table: ti,
                    subject: Subject::Text(format!(
                        "{} line {}: “{phrase}” {stated} = {}.{}",
                        heading_name(&section),
                        section.at,
                        doc.tables[ti].rows[ri].item,
                        measure
                    )),
                    total: vec![Term::Stated { amount, unit }],
                    parts: vec![Term::Cell(super::CellRef {
                        table: ti,
                        row: ri,
                        measure,
                    })],
                }),
                None => results.push(CheckResult {
                    table: kind,
                    table_no: None,
                    rule: Rule::Narrative,
                    subject: format!(
                        "{} line {}: “…{context}” {stated}",
                        heading_name(&section),
                        section.at
                    ),
                    expected: stated.clone(),
                    actual: String::new(),
                    outcome: Outcome::Unchecked,
                    extraction_suspect: false,
                }),
            }
            // A change on last year and its rate, stated right after the
            // figure, are checked against each other (the change is no
            // figure of the tables).
            // After last year's figure, the change is on that figure.
            if let Some((c, ev)) = comparison(after)
                .and_then(|c| rate_of_change(amount, unit, &c, last_years).map(|ev| (c, ev)))
            {
                i += c.text.len();
                let percent = |v: i128| format!("{}%", format_in(v, Unit::Yuan));
                results.push(CheckResult {
                    table: kind,
                    table_no: None,
                    rule: Rule::Narrative,
                    subject: format!(
                        "{} line {}: “…{context}{stated}{}”: rate = 100 × change / last year's",
                        heading_name(&section),
                        section.at,
                        c.text
                    ),
                    expected: percent(ev.expected),
                    actual: percent(ev.actual),
                    outcome: Outcome::of(ev.holds),
                    extraction_suspect: false,
                });
            }
        }
    }
    (ids, results)
}

/// How a check names its section: a numbered heading by its ordinal
/// (`三`), one standing alone by its first words, less a year
/// (`2025年部门预算编制说明` → `部门预算编制`).
fn heading_name(s: &Section) -> String {
    match s.heading.split_once('、') {
        Some((ordinal, _)) if ordinal.chars().count() <= 3 => ordinal.to_string(),
        _ => {
            let words = s.heading.trim_start_matches(|c: char| c.is_ascii_digit());
            let words = words
                .strip_prefix("年度")
                .or_else(|| words.strip_prefix('年'));
            words.unwrap_or(&s.heading).chars().take(6).collect()
        }
    }
}

/// The grammar's static key for a table kind name.
fn leak_kind(g: &Grammar, kind: &str) -> &'static str {
    g.kind(kind).map_or("", |k| k.key)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Code, Row};

    #[test]
    fn amounts_with_units() {
        assert_eq!(
            amount_with_unit("1,010.70万元，占"),
            Ok(("，占", ("1,010.70", Unit::WanYuan)))
        );
        assert_eq!(
            amount_with_unit("3245.21元"),
            Ok(("", ("3245.21", Unit::Yuan)))
        );
        assert!(amount_with_unit("12人").is_err());
    }

    #[test]
    fn a_wrapped_heading_is_read_whole() {
        assert!(continues_heading(
            "五、关于新疆维吾尔自治区喀什地区喀什市社会保险中心部门2023年一般",
            "公共预算当年拨款情况说明"
        ));
        // A whole heading takes no line after it, nor does prose.
        assert!(!continues_heading(
            "五、关于奇台县社会保险管理局2024年一般公共预算当年拨款情况说明",
            "(一)一般公共预算当年拨款规模变化情况"
        ));
        assert!(!continues_heading(
            "五、关于某局2023年一般",
            "奇台县社会保险管理局单位2024年一般公共预算拨款合计1,010.39万元,其中基本支出情况"
        ));
    }

    fn general_budget_table(rows: &[(&str, &str)]) -> Table {
        let mut t = crate::testing::expenditure_document(
            rows.iter()
                .map(|(code, item)| Row {
                    section: None,
                    code: Code::new(code),
                    item: item.to_string(),
                    project: String::new(),
                    values: vec![],
                    at: Provenance::Line(1),
                })
                .collect(),
        )
        .tables
        .remove(0);
        t.kind = "general_budget";
        t
    }

    #[test]
    fn a_sentence_names_its_row_by_classification() {
        let g = Grammar::global();
        let t = general_budget_table(&[
            ("208", "社会保障和就业支出"),
            ("20801", "人力资源和社会保障管理事务"),
            ("2080101", "行政运行"),
            ("20805", "行政事业单位养老支出"),
            ("2080501", "行政单位离退休"),
            ("210", "卫生健康支出"),
            ("21011", "行政事业单位医疗"),
            ("2101101", "行政单位医疗"),
            ("221", "住房保障支出"),
            ("22102", "住房改革支出"),
            ("2210201", "住房公积金"),
            ("20899", "其他社会保障和就业支出"),
            ("2089999", "其他社会保障和就业支出"),
            ("224", "灾害防治及应急管理支出"),
            ("22401", "应急管理事务"),
            ("2240101", "行政运行"),
        ]);
        let row = |before: &str| classified_row(g, &t, before, 0).map(|i| t.rows[i].item.clone());
        // By names: 行政运行 is under two 款; the 款 named picks one.
        assert_eq!(
            row("。1.社会保障和就业支出(类)人力资源和社会保障管理事务(款)行政运行(项):2024年预算数为"),
            Some("行政运行".into())
        );
        assert_eq!(
            classified_row(
                g,
                &t,
                "灾害防治及应急管理支出(类)应急管理事务(款)行政运行(项):2024年预算数为",
                0
            ),
            Some(15)
        );
        // A 款 named like its 项: the 项.
        assert_eq!(
            classified_row(
                g,
                &t,
                "社会保障和就业支出(类)其他社会保障和就业支出(款)其他社会保障和就业支出(项)”科目",
                0
            ),
            Some(12)
        );
        // By the 类 alone when the 款 is unnamed.
        assert_eq!(
            classified_row(g, &t, "住房保障支出(类)住房公积金(项)预算数为", 0),
            Some(10)
        );
        // By printed codes, ordinal before the 类 code; and the Shanghai form.
        assert_eq!(
            classified_row(g, &t, "4.208社会保障和就业支出(类)20805行政事业单位养老支出(款)2080501行政单位离退休(项):2023年预算数为", 0),
            Some(4)
        );
        assert_eq!(
            classified_row(
                g,
                &t,
                "12.“卫生健康支出(类)行政事业单位医疗(款)行政单位医疗(项)”科目",
                0
            ),
            Some(7)
        );
        // Ambiguous, contradicted, or no 项 named: no row.
        assert_eq!(
            classified_row(g, &t, "行政运行(项):2024年预算数为", 0),
            None
        );
        assert_eq!(
            classified_row(g, &t, "2080101住房公积金(项):2024年预算数为", 0),
            None
        );
        assert_eq!(
            classified_row(g, &t, "社会保障和就业支出(类)预算数为", 0),
            None
        );
        // A figure after the 项's own is a part of it; a final account
        // states the 项's 年初预算 before its 决算.
        let after_one =
            "住房保障支出(类)住房改革支出(款)住房公积金(项):年初预算为80.00万元,支出决算为";
        assert_eq!(classified_row(g, &t, after_one, 0), None);
        assert_eq!(classified_row(g, &t, after_one, 1), Some(10));
        // The 项 is a sentence back, then a new item begins with a 款.
        assert_eq!(
            classified_row(
                g,
                &t,
                "住房公积金(项)。住房保障支出(类)住房改革支出(款)预算数为",
                0
            ),
            None
        );
    }

    #[test]
    fn a_change_is_checked_against_its_rate() {
        let rate = |figure: &str, after: &str| {
            let c = comparison(after).expect("a comparison");
            rate_of_change(
                Amount::parse(figure).expect("amount"),
                Unit::WanYuan,
                &c,
                false,
            )
            .map(|ev| (ev.holds, ev.actual))
        };
        // 63.1 on 716.08 is 8.81 %; within rounding of one-decimal 63.1.
        assert_eq!(
            rate("779.18", ",比上年预算数增加63.1万元,增长8.81%,主要"),
            Some((true, 881))
        );
        assert_eq!(
            rate("583.71", ",比上年预算减少5.08万元,下降0.86%"),
            Some((true, 86))
        );
        assert_eq!(
            rate("1060.97", ",占63.46%,比上年预算增加118.77万元,增长12.61%"),
            Some((true, 1261))
        );
        // Seed 003 prints this year's as a share of last year's.
        assert_eq!(
            rate("1897.5", ",比上年执行数增加910万元,增长192%"),
            Some((false, 9200))
        );
        // New this year: last year's figure is nothing to divide by.
        assert_eq!(rate("22", ",比上年预算增加22万元,增长100%"), None);
        assert!(comparison(",比上年预算数增加3.12万元,主要原因是").is_none());
        assert!(comparison("。比上年预算增加1万元,增长1%").is_none());
    }

    #[test]
    fn headings() {
        assert!(is_heading(
            "三、关于奇台县社会保险管理局单位2024年支出预算情况说明"
        ));
        assert!(is_heading("(一)一般公共预算当年拨款规模变化情况"));
        assert!(!is_heading("一般公共预算1,008.93万元,占99.82%。"));
    }
}
