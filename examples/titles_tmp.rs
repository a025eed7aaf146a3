use budget_harvest::grammar::{Grammar, TitleMeaning};
fn main() {
    let g = Grammar::global();
    for t in std::env::args().skip(1) {
        let n = budget_harvest::normalize::label(&t).into_owned();
        let m = match g.match_title(&n) {
            Some(TitleMeaning::Kind(k)) => k.key.to_string(),
            Some(TitleMeaning::Ignored) => "ignored".into(),
            None => "-".into(),
        };
        println!("{t}\t{m}");
    }
}
