//! HTTP dates: Django's `http_date` and `parse_http_date`.

const DAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// Days since 1970-01-01 to (year, month 1-12, day 1-31), proleptic Gregorian.
fn civil(days: i64) -> (i64, usize, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month as usize, day)
}

/// (year, month 1-12, day) to days since 1970-01-01.
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// `Wdy, DD Mon YYYY HH:MM:SS GMT` for a time in seconds (floored), as Django's `http_date`.
///
/// ```
/// assert_eq!(edgecache::http::http_date(0.0), "Thu, 01 Jan 1970 00:00:00 GMT");
/// assert_eq!(edgecache::http::http_date(1_700_000_000.9), "Tue, 14 Nov 2023 22:13:20 GMT");
/// ```
pub fn http_date(seconds: f64) -> String {
    let t = seconds.floor() as i64;
    let days = t.div_euclid(86_400);
    let secs = t.rem_euclid(86_400);
    let (year, month, day) = civil(days);
    format!(
        "{}, {:02} {} {:04} {:02}:{:02}:{:02} GMT",
        DAYS[days.rem_euclid(7) as usize],
        day,
        MONTHS[month - 1],
        year,
        secs / 3600,
        secs / 60 % 60,
        secs % 60
    )
}

fn month(name: &str) -> Option<i64> {
    MONTHS.iter().position(|m| *m == name).map(|i| i as i64 + 1)
}

fn clock(text: &str) -> Option<i64> {
    let mut parts = text.split(':');
    let mut next = || -> Option<i64> {
        let p = parts.next()?;
        (p.len() == 2 && p.bytes().all(|b| b.is_ascii_digit()))
            .then(|| p.parse().ok())
            .flatten()
    };
    let (h, m, s) = (next()?, next()?, next()?);
    (h < 24 && m < 60 && s < 61).then_some(h * 3600 + m * 60 + s)
}

/// Seconds since the epoch of an HTTP date in any of the three formats Django accepts
/// (RFC 1123, RFC 850 with a two-digit year, asctime); `None` when it does not parse.
///
/// ```
/// use edgecache::http::parse_http_date;
/// assert_eq!(parse_http_date("Thu, 01 Jan 1970 00:01:00 GMT"), Some(60));
/// assert_eq!(parse_http_date("Thursday, 01-Jan-70 00:01:00 GMT"), Some(60));
/// assert_eq!(parse_http_date("Thu Jan  1 00:01:00 1970"), Some(60));
/// assert_eq!(parse_http_date("yesterday"), None);
/// ```
pub fn parse_http_date(text: &str) -> Option<i64> {
    let words: Vec<&str> = text.split_ascii_whitespace().collect();
    let (year, mon, day, time) = match words.as_slice() {
        [wd, d, m, y, t, "GMT"] if wd.ends_with(',') && y.len() == 4 => {
            (y.parse().ok()?, month(m)?, d.parse().ok()?, clock(t)?)
        }
        [wd, dmy, t, "GMT"] if wd.ends_with(',') => {
            let mut p = dmy.split('-');
            let (d, m, y) = (p.next()?, p.next()?, p.next()?);
            let y: i64 = y.parse().ok()?;
            // Two-digit years (obsolete RFC 850 dates): 70-99 are 19xx, the rest 20xx.
            let y = if y < 70 { 2000 + y } else { 1900 + y };
            (y, month(m)?, d.parse().ok()?, clock(t)?)
        }
        [_, m, d, t, y] => (y.parse().ok()?, month(m)?, d.parse().ok()?, clock(t)?),
        _ => return None,
    };
    if !(1..=31).contains(&day) {
        return None;
    }
    Some(days_from_civil(year, mon, day) * 86_400 + time)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_and_parses_back_across_years() {
        for t in [0.0, 951_782_400.0, 4_102_444_799.0, 1_234_567_890.0] {
            let text = http_date(t);
            assert_eq!(parse_http_date(&text), Some(t as i64), "{text}");
        }
        assert_eq!(http_date(951_782_400.0), "Tue, 29 Feb 2000 00:00:00 GMT");
    }
}
