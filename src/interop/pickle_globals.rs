//! The globals a pickle may name and what a call of one makes (nothing is ever called: the
//! reader builds the value the call would have made), with the calendar arithmetic of
//! `datetime`'s pickled states.

use super::pickle_read::{bad, Py};
use crate::codec::bigint;
use crate::error::Result;

/// The globals a pickle may name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Allowed {
    DateTime,
    Date,
    Timezone,
    Timedelta,
    Decimal,
    Set,
    FrozenSet,
    ByteArray,
    SafeString,
}

pub(super) fn allowed(module: &str, name: &str) -> Option<Allowed> {
    Some(match (module, name) {
        ("datetime", "datetime") => Allowed::DateTime,
        ("datetime", "date") => Allowed::Date,
        ("datetime", "timezone") => Allowed::Timezone,
        ("datetime", "timedelta") => Allowed::Timedelta,
        ("decimal", "Decimal") => Allowed::Decimal,
        ("builtins" | "__builtin__", "set") => Allowed::Set,
        ("builtins" | "__builtin__", "frozenset") => Allowed::FrozenSet,
        ("builtins" | "__builtin__", "bytearray") => Allowed::ByteArray,
        ("django.utils.safestring", "SafeString" | "SafeText") => Allowed::SafeString,
        _ => return None,
    })
}

fn args(nodes: &[Py], args: usize) -> Result<Vec<usize>> {
    match &nodes[args] {
        Py::Tuple(items) => Ok(items.clone()),
        _ => Err(bad("arguments that are not a tuple")),
    }
}

/// The value a call of an allowed global makes (nothing is called).
pub(super) fn call(nodes: &[Py], callable: usize, args: usize) -> Result<Py> {
    let Py::Global(global) = nodes[callable] else {
        return Err(bad("a call of something that is not an allowed global"));
    };
    let args = self::args(nodes, args)?;
    let arg = |i: usize| args.get(i).map(|&n| &nodes[n]);
    let number = |i: usize| -> Result<f64> {
        match arg(i) {
            Some(Py::Int(twos)) => bigint::to_i128(twos)
                .map(|v| v as f64)
                .ok_or_else(|| bad("an argument too large")),
            None => Ok(0.0),
            _ => Err(bad("a timedelta argument that is not an int")),
        }
    };
    match (global, args.len()) {
        (Allowed::DateTime, 1 | 2) => {
            let Some(Py::Bytes(state)) = arg(0) else {
                return Err(bad("a datetime without its bytes"));
            };
            let offset = match arg(1) {
                None => 0.0,
                Some(Py::Timezone(s)) => *s,
                Some(_) => return Err(bad("a datetime with a tzinfo that is not a timezone")),
            };
            datetime_ms(state).map(|ms| Py::DateTime(ms - offset * 1000.0))
        }
        (Allowed::Date, 1) => match arg(0) {
            Some(Py::Bytes(state)) if state.len() == 4 => {
                let year = i64::from(u16::from_be_bytes([state[0], state[1]]));
                checked_date(year, state[2], state[3])
                    .map(|days| Py::Date(days as f64 * 86_400_000.0))
            }
            _ => Err(bad("a date without its bytes")),
        },
        (Allowed::Timedelta, 1..=3) => Ok(Py::Timedelta(
            number(0)? * 86_400.0 + number(1)? + number(2)? / 1e6,
        )),
        (Allowed::Timezone, 1 | 2) => match arg(0) {
            Some(Py::Timedelta(s)) => Ok(Py::Timezone(*s)),
            _ => Err(bad("a timezone without its offset")),
        },
        (Allowed::Decimal, 1) => match arg(0) {
            Some(Py::Str(s)) => Ok(Py::Decimal(s.clone())),
            _ => Err(bad("a Decimal that is not made from a string")),
        },
        (Allowed::Set | Allowed::FrozenSet, 0) => Ok(Py::Set(Vec::new())),
        (Allowed::Set | Allowed::FrozenSet, 1) => match arg(0) {
            Some(Py::List(items) | Py::Tuple(items)) => Ok(Py::Set(items.clone())),
            _ => Err(bad("a set made from something that is not a list")),
        },
        (Allowed::ByteArray, 0) => Ok(Py::Bytes(Vec::new())),
        (Allowed::ByteArray, 1) => match arg(0) {
            Some(Py::Bytes(b)) => Ok(Py::Bytes(b.clone())),
            _ => Err(bad("a bytearray made from something that is not bytes")),
        },
        (Allowed::SafeString, 1) => match arg(0) {
            Some(Py::Str(s)) => Ok(Py::Str(s.clone())),
            _ => Err(bad("a SafeString made from something that is not a string")),
        },
        _ => Err(bad("a call with unexpected arguments")),
    }
}

/// Days from 1970-01-01 to a valid proleptic Gregorian date.
fn checked_date(year: i64, month: u8, day: u8) -> Result<i64> {
    let month = month & 0x7f; // the fold bit rides on the month byte
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    let days_in = [
        31,
        if leap { 29 } else { 28 },
        31,
        30,
        31,
        30,
        31,
        31,
        30,
        31,
        30,
        31,
    ];
    if !(1..=9999).contains(&year)
        || !(1..=12).contains(&month)
        || day == 0
        || day > days_in[usize::from(month - 1)]
    {
        return Err(bad("an invalid date"));
    }
    Ok(days_from_civil(year, i64::from(month), i64::from(day)))
}

/// Days since the epoch of a civil date (Howard Hinnant's algorithm).
pub(super) fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * (month + if month > 2 { -3 } else { 9 }) + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn datetime_ms(state: &[u8]) -> Result<f64> {
    if state.len() != 10 {
        return Err(bad("a datetime state that is not 10 bytes"));
    }
    let year = i64::from(u16::from_be_bytes([state[0], state[1]]));
    let days = checked_date(year, state[2], state[3])?;
    let (hour, minute, second) = (state[4], state[5], state[6]);
    let micros = u32::from_be_bytes([0, state[7], state[8], state[9]]);
    if hour > 23 || minute > 59 || second > 59 || micros > 999_999 {
        return Err(bad("an invalid time"));
    }
    let seconds =
        days * 86_400 + i64::from(hour) * 3600 + i64::from(minute) * 60 + i64::from(second);
    Ok(seconds as f64 * 1000.0 + f64::from(micros / 1000))
}

/// Civil date of days since the epoch (Howard Hinnant's algorithm).
pub(super) fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(month <= 2), month, day)
}
