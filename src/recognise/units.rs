//! A table's unit: its unit line (`单位：万元`), else the unit its header's
//! cells print after their names (`总计（万元）`, `金额(单位:元)`).
//!
//! The header's units must agree with the table's: a column headed in 元
//! under `单位：万元` is either in another unit than the rest or the unit
//! line is wrong, and the tool cannot tell which. Its amounts are kept as
//! printed and marked `uncertain`, with the reason among the table's issues.

use crate::amount::Amount;
use crate::grammar::{Grammar, HeaderMeaning};
use crate::model::{CellStatus, Table, Unit};
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
