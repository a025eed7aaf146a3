//! A table's title printed at the foot of its first page.
//!
//! Some extractors give a page's text in the order it was drawn, and a
//! producer that draws the title last leaves it under the page's rows:
//! `编制部门：…`, the header, the rows, then `2025年部门收入预算总表`. Read in
//! that order, the rows would continue the table before and the title would
//! open a table whose first page is lost. Such a title is moved to the top
//! of its page, where the page shows it belongs:
//! - the page opens with an agency line (`编制部门：`, printed under a
//!   title), not with rows or a repeated header;
//! - amounts stand between that line and the title, none after it on the
//!   page, and no other title or table number before it;
//! - the table before has shown amounts since its title: a title left alone
//!   at the foot of the page before (its rows on this page) has no claim to
//!   be moved, and neither has this one then.

use crate::amount::Amount;
use crate::grammar::{Grammar, TitleMeaning};
use crate::layout::Item;
use crate::normalize;

use super::{meta, title};

/// Rejoins a title wrapped around the line beside it: a title cell too
/// narrow for its words wraps, and the number or unit printed beside it
/// comes out between its pieces (`部门综合预算财政拨` / `表4 单位：万元` /
/// `款收支总表`), or before them (`表4` / `部门综合预算财政拨` /
/// `款收支总表`). The pieces become the title, after that line.
pub fn rejoin_titles_split_by_labels(g: &Grammar, items: &mut Vec<Item>) {
    // Pieces and labels are short: prose is skipped before any work.
    let text = |i: &Item| match i {
        Item::Text { text, .. } if text.len() <= 120 => Some(normalize::label(text).into_owned()),
        _ => None,
    };
    let piece = |t: &str, n: usize| {
        let chars = t.chars().count();
        (2..=n).contains(&chars)
            && !t.bytes().any(|b| b.is_ascii_digit())
            && !t.contains(['。', ',', ';', ':', '、'])
    };
    let kind = |t: &str| match g.match_title(t) {
        Some(TitleMeaning::Kind(k)) => Some(k.key),
        _ => None,
    };
    let labels_only = |t: &str| {
        t.chars().count() <= 16
            && (meta::unit_in(t).is_some()
                || title::parse_title_line(t)
                    .is_some_and(|t| t.number.is_some() && t.text.is_empty()))
    };
    // The tail may read as a title of its own (`款收支总表` as 收支总表):
    // joined, it must name another table, and the head none.
    let title_of = |head: &str, tail: &str| {
        let joined = format!("{head}{tail}");
        let joined_kind = kind(&joined);
        (piece(head, 30)
            && piece(tail, 12)
            && tail.ends_with('表')
            && g.match_title(head).is_none()
            && joined_kind.is_some()
            && kind(tail) != joined_kind)
            .then_some(joined)
    };
    let ends_in_biao =
        |i: &Item| matches!(i, Item::Text { text, .. } if text.trim_end().ends_with('表'));
    let mut i = 0;
    while i + 2 < items.len() {
        // Every title ends in 表: most lines are passed over here.
        if !ends_in_biao(&items[i + 2]) {
            i += 1;
            continue;
        }
        let (Some(head), Some(between), Some(tail)) =
            (text(&items[i]), text(&items[i + 1]), text(&items[i + 2]))
        else {
            i += 1;
            continue;
        };
        if let Some(joined) = title_of(&head, &tail).filter(|_| labels_only(&between)) {
            let at = items[i].at();
            items[i] = Item::Text { text: joined, at };
            items.remove(i + 2);
            items.swap(i, i + 1);
            i += 2;
        } else if let Some(joined) = title_of(&between, &tail).filter(|_| labels_only(&head)) {
            // `表4` / `部门综合预算财政拨` / `款收支总表`: wrapped under its number.
            let at = items[i + 1].at();
            items[i + 1] = Item::Text { text: joined, at };
            items.remove(i + 2);
            i += 2;
        } else {
            i += 1;
        }
    }
}

