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
use crate::model::Provenance;
use crate::normalize;

use super::{meta, title};

/// Lines a wrapped title spans at most, with its number and unit lines.
const WRAPPED_TITLE_LINES: usize = 6;

/// Rejoins a title wrapped around the lines beside it: a title cell too
/// narrow for its words wraps, and the number or unit printed beside it
/// comes out between its pieces (`部门综合预算财政拨` / `表4 单位：万元` /
/// `款收支总表`), before them (`表4` / `部门综合预算财政拨` / `款收支总表`),
/// or on the same line as one (`表5 部门综合预算一般 单位：万元` /
/// `公共预算支出明细` / `表（按功能科目）`). The number and unit lines
/// among the pieces come first, then the title, where the first piece was.
pub fn rejoin_titles_split_by_labels(g: &Grammar, items: &mut Vec<Item>) {
    // A wrapped title has a piece with 表 in it (its last, or the one before
    // a clause such as `（按功能科目）`): windows without one are passed over.
    let has_biao = |i: &Item| match i {
        Item::Text { text, .. } => text.contains('表'),
        Item::Row { cells, .. } => cells.iter().any(|c| c.text.contains('表')),
    };
    let mut next_biao = None;
    // The words of the document's titles printed on a line (`表2 部门综合
    // 预算收入总表 单位：万元`): a first piece that opens one of them, with
    // the title's number or unit line before the last piece, is a title's.
    let title_words: Vec<String> = items
        .iter()
        .filter_map(|i| match i {
            Item::Text { text, .. } if text.contains('表') => Some(text),
            _ => None,
        })
        .flat_map(|t| t.split_whitespace())
        .filter(|w| g.match_title(w).is_some())
        .map(|w| normalize::label(w).into_owned())
        .collect();
    // Each item read as a title fragment once, however many windows it
    // falls in (`None`: not read yet).
    let mut fragments: Vec<Option<Option<TitleFragment>>> = items.iter().map(|_| None).collect();
    let mut i = 0;
    while i < items.len() {
        if next_biao.is_none_or(|b| b < i) {
            next_biao = items[i..].iter().position(has_biao).map(|p| p + i);
        }
        let Some(b) = next_biao else {
            return;
        };
        if b - i >= WRAPPED_TITLE_LINES {
            i = b + 1 - WRAPPED_TITLE_LINES;
            continue;
        }
        read_fragments(items, &mut fragments, i);
        let Some(w) = wrapped_title(g, &items[i..], &fragments[i..], &title_words) else {
            i += 1;
            continue;
        };
        // A row label before the pieces is none of them: the title the
        // next line starts, ending where this one does, is the same. (Not
        // a first piece printed beside the title's number or unit.)
        read_fragments(items, &mut fragments, i + 1);
        let later = || wrapped_title(g, &items[i + 1..], &fragments[i + 1..], &title_words);
        if !w.head_labelled && later().is_some_and(|v| v.kind == w.kind && v.span + 1 == w.span) {
            i += 1;
            continue;
        }
        let at = items[i + w.first_piece].at();
        let labels = w
            .labels
            .into_iter()
            .map(|(text, at)| Item::Text { text, at });
        let title = Item::Text { text: w.title, at };
        let placed = labels.chain(std::iter::once(title)).collect::<Vec<_>>();
        let n = placed.len();
        items.splice(i..i + w.span, placed);
        fragments.splice(i..i + w.span, (0..n).map(|_| None));
        i += n;
        next_biao = None;
    }
}

/// Reads the items a window from `from` may reach as title fragments,
/// those not read yet.
fn read_fragments(items: &[Item], fragments: &mut [Option<Option<TitleFragment>>], from: usize) {
    let to = (from + WRAPPED_TITLE_LINES).min(items.len());
    for (item, fragment) in items[from.min(to)..to]
        .iter()
        .zip(&mut fragments[from.min(to)..to])
    {
        if fragment.is_none() {
            *fragment = Some(TitleFragment::of(item));
        }
    }
}

/// A title found wrapped over the first `span` items of a window.
struct WrappedTitle {
    title: String,
    kind: &'static str,
    /// The number and unit lines (or cells) among its pieces, in order.
    labels: Vec<(String, Provenance)>,
    first_piece: usize,
    /// The first piece is a title's for sure: printed beside the title's
    /// number or unit, or opening a title the document prints whole.
    head_labelled: bool,
    span: usize,
}

