//! Exact money amounts.
//!
//! Budget tables are checked by arithmetic, so amounts are kept as integer
//! hundredths, never floats.  The number of decimals the publisher printed is
//! kept too, so the output shows the amount "as printed" (`93` stays `93`,
//! `1,010.70` becomes `1010.70`).

use std::fmt;

use nom::{
    branch::alt,
    bytes::complete::{tag, take_while1, take_while_m_n},
    character::complete::char,
    combinator::{all_consuming, opt, recognize},
    multi::many1_count,
    sequence::{pair, preceded, tuple},
    IResult,
};

/// An amount in hundredths of the table's unit, with its printed precision.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Amount {
    /// Value in hundredths (`1010.70` → `101070`).
    pub cents: i64,
    /// Decimals as printed: 0 to 4 (only zeros after the second).
    pub decimals: u8,
}

impl Amount {
    pub fn from_cents(cents: i64) -> Self {
        Amount { cents, decimals: 2 }
    }

    /// Whether this printed amount may state `cents`: equal, or printed
    /// with one decimal and `cents` it with a last digit a cell's edge cut
    /// off (`115.2` may state 115.23).
    pub fn may_state(self, cents: i64) -> bool {
        let cut = (cents - self.cents) * self.cents.signum();
        cents == self.cents || (self.decimals == 1 && (1..=9).contains(&cut))
    }

    /// Parses a printed amount: thousands separators, full-width digits,
    /// surrounding (ideographic) spaces, a leading minus, a unit after the
    /// number (`933.34万元`) and an accounting negative (`(0.31)`) are
    /// accepted.
    /// Returns `None` for anything that is not a number — including blanks,
    /// `-` and `—`, which mean "no amount".
    pub fn parse(text: &str) -> Option<Amount> {
        // Fast path for the common plain ASCII number: no allocation.
        let trimmed = text.trim_matches(crate::normalize::is_space);
        if !trimmed.is_empty()
            && trimmed
                .bytes()
                .all(|b| b.is_ascii_digit() || matches!(b, b',' | b'.' | b'-'))
        {
            return Self::parse_folded(trimmed);
        }
        // The unit written into the cell (`933.34万元`), and an accounting
        // negative (`(0.31)`; with a decimal point: `(1)` is an ordinal).
        let text = trimmed;
        let text = text
            .strip_suffix("万元")
            .or_else(|| text.strip_suffix('元'))
            .unwrap_or(text);
        let bracketed = text
            .strip_prefix(['(', '（'])
            .and_then(|t| t.strip_suffix([')', '）']))
            .filter(|t| t.contains(['.', '．']));
        if let Some(inner) = bracketed {
            let a = Self::parse(inner)?;
            return (a.cents > 0).then_some(Amount {
                cents: -a.cents,
                ..a
            });
        }
        // A number holds only digits, `,`, `.` and `-` once folded: any
        // other character (a label, most cells that get here) rules it out
        // before anything is built.
        let numeric = |c: char| {
            crate::normalize::is_space(c)
                || matches!(fold_numeric_char(c), '0'..='9' | ',' | '.' | '-')
        };
        if !text.chars().all(numeric) {
            return None;
        }
        let folded: String = text
            .chars()
            .filter(|&c| !crate::normalize::is_space(c))
            .map(fold_numeric_char)
            .collect();
        Self::parse_folded(&folded)
    }

    /// Parses text already trimmed and folded to ASCII.
    fn parse_folded(folded: &str) -> Option<Amount> {
        if folded.is_empty() {
            return None;
        }
        let (neg, int_part, frac) = match split_plain(folded) {
            Some(parts) => parts,
            None => all_consuming(number)(folded).ok()?.1,
        };
        // Hundredths are exact; further decimals only when they are zeros
        // (`933.3400`, a spreadsheet's four-decimal format). A non-zero
        // third decimal is no amount this type can hold exactly.
        if frac.len() > MAX_DECIMALS || frac.bytes().skip(2).any(|b| b != b'0') {
            return None;
        }
        let printed_decimals = frac.len();
        let frac = &frac[..printed_decimals.min(2)];
        // Accumulated by hand: this runs on every cell.
        let (mut whole, mut count) = (0i64, 0usize);
        for b in int_part.bytes().filter(|b| b.is_ascii_digit()) {
            count += 1;
            if count > 15 {
                return None;
            }
            whole = whole * 10 + i64::from(b - b'0');
        }
        if count == 0 {
            return None;
        }
        let mut frac_cents: i64 = frac.parse().unwrap_or(0);
        if frac.len() == 1 {
            frac_cents *= 10;
        }
        let cents = whole.checked_mul(100)?.checked_add(frac_cents)?;
        Some(Amount {
            cents: if neg { -cents } else { cents },
            decimals: printed_decimals as u8,
        })
    }
}

