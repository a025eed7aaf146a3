//! Parquet output: the same three tables as the CSVs, same column names.
//! `amount` is decimal(18,2); counts and years are integers; codes stay
//! strings; an empty text cell is null. Rows are buffered and written in
//! row groups, so memory stays bounded.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{Context, Result};
use arrow_array::builder::{Decimal128Builder, Int64Builder, StringBuilder};
use arrow_array::{ArrayRef, RecordBatch};
use arrow_schema::{DataType, Field, Schema};
use parquet::arrow::ArrowWriter;
use parquet::basic::Compression;
use parquet::file::properties::WriterProperties;

use std::borrow::Cow;

use super::Fields;
use crate::amount::Amount;

/// How a column is typed in Parquet.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Text,
    Integer,
    /// decimal(18,2)
    Money,
}

pub const LINE_ITEM_KINDS: [Kind; 14] = {
    use Kind::*;
    [
        Text, Text, Text, Text, Text, Text, Integer, Text, Text, Text, Money, Text, Text, Text,
    ]
};

pub const CHECK_KINDS: [Kind; 7] = [Kind::Text; 7];

pub const DOCUMENT_KINDS: [Kind; 22] = {
    use Kind::*;
    [
        Text, Text, Text, Text, Text, Text, Integer, Text, Text, Integer, Integer, Integer,
        Integer, Integer, Integer, Text, Integer, Integer, Integer, Integer, Text, Text,
    ]
};

const ROW_GROUP: usize = 8192;

/// A Parquet file written from records, a row group at a time.
pub struct ParquetSink {
    schema: Arc<Schema>,
    kinds: Vec<Kind>,
    pending: Vec<Vec<String>>,
    writer: ArrowWriter<File>,
    tmp: PathBuf,
    dest: PathBuf,
}

impl ParquetSink {
    pub fn create(dir: &Path, name: &str, columns: &[&str], kinds: &[Kind]) -> Result<Self> {
        let fields: Vec<Field> = columns
            .iter()
            .zip(kinds)
            .map(|(c, k)| {
                let t = match k {
                    Kind::Text => DataType::Utf8,
                    Kind::Integer => DataType::Int64,
                    Kind::Money => DataType::Decimal128(18, 2),
                };
                Field::new(*c, t, true)
            })
            .collect();
        let schema = Arc::new(Schema::new(fields));
        let dest = dir.join(name);
        let tmp = dir.join(format!(".{name}.partial"));
        let file = File::create(&tmp).with_context(|| format!("creating {}", tmp.display()))?;
        let props = WriterProperties::builder()
            .set_compression(Compression::SNAPPY)
            .build();
        let writer = ArrowWriter::try_new(file, schema.clone(), Some(props))?;
        Ok(ParquetSink {
            schema,
            kinds: kinds.to_vec(),
            pending: Vec::new(),
            writer,
            tmp,
            dest,
        })
    }

    pub fn write(&mut self, record: &impl Fields) -> Result<()> {
        self.pending
            .push(record.fields().into_iter().map(Cow::into_owned).collect());
        if self.pending.len() >= ROW_GROUP {
            self.flush()?;
        }
        Ok(())
    }

    fn flush(&mut self) -> Result<()> {
        if self.pending.is_empty() {
            return Ok(());
        }
        let rows = std::mem::take(&mut self.pending);
        let columns: Vec<ArrayRef> = self
            .kinds
            .iter()
            .enumerate()
            .map(|(i, kind)| column(*kind, rows.iter().map(|r| r[i].as_str())))
            .collect::<Result<_>>()?;
        let batch = RecordBatch::try_new(self.schema.clone(), columns)?;
        self.writer
            .write(&batch)
            .with_context(|| format!("writing {}", self.tmp.display()))?;
        Ok(())
    }

    pub fn finish(mut self) -> Result<()> {
        self.flush()?;
        self.writer.close()?;
        std::fs::rename(&self.tmp, &self.dest)
            .with_context(|| format!("moving {} into place", self.dest.display()))
    }
}

fn column<'a>(kind: Kind, values: impl Iterator<Item = &'a str>) -> Result<ArrayRef> {
    Ok(match kind {
        Kind::Text => {
            let mut b = StringBuilder::new();
            for v in values {
                if v.is_empty() {
                    b.append_null()
                } else {
                    b.append_value(v)
                }
            }
            Arc::new(b.finish())
        }
        Kind::Integer => {
            let mut b = Int64Builder::new();
            for v in values {
                b.append_option(v.parse::<i64>().ok());
            }
            Arc::new(b.finish())
        }
        Kind::Money => {
            let mut b = Decimal128Builder::new();
            for v in values {
                b.append_option(Amount::parse(v).map(|a| i128::from(a.cents)));
            }
            Arc::new(b.finish().with_precision_and_scale(18, 2)?)
        }
    })
}
