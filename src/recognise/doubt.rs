//! Doubts cast on rows a positional dump (aligned or flow) may have read
//! with a wrong code: the layout lost a level of it, and the amounts,
//! though they add up, belong to another code than the one output; and, in
//! any layout, on rows and tables printed twice. Applied to the recognised
//! document, before the checks (whose attribution of a failure to
//! extraction counts uncertain cells).

use std::collections::{BTreeSet, HashMap};

use crate::grammar::Grammar;
use crate::model::{CellStatus, Document, Row, Table};
use crate::normalize;

/// An aligned dump's row whose code an earlier row of its table has (not
/// a project sharing its function's code) lost a level of it (`302 39
/// 其他交通费用` read as `302` when its `39` is gone) or repeats a row over
/// a page: either way its amounts are not surely the code's, and its cells
/// are no surer than `uncertain`. (A flow dump's rows are doubted so as
/// they are read.)
pub fn codes_printed_again(doc: &mut Document) {
    for table in &mut doc.tables {
        let mut seen: BTreeSet<&str> = BTreeSet::new();
        let mut again = Vec::new();
        for (i, row) in table.rows.iter().enumerate() {
            if let (Some(code), true) = (&row.code, row.project.is_empty()) {
                if !seen.insert(code.as_str()) {
                    again.push(i);
                }
            }
        }
        for i in again {
            let row = &mut table.rows[i];
            if doubt(row) {
                let code = row.code.as_ref().map_or("", |c| c.as_str());
                table.issues.push(format!(
                    "line {}: code {code} printed on an earlier row too: this row may have lost a level of its code, its amounts are uncertain",
                    row.at
                ));
            }
        }
    }
}

/// A row printed twice, one copy right under the other (same code, name,
/// project and amounts): a dump repeating the row a page broke, or a
/// publisher's slip; which, the print does not show. The second copy is
/// output as printed, its cells `uncertain`, and the table says so. (Rows
/// with no amount are left alone: headings and blank rows repeat.)
pub fn rows_printed_twice(doc: &mut Document) {
    for table in &mut doc.tables {
        let twice: Vec<usize> = (1..table.rows.len())
            .filter(|&i| {
                let (above, row) = (&table.rows[i - 1], &table.rows[i]);
                !row.values.is_empty() && prints_the_same(above, row)
            })
            .collect();
        for i in twice {
            let row = &mut table.rows[i];
            if doubt(row) {
                table.issues.push(format!(
                    "line {}: the row above printed again ({}): a row repeated over a page, or \
                     printed twice; its amounts are uncertain",
                    row.at,
                    row.code.as_ref().map_or(row.item.as_str(), |c| c.as_str()),
                ));
            }
        }
    }
}

/// A table printed twice (same kind, number and rows as an earlier one):
/// output as printed, the second copy's cells `uncertain`, and the table
/// says so (a user summing a table's rows would count them twice).
pub fn tables_printed_twice(doc: &mut Document) {
    let same_rows = |a: &[Row], b: &[Row]| {
        a.len() == b.len() && a.iter().zip(b).all(|(a, b)| prints_the_same(a, b))
    };
    for j in 1..doc.tables.len() {
        let (earlier, rest) = doc.tables.split_at_mut(j);
        let table = &mut rest[0];
        let copied = table.rows.iter().any(|r| !r.values.is_empty())
            && earlier.iter().any(|e| {
                e.kind == table.kind && e.number == table.number && same_rows(&e.rows, &table.rows)
            });
        if copied && doubt_table(table) {
            table.issues.push(format!(
                "line {}: the table is printed a second time, row for row: its amounts are uncertain",
                table.at
            ));
        }
    }
}