/// The most decimals a printed amount may have (`933.3400`).
const MAX_DECIMALS: usize = 4;

/// `-?digits(.digits)?`, the shape of almost every cell, split without the
/// parser; the same parts [`number`] gives. `None` for any other shape.
fn split_plain(s: &str) -> Option<(bool, &str, &str)> {
    let (neg, body) = match s.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, s),
    };
    let (int, frac) = match body.split_once('.') {
        Some((int, frac)) => (int, Some(frac)),
        None => (body, None),
    };
    let digits = |t: &str| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit());
    (digits(int) && frac.is_none_or(digits)).then_some((neg, int, frac.unwrap_or("")))
}

/// Whether printed text is a number: an amount with at least one digit.
pub fn is_number(text: &str) -> bool {
    text.chars().any(|c| c.is_ascii_digit()) && Amount::parse(text).is_some()
}

/// Whether `text` could be one side of a number cut across two lines:
/// digits (half- or full-width) and thousands commas with at most one
/// decimal point, anywhere (`1536.`, `.75`, `93`, `1,0`), and surrounding
/// spaces.
pub fn is_fragment(text: &str) -> bool {
    let t = text.trim_matches(crate::normalize::is_space);
    let mut points = 0;
    let mut digits = 0;
    for c in t.chars() {
        match fold_numeric_char(c) {
            '0'..='9' => digits += 1,
            '.' => points += 1,
            ',' => {}
            _ => return false,
        }
    }
    digits > 0 && points <= 1
}

/// Full-width digits and punctuation that occur inside numbers.
fn fold_numeric_char(c: char) -> char {
    match c {
        '，' => ',',
        '－' | '−' => '-',
        _ => crate::normalize::fold_digit(c),
    }
}

fn digits(i: &str) -> IResult<&str, &str> {
    take_while1(|c: char| c.is_ascii_digit())(i)
}

/// `-?` integer part (plain or with `,` groups of three) `(.dd?)?`.
fn number(i: &str) -> IResult<&str, (bool, &str, &str)> {
    let grouped = recognize(pair(
        take_while_m_n(1, 3, |c: char| c.is_ascii_digit()),
        many1_count(preceded(
            char(','),
            take_while_m_n(3, 3, |c: char| c.is_ascii_digit()),
        )),
    ));
    let (i, (neg, int_part, frac)) = tuple((
        opt(tag("-")),
        alt((grouped, digits)),
        opt(preceded(char('.'), digits)),
    ))(i)?;
    Ok((i, (neg.is_some(), int_part, frac.unwrap_or(""))))
}

