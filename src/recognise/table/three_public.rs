//! The “三公” table (travel abroad, official receptions, official vehicles):
//! one row per category, or transposed, its categories as columns. Where
//! the header does not say which column is whose, the table's sums do
//! (see [`crate::solve::categories`]).

use std::borrow::Cow;

use crate::amount::Amount;
use crate::grammar::identities::ItemSum;
use crate::grammar::{
    Grammar, HeaderMeaning, Measure, TableKind, THREE_PUBLIC_VEHICLES, THREE_PUBLIC_VEHICLE_PARTS,
};
use crate::model::{Cell, CellStatus, Row, Table, Value};
use crate::normalize;
use crate::solve::categories::{self, HeaderHints};

use super::super::columns;
use super::super::named_twice;
use super::{split_merged_amounts, text, typical_width, usual_length, values, Alignment, Reading};

/// Whether `label` is two “三公” categories' labels run together
/// (`因公出国(境)费公务接待费`).
fn runs_categories_together(g: &Grammar, label: &str) -> bool {
    label.char_indices().skip(1).any(|(at, _)| {
        g.three_public_category(&label[..at]).is_some()
            && g.three_public_category(&label[at..]).is_some()
    })
}

/// The “三公” table: one row per category, or transposed (categories as columns).
///
/// `layout_lost`: the header's cells are a flow dump's words, in print
/// order but not on the amounts' columns. The header then only hints at the
/// categories; the table's sums place them (`repaired`), or they stay
/// `uncertain`.
pub(in crate::recognise) fn three_public(
    g: &Grammar,
    kind: &TableKind,
    header: &[&[Cell]],
    headings: &[String],
    body: &[Vec<Cell>],
    layout_lost: bool,
    table: &mut Table,
) {
    let row_wise = body
        .iter()
        .filter(|r| g.three_public_category(text(r, 0)).is_some())
        .count()
        >= 2;
    if row_wise {
        let width = typical_width(body).saturating_sub(1);
        let cols = columns::resolve(g, header, 1, width, &kind.layouts);
        if let Some(p) = &cols.problem {
            table.issues.push(p.clone());
        }
        table.columns = cols.measures.iter().flatten().copied().collect();
        let usual = usual_length(body, width + 1);
        let (body, split): (Vec<Cow<[Cell]>>, Vec<CellStatus>) = body
            .iter()
            .map(|r| match split_merged_amounts(r, usual) {
                Some((split_row, status)) => (Cow::Owned(split_row), status),
                None => (Cow::Borrowed(r.as_slice()), CellStatus::Ok),
            })
            .unzip();
        let align = Alignment::new(&body, width + 1, cols.problem.is_none(), true);
        align.report(0, table);
        // A category printed without amounts, its label's wrapped end
        // (`（小计）`) starting the next row, which holds them.
        let mut wrapped: Option<&str> = None;
        for (cells, split) in body.iter().zip(split) {
            let raw = text(cells, 0);
            let category = g
                .three_public_category(raw)
                .or_else(|| wrapped.filter(|_| normalize::label(raw) == "(小计)"));
            let item = category.map_or_else(|| normalize::label(raw).into_owned(), str::to_string);
            let mut floor = align.floor(cells).max(split);
            // Two categories' labels on one row (an aligned dump joining a
            // category printed without amounts to the row under or over
            // it): the amounts are either's.
            if category.is_none() && runs_categories_together(g, &item) {
                let at = cells.first().map_or(table.at, |c| c.at);
                table.issues.push(format!(
                    "line {at}: '{item}' runs two categories together: its amounts are either's, uncertain"
                ));
                floor = CellStatus::Uncertain;
            }
            let values = values(g, None, cells, 1, &cols, floor, table);
            wrapped = category.filter(|_| values.is_empty());
            if values.is_empty() {
                continue;
            }
            let at = cells.first().map_or(table.at, |c| c.at);
            table.rows.push(Row::category(item, values, at));
        }
        return;
    }
    // Transposed: the header names the categories, a data row holds the amounts.
    let width = typical_width(body);
    let on_columns = (!layout_lost)
        .then(|| column_categories(g, header, width))
        .flatten();
    let (columns, status) = match on_columns {
        Some(c) => (c, CellStatus::Ok),
        None => {
            let (cats, status) = transposed_categories(g, header, width);
            let status = if layout_lost {
                CellStatus::Uncertain
            } else {
                status
            };
            (cats.into_iter().map(|c| (c, "total")).collect(), status)
        }
    };
    let mut measures: Vec<Measure> = Vec::new();
    for (_, m) in &columns {
        if !measures.contains(m) {
            measures.push(m);
        }
    }
    table.columns = measures;
    let hints = header_hints(g, header, headings);
    let sums: Vec<&ItemSum> = g.identities.item_sums_of(kind.key).collect();
    // Only a header of categories alone (every measure `total`) leaves the
    // columns to the sums: one naming 预算数/决算数 or a year per column
    // would lose them.
    let categories_only = columns.iter().all(|(_, m)| *m == "total");
    // Measures printed per category (`预算数 | 决算数` under each), not one
    // heading over them all (`2023年“三公”经费预算数`).
    let measures_per_category = header
        .iter()
        .flat_map(|r| r.iter())
        .filter(|c| matches!(g.header(&c.text), HeaderMeaning::Measure(m) if m != "total"))
        .count()
        >= 2;
    let mut unsolved = false;
    let mut read_per_measure = false;
    for cells in body {
        let split = split_merged_amounts(cells, Some(columns.len()));
        let mut floor = match &split {
            Some((_, split_status)) => status.max(*split_status),
            None if cells.len() == columns.len() => status,
            None => CellStatus::Uncertain,
        };
        // Columns the layout guessed: sums that hold for one order of the
        // categories may hold for another with a blank elsewhere.
        let guessed = cells.iter().any(|c| c.column_guessed);
        if guessed {
            floor = CellStatus::Uncertain;
        }
        let cells = split.as_ref().map_or(&cells[..], |(c, _)| c.as_slice());
        let by_sums;
        // Amounts whose category another reading of the sums changes.
        let mut open = vec![false; cells.len()];
        // A row whose columns the layout guessed (one row: no other row
        // shows where its blank cells are) is read as a flow row is, its
        // blanks vanished.
        let by_sums_order = if floor == CellStatus::Ok || !categories_only {
            None
        } else if layout_lost || guessed {
            // A flow dump prints nothing for a blank cell: a row as wide as
            // an order may still have lost one of a longer order's. (Under
            // measures per category the blanks leave both the category and
            // the measure open.)
            (!measures_per_category)
                .then(|| categories_with_blanks(g, &sums, &hints, cells))
                .flatten()
                .map(|(order, agreed)| {
                    open = agreed.iter().map(|a| !a).collect();
                    order
                })
        } else {
            categories_by_sums(g, &sums, &hints, cells)
        };
        // Measures printed per category over a row the header's categories
        // do not cover (their headings wrapped over lines set apart):
        // each measure's amounts are read by the sums on their own.
        let paired = if by_sums_order.is_none() && measures_per_category && floor != CellStatus::Ok
        {
            categories_per_measure(g, header, &sums, &hints, cells)
        } else {
            None
        };
        let columns = match (by_sums_order, paired) {
            (None, Some(paired)) => {
                floor = CellStatus::Repaired;
                by_sums = paired;
                read_per_measure = true;
                for (_, m) in &by_sums {
                    if !table.columns.contains(m) {
                        table.columns.push(m);
                    }
                }
                &by_sums
            }
            (Some(order), _) => {
                // Columns inferred from arithmetic: `repaired`.
                floor = CellStatus::Repaired;
                by_sums = order.into_iter().map(|c| (c, "total")).collect::<Vec<_>>();
                if !table.columns.contains(&"total") {
                    table.columns.push("total");
                }
                &by_sums
            }
            (None, None) => {
                unsolved |= floor != CellStatus::Ok;
                &columns
            }
        };
        // One row per category, its measures in column order.
        let mut rows: Vec<Row> = Vec::new();
        for ((cell, (category, measure)), open) in cells.iter().zip(columns).zip(&open) {
            if normalize::is_blank(&cell.text) {
                continue;
            }
            let Some(reading) = Reading::of(cell) else {
                table.issues.push(format!(
                    "line {}: '{}' is not a number",
                    cell.at,
                    cell.text.trim()
                ));
                continue;
            };
            // No row sum runs across a category's cells to settle a join.
            let status = match reading {
                Reading::Printed(_) if cell.moved => CellStatus::Repaired,
                Reading::Printed(_) => CellStatus::Ok,
                Reading::Rebuilt(_) => CellStatus::Repaired,
                Reading::Either { .. } => CellStatus::Uncertain,
            };
            let status = if *open {
                CellStatus::Uncertain
            } else {
                floor.max(status)
            };
            let value = Value {
                measure,
                amount: reading.amount(),
                status,
                at: cell.at,
                alternatives: vec![],
                restored_from: None,
            };
            match rows.iter_mut().find(|r| r.item == *category) {
                Some(row) => row.values.push(value),
                None => rows.push(Row::category(category.to_string(), vec![value], cell.at)),
            }
        }
        table.rows.extend(rows);
        for cell in cells.iter().skip(columns.len()) {
            if let Some(a) = Reading::of(cell).map(Reading::amount) {
                table.issues.push(format!(
                    "line {}: amount {a} outside the table's columns",
                    cell.at
                ));
            }
        }
    }
    // Two rows of amounts giving one category two amounts of one measure
    // (last year's row over this year's, or one row broken over lines,
    // each piece read from the first category): which amount is the
    // table's, the rows do not show.
    // (The same amounts again, a row printed twice at a page break, say
    // nothing else.)
    let mut keys = std::collections::HashMap::new();
    let twice = table.rows.iter().any(|r| {
        r.values.iter().any(|v| {
            let first = keys
                .entry((r.item.as_str(), v.measure))
                .or_insert(v.amount.cents);
            *first != v.amount.cents
        })
    });
    if twice {
        table.issues.push(
            "“三公” table: rows of amounts give a category two amounts of one measure: which \
             is the table's is not shown, every amount uncertain"
                .to_string(),
        );
        for v in table.rows.iter_mut().flat_map(|r| r.values.iter_mut()) {
            v.status = CellStatus::Uncertain;
        }
    }
    // The header's reading (one `total` per category named) may be no
    // row's once rows were read measure by measure.
    if read_per_measure {
        let rows = &table.rows;
        table.columns.retain(|m| {
            rows.iter()
                .any(|r| r.values.iter().any(|v| v.measure == *m))
        });
    }
    if status != CellStatus::Ok && unsolved {
        table.issues.push(if layout_lost {
            "flow layout: the “三公” sums do not fix which amount is which category: \
             categories uncertain"
                .to_string()
        } else if named_twice(&columns).is_some() {
            "“三公” header names a category twice (two blocks of categories whose \
             years or measures are not printed over them): categories uncertain"
                .to_string()
        } else {
            format!(
                "“三公” header names {} categories for {width} amount columns: categories uncertain",
                columns.len()
            )
        });
    }
}

