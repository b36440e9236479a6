//! Reusable [`Validator`]s for `Attribute::validate`: string length, a predicate or a regular
//! expression over strings, one of a fixed set of strings, and number ranges.
//!
//! Each reports at most one error, at the attribute's path, with a summary naming the attribute
//! (or the caller's summary) and a detail saying what is accepted. Values are echoed shortened,
//! so a pasted blob is not repeated whole.
//!
//! Depends on `tfvalue` and the framework's `diag`/`schema`. Must not know about any resource.

use super::diag::{AttrPath, PathStep};
use super::schema::Validator;

/// The attribute's own name: the last attribute step of its path.
fn name_of(path: &AttrPath) -> String {
    path.0
        .iter()
        .rev()
        .find_map(|s| match s {
            PathStep::Attr(a) => Some(a.clone()),
            _ => None,
        })
        .unwrap_or_else(|| "value".to_string())
}

/// At most 60 characters of user text, quoted, for a summary.
pub(crate) fn shown(text: &str) -> String {
    if text.chars().count() <= 60 {
        format!("{text:?}")
    } else {
        format!("{:?}...", text.chars().take(57).collect::<String>())
    }
}

/// A string of `min` to `max` characters (Unicode scalar values, as SageMaker counts them).
pub fn string_length(min: usize, max: usize) -> Validator {
    Validator::new(move |v, path, diags| {
        let Some(s) = v.as_str() else { return };
        let n = s.chars().count();
        let name = name_of(path);
        let range = if min == 0 {
            format!("at most {max} characters")
        } else {
            format!("{min} to {max} characters")
        };
        if n > max {
            diags.error_at(
                path.clone(),
                format!("{name} is too long"),
                format!("Use {range}; this value has {n}."),
            );
        } else if n < min {
            diags.error_at(
                path.clone(),
                format!("{name} is too short"),
                format!("Use {range}; this value has {n}."),
            );
        }
    })
}

/// A string `ok` accepts. The error's summary is `summary` followed by the value, e.g.
/// `Invalid pipeline name "bad_name"`; `detail` says what is accepted, with an example.
pub fn string_check(
    ok: fn(&str) -> bool,
    summary: &'static str,
    detail: &'static str,
) -> Validator {
    Validator::new(move |v, path, diags| {
        let Some(s) = v.as_str() else { return };
        if !ok(s) {
            diags.error_at(path.clone(), format!("{summary} {}", shown(s)), detail);
        }
    })
}

/// A string matching the regular expression `pattern` (anchor it with `^...$` to match the whole
/// value). Messages as in [`string_check`]. An invalid pattern is a bug in the schema: it is
/// reported as such for every value instead of panicking.
pub fn string_matches(pattern: &str, summary: &'static str, detail: &'static str) -> Validator {
    let re = regex_lite::Regex::new(pattern).map_err(|e| format!("{pattern}: {e}"));
    Validator::new(move |v, path, diags| {
        let Some(s) = v.as_str() else { return };
        match &re {
            Ok(re) if re.is_match(s) => {}
            Ok(_) => diags.error_at(path.clone(), format!("{summary} {}", shown(s)), detail),
            Err(why) => diags.error_at(
                path.clone(),
                "The provider's schema has an invalid pattern",
                format!("{why}. This is a bug in the provider; please report it."),
            ),
        }
    })
}

/// One of `allowed`, exactly (case matters).
pub fn one_of(allowed: &'static [&'static str]) -> Validator {
    Validator::new(move |v, path, diags| {
        let Some(s) = v.as_str() else { return };
        if !allowed.contains(&s) {
            diags.error_at(
                path.clone(),
                format!("Invalid {} {}", name_of(path), shown(s)),
                format!(
                    "Use one of {}.",
                    allowed.iter().map(|a| format!("{a:?}")).collect::<Vec<_>>().join(", ")
                ),
            );
        }
    })
}

/// A number from `min` to `max` inclusive; with `whole`, a whole number. The number is checked
/// as given, never coerced, and not repeated in the message (it may be 400 digits long).
pub fn number_range(min: f64, max: f64, whole: bool) -> Validator {
    Validator::new(move |v, path, diags| {
        let Some(n) = v.as_number() else { return };
        let kind = if whole { "a whole number" } else { "a number" };
        let fits = n.is_finite() && (min..=max).contains(&n.as_f64());
        if (whole && !n.is_integer()) || !fits {
            let name = name_of(path);
            // A huge maximum is named only to a value beyond it (helper finding: 2147483648
            // was told "at least 1").
            let beyond = n.is_finite() && n.as_f64() > max;
            let range = if max == f64::MAX || (max >= i32::MAX as f64 && !beyond) {
                format!("of at least {min}")
            } else {
                format!("from {min} to {max}")
            };
            diags.error_at(
                path.clone(),
                format!("Invalid {name}"),
                format!("Use {kind} {range}, e.g. {min}."),
            );
        }
    })
}