/// Makes uncertain a table of a kind the document prints twice whose title
/// names another year than the document's (`2019年部门支出总体情况表` in a
/// 2020 budget, a workbook's sheet of last year's table beside this
/// year's): which of the two is the year's is not sure.
pub fn tables_of_another_year(doc: &mut Document) {
    let Some(year) = doc.year else {
        return;
    };
    let other_year = |t: &Table| normalize::years_in(&t.title).next().filter(|&y| y != year);
    let flagged: Vec<(usize, u16)> = (0..doc.tables.len())
        .filter_map(|i| {
            let t = &doc.tables[i];
            let y = other_year(t)?;
            let twin = doc
                .tables
                .iter()
                .enumerate()
                .any(|(j, o)| j != i && o.kind == t.kind && other_year(o).is_none());
            twin.then_some((i, y))
        })
        .collect();
    for (i, y) in flagged {
        let table = &mut doc.tables[i];
        if doubt_table(table) {
            table.issues.push(format!(
                "its title names {y}, the document is {year}'s, and another table of its kind is printed (last year's beside this year's?): its amounts are uncertain"
            ));
        }
    }
}

/// Two rows printing the same code, names and amounts.
fn prints_the_same(a: &Row, b: &Row) -> bool {
    a.code == b.code
        && a.item == b.item
        && a.project == b.project
        && a.section == b.section
        && a.values.len() == b.values.len()
        && a.values
            .iter()
            .zip(&b.values)
            .all(|(x, y)| x.measure == y.measure && x.amount.cents == y.amount.cents)
}

/// Makes a table's sure cells `uncertain`; whether it had any.
fn doubt_table(table: &mut Table) -> bool {
    table
        .rows
        .iter_mut()
        .fold(false, |any, row| doubt(row) | any)
}

/// Makes a row's sure cells `uncertain`; whether it had any.
fn doubt(row: &mut Row) -> bool {
    let mut any = false;
    for v in row
        .values
        .iter_mut()
        .filter(|v| v.status != CellStatus::Uncertain)
    {
        v.status = CellStatus::Uncertain;
        any = true;
    }
    any
}

/// A coded row whose name more tables contradict than confirm (a code
/// token moved onto another row: `204 06 13 公共法律服务` where the other
/// tables print 2040613 as 信息化建设): its `ok` cells are `uncertain`.
/// A flow dump's tables get this when read; an aligned dump's readings
/// here (its tables read in word order again: no change, the rule reads
/// names and codes, not statuses).
pub fn names_tables_disagree_on(g: &Grammar, doc: &mut Document) {
    super::flow::doubt_names_tables_disagree_on(g, doc);
}

/// Whether a row may confirm another table's: not every amount of it is
/// `uncertain` (a row read without amounts counts).
pub(crate) fn is_witness(row: &Row) -> bool {
    row.values.is_empty() || row.values.iter().any(|v| v.status != CellStatus::Uncertain)
}

/// Whether two codes are of one classification: functional (`2…`) or
/// economic (`3…`, `5…`) codes name some items alike (`住房公积金` is
/// 2210201 and 30113).
fn same_scheme(a: &str, b: &str) -> bool {
    a.bytes().next() == b.bytes().next()
}