/// The categories each header line names (a heading printed on a line of
/// its own among them), for the orders the table's sums choose among
/// ([`categories::order_by_sums`]).
fn header_hints(g: &Grammar, header: &[&[Cell]], headings: &[String]) -> HeaderHints {
    let rows = header
        .iter()
        .map(|r| r.iter().map(|c| c.text.as_str()).collect::<Vec<_>>())
        .chain(headings.iter().map(|h| vec![h.as_str()]));
    let mut unnamed = Vec::new();
    let mut lines = Vec::new();
    for texts in rows {
        let mut line: Vec<&'static str> = Vec::new();
        for t in texts {
            let named = g
                .three_public_heading(t)
                .or_else(|| g.three_public_heading_cut(t));
            match named {
                Some(c) if !line.contains(&c) => line.push(c),
                Some(_) => {}
                None => unnamed.push(normalize::label(t).into_owned()),
            }
        }
        if !line.is_empty() {
            lines.push(line);
        }
    }
    HeaderHints { lines, unnamed }
}

/// A flow row's categories by the table's sums, its blank cells vanished
/// ([`categories::categories_with_blanks`]), when every cell is an amount.
fn categories_with_blanks(
    g: &Grammar,
    sums: &[&ItemSum],
    hints: &HeaderHints,
    cells: &[Cell],
) -> Option<(Vec<&'static str>, Vec<bool>)> {
    let amounts: Vec<Amount> = cells
        .iter()
        .map(|c| Reading::of(c).map(Reading::amount))
        .collect::<Option<_>>()?;
    categories::categories_with_blanks(&g.three_public_orders, sums, hints, &amounts)
}