/// Moves each title printed at the foot of its table's first page to the
/// top of that page (see the module documentation).
pub fn raise_foot_titles(g: &Grammar, items: &mut [Item]) {
    // A title seen, no amount since.
    let mut title_waiting = false;
    let mut start = 0;
    while start < items.len() {
        let end = (start + 1..items.len())
            .find(|&i| starts_page(&items[i]))
            .unwrap_or(items.len());
        let page = &mut items[start..end];
        if !title_waiting {
            if let Some((top, t)) = foot_title(g, page) {
                // The header's pieces drawn after the title go with it; a
                // note under the table stays under it.
                let tail = page[t..]
                    .iter()
                    .position(
                        |i| matches!(i, Item::Text { text, .. } if normalize::is_table_note(text)),
                    )
                    .map_or(page.len(), |n| t + n);
                page[top..tail].rotate_right(tail - t);
            }
        }
        // The page's last amount or title says whether a title waits.
        if let Some(last) = page
            .iter()
            .rev()
            .find(|i| holds_amount(i) || names_a_table(g, i))
        {
            title_waiting = !holds_amount(last);
        }
        start = end;
    }
}

/// Where the title to move goes within `page` (the agency line's place),
/// and where it stands, if the page shows one.
fn foot_title(g: &Grammar, page: &[Item]) -> Option<(usize, usize)> {
    let first = page.iter().position(|i| !is_blank_or_marker(i))?;
    let opens_with_agency = matches!(&page[first], Item::Text { text, .. } if meta::agency_in(text).is_some() || meta::starts_with_agency_label(text));
    if !opens_with_agency {
        return None;
    }
    let t = page
        .iter()
        .position(|i| names_a_table(g, i) || numbers_a_table(i))?;
    let title = names_a_table(g, &page[t]);
    let rows_above = page[..t].iter().any(holds_amount);
    let none_below = !page[t + 1..].iter().any(holds_amount);
    (title && rows_above && none_below).then_some((first, t))
}

/// Whether `item` opens a page: a page marker (`-- PAGE_BREAK --`, `- 6 -`)
/// or a line after a form feed.
fn starts_page(item: &Item) -> bool {
    matches!(item, Item::Text { text, .. } if normalize::is_page_marker(text) || text.starts_with('\u{c}'))
}

fn is_blank_or_marker(item: &Item) -> bool {
    matches!(item, Item::Text { text, .. } if normalize::is_blank(text) || normalize::is_page_marker(text))
}

/// A line naming a table kind of the grammar (`2025年部门收入预算总表`).
fn names_a_table(g: &Grammar, item: &Item) -> bool {
    let Item::Text { text, .. } = item else {
        return false;
    };
    if !text.trim_end().ends_with(['表', ')', '）']) {
        return false;
    }
    let norm = normalize::label(text);
    title::parse_title_line(&norm).is_some_and(|t| {
        !t.text.is_empty() && matches!(g.match_title(t.text), Some(TitleMeaning::Kind(_)))
    })
}

/// A bare table number (`表2`): a title follows it, this page is read as
/// printed.
fn numbers_a_table(item: &Item) -> bool {
    let Item::Text { text, .. } = item else {
        return false;
    };
    let norm = normalize::label(text);
    title::parse_title_line(&norm).is_some_and(|t| t.text.is_empty() && t.number.is_some())
        || title::template_table_label(&norm).is_some()
}