/// The wrapped title the window opens with: two or more pieces that name
/// a table only together, with nothing but number and unit labels between
/// them. The first must not name a table, nor the last read alone name the
/// same table (a row label before `收支总表` is no piece of it) unless the
/// first is printed beside the title's number or unit (`表3 部门综合预算
/// 单位：万元` / `支出总表`), or opens a title the document prints on a
/// line, its number or unit among the pieces (`title_words`: `部门综合预算`
/// / `表3 单位：万元` / `支出总表` where
/// `部门综合预算收入总表` is printed on a line).
/// `fragments` holds the window's items read as fragments (as far as the
/// window may reach).
fn wrapped_title(
    g: &Grammar,
    window: &[Item],
    fragments: &[Option<Option<TitleFragment>>],
    title_words: &[String],
) -> Option<WrappedTitle> {
    let kind = |t: &str| match g.match_title(t) {
        Some(TitleMeaning::Kind(k)) => Some(k.key),
        _ => None,
    };
    let mut pieces: Vec<String> = Vec::new();
    let mut labels = Vec::new();
    let mut first_piece = 0;
    // The first piece printed beside a number or unit: a title's line.
    let mut head_labelled = false;
    // The first piece opens one of `title_words`, and a number or unit
    // line follows it among the pieces.
    let mut opens_a_title = false;
    let mut labels_after_head = false;
    let mut one_character_head = false;
    let mut found = None;
    for (n, item) in window.iter().take(WRAPPED_TITLE_LINES).enumerate() {
        let Some(Some(Some(line))) = fragments.get(n) else {
            break;
        };
        if !line.labels.is_empty() {
            labels.push((line.labels.join(" "), item.at()));
            labels_after_head |= !pieces.is_empty();
        }
        let Some(piece) = line.piece.clone() else {
            continue;
        };
        // Every piece but the last names no table alone (`项目支出` /
        // `…明细表` / `（按功能科目）` is a header cell before a title), and
        // none is a part's heading.
        if pieces.last().is_some_and(|p| g.match_title(p).is_some())
            || title::parse_part(&piece).is_some()
        {
            break;
        }
        if pieces.is_empty() {
            // A piece of one character only when an ideograph (`财` /
            // `政拨款收支总表`: a title wrapped after its first character);
            // it must then make the title another table's, with one piece
            // after it (below).
            let chars = piece.chars().count();
            let ideograph = chars == 1 && piece.chars().all(normalize::is_ideograph);
            if (chars < 2 && !ideograph) || g.match_title(&piece).is_some() {
                return None;
            }
            one_character_head = chars < 2;
            first_piece = n;
            head_labelled = !line.labels.is_empty();
            let head = normalize::label(&piece);
            opens_a_title = head.chars().count() >= 4
                && title_words
                    .iter()
                    .any(|t| t.len() > head.len() && t.starts_with(head.as_ref()));
        }
        pieces.push(piece);
        let joined = pieces.concat();
        let last = pieces.last().map_or("", String::as_str);
        let head_titled = head_labelled || (opens_a_title && labels_after_head);
        // A one-character head wraps a title's first character only: one
        // piece of four characters or more after it (a title set one
        // character a line is no title this reads).
        let one_character_fits =
            !one_character_head || (pieces.len() == 2 && last.chars().count() >= 4);
        let named = kind(&joined).filter(|&k| {
            one_character_fits && ((head_titled && !one_character_head) || kind(last) != Some(k))
        });
        if let (true, Some(kind)) = (pieces.len() >= 2, named) {
            found = Some(WrappedTitle {
                title: joined,
                kind,
                labels: labels.clone(),
                first_piece,
                head_labelled: head_titled,
                span: n + 1,
            });
        }
    }
    found
}

/// A short line as a piece of a wrapped title: at most one piece of words,
/// and any number of table-number and unit labels beside it.
struct TitleFragment {
    piece: Option<String>,
    labels: Vec<String>,
}

impl TitleFragment {
    fn of(item: &Item) -> Option<TitleFragment> {
        let words: Vec<&str> = match item {
            Item::Text { text, .. } if text.len() <= 120 => text.split_whitespace().collect(),
            Item::Row { cells, .. } => cells
                .iter()
                .map(|c| c.text.as_str())
                .filter(|t| !t.trim().is_empty())
                .collect(),
            _ => return None,
        };
        if words.len() > 4 {
            return None;
        }
        let mut line = TitleFragment {
            piece: None,
            labels: Vec::new(),
        };
        let mut words = words.into_iter();
        while let Some(word) = words.next() {
            let mut norm = normalize::label(word).into_owned();
            let mut printed = word.to_string();
            // `单位：` `万元`: a unit spaced from its label.
            if norm.ends_with("单位:") || norm == "单位" {
                if let Some(next) = words.next() {
                    norm.push_str(&normalize::label(next));
                    printed = format!("{word} {next}");
                }
            }
            if is_label(&norm) {
                line.labels.push(printed);
            } else if line.piece.is_none() && is_piece(&norm) {
                line.piece = Some(norm);
            } else {
                return None;
            }
        }
        (line.piece.is_some() || !line.labels.is_empty()).then_some(line)
    }
}

/// A table number or unit printed beside a title (`表4`, `公开05表`,
/// `单位：万元`).
fn is_label(norm: &str) -> bool {
    norm.chars().count() <= 16
        && (meta::unit_in(norm).is_some() || title::is_bare_table_number(norm))
}