/// The (category, measure) of each cell of a row under a header whose
/// lowest line prints the same measures for every category (`预算数 决算数`
/// six times over in a final account): the cells of each measure are
/// ordered by the sums on their own ([`categories_by_sums`]), and every
/// measure must take the same order.
fn categories_per_measure(
    g: &Grammar,
    header: &[&[Cell]],
    sums: &[&ItemSum],
    hints: &HeaderHints,
    cells: &[Cell],
) -> Option<Vec<(&'static str, Measure)>> {
    let measures: Vec<Measure> = header.iter().rev().find_map(|r| {
        let printed: Vec<&Cell> = r.iter().filter(|c| !normalize::is_blank(&c.text)).collect();
        let measures: Vec<Measure> = printed
            .iter()
            .filter_map(|c| g.document_measure(&c.text))
            .collect();
        (measures.len() == cells.len() && measures.len() == printed.len()).then_some(measures)
    })?;
    // The measures' cycle: `预算数 决算数`, repeated.
    let period = (1..measures.len()).find(|&p| {
        measures.len().is_multiple_of(p)
            && measures.iter().skip(p).zip(&measures).all(|(a, b)| a == b)
    })?;
    if period < 2 || period == measures.len() {
        return None;
    }
    let orders: Vec<Vec<&'static str>> = (0..period)
        .map(|phase| {
            let own: Vec<Cell> = cells.iter().skip(phase).step_by(period).cloned().collect();
            categories_by_sums(g, sums, hints, &own)
        })
        .collect::<Option<_>>()?;
    if orders.windows(2).any(|w| w[0] != w[1]) {
        return None;
    }
    let order = &orders[0];
    Some(
        (0..cells.len())
            .map(|i| (order[i / period], measures[i % period]))
            .collect(),
    )
}

