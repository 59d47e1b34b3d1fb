//! The observed data a calibration fits: a CSV file in the long format of `data/p2p_china`
//! (`month, metric, value, unit, source_id, note`; only `month`, `metric`, `value` and
//! `source_id` are read), from which each series takes the rows of its metric and source.
//! Errors name the data file, the line and the column.

use crate::error::{Error, Location, Result};
use crate::experiment::calibrate::file::Series;
use crate::experiment::calibrate::month::Month;

/// The columns a data file must have.
const COLUMNS: [&str; 4] = ["month", "metric", "value", "source_id"];

/// One row of the data file, as text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct DataRow {
    /// Its 1-based line in the file.
    line: usize,
    month: String,
    metric: String,
    value: String,
    source: String,
}

/// The rows of the data file `bytes` (named `name` in errors).
pub(crate) fn read_rows(bytes: &[u8], name: &str) -> Result<Vec<DataRow>> {
    let syntax = |line: Option<usize>, message: String| Error::Data {
        location: Location::new(name, line),
        message,
    };
    let mut reader = csv::ReaderBuilder::new().from_reader(bytes);
    let headers = reader
        .headers()
        .map_err(|e| syntax(Some(1), format!("not a CSV file: {e}")))?
        .clone();
    let index: Vec<usize> = COLUMNS
        .iter()
        .map(|column| {
            headers.iter().position(|h| h.trim() == *column).ok_or_else(|| {
                syntax(
                    Some(1),
                    format!(
                        "the header has no `{column}` column; a data file needs the columns {}",
                        COLUMNS.map(|c| format!("`{c}`")).join(", ")
                    ),
                )
            })
        })
        .collect::<Result<_>>()?;
    reader
        .records()
        .map(|record| {
            let record = record.map_err(|e| {
                let line = e.position().map(|p| p.line() as usize);
                syntax(line, format!("not a CSV row: {e}"))
            })?;
            let field = |k: usize| record.get(index[k]).unwrap_or_default().trim().to_string();
            Ok(DataRow {
                line: record.position().map_or(0, |p| p.line() as usize),
                month: field(0),
                metric: field(1),
                value: field(2),
                source: field(3),
            })
        })
        .collect()
}

/// The observations of `series` among `rows` (of the data file `name`), by month: every row of
/// its metric and source, each month at most once, each value a number its distance can
/// compare. Empty when there are none.
pub(crate) fn observations(rows: &[DataRow], name: &str, series: &Series) -> Result<Vec<(Month, f64)>> {
    let invalid = |row: &DataRow, column: &str, message: String| Error::Invalid {
        location: Location::new(name, Some(row.line)),
        key: column.to_string(),
        message,
    };
    // (month, value, the row, its source's rank in the order of preference)
    let mut found: Vec<(Month, f64, &DataRow, usize)> = Vec::new();
    for (row, rank) in rows
        .iter()
        .filter(|row| row.metric == series.metric)
        .filter_map(|row| Some((row, series.source.rank(&row.source)?)))
    {
        let month = Month::parse(&row.month).map_err(|message| invalid(row, "month", message))?;
        let value: f64 = row
            .value
            .parse()
            .ok()
            .filter(|v: &f64| v.is_finite())
            .ok_or_else(|| invalid(row, "value", format!("must be a finite number, got {:?}", row.value)))?;
        if let Some(reason) = series.distance.refuses(value) {
            return Err(invalid(
                row,
                "value",
                format!("{value} cannot be fitted by series `{}`: {reason}", series.name),
            ));
        }
        match found.iter_mut().find(|(m, ..)| *m == month) {
            Some((_, _, earlier, earlier_rank)) if *earlier_rank == rank => {
                return Err(invalid(
                    row,
                    "month",
                    format!(
                        "{month} has another row of metric `{}` from source `{}` (line {}); a series takes one value a \
                         month from a source",
                        series.metric, row.source, earlier.line
                    ),
                ))
            }
            Some(kept) if kept.3 > rank => *kept = (month, value, row, rank),
            Some(_) => {}
            None => found.push((month, value, row, rank)),
        }
    }
    let mut observations: Vec<(Month, f64)> = found.into_iter().map(|(m, v, ..)| (m, v)).collect();
    observations.sort_by_key(|(month, _)| *month);
    Ok(observations)
}

