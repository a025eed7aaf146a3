//! Figures stated in 第三部分, matched to the cells they restate.
//!
//! The narrative is split into sections by its headings (`三、关于…支出预算
//! 情况说明`); a section's heading words choose the table it talks about. A
//! figure is an amount followed by 万元/元; the phrase right before it
//! (`基本支出927.93万元`, `社会保障和就业支出(类)933.03万元`) chooses the
//! cell. Figures no phrase covers are reported as unchecked, not dropped.

use std::sync::OnceLock;

use nom::{
    branch::alt,
    bytes::complete::{tag, take_while1},
    combinator::{opt, recognize},
    sequence::{pair, preceded},
    IResult,
};
use regex::Regex;

use super::{CheckResult, Identity, Outcome, Rule, Subject, Term};
use crate::amount::Amount;
use crate::grammar::identities::{Figure, FigureRow, NarrativeSection};
use crate::grammar::{Grammar, Measure};
use crate::model::{DocKind, Document, Provenance, Table, Unit};
use crate::normalize;

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
    Ok((
        i,
        (
            number,
            if unit == "万元" {
                Unit::WanYuan
            } else {
                Unit::Yuan
            },
        ),
    ))
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
    for (at, line) in &doc.narrative {
        normalize::label_into(&mut norm, line);
        // Only top-level headings (`三、`) switch the topic; `(一)` sub-headings stay in it.
        if is_heading(&norm) && !norm.starts_with('(') {
            let rule = g
                .identities
                .narrative
                .iter()
                .find(|s| s.heading.iter().any(|h| norm.contains(h.as_str())));
            out.push(Section {
                rule,
                heading: norm.clone(),
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

/// Connectors allowed between a phrase and its amount.
const CONNECTORS: [&str; 6] = ["", "为", "是", ":", "(类)", "预算数为"];

/// The figure spec and the matched phrase for the text before an amount.
fn match_phrase<'a>(
    g: &Grammar,
    figures: &'a [Figure],
    before: &str,
) -> Option<(&'a Figure, String)> {
    // The text before the amount less each connector, worked out once for
    // every phrase tested against it.
    let stems = CONNECTORS.map(|c| before.strip_suffix(c));
    let hit = |phrase: &str| stems.iter().flatten().any(|stem| stem.ends_with(phrase));
    for fig in figures {
        for phrase in &fig.phrases {
            let matched = if phrase == "@class" {
                g.class_names().iter().find(|name| hit(name))
            } else {
                hit(phrase).then_some(phrase)
            };
            if let Some(p) = matched {
                return Some((fig, p.clone()));
            }
        }
    }
    None
}

/// The row of `table` a figure names.
fn target_row(g: &Grammar, doc: &Document, ti: usize, fig: &Figure, phrase: &str) -> Option<usize> {
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

/// Narrative identities, and the figures no rule covers.
pub fn figures(doc: &Document, g: &Grammar) -> (Vec<Identity>, Vec<CheckResult>) {
    let mut ids = Vec::new();
    let mut unchecked = Vec::new();
    for section in sections(doc, g) {
        let table = section
            .rule
            .and_then(|r| doc.tables.iter().position(|t| t.kind == r.table));
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
            let context: String = before
                .chars()
                .rev()
                .take(16)
                .collect::<Vec<_>>()
                .into_iter()
                .rev()
                .collect();
            let stated = format!("{number}{}", unit.as_str());
            let matched = section
                .rule
                .zip(table)
                .and_then(|(rule, ti)| {
                    match_phrase(g, &rule.figures, before).map(|(f, p)| (ti, f, p))
                })
                .and_then(|(ti, f, p)| target_row(g, doc, ti, f, &p).map(|ri| (ti, ri, f, p)))
                .and_then(|(ti, ri, f, p)| {
                    stated_measure(doc, &doc.tables[ti], f.measure).map(|m| (ti, ri, m, p))
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
                None => unchecked.push(CheckResult {
                    table: section.rule.map_or("", |r| leak_kind(g, &r.table)),
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
        }
    }
    (ids, unchecked)
}

fn heading_name(s: &Section) -> String {
    s.heading
        .chars()
        .take(4)
        .collect::<String>()
        .trim_end_matches(['、', '关', '于'])
        .to_string()
}

/// The grammar's static key for a table kind name.
fn leak_kind(g: &Grammar, kind: &str) -> &'static str {
    g.kind(kind).map_or("", |k| k.key)
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn headings() {
        assert!(is_heading(
            "三、关于奇台县社会保险管理局单位2024年支出预算情况说明"
        ));
        assert!(is_heading("(一)一般公共预算当年拨款规模变化情况"));
        assert!(!is_heading("一般公共预算1,008.93万元,占99.82%。"));
    }
}