/// A row's categories by the table's sums, when every cell is an amount.
fn categories_by_sums(
    g: &Grammar,
    sums: &[&ItemSum],
    hints: &HeaderHints,
    cells: &[Cell],
) -> Option<Vec<&'static str>> {
    let amounts: Vec<Amount> = cells
        .iter()
        .map(|c| Reading::of(c).map(Reading::amount))
        .collect::<Option<_>>()?;
    categories::order_by_sums(&g.three_public_orders, sums, hints, &amounts)
}

/// The category (and measure) of each amount column of a transposed “三公”
/// table whose header rows are laid out on its columns (a ruled PDF, a
/// spreadsheet export): the headings over a column, lowest first, name it —
/// a `小计` read within the group heading that spans it (`公务用车购置及运行费`
/// over `小计 | 购置费 | 运行费`); a lowest heading `预算数` / `决算数` (final
/// accounts print both for every category) is the column's measure. `None`
/// unless every column is named, each (category, measure) once.
fn column_categories(
    g: &Grammar,
    header: &[&[Cell]],
    width: usize,
) -> Option<Vec<(&'static str, Measure)>> {
    const VEHICLES: &str = THREE_PUBLIC_VEHICLES;
    // Every header row on the body's columns (blank padding aside), or the
    // layout is lost and a column's heading cannot be told. A row of block
    // headings alone (`预算数 | … | 决算数`) may have had its trailing blank
    // cells trimmed; a row of categories so short has lost cells anywhere.
    let block_headings = |r: &[Cell]| {
        r.iter().all(|c| {
            normalize::is_blank(&c.text) || matches!(g.header(&c.text), HeaderMeaning::Measure(_))
        })
    };
    let fits = |r: &&[Cell]| {
        r.len() == width
            || (r.len() > width && r[width..].iter().all(|c| normalize::is_blank(&c.text)))
            || (r.len() < width && block_headings(r))
    };
    if width < 2 || header.is_empty() || !header.iter().all(fits) {
        return None;
    }
    let rows: Vec<&[Cell]> = header
        .iter()
        .filter(|r| !columns::is_column_number_row(r))
        .map(|r| &r[..width.min(r.len())])
        .collect();
    let blank = |r: &[Cell], j: usize| r.get(j).is_none_or(|c| normalize::is_blank(&c.text));
    // `2024年机关运行经费预算数` → 机关运行经费.
    let category = |text: &str| g.three_public_heading(text);
    let mut out: Vec<(&'static str, Measure)> = Vec::with_capacity(width);
    // Whether each column has a year heading (上年预算数, 本年预算数) over it.
    let mut years: Vec<bool> = Vec::with_capacity(width);
    // Whether each column stands under `预算数`, and under `决算数`.
    let mut under_budget: Vec<bool> = Vec::with_capacity(width);
    let mut under_final: Vec<bool> = Vec::with_capacity(width);
    for j in 0..width {
        let leaf_row = (0..rows.len()).rev().find(|&r| !blank(rows[r], j))?;
        let (measure, first) = match g.document_measure(&rows[leaf_row][j].text) {
            Some(m) => (m, leaf_row),
            None => ("total", leaf_row + 1),
        };
        // The headings over column j, lowest first: in each row above, the
        // nearest printed cell at or left of j, unless a heading higher up
        // starts between them (then the blanks are that heading's).
        let headings: Vec<&str> = (0..first)
            .rev()
            .filter_map(|r| {
                let start = (0..=j).rev().find(|&k| !blank(rows[r], k))?;
                let covered = (start + 1..=j).any(|c| (0..r).any(|above| !blank(rows[above], c)));
                (!covered).then(|| rows[r][start].text.as_str())
            })
            .collect();
        let lowest = headings.first()?;
        let above = headings[1..].iter().find_map(|h| category(h));
        // A block of categories under `上年预算数` beside this year's: the
        // comparison figures.
        let year_heading = |m: &'static str| {
            headings[1..]
                .iter()
                .any(|h| g.header(h) == HeaderMeaning::Measure(m))
        };
        // A block under `增减` (or `增减率`): the change from last year.
        let compared = g.identities.comparisons().find(|m| year_heading(m));
        let measure = match (measure, compared) {
            ("total", Some(m)) => m,
            (m, _) => m,
        };
        // In a table of two years, every column must sit under one of them
        // (or under the change): one whose year heading is not over it (a
        // heading shifted by the dump) could be either year's.
        years.push(compared.is_some() || year_heading("budget") || year_heading("final"));
        under_budget.push(measure == "total" && year_heading("budget") && !year_heading("final"));
        under_final.push(measure == "total" && year_heading("final") && !year_heading("budget"));
        let name = match (category(lowest), above) {
            (Some("合计"), Some(group)) if group != "合计" => group,
            (Some(c), _) => c,
            (None, Some(VEHICLES)) if lowest.contains("购置") => THREE_PUBLIC_VEHICLE_PARTS[0],
            (None, Some(VEHICLES)) if lowest.contains("运行") => THREE_PUBLIC_VEHICLE_PARTS[1],
            _ => return None,
        };
        out.push((name, measure));
    }
    // A final account's categories under `预算数` and again under `决算数`
    // (the national template): the blocks are `budget` and `final`, as
    // when each category prints both (SCHEMA.md).
    let budget_and_final = under_budget.iter().any(|&b| b) && under_final.iter().any(|&f| f);
    if budget_and_final {
        for (((_, m), &b), &f) in out.iter_mut().zip(&under_budget).zip(&under_final) {
            if b {
                *m = "budget";
            } else if f {
                *m = "final";
            }
        }
    }
    for (i, c) in out.iter().enumerate() {
        if out[..i].contains(c) {
            return None;
        }
    }
    let two_years = budget_and_final || out.iter().any(|(_, m)| g.identities.is_comparison(m));
    if two_years && !years.iter().all(|&under_year| under_year) {
        return None;
    }
    Some(out)
}

