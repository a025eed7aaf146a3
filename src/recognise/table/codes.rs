//! Classification codes printed before a row's name: `208 01 01 行政运行`,
//! `2080101 行政运行`, `210卫生健康支出`, `[2080101]行政运行` (nom parsers).

use nom::{
    branch::alt,
    character::complete::{digit1, one_of, space0},
    combinator::{map, verify},
    multi::many1,
    sequence::{delimited, pair, terminated},
    IResult,
};

use crate::grammar::Grammar;
use crate::model::Code;
use crate::normalize;

/// A code's levels printed apart (`208 01 01`), or the 类 alone (`210`).
fn code_levels(i: &str) -> IResult<&str, String> {
    map(
        many1(terminated(
            verify(digit1, |d: &str| (2..=3).contains(&d.len())),
            space0,
        )),
        |levels: Vec<&str>| levels.concat(),
    )(i)
}

/// A code printed as one run of digits (`2080101`).
fn code_run(i: &str) -> IResult<&str, String> {
    map(
        terminated(verify(digit1, Code::is_valid), space0),
        str::to_string,
    )(i)
}

fn bare_code(i: &str) -> IResult<&str, String> {
    alt((code_levels, code_run))(i)
}

/// The digits of a code printed before a name: `208 01 01 行政运行`,
/// `2080101 行政运行`, `210卫生健康支出`, either in brackets
/// (`[2080101]行政运行`, `【208】社会保障和就业支出`, as some finance systems
/// export them).
fn printed_code(i: &str) -> IResult<&str, String> {
    let open = pair(one_of("[【"), space0);
    let close = pair(one_of("]】"), space0);
    alt((delimited(open, bare_code, close), bare_code))(i)
}

/// A valid code printed before a name, and the name (trimmed), if the text
/// starts so.
pub(in crate::recognise) fn code_and_name(text: &str) -> Option<(Code, &str)> {
    let (name, digits) = printed_code(text).ok()?;
    let name = name.trim();
    if name.is_empty() || name.starts_with(|c: char| c.is_ascii_digit() || c == '.') {
        return None;
    }
    Some((Code::new(&digits)?, name))
}

/// Whether a row's first cell starts with a code: alone (`208`), or
/// before its name.
pub(in crate::recognise) fn starts_with_code(text: &str) -> bool {
    printed_code(text.trim()).is_ok_and(|(rest, digits)| {
        let name = rest.trim();
        Code::is_valid(&digits)
            && (name.is_empty() || !name.starts_with(|c: char| c.is_ascii_digit() || c == '.'))
    })
}

/// `201 一般公共服务支出` / `208 01 行政运行` / `210卫生健康支出` /
/// `[2080101]行政运行` → code and name.
pub(super) fn split_code_prefix(g: &Grammar, label: &str) -> Option<(Code, String)> {
    match code_and_name(label) {
        Some((code, name)) => Some((code, normalize::label(name).into_owned())),
        None => code_after_name(g, label).map(|(code, name)| (code, name.to_string())),
    }
}

pub(super) fn split_code_prefix_raw(g: &Grammar, text: &str) -> (Option<Code>, String) {
    let spaced: String = text.trim().replace('\u{3000}', " ");
    match code_and_name(&spaced) {
        Some((c, name)) => (Some(c), normalize::label(name).into_owned()),
        None => {
            let label = normalize::label(text).into_owned();
            match code_after_name(g, &label) {
                Some((c, name)) => (Some(c), name.to_string()),
                None => (None, label),
            }
        }
    }
}

/// A code printed in brackets after a normalised name:
/// `社会保障和就业支出(208)`, `行政运行[2080101]`.
fn code_after_name<'l>(g: &Grammar, label: &'l str) -> Option<(Code, &'l str)> {
    let inner = label.strip_suffix([')', ']', '】'])?;
    let open = inner.rfind(['(', '[', '【'])?;
    let (name, digits) = (&inner[..open], &inner[open..]);
    let digits = &digits[digits.chars().next()?.len_utf8()..];
    let named = !name.is_empty() && !name.ends_with(|c: char| c.is_ascii_digit());
    let code = (named && digits.bytes().all(|b| b.is_ascii_digit()))
        .then(|| Code::new(digits))
        .flatten()?;
    // A classification's code: its 类 one the grammar knows, and the one
    // the name gives if it names a 类 (not `其他支出(100)`, a number).
    let class = &code.as_str()[..3];
    let known = g.class_names_by_code(class) || g.is_economic_class(class);
    let agrees = g.class_code(name).is_none_or(|c| c == class);
    (known && agrees).then_some((code, name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_prefixes() {
        let g = Grammar::global();
        assert_eq!(
            split_code_prefix(g, "210卫生健康支出").map(|(c, n)| (c.as_str().to_string(), n)),
            Some(("210".into(), "卫生健康支出".into()))
        );
        let (c, n) = split_code_prefix_raw(g, "208 01 01 行政运行");
        assert_eq!(
            (c.map(|c| c.as_str().to_string()), n.as_str()),
            (Some("2080101".into()), "行政运行")
        );
        let (c, n) = split_code_prefix_raw(g, "支出总计");
        assert_eq!((c, n.as_str()), (None, "支出总计"));
        // One run of digits, and the brackets some finance systems print.
        let split = |t: &str| {
            let (c, n) = split_code_prefix_raw(g, t);
            (c.map(|c| c.as_str().to_string()), n)
        };
        for printed in [
            "2080101 行政运行",
            "2080101行政运行",
            "[2080101]行政运行",
            "【2080101】 行政运行",
            "[208 01 01] 行政运行",
        ] {
            assert_eq!(
                split(printed),
                (Some("2080101".into()), "行政运行".into()),
                "{printed}"
            );
        }
        assert_eq!(
            split("[20805]行政事业单位养老支出"),
            (Some("20805".into()), "行政事业单位养老支出".into())
        );
        // Not codes: a year, a row number, an amount, digits with no name.
        for printed in [
            "2024年预算数",
            "1、一般公共预算拨款",
            "208.50",
            "20801 01 01 行政运行",
        ] {
            assert_eq!(split(printed).0, None, "{printed}");
        }
        // After the name, in brackets.
        assert_eq!(
            split("社会保障和就业支出（208）"),
            (Some("208".into()), "社会保障和就业支出".into())
        );
        assert_eq!(
            split("行政运行[2080101]"),
            (Some("2080101".into()), "行政运行".into())
        );
        for printed in [
            "其他支出（2）",
            "结转（2024）",
            "（208）",
            "支出(20a)",
            "其他支出（100）",
            "其他支出（2023001）",
            "社会保障和就业支出（210）",
        ] {
            assert_eq!(split(printed).0, None, "{printed}");
        }
        assert!(starts_with_code("208") && starts_with_code("[2080101]行政运行"));
        assert!(
            starts_with_code("[208]") && !starts_with_code("2024") && !starts_with_code("2024年")
        );
    }
}