impl fmt::Display for Amount {
    /// Formats with the printed number of decimals, no separators.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.cents < 0 { "-" } else { "" };
        let abs = self.cents.unsigned_abs();
        let (whole, frac) = (abs / 100, abs % 100);
        match self.decimals {
            0 if frac == 0 => write!(f, "{sign}{whole}"),
            1 if frac % 10 == 0 => write!(f, "{sign}{whole}.{}", frac / 10),
            2 => write!(f, "{sign}{whole}.{frac:02}"),
            // Zeros printed after the hundredths (`933.3400`), kept as printed.
            more => write!(
                f,
                "{sign}{whole}.{frac:02}{:0<zeros$}",
                "",
                zeros = usize::from(more.saturating_sub(2))
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_short_amount_may_state_what_its_cut_digit_made() {
        let short = Amount::parse("115.2").unwrap();
        assert!(short.may_state(11520) && short.may_state(11523) && short.may_state(11529));
        assert!(!short.may_state(11530) && !short.may_state(11519));
        let negative = Amount::parse("-115.2").unwrap();
        assert!(negative.may_state(-11523) && !negative.may_state(-11517));
        let whole = Amount::parse("115.20").unwrap();
        assert!(whole.may_state(11520) && !whole.may_state(11523));
    }

    #[test]
    fn fragments_of_a_cut_number() {
        for t in ["1536.", ".75", "93", "82.4", "９３\u{3000}", "3", "1,234"] {
            assert!(is_fragment(t), "{t}");
        }
        for t in ["", ".", ",", "1.2.3", "-5", "第3页", "\u{3000}"] {
            assert!(!is_fragment(t), "{t}");
        }
    }

    #[test]
    fn early_rejection_changes_no_reading() {
        // The definition: every string folded, then parsed.
        let reference = |text: &str| {
            let folded: String = text
                .chars()
                .filter(|&c| !crate::normalize::is_space(c))
                .map(fold_numeric_char)
                .collect();
            Amount::parse_folded(&folded)
        };
        let pieces = [
            "1", "０", "９", ",", "，", ".", "．", "-", "－", "−", " ", "\u{3000}", "合", "x", "(",
            "+",
        ];
        let mut n = 0;
        for text in crate::testing::strings_of(&pieces, 0..=5) {
            assert_eq!(Amount::parse(&text), reference(&text), "{text:?}");
            n += 1;
        }
        assert!(n > 1_000_000);
    }

    fn p(s: &str) -> Option<String> {
        Amount::parse(s).map(|a| a.to_string())
    }

    #[test]
    fn parses_printed_forms() {
        assert_eq!(p("1,010.70"), Some("1010.70".into()));
        assert_eq!(p("93\u{3000}"), Some("93".into()));
        assert_eq!(p(" 3.4 "), Some("3.4".into()));
        assert_eq!(p("０．６"), Some("0.6".into()));
        assert_eq!(p("-12.05"), Some("-12.05".into()));
        assert_eq!(p("0"), Some("0".into()));
        assert_eq!(p("3061.52"), Some("3061.52".into()));
        assert_eq!(p("12,345,678.9"), Some("12345678.9".into()));
        assert_eq!(Amount::parse("1,010.70").map(|a| a.cents), Some(101070));
        // Before 2026-12-03 these cells were no amounts, and lost.
        assert_eq!(p("933.34万元"), Some("933.34".into()));
        assert_eq!(p("9,333,400.00元"), Some("9333400.00".into()));
        assert_eq!(p("(0.31)"), Some("-0.31".into()));
        assert_eq!(p("（1,010.70）"), Some("-1010.70".into()));
        assert_eq!(p("\u{200B}933.34\u{FEFF}"), Some("933.34".into()));
        // A spreadsheet's four-decimal format: exact, kept as printed.
        assert_eq!(p("933.3400"), Some("933.3400".into()));
        assert_eq!(p("1,010.700"), Some("1010.700".into()));
        assert_eq!(p("-0.3000"), Some("-0.3000".into()));
        assert_eq!(Amount::parse("933.3400").map(|a| a.cents), Some(93334));
    }

    #[test]
    fn plain_numbers_split_as_the_parser_does() {
        // Every string over a small alphabet up to five characters: the
        // fast split agrees with the parser wherever it answers.
        let alphabet = ['0', '7', '.', ',', '-', 'x'];
        let mut strings = vec![String::new()];
        let mut frontier = vec![String::new()];
        for _ in 0..5 {
            frontier = frontier
                .iter()
                .flat_map(|s| alphabet.iter().map(move |c| format!("{s}{c}")))
                .collect();
            strings.extend(frontier.iter().cloned());
        }
        let mut split = 0;
        for s in &strings {
            if let Some(parts) = split_plain(s) {
                split += 1;
                assert_eq!(
                    Some(parts),
                    all_consuming(number)(s).ok().map(|r| r.1),
                    "{s:?}"
                );
            }
        }
        assert!(split > 100, "{split}");
    }

    #[test]
    fn rejects_non_numbers() {
        for s in [
            "", "\u{3000}", "-", "—", "合计", "12.345", "933.3437", "1.00000", "1,01.5", "12%",
            "2024年", "万元", "(1)", "(-0.31)", "()", "元",
        ] {
            assert_eq!(Amount::parse(s), None, "{s:?}");
        }
        // More than 15 integer digits: not an amount (and no overflow).
        assert_eq!(Amount::parse("62220212345678901234567"), None);
        assert_eq!(Amount::parse("9,999,999,999,999,999.99"), None);
        assert_eq!(
            Amount::parse("999999999999999.99").map(|a| a.cents),
            Some(99_999_999_999_999_999)
        );
    }
}