/// A line or row printing an amount (`201 一般公共服务支出 3,296,600`).
fn holds_amount(item: &Item) -> bool {
    match item {
        // Most lines of a disclosure are prose without a digit.
        Item::Text { text, .. } if !text.bytes().any(|b| b.is_ascii_digit()) => false,
        Item::Text { text, .. } => text
            .split(normalize::is_space)
            .any(|t| t.contains(|c: char| c.is_ascii_digit()) && Amount::parse(t).is_some()),
        Item::Row { cells, .. } => cells.iter().any(|c| Amount::parse(&c.text).is_some()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Provenance;

    fn items(text: &str) -> Vec<Item> {
        text.lines()
            .enumerate()
            .map(|(i, l)| Item::Text {
                text: l.to_string(),
                at: Provenance::Line(i as u32 + 1),
            })
            .collect()
    }

    fn lines(items: &[Item]) -> Vec<&str> {
        items
            .iter()
            .map(|i| match i {
                Item::Text { text, .. } => text.as_str(),
                Item::Row { .. } => "<row>",
            })
            .collect()
    }

    #[test]
    fn a_title_wrapped_around_its_number_is_rejoined() {
        let g = Grammar::global();
        // Around the number and unit (pdfplumber), under the number (PyMuPDF).
        for (dump, rejoined) in [
            (
                "02 01 住房公积金 36.11\n部门综合预算财政拨\n表4 单位：万元\n款收支总表\n编制部门：某办公室",
                vec!["02 01 住房公积金 36.11", "表4 单位：万元", "部门综合预算财政拨款收支总表", "编制部门：某办公室"],
            ),
            (
                "表4\n部门综合预算财政拨\n款收支总表\n单位：万元",
                vec!["表4", "部门综合预算财政拨款收支总表", "单位：万元"],
            ),
        ] {
            let mut items = items(dump);
            rejoin_titles_split_by_labels(g, &mut items);
            assert_eq!(lines(&items), rejoined);
        }
        // A tail that names the same table alone, or no table joined, stays.
        for dump in [
            "住房公积金\n表4\n收支总表",
            "行政运行\n单位：万元\n其他表",
            "部门综合预算财政拨\n说明：本表\n款收支总表",
        ] {
            let mut items = items(dump);
            rejoin_titles_split_by_labels(g, &mut items);
            assert_eq!(lines(&items), dump.lines().collect::<Vec<_>>(), "{dump}");
        }
    }

    const INCOME_PAGE: &str = "编制部门：某街道办事处\n项目 收入预算\n\
        功能分类科目编码 功能分类科目名称 合计 财政拨款收入 事业收入\n类 款 项\n\
        201 一般公共服务支出 3,296,600 3,296,600\n\
        2025年部门收入预算总表\n事业单位\n经营收入\n注：本表无政府性基金收入。\n-- PAGE_BREAK --\n\
        项目 收入预算\n201 05 统计信息事务 438,300 438,300\n";

    #[test]
    fn a_title_under_its_first_pages_rows_goes_to_the_top_of_the_page() {
        let text = format!("-- PAGE_BREAK --\n{INCOME_PAGE}");
        let mut got = items(&text);
        raise_foot_titles(Grammar::global(), &mut got);
        let got = lines(&got);
        assert_eq!(got[..2], ["-- PAGE_BREAK --", "2025年部门收入预算总表"]);
        assert_eq!(
            got[2..5],
            ["事业单位", "经营收入", "编制部门：某街道办事处"]
        );
        assert_eq!(
            got[8..10],
            [
                "201 一般公共服务支出 3,296,600 3,296,600",
                "注：本表无政府性基金收入。"
            ]
        );
    }

    #[test]
    fn a_title_where_it_belongs_stays() {
        for text in [
            // Rows follow the title on its page: it heads them.
            "-- PAGE_BREAK --\n编制部门：某街道\n201 一般公共服务支出 3,296,600\n\
             2025年部门支出预算总表\n201 一般公共服务支出 3,296,600\n",
            // The page opens with rows, not an agency line: a title at its
            // foot heads the next page's rows.
            "-- PAGE_BREAK --\n201 一般公共服务支出 3,296,600\n2025年部门支出预算总表\n",
            // The title before (foot of the page before) is still waiting
            // for its rows: these are its rows.
            "2025年部门收入预算总表\n-- PAGE_BREAK --\n编制部门：某街道\n\
             201 一般公共服务支出 3,296,600\n2025年部门支出预算总表\n",
            // A table number before the rows numbers the table they start.
            "-- PAGE_BREAK --\n编制部门：某街道\n表2\n201 一般公共服务支出 3,296,600\n\
             2025年部门支出预算总表\n",
        ] {
            let mut got = items(text);
            raise_foot_titles(Grammar::global(), &mut got);
            assert_eq!(lines(&got), lines(&items(text)), "{text}");
        }
    }
}
