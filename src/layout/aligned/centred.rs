//! Tables whose cells centre their text on the row (Shanghai's final
//! accounts, as `pdftotext -layout` sets them): a label wrapped on two
//! lines prints one line above its row's amounts and one below, the row's
//! own line bare (its code, then nothing where the label goes); wrapped on
//! three, its middle line on the row's.
//!
//! ```text
//!            社会保障和就
//! 208                     754.75       754.75      0.00
//!            业支出
//!            机关事业单位
//! 2080505    基本养老保险       446.11       446.11      0.00
//!            缴费支出
//! ```
//!
//! Read line by line, the lines between two rows are ambiguous (a top
//! -aligned table wraps a label under its row only). A page shows the style
//! when a bare coded row has a label line right above and right below it,
//! no blank line between them, and the line above those three is no table
//! row (the header, or another row's label): a top-aligned table, or one
//! whose labels pdftotext set a line low (a blank line over the row), puts
//! a row right over such a label line. On such a page the label lines
//! between two rows are the upper row's, as many as it took above itself,
//! then the lower row's.

use super::{is_label_heading, is_note, right_under, Line};
use crate::amount::is_number;

/// Label lines of a run between two rows, at most: a label wrapped on
/// more lines is no table's.
const MAX_RUN: usize = 6;

/// Characters a label column's lines may start apart: pdftotext sets each
/// line on its own character grid, a code printed before the label pushing
/// it right.
const SLACK: usize = 2;

/// Per page, the column where a page that centres its labels prints them.
pub(super) struct CentredLabels {
    column: Vec<Option<usize>>,
}

impl CentredLabels {
    /// The pages of `lines` that show the centred style.
    pub(super) fn find(lines: &[Line]) -> Self {
        let pages = lines.last().map_or(0, |l| l.page + 1);
        let mut column = vec![None; pages];
        for k in 2..lines.len().saturating_sub(1) {
            let (before, row, after) = (&lines[k - 1], &lines[k], &lines[k + 1]);
            let same_page = lines[k - 2..=k + 1].iter().all(|l| l.page == row.page);
            let set_together = right_under(before, row) && right_under(row, after);
            let Some(at) = label_start(before) else {
                continue;
            };
            let centred = same_page
                && set_together
                && column[row.page].is_none()
                && !lines[k - 2].is_body()
                && label_start(after).is_some_and(|b| b.abs_diff(at) <= SLACK)
                && is_bare_coded(row, at);
            if centred {
                column[row.page] = Some(at);
            }
        }
        CentredLabels { column }
    }

    /// Line `k` as a label line of a centred page: one piece of text at
    /// the page's label column, in a run of such lines with a table row
    /// right under it.
    pub(super) fn label_run(&self, lines: &[Line], k: usize) -> Option<LabelRun> {
        let line = &lines[k];
        let column = self.column.get(line.page).copied().flatten()?;
        let at_column = |l: &Line| {
            l.page == line.page && label_start(l).is_some_and(|s| s.abs_diff(column) <= SLACK)
        };
        if !at_column(line) {
            return None;
        }
        // The run's lines and the row under it come one right under the
        // other: a label a blank line apart is set a line low, not centred.
        let goes_on = |j: usize| at_column(&lines[j]) && right_under(&lines[j - 1], &lines[j]);
        let run_end = (k + 1..lines.len().min(k + MAX_RUN))
            .find(|&j| !goes_on(j))
            .unwrap_or(k + MAX_RUN);
        let row_under = lines
            .get(run_end)
            .filter(|l| l.page == line.page && l.is_body() && right_under(&lines[run_end - 1], l));
        if let Some(row) = row_under {
            return Some(LabelRun {
                left: run_end - k,
                over_bare_row: is_bare_coded(row, column),
            });
        }
        // The last row's tails: under a bare row, which took its label's
        // first lines above itself.
        let mut run_start = k;
        while run_start > 0
            && k - run_start < MAX_RUN
            && goes_on(run_start)
            && at_column(&lines[run_start - 1])
        {
            run_start -= 1;
        }
        let row_over = run_start.checked_sub(1).map(|j| &lines[j]).filter(|l| {
            l.page == line.page && right_under(l, &lines[run_start]) && is_bare_coded(l, column)
        });
        row_over.map(|_| LabelRun {
            left: run_end - k,
            over_bare_row: false,
        })
    }

    /// Whether line `k` is a label line of a centred page.
    pub(super) fn is_label(&self, lines: &[Line], k: usize) -> bool {
        self.label_run(lines, k).is_some()
    }
}

/// Where a label line of a centred page stands in its run.
pub(super) struct LabelRun {
    /// Lines of the run from this one on, this one included.
    left: usize,
    /// Whether the row under the run prints no label of its own.
    over_bare_row: bool,
}

