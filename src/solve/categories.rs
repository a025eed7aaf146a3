//! The categories of a transposed “三公” row whose header lost its layout.
//!
//! A text dump of a “三公” table prints its categories as header cells that
//! wrap over several lines (`机关运行经费预算` / `数`), so the lines no longer
//! say which amount sits under which category. The grammar lists the column
//! orders such tables print; the table's own sums (合计 = 因公出国(境)费 +
//! 公务接待费 + 公务用车购置及运行费, the vehicles = 购置 + 运行) pick the
//! order, as long as every order that fits says the same.

use crate::amount::Amount;
use crate::grammar::identities::ItemSum;
use crate::grammar::{THREE_PUBLIC_VEHICLES, THREE_PUBLIC_VEHICLE_PARTS};

/// What the header still tells: the categories it names, and their order
/// within each header line (cells on one line keep their order).
#[derive(Debug, Default)]
pub struct HeaderHints {
    /// Each header line's categories, in print order, without repeats.
    pub lines: Vec<Vec<&'static str>>,
    /// The header's other cells, normalised: a category printed short
    /// (`接待费`) is among them.
    pub unnamed: Vec<String>,
}

impl HeaderHints {
    fn named(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.lines.iter().flatten().copied()
    }

    /// `order` holds every named category, keeps each line's order, and
    /// names nothing the header does not: an amount under a heading the
    /// grammar does not know (`会议费`, `比上年增减`) must not become a
    /// category only because no sum involves it. 合计 needs no heading (its
    /// header cell is often a group heading's), nor do the vehicles' two
    /// parts when the vehicles are named (`小计 | 购置费 | 运行费`); a
    /// category printed short (`接待费`) is named.
    fn admit(&self, order: &[&'static str]) -> bool {
        let position = |c: &str| order.iter().position(|o| *o == c);
        let named = |c: &str| self.named().any(|n| n == c);
        // `接待费` for 公务接待费: the name's end, three characters or more.
        let printed_short = |c: &str| {
            self.unnamed
                .iter()
                .any(|t| t.chars().count() >= 3 && c.ends_with(t.as_str()))
        };
        let unnamed_allowed = |c: &str| {
            c == "合计"
                || (THREE_PUBLIC_VEHICLE_PARTS.contains(&c) && named(THREE_PUBLIC_VEHICLES))
                || printed_short(c)
        };
        self.named().all(|c| position(c).is_some())
            && order.iter().all(|c| named(c) || unnamed_allowed(c))
            && self
                .lines
                .iter()
                .all(|line| line.windows(2).all(|w| position(w[0]) < position(w[1])))
    }
}

/// The order in which `amounts` are the categories of `orders`: one of the
/// right width that `hints` admit and under which every sum of `sums` whose
/// rows are all present holds (at least one must). Several such orders must
/// give every category the same amount, else the reading is `None`.
pub fn order_by_sums(
    orders: &[Vec<&'static str>],
    sums: &[&ItemSum],
    hints: &HeaderHints,
    amounts: &[Amount],
) -> Option<Vec<&'static str>> {
    let mut chosen: Option<&Vec<&'static str>> = None;
    for order in orders {
        if order.len() != amounts.len() || !hints.admit(order) || !sums_hold(order, sums, amounts) {
            continue;
        }
        match chosen {
            None => chosen = Some(order),
            Some(first) if same_reading(first, order, amounts) => {}
            Some(_) => return None,
        }
    }
    chosen.cloned()
}

/// [`order_by_sums`] for a row whose blank cells vanished (a flow dump
/// prints nothing for them): the category of each of `amounts`, a
/// subsequence of an order `hints` admit under which every sum touching a
/// printed amount holds, the categories left out being blank (0). With the
/// first such reading, whether every reading gives each amount's category
/// that amount: two blanks may leave an amount's category open (`6.93`
/// under 公务用车购置费 or 运行费 when the vehicles print 6.93).
pub fn categories_with_blanks(
    orders: &[Vec<&'static str>],
    sums: &[&ItemSum],
    hints: &HeaderHints,
    amounts: &[Amount],
) -> Option<(Vec<&'static str>, Vec<bool>)> {
    let mut found: Vec<Vec<&'static str>> = Vec::new();
    for order in orders {
        if order.len() < amounts.len() || !hints.admit(order) {
            continue;
        }
        for picked in subsequences(order.len(), amounts.len()) {
            let reading: Vec<&'static str> = picked.iter().map(|&i| order[i]).collect();
            let seen = found.iter().any(|f| same_reading(f, &reading, amounts));
            if !seen && sums_hold_with_blanks(&reading, sums, amounts) {
                found.push(reading);
            }
        }
    }
    let first = found.first()?.clone();
    let agreed = first
        .iter()
        .zip(amounts)
        .map(|(c, a)| {
            found
                .iter()
                .all(|f| amount_of(f, amounts, c) == Some(a.cents))
        })
        .collect();
    Some((first, agreed))
}

/// The increasing index sequences of length `k` into `0..n`.
fn subsequences(n: usize, k: usize) -> Vec<Vec<usize>> {
    let mut out = Vec::new();
    let mut picked: Vec<usize> = (0..k).collect();
    if k > n {
        return out;
    }
    loop {
        out.push(picked.clone());
        // The right-most index that can still move right.
        let Some(i) = (0..k).rev().find(|&i| picked[i] < n - k + i) else {
            return out;
        };
        picked[i] += 1;
        for j in i + 1..k {
            picked[j] = picked[j - 1] + 1;
        }
    }
}

/// Every sum with a printed amount among its rows holds, the categories
/// `reading` leaves out counting 0; at least one such sum.
fn sums_hold_with_blanks(reading: &[&str], sums: &[&ItemSum], amounts: &[Amount]) -> bool {
    let mut applied = 0;
    for sum in sums {
        let total = amount_of(reading, amounts, &sum.total);
        let parts: Vec<Option<i64>> = sum
            .parts
            .iter()
            .map(|p| amount_of(reading, amounts, p))
            .collect();
        if total.is_none() && parts.iter().all(Option::is_none) {
            continue;
        }
        if parts.iter().flatten().sum::<i64>() != total.unwrap_or(0) {
            return false;
        }
        applied += 1;
    }
    applied > 0
}

fn amount_of(order: &[&str], amounts: &[Amount], category: &str) -> Option<i64> {
    let i = order.iter().position(|c| *c == category)?;
    Some(amounts[i].cents)
}

fn sums_hold(order: &[&str], sums: &[&ItemSum], amounts: &[Amount]) -> bool {
    let mut applied = 0;
    for sum in sums {
        let Some(total) = amount_of(order, amounts, &sum.total) else {
            continue;
        };
        let parts: Option<Vec<i64>> = sum
            .parts
            .iter()
            .map(|p| amount_of(order, amounts, p))
            .collect();
        let Some(parts) = parts else { continue };
        if parts.iter().sum::<i64>() != total {
            return false;
        }
        applied += 1;
    }
    applied > 0
}

fn same_reading(a: &[&str], b: &[&str], amounts: &[Amount]) -> bool {
    a.iter()
        .all(|c| amount_of(a, amounts, c) == amount_of(b, amounts, c))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::grammar::Grammar;

    fn amounts(printed: &[&str]) -> Vec<Amount> {
        printed
            .iter()
            .map(|p| Amount::parse(p).expect("amount"))
            .collect()
    }

    fn solve(hints: &HeaderHints, printed: &[&str]) -> Option<Vec<&'static str>> {
        let g = Grammar::global();
        let sums: Vec<&ItemSum> = g.identities.item_sums_of("three_public").collect();
        order_by_sums(&g.three_public_orders, &sums, hints, &amounts(printed))
    }

    /// Shanghai's table (a real text dump): 合计, 因公出国(境)费, 公务接待费,
    /// the vehicles with their two parts, then 机关运行经费.
    #[test]
    fn the_sums_pick_the_order_the_header_lost() {
        let hints = HeaderHints {
            unnamed: vec![],
            lines: vec![
                vec!["机关运行经费"],
                vec!["合计", "因公出国(境)费", "公务接待费"],
                vec!["公务用车购置及运行费"],
                vec!["合计"],
            ],
        };
        let order = solve(
            &hints,
            &["37.91", "0", "1.35", "36.56", "15", "21.56", "464.64"],
        );
        assert_eq!(
            order.as_deref(),
            Some(
                &[
                    "合计",
                    "因公出国(境)费",
                    "公务接待费",
                    "公务用车购置及运行费",
                    "公务用车购置费",
                    "公务用车运行费",
                    "机关运行经费"
                ][..]
            )
        );
        // The same amounts with the vehicles before 公务接待费: no order's
        // sums hold with 机关运行经费 named.
        assert_eq!(
            solve(
                &hints,
                &["37.91", "0", "36.56", "1.35", "15", "21.56", "464.64"]
            ),
            None
        );
    }

    #[test]
    fn sums_that_several_orders_satisfy_read_nothing() {
        // 合计 = the three others in any order: the header must tell.
        let none = HeaderHints::default();
        assert_eq!(solve(&none, &["10", "1", "2", "7"]), None);
        // A line naming 合计 | 因公出国 | 公务用车 and 公务接待费 printed
        // short on another leaves it either side of the vehicles.
        let three = HeaderHints {
            unnamed: vec!["接待费".into()],
            lines: vec![vec!["合计", "因公出国(境)费", "公务用车购置及运行费"]],
        };
        assert_eq!(solve(&three, &["10", "1", "2", "7"]), None);
        let line = HeaderHints {
            unnamed: vec![],
            lines: vec![
                vec!["因公出国(境)费"],
                vec!["公务用车购置及运行费", "公务接待费"],
            ],
        };
        assert_eq!(
            solve(&line, &["10", "1", "2", "7"]).as_deref(),
            Some(
                &[
                    "合计",
                    "因公出国(境)费",
                    "公务用车购置及运行费",
                    "公务接待费"
                ][..]
            )
        );
        // Amounts that add up under no order.
        assert_eq!(solve(&line, &["10", "1", "2", "3"]), None);
    }

    #[test]
    fn orders_agreeing_on_every_amount_are_one_reading() {
        // All zero: both six-column orders hold and say the same.
        let named = HeaderHints {
            unnamed: vec![],
            lines: vec![
                vec!["因公出国(境)费", "公务用车购置及运行费"],
                vec!["公务接待费"],
            ],
        };
        let order = solve(&named, &["0", "0", "0", "0", "0", "0"]);
        assert!(order.is_some());
    }

    #[test]
    fn an_amount_under_an_unknown_heading_is_no_category() {
        // `合计 | 因公出国 | 公务用车 | 公务接待费 | 会议费`: the sums hold with
        // 会议费's 5.00 as 机关运行经费, which the header does not name.
        let hints = HeaderHints {
            unnamed: vec![],
            lines: vec![vec![
                "合计",
                "因公出国(境)费",
                "公务用车购置及运行费",
                "公务接待费",
            ]],
        };
        assert_eq!(
            solve(&hints, &["10.00", "0.00", "8.00", "2.00", "5.00"]),
            None
        );
        let with_it = HeaderHints {
            unnamed: vec![],
            lines: vec![
                vec![
                    "合计",
                    "因公出国(境)费",
                    "公务用车购置及运行费",
                    "公务接待费",
                ],
                vec!["机关运行经费"],
            ],
        };
        assert!(solve(&with_it, &["10.00", "0.00", "8.00", "2.00", "5.00"]).is_some());
        // `运行费` (a vehicle part's short name) is no 机关运行经费.
        let parts = HeaderHints {
            unnamed: vec!["运行费".into()],
            ..hints
        };
        assert_eq!(
            solve(&parts, &["10.00", "0.00", "8.00", "2.00", "5.00"]),
            None
        );
    }

    fn with_blanks(
        hints: &HeaderHints,
        printed: &[&str],
    ) -> Option<(Vec<&'static str>, Vec<bool>)> {
        let g = Grammar::global();
        let sums: Vec<&ItemSum> = g.identities.item_sums_of("three_public").collect();
        categories_with_blanks(&g.three_public_orders, &sums, hints, &amounts(printed))
    }

    #[test]
    fn blanks_a_flow_dump_dropped_leave_open_only_what_the_sums_do() {
        // Seed 003's “三公” row in a pdfplumber dump: `8.93 6.93 6.93 2`, the
        // blank 因公出国(境)费 and 公务用车购置费 gone. 6.93 is 运行费's in the
        // seed, but 购置费 6.93 with 运行费 blank adds up as well.
        let hints = HeaderHints {
            unnamed: vec![],
            lines: vec![
                vec![
                    "合计",
                    "因公出国(境)费",
                    "公务用车购置及运行费",
                    "公务接待费",
                ],
                vec!["合计", "公务用车购置费", "公务用车运行费"],
            ],
        };
        let (order, agreed) = with_blanks(&hints, &["8.93", "6.93", "6.93", "2"]).unwrap();
        assert_eq!(order[0], "合计");
        assert_eq!(order[1], "公务用车购置及运行费");
        assert!(["公务用车购置费", "公务用车运行费"].contains(&order[2]));
        assert_eq!(order[3], "公务接待费");
        assert_eq!(agreed, [true, true, false, true]);
        // Nothing adds up: no reading.
        assert_eq!(with_blanks(&hints, &["8.93", "6.93", "5.93", "2"]), None);
        // Every cell printed: the one order, agreed throughout.
        let (order, agreed) = with_blanks(&hints, &["9.2", "0", "8.8", "0", "8.8", "0.4"]).unwrap();
        assert_eq!(
            order,
            [
                "合计",
                "因公出国(境)费",
                "公务用车购置及运行费",
                "公务用车购置费",
                "公务用车运行费",
                "公务接待费"
            ]
        );
        assert!(agreed.iter().all(|a| *a));
    }

    #[test]
    fn subsequences_in_order() {
        assert_eq!(
            subsequences(4, 2),
            [[0, 1], [0, 2], [0, 3], [1, 2], [1, 3], [2, 3]]
        );
        assert_eq!(subsequences(3, 3), [[0, 1, 2]]);
        assert!(subsequences(2, 3).is_empty());
    }
}