/// A coded row whose code no other table prints, while two other tables
/// print its name under another code of its classification (`208 06
/// 机关事业单位职业年金缴费支出`, its `05` lost, where the other tables print
/// `2080506`), lost a level of its code; a row of a coded table printed
/// without a code whose name another table codes lost all of them. Either
/// way its cells are no surer than `uncertain`. A code another table
/// prints too, on a row not wholly in doubt itself, is the document's own,
/// whatever its name (a row whose every amount is `uncertain` may be put
/// together wrongly: it confirms nothing).
pub fn codes_no_other_table_has(doc: &mut Document) {
    // A two-sided table numbers its 类 (`一、公共安全支出`).
    let name = |row: &Row| normalize::strip_ordinal(&row.item).to_string();
    let coded = |row: &&Row| row.project.is_empty() && row.code.is_some() && !row.item.is_empty();
    // Per code and per name: the tables printing it (and those printing
    // it on a row not wholly in doubt).
    let mut tables_of_code: HashMap<&str, BTreeSet<usize>> = HashMap::new();
    let mut sure_tables_of_code: HashMap<&str, BTreeSet<usize>> = HashMap::new();
    let mut codes_of_name: HashMap<String, Vec<(usize, String)>> = HashMap::new();
    for (t, table) in doc.tables.iter().enumerate() {
        for row in table.rows.iter().filter(coded) {
            let code = row.code.as_ref().map_or("", |c| c.as_str());
            tables_of_code.entry(code).or_default().insert(t);
            if is_witness(row) {
                sure_tables_of_code.entry(code).or_default().insert(t);
            }
            codes_of_name
                .entry(name(row))
                .or_default()
                .push((t, code.to_string()));
        }
    }
    let mut doubted: Vec<(usize, usize, String)> = Vec::new();
    for (t, table) in doc.tables.iter().enumerate() {
        let coded_table = table.rows.iter().any(|r| coded(&r));
        for (i, row) in table.rows.iter().enumerate() {
            if !row.project.is_empty() || row.item.is_empty() || row.is_total() {
                continue;
            }
            let code = row.code.as_ref().map(|c| c.as_str());
            if code.is_some_and(|c| {
                sure_tables_of_code
                    .get(c)
                    .is_some_and(|ts| ts.iter().any(|u| *u != t))
            }) {
                continue;
            }
            // A row of a coded table printed without its code: its code's
            // levels all lost (a name another table codes).
            if code.is_none() && !coded_table {
                continue;
            }
            let elsewhere = codes_of_name.get(&name(row)).and_then(|cs| {
                cs.iter().find(|(u, c)| {
                    // Against one other table's code, which is the lost
                    // level's is a toss-up; against two, it is this row's.
                    let printed_more = || {
                        tables_of_code
                            .get(c.as_str())
                            .is_some_and(|ts| ts.len() > 1)
                    };
                    *u != t
                        && code
                            .is_none_or(|code| c != code && same_scheme(c, code) && printed_more())
                })
            });
            if let Some((_, other)) = elsewhere {
                doubted.push((t, i, other.clone()));
            }
        }
    }
    for (t, i, other) in doubted {
        let table = &mut doc.tables[t];
        let row = &mut table.rows[i];
        if doubt(row) {
            let printed = match &row.code {
                Some(c) => format!("code {} is in no other table", c.as_str()),
                None => "printed without a code".to_string(),
            };
            table.issues.push(format!(
                "line {}: {printed}, while other tables print '{}' as {other}: the row may have lost its code or a level of it, its amounts are uncertain",
                row.at, row.item
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::amount::Amount;
    use crate::model::{Code, Provenance};
    use crate::testing::{expenditure_document, value};

    fn row(code: &str, item: &str, line: u32) -> Row {
        Row {
            section: None,
            code: Code::new(code),
            item: item.into(),
            project: String::new(),
            values: vec![value("total", Amount::from_cents(100), CellStatus::Ok)],
            at: Provenance::Line(line),
        }
    }

    fn statuses(doc: &Document, t: usize) -> Vec<CellStatus> {
        doc.tables[t]
            .rows
            .iter()
            .map(|r| r.values[0].status)
            .collect()
    }

    #[test]
    fn last_years_table_beside_this_years_is_doubted() {
        // A workbook's sheet `2019年部门支出总体情况表` before the 2020
        // table: both were `ok` (39 cells of 2019 read as the year's).
        let mut doc = expenditure_document(vec![row("208", "社会保障和就业支出", 2)]);
        doc.year = Some(2020);
        let mut last_year = doc.tables[0].clone();
        last_year.title = "2019年部门支出总体情况表".into();
        doc.tables.insert(0, last_year);
        tables_of_another_year(&mut doc);
        assert_eq!(statuses(&doc, 0), [CellStatus::Uncertain]);
        assert_eq!(statuses(&doc, 1), [CellStatus::Ok]);
        assert!(doc.tables[0].issues[0].starts_with("its title names 2019, the document is 2020's"));
        // Alone, a title's year is no doubt (a template's slip).
        doc.tables.remove(1);
        doc.tables[0].issues.clear();
        doc.tables[0].rows[0].values[0].status = CellStatus::Ok;
        tables_of_another_year(&mut doc);
        assert_eq!(statuses(&doc, 0), [CellStatus::Ok]);
        assert_eq!(
            normalize::years_in("2020年度部门预算12年").next(),
            Some(2020)
        );
        assert_eq!(normalize::years_in("12345年").next(), None);
    }

    #[test]
    fn a_code_printed_again_doubts_the_later_row() {
        // `302 39 其他交通费用` with its `39` lost reads as 302 again.
        let mut doc = expenditure_document(vec![
            row("302", "商品和服务支出", 1),
            row("30201", "办公费", 2),
            row("302", "其他交通费用", 3),
        ]);
        codes_printed_again(&mut doc);
        use CellStatus::*;
        assert_eq!(statuses(&doc, 0), [Ok, Ok, Uncertain]);
        assert!(
            doc.tables[0].issues[0].starts_with("line 3: code 302 printed on an earlier row too")
        );
    }

    #[test]
    fn a_code_no_other_table_prints_for_a_name_they_code_otherwise_is_doubted() {
        let other = |rows| expenditure_document(rows).tables.remove(0);
        let mut doc = expenditure_document(vec![
            row("208", "社会保障和就业支出", 1),
            // Its `05` lost: 2080506 read as 20806.
            row("20806", "机关事业单位职业年金缴费支出", 2),
            // Economic and functional codes name items alike.
            row("30113", "住房公积金", 3),
            // A code the other table prints too is the document's.
            row("2210201", "住房公积金", 4),
            // Every level lost: the name alone, in a coded table.
            row("", "行政单位医疗", 5),
            row("", "合计", 6),
        ]);
        let others = || {
            other(vec![
                row("208", "社会保障和就业支出", 1),
                row("2080506", "机关事业单位职业年金缴费支出", 2),
                row("2210201", "住房公积金", 3),
                row("2101101", "行政单位医疗", 4),
            ])
        };
        // One other table printing 2080506: which code lost a level is a
        // toss-up, and neither is doubted.
        let mut two = doc.clone();
        two.tables.push(others());
        codes_no_other_table_has(&mut two);
        use CellStatus::*;
        assert_eq!(statuses(&two, 0), [Ok, Ok, Ok, Ok, Uncertain, Ok]);
        assert_eq!(statuses(&two, 1), [Ok; 4]);
        doc.tables.push(others());
        doc.tables.push(others());
        codes_no_other_table_has(&mut doc);
        assert_eq!(statuses(&doc, 0), [Ok, Uncertain, Ok, Ok, Uncertain, Ok]);
        assert_eq!(statuses(&doc, 1), [Ok; 4]);
        assert_eq!(statuses(&doc, 2), [Ok; 4]);
        assert_eq!(doc.tables[0].issues.len(), 2, "{:?}", doc.tables[0].issues);
        assert!(doc.tables[0].issues[0].contains("code 20806 is in no other table"));
        assert!(doc.tables[0].issues[1].contains("printed without a code"));
    }
    #[test]
    fn a_row_wholly_in_doubt_confirms_no_other_tables_row() {
        let table = |rows| expenditure_document(rows).tables.remove(0);
        let in_doubt = |mut row: Row| {
            row.values[0].status = CellStatus::Uncertain;
            row
        };
        // 2080501's `01` lost; a stream reading that shifted its names
        // prints 20805 with the same name in two tables, every amount in
        // doubt; two tables print the name as 2080501 (and 20805 under its own name,
        // or not at all).
        let document = |kuan_printed: bool| {
            let mut doc = expenditure_document(vec![
                row("208", "社会保障和就业支出", 1),
                row("20805", "行政单位离退休", 2),
            ]);
            for _ in 0..2 {
                doc.tables.push(table(vec![
                    row("208", "社会保障和就业支出", 1),
                    in_doubt(row("20805", "行政单位离退休", 2)),
                ]));
            }
            for _ in 0..2 {
                let mut rows = vec![row("208", "社会保障和就业支出", 1)];
                if kuan_printed {
                    rows.push(row("20805", "行政事业单位养老支出", 2));
                }
                rows.push(row("2080501", "行政单位离退休", 3));
                doc.tables.push(table(rows));
            }
            doc
        };
        use CellStatus::*;
        let mut doc = document(false);
        codes_no_other_table_has(&mut doc);
        assert_eq!(statuses(&doc, 0), [Ok, Uncertain]);
        // The tables' names for 20805: two in doubt agreeing, two sure
        // disagreeing.
        let mut doc = document(true);
        names_tables_disagree_on(Grammar::global(), &mut doc);
        assert_eq!(statuses(&doc, 0), [Ok, Uncertain]);
    }
}