impl LabelRun {
    /// Whether the line ends the label of the row above, which took
    /// `owed` lines above itself it has not yet matched below: a one-line
    /// label pdftotext set over its row's line (`行政运行` over `2120101`)
    /// has no line below, and a bare row below needs one line at least.
    pub(super) fn is_tail(&self, owed: usize) -> bool {
        owed > 0 && self.left > usize::from(self.over_bare_row)
    }
}

/// Where a line of one piece of label text (no amount, no note) starts.
fn label_start(line: &Line) -> Option<usize> {
    match line.segments.as_slice() {
        [only]
            if !is_number(only.text)
                && !is_note(only.text)
                && !is_label_heading(only.text)
                && super::super::is_continuation(only.text) =>
        {
            Some(only.start)
        }
        _ => None,
    }
}

/// A table row that prints a code before column `at`, amounts after it,
/// and nothing there: its label is set around it.
fn is_bare_coded(row: &Line, at: usize) -> bool {
    let is_code = |t: &str| (3..=7).contains(&t.len()) && t.bytes().all(|b| b.is_ascii_digit());
    let (codes, rest): (Vec<_>, Vec<_>) = row.segments.iter().partition(|s| s.end <= at);
    !codes.is_empty()
        && codes.iter().all(|s| {
            s.text
                .split(' ')
                .all(|t| t.len() <= 7 && t.bytes().all(|b| b.is_ascii_digit()))
        })
        && codes
            .iter()
            .any(|s| s.text.split(' ').next().is_some_and(is_code))
        && !rest.is_empty()
        && rest.iter().all(|s| s.start > at && is_number(s.text))
}

#[cfg(test)]
mod tests {
    use super::super::items;
    use crate::layout::Item;

    /// Each row's first cells (code, label).
    fn labels(text: &str) -> Vec<(String, String)> {
        items(text)
            .iter()
            .filter_map(|i| match i {
                Item::Row { cells, .. } if cells.len() >= 2 => {
                    Some((cells[0].text.clone(), cells[1].text.clone()))
                }
                _ => None,
            })
            .collect()
    }

    #[test]
    fn a_label_centred_on_its_row_is_that_rows() {
        // pdftotext -layout of a Shanghai final account: two-line labels
        // around a bare row, three-line ones around a row's own piece, a
        // one-line label set over its row, and a row of its own label's
        // line (no heads) before a centred one.
        let text = "\
             功能分类科目名称            合计        基本支出      项目支出
           社会保障和就
208                     754.75       754.75      0.00
           业支出
           机关事业单位
2080505    基本养老保险       446.11       446.11      0.00
           缴费支出
210        卫生健康支出       236.64       236.64      0.00
           行政事业单位
21011                   236.64       236.64      0.00
           医疗
           行政运行
2101101                  40.35        40.35      0.00
           城乡社区规划
21202                  2739.56       488.68    2250.88
           与管理
";
        let read = labels(text);
        let expected = [
            ("208", "社会保障和就业支出"),
            ("2080505", "机关事业单位基本养老保险缴费支出"),
            ("210", "卫生健康支出"),
            ("21011", "行政事业单位医疗"),
            ("2101101", "行政运行"),
            ("21202", "城乡社区规划与管理"),
        ];
        let read: Vec<(&str, &str)> = read
            .iter()
            .map(|(c, l)| (c.as_str(), l.as_str()))
            .filter(|(c, _)| c.starts_with('2'))
            .collect();
        assert_eq!(read, expected);
    }

    #[test]
    fn labels_set_a_line_low_are_not_centred() {
        // A blank line over each bare row, its label under it: the page
        // does not centre its labels, and no label line heads the row
        // below it.
        let text = "\
             功能分类科目名称            合计        基本支出      项目支出
208   05   01   行政单位离退休           84.65     84.65      0.00

208   05   05                   160.75    160.75      0.00
                机关事业单位基本养老保险
                缴费支出

208   05   06                    80.38     80.38      0.00
                机关事业单位职业年金缴费
                支出
208   05   99   其他行政事业单位养老支出      0.94     0.94      0.00
";
        let read = labels(text);
        let label_of = |code: &str| {
            items(text)
                .iter()
                .find_map(|i| match i {
                    Item::Row { cells, .. } if cells.iter().any(|c| c.text == code) => Some(
                        cells
                            .iter()
                            .map(|c| c.text.as_str())
                            .collect::<Vec<_>>()
                            .join("|"),
                    ),
                    _ => None,
                })
                .unwrap_or_default()
        };
        assert!(!read.is_empty());
        // `缴费支出` goes on under 基本养老保险, not over 208 05 06.
        assert!(!label_of("06").contains("缴费支出"), "{}", label_of("06"));
        assert!(!label_of("06").contains("基本养老"), "{}", label_of("06"));
    }
}