/// The sources with rows of `metric`, sorted, for a message saying what exists.
pub(crate) fn sources_of(rows: &[DataRow], metric: &str) -> Vec<String> {
    let mut sources: Vec<String> = rows
        .iter()
        .filter(|row| row.metric == metric)
        .map(|row| row.source.clone())
        .collect();
    sources.sort();
    sources.dedup();
    sources
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::experiment::calibrate::file::{Distance, Sources};

    fn series(distance: Distance) -> Series {
        Series {
            name: "s".to_string(),
            metric: "new_problem_police".to_string(),
            source: Sources(vec!["A".to_string()]),
            distance,
            weight: 1.0,
        }
    }

    const DATA: &str = "month,metric,value,unit,source_id,note\n\
        2014-02,new_problem_police,3,platforms,A,\"a note, with a comma\"\n\
        2014-01,new_problem_police,0,platforms,A,\n\
        2014-01,new_problem_police,5,platforms,B,\n\
        2014-01,operating_platforms,100,platforms,A,\n";

    #[test]
    fn a_series_takes_the_rows_of_its_metric_and_source_by_month() {
        let rows = read_rows(DATA.as_bytes(), "d.csv").unwrap();
        let found = observations(&rows, "d.csv", &series(Distance::Poisson {})).unwrap();
        let months: Vec<String> = found.iter().map(|(m, v)| format!("{m}={v}")).collect();
        assert_eq!(months, ["2014-01=0", "2014-02=3"]);
        assert_eq!(sources_of(&rows, "new_problem_police"), ["A", "B"]);
    }

    #[test]
    fn a_month_takes_the_first_listed_source_that_has_it() {
        let rows = read_rows(DATA.as_bytes(), "d.csv").unwrap();
        let preferring = |sources: &[&str]| {
            let series = Series {
                source: Sources(sources.iter().map(|s| s.to_string()).collect()),
                ..series(Distance::Poisson {})
            };
            let found = observations(&rows, "d.csv", &series).unwrap();
            found.iter().map(|(m, v)| format!("{m}={v}")).collect::<Vec<_>>()
        };
        assert_eq!(preferring(&["B", "A"]), ["2014-01=5", "2014-02=3"]);
        assert_eq!(preferring(&["A", "B"]), ["2014-01=0", "2014-02=3"]);
        assert_eq!(preferring(&["B"]), ["2014-01=5"]);
    }

    #[test]
    fn bad_rows_name_the_file_line_and_column() {
        let rows = read_rows(DATA.as_bytes(), "d.csv").unwrap();
        let error = observations(&rows, "d.csv", &series(Distance::Log { sigma: 0.1 })).unwrap_err();
        assert!(
            error
                .to_string()
                .starts_with("d.csv:3: `value`: 0 cannot be fitted by series `s`: the log distance"),
            "{error}"
        );
        let twice = format!("{DATA}2014-02,new_problem_police,4,platforms,A,\n");
        let rows = read_rows(twice.as_bytes(), "d.csv").unwrap();
        let error = observations(&rows, "d.csv", &series(Distance::Sqrt {})).unwrap_err();
        assert!(
            error.to_string().starts_with(
                "d.csv:6: `month`: 2014-02 has another row of metric `new_problem_police` from source `A` (line 2)"
            ),
            "{error}"
        );
        let bad = format!("{DATA}2014-3,new_problem_police,x,platforms,A,\n");
        let rows = read_rows(bad.as_bytes(), "d.csv").unwrap();
        let error = observations(&rows, "d.csv", &series(Distance::Sqrt {})).unwrap_err();
        assert!(
            error.to_string().starts_with("d.csv:6: `month`: must be a month"),
            "{error}"
        );
        let error = read_rows(b"month,metric,value\n", "d.csv").unwrap_err();
        assert!(
            error
                .to_string()
                .starts_with("d.csv:1: the header has no `source_id` column"),
            "{error}"
        );
    }
}
