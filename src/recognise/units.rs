//! A table's unit: its unit line (`单位：万元`), else the unit its header's
//! cells print after their names (`总计（万元）`, `金额(单位:元)`).
//!
//! The header's units must agree with the table's: a column headed in 元
//! under `单位：万元` is either in another unit than the rest or the unit
//! line is wrong, and the tool cannot tell which. Its amounts are kept as
//! printed and marked `uncertain`, with the reason among the table's issues.

use crate::amount::Amount;
use crate::grammar::{Grammar, HeaderMeaning};
use std::collections::HashSet;

use crate::model::{CellStatus, Provenance, Table, Unit};
use crate::normalize;

use super::table::{first_data_row, Draft};

/// The distinct units the draft's header prints after its names, in the
/// order first seen: the cells above the first row of amounts, or a flow
/// table's lines before its first amount with a decimal point. Only after
/// a column's name (a measure, a “三公” category): a row label before the
/// first amounts (`人均标准（元）`) says nothing of the table's unit.
pub fn header_units(g: &Grammar, draft: &Draft) -> Vec<Unit> {
    let mut units = Vec::new();
    let mut note = |text: &str| {
        let label = normalize::label(text);
        let (name, Some(u)) = Unit::split_suffix(&label) else {
            return;
        };
        let names_a_column = matches!(
            g.header(name),
            HeaderMeaning::Measure(_) | HeaderMeaning::Prefix(_)
        ) || g.three_public_category(name).is_some();
        if names_a_column && !units.contains(&u) {
            units.push(u);
        }
    };
    if draft.rows.is_empty() {
        let decimal = |t: &str| t.contains('.') && Amount::parse(t).is_some();
        let header = draft
            .lines
            .iter()
            .take_while(|(_, line)| !line.split_whitespace().any(decimal));
        for (_, line) in header {
            line.split_whitespace().for_each(&mut note);
        }
    } else {
        for row in &draft.rows[..first_data_row(&draft.rows)] {
            row.iter().for_each(|c| note(&c.text));
        }
    }
    units
}

/// Gives `table` the unit of its unit line, else the one unit its header
/// prints; returns whether the table states a unit (one that states none
/// takes the document's). A header unit other than the table's leaves the
/// table's amounts (percentages aside) `uncertain`.
pub fn settle(g: &Grammar, table: &mut Table, line: Option<Unit>, header: &[Unit]) -> bool {
    let unit = line.or(match header {
        [only] => Some(*only),
        _ => None,
    });
    if let Some(u) = unit {
        table.unit = u;
    }
    let others: Vec<&str> = header
        .iter()
        .filter(|h| Some(**h) != unit)
        .map(|h| h.as_str())
        .collect();
    if !others.is_empty() {
        let issue = match line {
            Some(u) => format!(
                "header prints amounts in {} but the unit line states {}",
                others.join(" and "),
                u.as_str()
            ),
            None => format!("header prints amounts in {}", others.join(" and ")),
        };
        table.issues.push(format!("{issue}: amounts uncertain"));
        for v in table.rows.iter_mut().flat_map(|r| r.values.iter_mut()) {
            if !g.identities.is_percentage(v.measure) {
                v.status = CellStatus::Uncertain;
            }
        }
    }
    unit.is_some()
}

/// An amount printed with its unit in its own cell (`3100.00元`): the
/// unit [`Amount::parse`] reads past.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CellUnit {
    pub at: Provenance,
    pub amount: Amount,
    pub unit: Unit,
}

/// The draft's body cells (a flow table's words) that print a unit after
/// their amount.
pub fn cell_units(draft: &Draft) -> Vec<CellUnit> {
    let mut found = Vec::new();
    let mut note = |at: Provenance, text: &str| {
        let text = text.trim_matches(normalize::is_space);
        let (number, unit) = match text.strip_suffix("万元") {
            Some(n) => (n, Unit::WanYuan),
            None => match text.strip_suffix('元') {
                Some(n) => (n, Unit::Yuan),
                None => return,
            },
        };
        if let Some(amount) = Amount::parse(number) {
            found.push(CellUnit { at, amount, unit });
        }
    };
    if draft.rows.is_empty() {
        for (at, line) in &draft.lines {
            line.split_whitespace().for_each(|w| note(*at, w));
        }
    } else {
        for cell in draft.rows[first_data_row(&draft.rows)..].iter().flatten() {
            note(cell.at, &cell.text);
        }
    }
    found
}

/// An amount whose cell prints another unit than its table's (`3100.00元`
/// in a table in 万元) is kept as printed and marked `uncertain`: the tool
/// does not know which unit is wrong.
pub fn doubt_cell_units(g: &Grammar, table: &mut Table, cells: &[CellUnit]) {
    for c in cells.iter().filter(|c| c.unit != table.unit) {
        let mut doubted = false;
        for v in table.rows.iter_mut().flat_map(|r| r.values.iter_mut()) {
            if v.at == c.at && v.amount == c.amount && !g.identities.is_percentage(v.measure) {
                v.status = CellStatus::Uncertain;
                doubted = true;
            }
        }
        if doubted {
            table.issues.push(format!(
                "line {}: '{}{}' is printed in {} but the table is in {}: uncertain",
                c.at,
                c.amount,
                c.unit.as_str(),
                c.unit.as_str(),
                table.unit.as_str()
            ));
        }
    }
}

