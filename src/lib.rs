//! budget-harvest: Chinese government budget disclosures (部门预算/决算公开)
//! → clean, checked, analysis-ready records.
//!
//! Stages, one module each, data flowing one way:
//! [`decode`] (bytes → text; [`pdf`] and [`ofd`] for positioned pages;
//! [`archive`] opens zip archives into inputs) → [`layout`] (lines → rows
//! of cells) → [`recognise`] (parts, titles, headers → measures, body rows)
//! → [`solve`] (arithmetic: numbers put back where the layout lost them) →
//! [`check`] (identities tested, doubtful cells marked) → [`emit`] (CSV,
//! Parquet). The table kinds, header synonyms, layouts and identities live
//! in `grammars/` ([`grammar`]). `ARCHITECTURE.md` maps the modules.

// The crate is a tool, not a published library: its docs are read with
// `cargo doc --document-private-items`, where links to private items work.
#![allow(rustdoc::private_intra_doc_links)]

pub mod amount;
pub mod archive;
pub mod batch;
pub mod bench;
pub mod check;
pub mod decode;
pub mod doc;
pub mod emit;
pub mod grammar;
pub mod gzip;
pub mod html;
pub mod layout;
pub mod markup;
pub mod model;
pub mod normalize;
pub mod ofd;
pub mod pdf;
pub mod pipeline;
pub mod recognise;
pub mod report;
pub mod sheet;
pub mod solve;
#[cfg(test)]
mod testing;
pub mod unpack;
pub mod word;
