//! Calendar months as a calibration names them (`YYYY-MM`): the window fitted, the months of
//! the data, and where a month falls in a run that starts on a given date.

use std::fmt;

use crate::scenario::calendar::Date;

/// A calendar month.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Month {
    /// Year.
    pub year: i32,
    /// Month, 1 to 12.
    pub month: u32,
}

impl Month {
    /// Reads `YYYY-MM` (a month of the years a scenario date may name); the message says what is
    /// allowed.
    pub fn parse(text: &str) -> Result<Month, String> {
        let first = Date::parse(&format!("{text}-01"))
            .ok()
            .filter(|_| text.len() == 7)
            .ok_or_else(|| format!("must be a month written YYYY-MM (years 1900–2200), got {text:?}"))?;
        Ok(Month::of(first))
    }

    /// The month `date` falls in.
    pub fn of(date: Date) -> Month {
        Month {
            year: date.year,
            month: date.month,
        }
    }

    /// Its first day.
    pub fn first_day(self) -> Date {
        Date {
            year: self.year,
            month: self.month,
            day: 1,
        }
    }

    /// Its last day.
    pub fn last_day(self) -> Date {
        self.next().first_day().plus_days(-1)
    }

    /// The month after it.
    pub fn next(self) -> Month {
        if self.month == 12 {
            Month {
                year: self.year + 1,
                month: 1,
            }
        } else {
            Month {
                year: self.year,
                month: self.month + 1,
            }
        }
    }

    /// How many months `later` comes after this one (negative if before).
    pub fn months_until(self, later: Month) -> i64 {
        (i64::from(later.year) - i64::from(self.year)) * 12 + i64::from(later.month) - i64::from(self.month)
    }

    /// The months from this one to `last`, both included (none if `last` comes first).
    pub fn through(self, last: Month) -> Vec<Month> {
        let mut months = Vec::new();
        let mut month = self;
        while month <= last {
            months.push(month);
            month = month.next();
        }
        months
    }

    /// Its middle as a fractional year (2014-01 is 2014 + 0.5 / 12), for chart axes.
    pub fn middle_as_year(self) -> f64 {
        f64::from(self.year) + (f64::from(self.month) - 0.5) / 12.0
    }
}

impl fmt::Display for Month {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_parse_count_and_know_their_days() {
        let month = Month::parse("2016-02").unwrap();
        assert_eq!(month.to_string(), "2016-02");
        assert_eq!(month.last_day().to_string(), "2016-02-29");
        assert_eq!(Month::parse("2014-12").unwrap().next().to_string(), "2015-01");
        assert_eq!(Month::parse("2014-01").unwrap().months_until(month), 25);
        assert_eq!(
            Month::parse("2014-11")
                .unwrap()
                .through(Month::parse("2015-02").unwrap())
                .len(),
            4
        );
        for bad in ["2014-1", "2014-13", "201401", "2014-01-01", "", "1899-12"] {
            assert!(Month::parse(bad).unwrap_err().contains("YYYY-MM"), "{bad}");
        }
    }
}