/// A table printed in a unit the output does not keep (千元, 亿元) given
/// in 元: every amount (percentages aside) multiplied out exactly, and the
/// table's issues saying so.
pub fn give_in_yuan(g: &Grammar, table: &mut Table) {
    let Some(multiple) = table.unit.yuan_multiple() else {
        return;
    };
    let scale = |a: Amount| Amount {
        cents: a.cents * multiple,
        decimals: 0,
    };
    for v in table.rows.iter_mut().flat_map(|r| r.values.iter_mut()) {
        if !g.identities.is_percentage(v.measure) {
            v.amount = scale(v.amount);
            v.restored_from = v.restored_from.map(scale);
        }
    }
    table.issues.push(format!(
        "amounts printed in {} are given in 元 (× {multiple})",
        table.unit.as_str()
    ));
    table.unit = Unit::Yuan;
}

/// The figures the narrative states in 万元, in hundredths, for
/// [`shown_by_narrative`]: small ones (a 0 or a few 万元) left out, as they
/// match anything.
pub fn narrative_wan_figures(narrative: &[(Provenance, String)]) -> Vec<i64> {
    narrative
        .iter()
        .flat_map(|(_, line)| wan_figures(line))
        .filter(|&figure| figure >= 100)
        .collect()
}

/// The unit the narrative's figures (`narrative_wan_figures`) show tables
/// in (asked for each table that prints no unit line): its figures in 万元
/// (`收入预算9628.22万元`) found among the tables' amounts as printed (万元),
/// or only as amounts in 元 rounded to a hundredth of 万元 (96282213.44),
/// two at least. `None` when they show neither, or both. Returns the unit
/// and how many figures showed it.
pub fn shown_by_narrative(figures: &[i64], tables: &[Table]) -> Option<(Unit, usize)> {
    let amounts: HashSet<i64> = tables
        .iter()
        .flat_map(|t| &t.rows)
        .flat_map(|r| &r.values)
        .map(|v| v.amount.cents)
        .collect();
    // 元 rounded to 万元's hundredths: 100 元 per cent of 万元.
    let in_wan: HashSet<i64> = amounts
        .iter()
        .map(|c| (c + 5_000).div_euclid(10_000))
        .collect();
    let wan = figures.iter().filter(|f| amounts.contains(f)).count();
    let yuan = figures
        .iter()
        .filter(|f| in_wan.contains(f) && !amounts.contains(f))
        .count();
    match (wan, yuan) {
        (0, y) if y >= 2 => Some((Unit::Yuan, y)),
        (w, 0) if w >= 2 => Some((Unit::WanYuan, w)),
        _ => None,
    }
}

/// The figures a line states in 万元, in hundredths.
fn wan_figures(line: &str) -> impl Iterator<Item = i64> + '_ {
    line.match_indices("万元").filter_map(|(at, _)| {
        let before = line[..at].trim_end();
        let start = before
            .char_indices()
            .rev()
            .take_while(|(_, c)| c.is_ascii_digit() || matches!(c, '.' | ','))
            .last()
            .map(|(i, _)| i)?;
        Amount::parse(&before[start..]).map(|a| a.cents)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Row, Value};

    fn table_of(amounts: &[&str]) -> Table {
        let g = Grammar::global();
        let kind = g.kind("income").unwrap();
        let mut table =
            Draft::new(None, kind, "收入预算总表".into(), Provenance::Line(1)).empty_table();
        let values = amounts
            .iter()
            .map(|a| Value {
                measure: "total",
                amount: Amount::parse(a).unwrap(),
                status: CellStatus::Ok,
                at: Provenance::Line(2),
                alternatives: Vec::new(),
                restored_from: None,
            })
            .collect();
        table.rows.push(Row {
            section: None,
            code: None,
            item: "合计".into(),
            project: String::new(),
            values,
            at: Provenance::Line(2),
        });
        table
    }

    #[test]
    fn the_narrative_shows_a_table_in_yuan_whose_unit_line_was_lost() {
        let narrative = vec![
            (
                Provenance::Line(9),
                "收入预算9,628.22万元，其中：财政拨款收入9628.22万元；事业收入0万元。".to_string(),
            ),
            (
                Provenance::Line(10),
                "行政运行（01项）1672.67万元。".to_string(),
            ),
        ];
        let in_yuan = table_of(&["96282213.44", "16726725.44", "0.00"]);
        assert_eq!(
            shown_by_narrative(
                &narrative_wan_figures(&narrative),
                std::slice::from_ref(&in_yuan)
            ),
            Some((Unit::Yuan, 3))
        );
        let in_wan = table_of(&["9628.22", "1672.67"]);
        assert_eq!(
            shown_by_narrative(
                &narrative_wan_figures(&narrative),
                std::slice::from_ref(&in_wan)
            ),
            Some((Unit::WanYuan, 3))
        );
        // One figure is no evidence; nor is a table the narrative never states.
        assert_eq!(
            shown_by_narrative(
                &narrative_wan_figures(&narrative[1..]),
                std::slice::from_ref(&in_yuan)
            ),
            None
        );
        assert_eq!(
            shown_by_narrative(
                &narrative_wan_figures(&narrative),
                &[table_of(&["12.00", "3.50"])]
            ),
            None
        );
    }
}