/// Category of each column of a transposed “三公” table. The top header row
/// gives the categories in order; when a lower row names the 购置/运行
/// sub-columns, 公务用车购置及运行费 carries them. A data row of another width
/// has lost or gained cells: its categories are a guess (`Uncertain`).
fn transposed_categories(
    g: &Grammar,
    header: &[&[Cell]],
    width: usize,
) -> (Vec<&'static str>, CellStatus) {
    const VEHICLES: &str = THREE_PUBLIC_VEHICLES;
    const PARTS: [&str; 2] = THREE_PUBLIC_VEHICLE_PARTS;
    let rows: Vec<Vec<&'static str>> = header
        .iter()
        .map(|r| {
            r.iter()
                .filter_map(|c| g.three_public_category(&c.text))
                .collect()
        })
        .collect();
    let Some(top_at) = rows.iter().position(|cats| cats.len() >= 2) else {
        // No usable header: the most common printed order, never `ok`.
        let standard = [
            "合计",
            "因公出国(境)费",
            VEHICLES,
            PARTS[0],
            PARTS[1],
            "公务接待费",
        ];
        return (standard.to_vec(), CellStatus::Uncertain);
    };
    let top = &rows[top_at];
    // The row naming the parts gives their order, and where the vehicles'
    // 小计 stands: before them (`小计 | 购置费 | 运行费`, or unnamed) or
    // after (`购置费 | 运行费 | 小计`).
    let below = rows[top_at + 1..]
        .iter()
        .find(|cats| PARTS.iter().all(|p| cats.contains(p)));
    let (parts, subtotal_last) = match below {
        Some(cats) => {
            let order: Vec<&'static str> =
                cats.iter().copied().filter(|c| PARTS.contains(c)).collect();
            let last_part = cats.iter().rposition(|c| PARTS.contains(c));
            let subtotal_last = last_part.is_some_and(|i| cats.get(i + 1) == Some(&"合计"));
            match order.as_slice() {
                [a, b] if a != b => (vec![*a, *b], subtotal_last),
                _ => (PARTS.to_vec(), false),
            }
        }
        None => (PARTS.to_vec(), false),
    };
    // Parts no header row names (the row is one of width + 2): which of
    // the two is 购置 and which 运行, no sum tells.
    let parts_guessed = below.is_none() && top.len() + 2 == width;
    let mut cats: Vec<&'static str> = Vec::new();
    for c in top {
        let expand =
            *c == VEHICLES && (below.is_some() || parts_guessed) && !top.contains(&PARTS[0]);
        if expand && subtotal_last {
            cats.extend(&parts);
        }
        cats.push(c);
        if expand && !subtotal_last {
            cats.extend(&parts);
        }
    }
    // A category named twice (two blocks of categories, for two years or
    // two measures, whose headings were not read) says which amounts are
    // whose only by position: never `ok`.
    let status = if cats.len() == width && named_twice(&cats).is_none() && !parts_guessed {
        CellStatus::Ok
    } else {
        CellStatus::Uncertain
    };
    (cats, status)
}