/// Words that may be a piece of a title: 30 characters at most, no digit,
/// no sentence. (A first piece needs two: see `wrapped_title`.)
fn is_piece(norm: &str) -> bool {
    (1..=30).contains(&norm.chars().count())
        && !norm.bytes().any(|b| b.is_ascii_digit())
        && !norm.contains(['。', ',', ';', ':', '、'])
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
        // The page's last amount or title says whether a title waits; a
        // title whose note says its table is empty (`故本表为空表`) waits
        // for nothing.
        if let Some(last) = page
            .iter()
            .rev()
            .find(|i| holds_amount(i) || declares_empty(i) || names_a_table(g, i))
        {
            title_waiting = !holds_amount(last) && !declares_empty(last);
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
    title::is_bare_table_number(&normalize::label(text))
}

/// A note saying the table is empty (`注：本部门无政府性基金预算财政拨款
/// 安排的预算，故本表为空表。`).
fn declares_empty(item: &Item) -> bool {
    matches!(item, Item::Text { text, .. } if text.contains("为空表") || text.contains("本表无数据"))
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
            // The number and unit on the first piece's line (pdftotext
            // -layout, pdfplumber), over three lines with its clause.
            (
                "表5 部门综合预算一般 单位：万元\n公共预算支出明细\n表（按功能科目）\n编制部门：某办公室",
                vec!["表5 单位：万元", "部门综合预算一般公共预算支出明细表(按功能科目)", "编制部门：某办公室"],
            ),
            (
                "部门综合预算一般公\n表5 共预算支出明细表 单位：万元\n（按功能科目）",
                vec!["表5 单位：万元", "部门综合预算一般公共预算支出明细表(按功能科目)"],
            ),
            (
                "部门综合预算一般\n公共预算基本支出\n表6 单位：万元\n明细表（按经济科\n目）",
                vec!["表6 单位：万元", "部门综合预算一般公共预算基本支出明细表(按经济科目)"],
            ),
            // The national template's label; a last piece of one character.
            (
                "公开05表 一般公共预 金额单位：元\n算财政拨款\n支出决算表",
                vec!["公开05表 金额单位：元", "一般公共预算财政拨款支出决算表"],
            ),
            (
                "部门支出总\n表1-2 单位：万元\n表",
                vec!["表1-2 单位：万元", "部门支出总表"],
            ),
            // Its tail alone names the same table, but the head is
            // printed on the title's line.
            (
                "表3 部门综合预算 单位：万元\n支出总表",
                vec!["表3 单位：万元", "部门综合预算支出总表"],
            ),
            // A head on the title's line is kept, though the pieces after
            // it name the table alone.
            (
                "表5 部门综合预算 单位：万元\n一般公共预算支出\n明细表（按功能科目）",
                vec!["表5 单位：万元", "部门综合预算一般公共预算支出明细表(按功能科目)"],
            ),
            // A row's wrapped label before the pieces is none of them.
            (
                "住房公积金\n部门综合预算财政拨\n款收支总表",
                vec!["住房公积金", "部门综合预算财政拨款收支总表"],
            ),
            // Its tail alone names the same table, but the head opens a
            // title the document prints whole (pdfplumber); a row's label
            // does not.
            (
                "表2 部门综合预算收入总表 单位：万元\n02 01 住房公积金 36.11\n部门综合预算\n表3 单位：万元\n支出总表",
                vec!["表2 部门综合预算收入总表 单位：万元", "02 01 住房公积金 36.11", "表3 单位：万元", "部门综合预算支出总表"],
            ),
            (
                "表2 部门综合预算收入总表 单位：万元\n住房公积金支出\n表3 单位：万元\n支出总表",
                vec!["表2 部门综合预算收入总表 单位：万元", "住房公积金支出", "表3 单位：万元", "支出总表"],
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
            // A whole title between a heading or header cell and its
            // clause: nothing is wrapped.
            "第二部分\n表5\n部门综合预算一般公共预算支出明细表\n（按功能科目）\n单位：万元",
            "项目支出\n部门综合预算一般公共预算支出明细表\n（按功能科目）",
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
    fn a_title_after_an_empty_tables_page_is_raised() {
        // The table before is declared empty on its page (万里街道 2025,
        // a third-party dump): its title waits for no rows, and the foot
        // title of the next page heads that page's rows.
        let text = "-- PAGE_BREAK --\n编制部门：某街道\n项目 国有资本经营预算支出\n合计\n\
            2025年部门国有资本经营预算支出功能分类预算表\n\
            注:本部门2025年无国有资本经营预算财政拨款安排的预算，故本表为空表。\n\
            -- PAGE_BREAK --\n编制部门：某街道\n项目 一般公共预算基本支出\n\
            301 工资福利支出 90,238,584 90,238,584\n\
            2025年部门一般公共预算基本支出部门预算经济分类预算表\n";
        let mut got = items(text);
        raise_foot_titles(Grammar::global(), &mut got);
        let got = lines(&got);
        assert_eq!(
            got[7..9],
            [
                "2025年部门一般公共预算基本支出部门预算经济分类预算表",
                "编制部门：某街道"
            ]
        );
        // Without the note, the empty table's title would claim the rows.
        let waiting = text.replace("故本表为空表。", "故本表无内容。");
        let mut kept = items(&waiting);
        raise_foot_titles(Grammar::global(), &mut kept);
        assert_eq!(lines(&kept), lines(&items(&waiting)));
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
