//! The calendar of a scenario with a `start_date`: day t ≥ 1 of a run is the date
//! `start_date + (t − 1)` (day 0 is the state before the first day), and each day belongs to a
//! calendar month. Proleptic Gregorian dates, by the days-from-civil algorithm of Hinnant
//! ("chrono-Compatible Low-Level Date Algorithms", 2013), exact in integers.

use std::fmt;

/// A calendar date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Date {
    /// Year, 1900 to 2200.
    pub year: i32,
    /// Month, 1 to 12.
    pub month: u32,
    /// Day of the month, from 1.
    pub day: u32,
}

/// Earliest and latest years a scenario date may name.
const YEARS: std::ops::RangeInclusive<i32> = 1900..=2200;

impl Date {
    /// Reads `YYYY-MM-DD`; the message says what is wrong and what is allowed.
    pub fn parse(text: &str) -> Result<Date, String> {
        let wrong = || {
            format!(
                "must be a date written YYYY-MM-DD (years {}–{}), got {text:?}",
                YEARS.start(),
                YEARS.end()
            )
        };
        let parts: Vec<&str> = text.split('-').collect();
        let [year, month, day] = parts[..] else {
            return Err(wrong());
        };
        if year.len() != 4
            || month.len() != 2
            || day.len() != 2
            || !text.bytes().all(|b| b.is_ascii_digit() || b == b'-')
        {
            return Err(wrong());
        }
        let (year, month, day): (i32, u32, u32) = match (year.parse(), month.parse(), day.parse()) {
            (Ok(y), Ok(m), Ok(d)) => (y, m, d),
            _ => return Err(wrong()),
        };
        if !YEARS.contains(&year) || !(1..=12).contains(&month) || day < 1 || day > days_in_month(year, month) {
            return Err(format!(
                "{text:?} is not a date between {}-01-01 and {}-12-31",
                YEARS.start(),
                YEARS.end()
            ));
        }
        Ok(Date { year, month, day })
    }

    /// Days since 1970-01-01 (negative before).
    pub fn days_since_epoch(self) -> i64 {
        let y = i64::from(self.year) - i64::from(self.month <= 2);
        let era = y.div_euclid(400);
        let year_of_era = y - era * 400;
        let month = i64::from(self.month);
        let day_of_year = (153 * (month + if month > 2 { -3 } else { 9 }) + 2) / 5 + i64::from(self.day) - 1;
        let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
        era * 146_097 + day_of_era - 719_468
    }

    /// The date `days` days since 1970-01-01.
    pub fn from_days_since_epoch(days: i64) -> Date {
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let day_of_era = z - era * 146_097;
        let year_of_era = (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
        let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
        let mp = (5 * day_of_year + 2) / 153;
        let day = (day_of_year - (153 * mp + 2) / 5 + 1) as u32;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
        let year = (year_of_era + era * 400 + i64::from(month <= 2)) as i32;
        Date { year, month, day }
    }

    /// The date `days` days after this one.
    pub fn plus_days(self, days: i64) -> Date {
        Date::from_days_since_epoch(self.days_since_epoch() + days)
    }

    /// The month, `YYYY-MM`.
    pub fn month_label(self) -> String {
        format!("{:04}-{:02}", self.year, self.month)
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

/// Days in `month` of `year`.
fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// The date of day `day` (≥ 1) of a run that starts on `start`.
pub fn date_of_day(start: Date, day: u32) -> Date {
    start.plus_days(i64::from(day) - 1)
}

/// The day of a run starting on `start` on which `date` falls (1 for `start` itself), if it is
/// not before the start.
pub fn day_of_date(start: Date, date: Date) -> Option<u32> {
    u32::try_from(date.days_since_epoch() - start.days_since_epoch() + 1).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_round_trip_through_day_counts_across_leap_years_and_centuries() {
        assert_eq!(Date::parse("1970-01-01").unwrap().days_since_epoch(), 0);
        assert_eq!(Date::parse("2000-03-01").unwrap().days_since_epoch(), 11_017);
        assert_eq!(Date::parse("1900-03-01").unwrap().days_since_epoch(), -25_508);
        for days in -25_567..80_000 {
            let date = Date::from_days_since_epoch(days);
            assert_eq!(date.days_since_epoch(), days, "{date}");
            assert_eq!(Date::parse(&date.to_string()), Ok(date));
        }
    }

    #[test]
    fn days_of_a_run_fall_on_calendar_dates() {
        let start = Date::parse("2014-01-01").unwrap();
        assert_eq!(date_of_day(start, 1).to_string(), "2014-01-01");
        assert_eq!(date_of_day(start, 59).to_string(), "2014-02-28");
        assert_eq!(date_of_day(start, 790).to_string(), "2016-02-29");
        assert_eq!(date_of_day(start, 2557).to_string(), "2020-12-31");
        assert_eq!(day_of_date(start, Date::parse("2015-12-05").unwrap()), Some(704));
        assert_eq!(day_of_date(start, Date::parse("2013-12-31").unwrap()), Some(0));
        assert_eq!(day_of_date(start, Date::parse("2013-12-30").unwrap()), None);
        assert_eq!(date_of_day(start, 32).month_label(), "2014-02");
    }

    #[test]
    fn malformed_and_impossible_dates_are_refused_with_the_form() {
        for text in ["2014-1-01", "14-01-01", "2014/01/01", "2014-01-01x", "", "+014-01-01"] {
            assert!(Date::parse(text).unwrap_err().contains("YYYY-MM-DD"), "{text}");
        }
        for text in ["2015-02-29", "2014-13-01", "2014-04-31", "1899-12-31", "2201-01-01"] {
            assert!(Date::parse(text).unwrap_err().contains("is not a date"), "{text}");
        }
        assert!(Date::parse("2016-02-29").is_ok());
    }
}