/// A list of at most `max_items` elements, as the API's list limits (e.g. a processing job's
/// `ContainerArguments`: 100 items). The error is at the list.
pub fn list_length(max_items: usize) -> Validator {
    Validator::new(move |v, path, diags| {
        let Some(items) = v.as_list() else { return };
        if items.len() > max_items {
            diags.error_at(
                path.clone(),
                format!("Too many items in {}", name_of(path)),
                format!("SageMaker takes at most {max_items}; this list has {}.", items.len()),
            );
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::framework::Diagnostics;
    use crate::tfvalue::{Number, Value};

    fn run(v: &Validator, value: Value) -> Vec<String> {
        let mut d = Diagnostics::new();
        v.check(&value, &AttrPath::root("block").index(0).attr("name"), &mut d);
        d.iter()
            .map(|d| {
                format!("{}: {} | {}", d.path.clone().unwrap_or_default(), d.summary, d.detail)
            })
            .collect()
    }

    fn number(text: &str) -> Value {
        Value::Number(Number::parse(text).expect("number"))
    }

    #[test]
    fn string_length_counts_characters_and_names_the_attribute() {
        let v = string_length(2, 4);
        assert!(run(&v, Value::string("ééé")).is_empty(), "three characters, six bytes");
        assert_eq!(
            run(&v, Value::string("abcde")),
            vec!["block[0].name: name is too long | Use 2 to 4 characters; this value has 5."]
        );
        assert_eq!(run(&v, Value::string("a")).len(), 1);
        assert!(run(&string_length(0, 3), Value::string(""))[..].is_empty());
    }

    #[test]
    fn string_check_and_string_matches_echo_a_shortened_value() {
        let v = string_check(|s| s.starts_with('a'), "Invalid thing", "Start with a.");
        assert!(run(&v, Value::string("abc")).is_empty());
        let long = "b".repeat(100);
        let d = run(&v, Value::string(long));
        assert_eq!(d.len(), 1);
        assert!(d[0].contains(&format!("Invalid thing \"{}\"...", "b".repeat(57))), "{d:?}");
        let re = string_matches("^[a-z]+-[0-9]$", "Invalid id", "Like a-1.");
        assert!(run(&re, Value::string("ab-1")).is_empty());
        assert_eq!(
            run(&re, Value::string("ab-12")),
            vec!["block[0].name: Invalid id \"ab-12\" | Like a-1."]
        );
        let broken = string_matches("(", "x", "y");
        assert!(run(&broken, Value::string("a"))[0].contains("invalid pattern"));
    }

    #[test]
    fn list_length_counts_elements() {
        let v = list_length(2);
        assert!(run(&v, Value::list([Value::string("abc"), Value::Unknown])).is_empty());
        assert_eq!(
            run(&v, Value::list([Value::string("a"), Value::string("b"), Value::string("c")])),
            vec!["block[0].name: Too many items in name | SageMaker takes at most 2; this list has 3."]
        );
    }

    #[test]
    fn one_of_is_exact() {
        let v = one_of(&["String", "Integer"]);
        assert!(run(&v, Value::string("Integer")).is_empty());
        assert_eq!(
            run(&v, Value::string("integer")),
            vec!["block[0].name: Invalid name \"integer\" | Use one of \"String\", \"Integer\"."]
        );
    }

    #[test]
    fn number_range_checks_bounds_and_wholeness() {
        let v = number_range(1.0, 20.0, true);
        assert!(run(&v, number("20")).is_empty());
        for bad in ["0", "21", "1.5", "1e400", "-3"] {
            assert_eq!(run(&v, number(bad)).len(), 1, "{bad}");
        }
        assert!(run(&number_range(0.0, 1.0, false), number("0.5")).is_empty());
        assert_eq!(
            run(&number_range(1.0, i32::MAX as f64, true), number("0")),
            vec!["block[0].name: Invalid name | Use a whole number of at least 1, e.g. 1."]
        );
    }
}
