//! Structured logs for Terraform: one hclog-style JSON object per line on stderr.
//!
//! Terraform reads the provider's stderr line by line and re-logs JSON objects with their
//! `@level`, so `TF_LOG=DEBUG` (or `TF_LOG_PROVIDER`) shows them. Invariants:
//! - never write to stdout (Terraform reads the handshake there);
//! - `@level`, `@message` and `@timestamp` are always JSON strings, the timestamp with exactly six
//!   fractional digits (Terraform 1.0.3 panics on anything else);
//! - never log a credential: callers pass names and ids, never keys, tokens or whole configs.
//!
//! Logging is off unless Terraform's log level asks for it, so the common path costs one branch.

use std::io::Write;
use std::sync::OnceLock;
use std::time::{SystemTime, UNIX_EPOCH};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    Trace = 0,
    Debug = 1,
    Info = 2,
    Warn = 3,
    Error = 4,
    Off = 5,
}

impl Level {
    fn name(self) -> &'static str {
        match self {
            Level::Trace => "trace",
            Level::Debug => "debug",
            Level::Info => "info",
            Level::Warn => "warn",
            Level::Error => "error",
            Level::Off => "off",
        }
    }

    /// The level Terraform asks for: `TF_LOG_PROVIDER`, else `TF_LOG`; unset means off.
    pub fn from_env() -> Level {
        let raw = std::env::var("TF_LOG_PROVIDER")
            .or_else(|_| std::env::var("TF_LOG"))
            .unwrap_or_default();
        match raw.trim().to_ascii_uppercase().as_str() {
            "TRACE" | "JSON" => Level::Trace,
            "DEBUG" => Level::Debug,
            "INFO" => Level::Info,
            "WARN" => Level::Warn,
            "ERROR" => Level::Error,
            _ => Level::Off,
        }
    }
}

fn threshold() -> Level {
    static LEVEL: OnceLock<Level> = OnceLock::new();
    *LEVEL.get_or_init(Level::from_env)
}

pub fn enabled(level: Level) -> bool {
    level >= threshold() && threshold() != Level::Off
}

/// Writes one log line if `level` is enabled. `fields` are extra key/value pairs.
pub fn log(level: Level, message: &str, fields: &[(&str, &str)]) {
    if !enabled(level) {
        return;
    }
    let line = format_line(level, message, fields, SystemTime::now());
    let mut err = std::io::stderr().lock();
    let _ = err.write_all(line.as_bytes());
}

pub fn debug(message: &str, fields: &[(&str, &str)]) {
    log(Level::Debug, message, fields)
}
pub fn info(message: &str, fields: &[(&str, &str)]) {
    log(Level::Info, message, fields)
}
pub fn warn(message: &str, fields: &[(&str, &str)]) {
    log(Level::Warn, message, fields)
}
pub fn error(message: &str, fields: &[(&str, &str)]) {
    log(Level::Error, message, fields)
}

fn format_line(level: Level, message: &str, fields: &[(&str, &str)], now: SystemTime) -> String {
    let mut obj = serde_json::Map::new();
    obj.insert("@level".into(), level.name().into());
    obj.insert("@message".into(), message.into());
    obj.insert("@module".into(), "sagemaker".into());
    obj.insert("@timestamp".into(), timestamp(now).into());
    for (k, v) in fields {
        obj.insert((*k).to_string(), (*v).into());
    }
    let mut s = serde_json::Value::Object(obj).to_string();
    s.push('\n');
    s
}

/// `2006-01-02T15:04:05.000000Z`: UTC with exactly six fractional digits.
fn timestamp(now: SystemTime) -> String {
    let d = now.duration_since(UNIX_EPOCH).unwrap_or_default();
    let secs = d.as_secs() as i64;
    let (days, rem) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    let (y, m, day) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{day:02}T{:02}:{:02}:{:02}.{:06}Z",
        rem / 3600,
        (rem / 60) % 60,
        rem % 60,
        d.subsec_micros()
    )
}

/// Days since 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's civil algorithm).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + if m <= 2 { 1 } else { 0 };
    (y, m, d)
}

/// Makes a panic print a `panic: <message>` line on stderr, which Terraform recognises and
/// turns into its "plugin crashed" report. The gRPC layer separately turns a panicking handler
/// into an error diagnostic, so the process itself survives.
pub fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        let msg = if let Some(s) = info.payload().downcast_ref::<&str>() {
            (*s).to_string()
        } else if let Some(s) = info.payload().downcast_ref::<String>() {
            s.clone()
        } else {
            "unknown panic".to_string()
        };
        let loc = info.location().map(|l| format!("{}:{}", l.file(), l.line())).unwrap_or_default();
        let mut err = std::io::stderr().lock();
        let _ = writeln!(err, "panic: {msg}\n\nat {loc}");
    }));
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn timestamp_has_six_fraction_digits() {
        let t = UNIX_EPOCH + Duration::from_micros(1_700_000_000_123_456);
        assert_eq!(timestamp(t), "2023-11-14T22:13:20.123456Z");
        assert_eq!(timestamp(UNIX_EPOCH), "1970-01-01T00:00:00.000000Z");
    }

    #[test]
    fn line_is_one_json_object_with_string_fields() {
        let line = format_line(Level::Info, "hello \"x\"", &[("pipeline", "p1")], UNIX_EPOCH);
        assert!(line.ends_with('\n'));
        assert_eq!(line.matches('\n').count(), 1);
        let v: serde_json::Value = serde_json::from_str(line.trim_end()).expect("json");
        assert_eq!(v["@level"], "info");
        assert_eq!(v["@message"], "hello \"x\"");
        assert_eq!(v["pipeline"], "p1");
        assert!(v["@timestamp"].is_string());
    }
}
