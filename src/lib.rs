//! budget-harvest: Chinese government budget disclosures (部门预算/决算公开)
//! → clean, checked, analysis-ready records.
//!
//! Stages, one module each, data flowing one way:
//! [`decode`] (bytes → text) → [`layout`] (lines → rows of cells) →
//! [`recognise`] (parts, titles, headers → measures, body rows) →
//! [`emit`] (CSV). The table kinds, header synonyms and layouts live in
//! `grammars/` ([`grammar`]).

pub mod amount;
pub mod batch;
pub mod bench;
pub mod check;
pub mod decode;
pub mod doc;
pub mod emit;
pub mod grammar;
pub mod html;
pub mod layout;
pub mod markup;
pub mod model;
pub mod normalize;
pub mod pdf;
pub mod pipeline;
pub mod recognise;
pub mod report;
pub mod sheet;
pub mod solve;
#[cfg(test)]
mod testing;
pub mod word;
