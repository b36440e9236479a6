//! The `{{ }}` reference language: runtime references written inside string attributes,
//! compiled to SageMaker pipeline expressions (`Get`, `Std:Join`, `Std:JsonGet`), and found
//! again in compiled JSON so the pipeline can check them and infer data dependencies.
//!
//! A reference is `{{ <root>.<rest> }}`; whitespace inside the braces is optional:
//!
//! | written | compiles to |
//! |---|---|
//! | `{{ Parameters.InputData }}` | `{"Get": "Parameters.InputData"}` |
//! | `{{ Execution.PipelineExecutionId }}` | `{"Get": "Execution.PipelineExecutionId"}` |
//! | `{{ PipelineExperimentConfig.TrialName }}` | `{"Get": "PipelineExperimentConfig.TrialName"}` |
//! | `{{ Steps.Train.ModelArtifacts.S3ModelArtifacts }}` | `{"Get": "Steps.Train.ModelArtifacts.S3ModelArtifacts"}` |
//! | `{{ Steps.Eval.PropertyFiles.Report.metrics.mse.value }}` | `{"Std:JsonGet": {"PropertyFile": {"Get": "Steps.Eval.PropertyFiles.Report"}, "Path": "metrics.mse.value"}}` |
//!
//! Parameter and step names are 1 to 64 of `[A-Za-z0-9_-]`. A path is names separated by `.`,
//! each name (`[A-Za-z0-9_-]+`) optionally followed by indexers: a position `[0]` or a
//! single-quoted key `['train']` (keys cannot contain `'`). A string that is exactly one
//! reference compiles to that expression; text mixed with references compiles to
//! `{"Std:Join": {"On": "", "Values": [...]}}`.
//!
//! **Escape rule.** Backslashes are ordinary characters everywhere except in a run of
//! backslashes directly before `{{`: there each `\\` stands for one literal backslash, and a
//! final odd `\` makes the `{{` literal text. So `\{{ x }}` is the text `{{ x }}`,
//! `\\{{ Parameters.A }}` is a backslash followed by the reference, and `C:\dir` or a regex
//! like `\d+` are left alone. HCL quoted strings need their own backslash doubled: write
//! `"\\{{"` in HCL to produce `\{{`. A `}}` outside a reference is plain text.
//!
//! Depends on serde_json only (and `canonical` for number spelling). Pure: no IO, no async,
//! never panics on any input. It checks syntax and the fixed vocabularies (roots, execution
//! variables); it must NOT decide whether a parameter or step exists or which property paths
//! a step type has: that is the pipeline validator's job, with [`super::properties`].

use std::fmt;

use serde_json::{json, Map, Value as Json};

use super::canonical;

/// How to write a literal `{{`; quoted in error messages.
pub const ESCAPE_HINT: &str = r#"write \{{ for a literal {{ (in an HCL quoted string: "\\{{")"#;

const EXECUTION_VARIABLES: &[&str] = &[
    "StartDateTime",
    "CurrentDateTime",
    "PipelineName",
    "PipelineArn",
    "PipelineExecutionId",
    "PipelineExecutionArn",
    "TrainingJobName",
    "ProcessingJobName",
];

const EXPERIMENT_CONFIG_NAMES: &[&str] = &["ExperimentName", "TrialName"];

/// SageMaker's execution variables, usable as `{{ Execution.<name> }}`.
pub fn execution_variables() -> &'static [&'static str] {
    EXECUTION_VARIABLES
}

/// A malformed expression: what is wrong and how to fix it, and where (1-based character
/// column in the text that was parsed) when that is known.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExprError {
    pub message: String,
    pub column: Option<usize>,
}

impl ExprError {
    pub fn new(message: impl Into<String>) -> Self {
        ExprError { message: message.into(), column: None }
    }
    /// Sets the column unless one is already known (the innermost position wins).
    pub fn at(mut self, column: usize) -> Self {
        if self.column.is_none() {
            self.column = Some(column);
        }
        self
    }
}

impl fmt::Display for ExprError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.column {
            Some(c) => write!(f, "at character {c}: {}", self.message),
            None => f.write_str(&self.message),
        }
    }
}

impl std::error::Error for ExprError {}

/// One runtime reference.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Reference {
    Parameter(String),
    Execution(String),
    PipelineExperimentConfig(String),
    /// `path` is what follows `Steps.<step>.`, e.g. `ModelArtifacts.S3ModelArtifacts`.
    Step {
        step: String,
        path: String,
    },
    /// `{{ Steps.<step>.PropertyFiles.<file>.<json_path> }}`.
    PropertyFile {
        step: String,
        file: String,
        json_path: String,
    },
}

impl Reference {
    /// The SageMaker expression for this reference.
    pub fn to_json(&self) -> Json {
        match self {
            Reference::Parameter(n) => json!({ "Get": format!("Parameters.{n}") }),
            Reference::Execution(n) => json!({ "Get": format!("Execution.{n}") }),
            Reference::PipelineExperimentConfig(n) => {
                json!({ "Get": format!("PipelineExperimentConfig.{n}") })
            }
            Reference::Step { step, path } => json!({ "Get": format!("Steps.{step}.{path}") }),
            Reference::PropertyFile { step, file, json_path } => json!({
                "Std:JsonGet": {
                    "PropertyFile": { "Get": format!("Steps.{step}.PropertyFiles.{file}") },
                    "Path": json_path,
                }
            }),
        }
    }

    /// The step this reference points into, if any.
    pub fn step(&self) -> Option<&str> {
        match self {
            Reference::Step { step, .. } | Reference::PropertyFile { step, .. } => Some(step),
            _ => None,
        }
    }
}

/// The text a user writes between the braces, e.g. `Steps.Train.ModelArtifacts.S3ModelArtifacts`.
impl fmt::Display for Reference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Reference::Parameter(n) => write!(f, "Parameters.{n}"),
            Reference::Execution(n) => write!(f, "Execution.{n}"),
            Reference::PipelineExperimentConfig(n) => write!(f, "PipelineExperimentConfig.{n}"),
            Reference::Step { step, path } => write!(f, "Steps.{step}.{path}"),
            Reference::PropertyFile { step, file, json_path } => {
                write!(f, "Steps.{step}.PropertyFiles.{file}.{json_path}")
            }
        }
    }
}

/// A piece of a parsed template string. Text is already unescaped; adjacent text is merged and
/// empty text never appears.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Segment {
    Text(String),
    Ref(Reference),
}

/// One index of a path name: `[0]` or `['train']`, borrowed from the path's text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Index<'a> {
    Position(u64),
    Key(&'a str),
}

/// One `.`-separated piece of a path: `Outputs['train']` is name `Outputs`, one key index.
/// Borrowed from the path's text: splitting a path allocates only the lists.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PathSegment<'a> {
    pub name: &'a str,
    pub indexes: Vec<Index<'a>>,
}

impl fmt::Display for Index<'_> {
    /// `[0]` or `['train']`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Index::Position(n) => write!(f, "[{n}]"),
            Index::Key(k) => write!(f, "['{k}']"),
        }
    }
}

/// Splits a property or JSON path (`ProcessingOutputConfig.Outputs['train'].S3Output.S3Uri`)
/// into segments. The error says what is wrong, for use inside a larger message.
pub fn parse_path(path: &str) -> Result<Vec<PathSegment<'_>>, String> {
    if path.is_empty() {
        return Err("the path is empty".into());
    }
    let b = path.as_bytes();
    let char_at = |i: usize| path.get(i..).and_then(|s| s.chars().next()).unwrap_or('?');
    let mut i = 0;
    let mut segments = Vec::new();
    loop {
        let start = i;
        while i < b.len() && is_ident_byte(b[i]) {
            i += 1;
        }
        if i == start {
            return Err(match b.get(i) {
                None => "it ends with `.`; remove the trailing dot or add a name after it".into(),
                Some(b'.') => "it has an empty name between two dots (`..`)".into(),
                Some(b'[') => "an index must follow a name, e.g. Outputs['train'] or Summaries[0]".into(),
                Some(_) => format!(
                    "unexpected character {:?}; names are letters, digits, `_` and `-`, and other keys are written ['key']",
                    char_at(i)
                ),
            });
        }
        let name = &path[start..i];
        let mut indexes = Vec::new();
        while b.get(i) == Some(&b'[') {
            i += 1;
            match b.get(i) {
                Some(b'\'') => {
                    i += 1;
                    let Some(len) = path[i..].find('\'') else {
                        return Err(format!(
                            "the key after `{name}[` has no closing quote: write {name}['key']"
                        ));
                    };
                    let key = &path[i..i + len];
                    if key.is_empty() {
                        return Err(format!(
                            "`{name}['']` has an empty key; write the name to select, e.g. {name}['train']"
                        ));
                    }
                    i += len + 1;
                    if b.get(i) != Some(&b']') {
                        return Err(format!("expected `]` after the key '{key}' (keys cannot contain a single quote)"));
                    }
                    i += 1;
                    indexes.push(Index::Key(key));
                }
                Some(b'"') => {
                    return Err(format!(
                        "keys take single quotes: write {name}['key'], not {name}[\"key\"]"
                    ));
                }
                Some(d) if d.is_ascii_digit() => {
                    let ds = i;
                    while b.get(i).is_some_and(u8::is_ascii_digit) {
                        i += 1;
                    }
                    let Ok(n) = path[ds..i].parse::<u64>() else {
                        return Err(format!(
                            "the position `{}` after `{name}` is too large",
                            &path[ds..i]
                        ));
                    };
                    if b.get(i) != Some(&b']') {
                        return Err(format!("expected `]` after `{name}[{n}`"));
                    }
                    i += 1;
                    indexes.push(Index::Position(n));
                }
                _ => {
                    return Err(format!(
                        "`{name}[` must be followed by a position such as [0] or a quoted key such as ['train']"
                    ));
                }
            }
        }
        segments.push(PathSegment { name, indexes });
        match b.get(i) {
            None => return Ok(segments),
            Some(b'.') => i += 1,
            Some(_) => {
                let prev = segments.last().map_or("", |s| s.name);
                return Err(format!(
                    "unexpected {:?} after `{prev}`; separate names with `.` and write other keys as ['key']",
                    char_at(i)
                ));
            }
        }
    }
}

fn is_ident_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'-'
}

fn is_name(s: &str, max: usize) -> bool {
    !s.is_empty()
        && s.len() <= max
        && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// Parses the text between `{{` and `}}` (surrounding whitespace allowed).
pub fn parse_reference(body: &str) -> Result<Reference, ExprError> {
    parse_ref(body.trim(), true).map_err(ExprError::new)
}

/// Parses the string of a `Get` expression (`Steps.Train.ModelArtifacts.S3ModelArtifacts`).
/// Unlike the `{{ }}` form, `Steps.X.PropertyFiles.F` here is an ordinary step path: a
/// property file is only ever read through `Std:JsonGet`.
pub fn parse_get(get: &str) -> Result<Reference, ExprError> {
    parse_ref(get, false).map_err(ExprError::new)
}

/// A reference as the user wrote it, for messages: `{{ body }}` in a template, the quoted
/// string in a `Get`. Formatted only when a message needs it.
struct Written<'a> {
    body: &'a str,
    template: bool,
}

impl fmt::Display for Written<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.template {
            write!(f, "{{{{ {} }}}}", self.body)
        } else {
            write!(f, "{:?}", self.body)
        }
    }
}

fn parse_ref(body: &str, template: bool) -> Result<Reference, String> {
    let shown = Written { body, template };
    if body.is_empty() {
        return Err(format!(
            "empty reference `{{{{ }}}}`: write a reference such as {{{{ Parameters.InputData }}}}, or {ESCAPE_HINT}"
        ));
    }
    let (root, rest) = match body.split_once('.') {
        Some((r, rest)) => (r, Some(rest)),
        None => (body, None),
    };
    match root {
        "Parameters" => {
            let name = rest.unwrap_or("");
            if name.is_empty() {
                return Err(format!("{shown} names no parameter: write {{{{ Parameters.<name> }}}}, e.g. {{{{ Parameters.InputData }}}}"));
            }
            if name.contains(['.', '[']) {
                return Err(format!("{shown}: parameters have no properties; write just {{{{ Parameters.<name> }}}}"));
            }
            if !is_name(name, 64) {
                return Err(format!(
                    "{shown}: {name:?} is not a valid parameter name (1 to 64 letters, digits, `-` and `_`)"
                ));
            }
            Ok(Reference::Parameter(name.to_string()))
        }
        "Execution" => {
            let name = rest.unwrap_or("");
            if EXECUTION_VARIABLES.contains(&name) {
                return Ok(Reference::Execution(name.to_string()));
            }
            if name.is_empty() {
                return Err(format!(
                    "{shown} names no execution variable: write {{{{ Execution.<variable> }}}}, e.g. {{{{ Execution.PipelineExecutionId }}}}. Execution variables are {}",
                    EXECUTION_VARIABLES.join(", ")
                ));
            }
            Err(format!(
                "{shown}: unknown execution variable {name:?}{}. Execution variables are {}",
                suggestion(name, EXECUTION_VARIABLES.iter().copied()),
                EXECUTION_VARIABLES.join(", ")
            ))
        }
        "PipelineExperimentConfig" => {
            let name = rest.unwrap_or("");
            if EXPERIMENT_CONFIG_NAMES.contains(&name) {
                return Ok(Reference::PipelineExperimentConfig(name.to_string()));
            }
            Err(format!(
                "{shown}: the pipeline experiment config has only ExperimentName and TrialName"
            ))
        }
        "Steps" => {
            let rest = rest.unwrap_or("");
            let (step, path) = rest.split_once('.').unwrap_or((rest, ""));
            if step.is_empty() {
                return Err(format!(
                    "{shown} names no step: write {{{{ Steps.<step name>.<property> }}}}, e.g. {{{{ Steps.Train.ModelArtifacts.S3ModelArtifacts }}}}"
                ));
            }
            if !is_name(step, 64) {
                return Err(format!(
                    "{shown}: {step:?} is not a valid step name (1 to 64 letters, digits, `-` and `_`)"
                ));
            }
            if path.is_empty() {
                return Err(format!(
                    "{shown} needs a property after the step name, e.g. {{{{ Steps.{step}.ModelArtifacts.S3ModelArtifacts }}}} or {{{{ Steps.{step}.ProcessingOutputConfig.Outputs['train'].S3Output.S3Uri }}}}"
                ));
            }
            if template && (path == "PropertyFiles" || path.starts_with("PropertyFiles.")) {
                return parse_property_file(
                    &shown,
                    step,
                    path.strip_prefix("PropertyFiles.").unwrap_or(""),
                );
            }
            parse_path(path)
                .map_err(|why| format!("{shown}: invalid property path {path:?}: {why}"))?;
            Ok(Reference::Step { step: step.to_string(), path: path.to_string() })
        }
        _ => {
            let roots = ["Parameters", "Execution", "PipelineExperimentConfig", "Steps"];
            let hint = match rest {
                None if is_name(root, 64) => {
                    format!(" (a parameter is written {{{{ Parameters.{root} }}}})")
                }
                _ => suggestion(root, roots.iter().copied()),
            };
            Err(format!(
                "{shown}: unknown root {root:?}{hint}. References start with Parameters., Execution., PipelineExperimentConfig. or Steps.; if this is not meant as a reference, {ESCAPE_HINT}"
            ))
        }
    }
}

fn parse_property_file(shown: &Written, step: &str, rest: &str) -> Result<Reference, String> {
    let (file, json_path) = rest.split_once('.').unwrap_or((rest, ""));
    if file.is_empty() {
        return Err(format!(
            "{shown} names no property file: write {{{{ Steps.{step}.PropertyFiles.<file>.<json path> }}}}"
        ));
    }
    if !is_name(file, 256) {
        return Err(format!(
            "{shown}: {file:?} is not a valid property file name (letters, digits, `-` and `_`)"
        ));
    }
    if json_path.is_empty() {
        return Err(format!(
            "{shown} needs a JSON path into the property file, e.g. {{{{ Steps.{step}.PropertyFiles.{file}.metrics.accuracy.value }}}}"
        ));
    }
    parse_path(json_path)
        .map_err(|why| format!("{shown}: invalid JSON path {json_path:?}: {why}"))?;
    Ok(Reference::PropertyFile {
        step: step.to_string(),
        file: file.to_string(),
        json_path: json_path.to_string(),
    })
}

/// `" (did you mean `X`?)"`, or nothing.
fn suggestion<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> String {
    match did_you_mean(word, candidates) {
        Some(c) => format!(" (did you mean `{c}`?)"),
        None => String::new(),
    }
}

/// The candidate closest to `word` (case-insensitive edit distance), if any is close enough;
/// the first one listed on a tie.
pub fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    closest_matches(word, candidates, 1).into_iter().next()
}

/// Up to `max` candidates at the smallest edit distance from `word` (case-insensitive), if
/// that distance is close enough (at most a third of the longer word), in the order listed. On
/// equal distance, a candidate reached by only adding or removing characters wins over one
/// that needs a substitution: `ml.m5.xxlarge` meant `ml.m5.xlarge`, not `ml.m5.2xlarge`.
pub fn closest_matches<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
    max: usize,
) -> Vec<&'a str> {
    if word.is_empty() || word.len() > 64 {
        return Vec::new();
    }
    let w: Vec<char> = word.to_ascii_lowercase().chars().collect();
    let mut best: Option<(usize, bool)> = None;
    let mut out: Vec<&str> = Vec::new();
    for c in candidates {
        if c.len() > 128 || out.contains(&c) {
            continue;
        }
        let cl: Vec<char> = c.to_ascii_lowercase().chars().collect();
        let distance = edit_distance(&w, &cl);
        let limit = (w.len().max(cl.len()) / 3).max(1);
        if distance > limit {
            continue;
        }
        // (distance, needs more than insertions and deletions): smaller is closer.
        let d = (distance, w.len().abs_diff(cl.len()) != distance);
        match best {
            Some(bd) if d > bd => {}
            Some(bd) if d == bd => {
                if out.len() < max {
                    out.push(c);
                }
            }
            _ => {
                best = Some(d);
                out.clear();
                out.push(c);
            }
        }
    }
    out
}

/// Edit distance where swapping two neighbouring characters is one edit (optimal string
/// alignment), so `Perp` is one edit from `Prep`, as a typist would count it.
fn edit_distance(a: &[char], b: &[char]) -> usize {
    let mut before: Vec<usize> = Vec::new();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
            if i > 0 && j > 0 && *ca == b[j - 1] && a[i - 1] == *cb {
                cur[j + 1] = cur[j + 1].min(before[j - 1] + 1);
            }
        }
        before = std::mem::replace(&mut prev, cur);
    }
    prev[b.len()]
}

/// 1-based character column of byte offset `byte` in `s`.
fn column(s: &str, byte: usize) -> usize {
    s.get(..byte).map_or(0, |p| p.chars().count()) + 1
}

/// Where `cc` (`{{` or `}}`) first occurs in `b`: a byte scan, cheaper than a substring search
/// on the short texts templates are.
fn find_pair(b: &[u8], c: u8) -> Option<usize> {
    b.windows(2).position(|w| w[0] == c && w[1] == c)
}

/// Splits a string attribute into text and references, applying the escape rule.
pub fn parse_template(s: &str) -> Result<Vec<Segment>, ExprError> {
    let b = s.as_bytes();
    let mut segments = Vec::new();
    let mut text = String::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'\\' {
            let run = b[i..].iter().take_while(|&&c| c == b'\\').count();
            let j = i + run;
            if b[j..].starts_with(b"{{") {
                text.extend(std::iter::repeat_n('\\', run / 2));
                if run % 2 == 1 {
                    text.push_str("{{");
                    i = j + 2;
                } else {
                    i = j; // the `{{` opens a reference, handled next
                }
            } else {
                text.extend(std::iter::repeat_n('\\', run));
                i = j;
            }
            continue;
        }
        if b[i..].starts_with(b"{{") {
            let body_start = i + 2;
            let Some(len) = find_pair(&b[body_start..], b'}') else {
                return Err(ExprError::new(format!(
                    "this {{{{ is not closed: end the reference with }}}}, e.g. {{{{ Parameters.InputData }}}}, or {ESCAPE_HINT}"
                ))
                .at(column(s, i)));
            };
            let body = &s[body_start..body_start + len];
            if let Some(inner) = find_pair(body.as_bytes(), b'{') {
                return Err(ExprError::new(format!(
                    "this {{{{ is not closed before the next {{{{ (at character {}): close it with }}}}, or {ESCAPE_HINT}",
                    column(s, body_start + inner)
                ))
                .at(column(s, i)));
            }
            let reference =
                parse_ref(body.trim(), true).map_err(|m| ExprError::new(m).at(column(s, i)))?;
            if !text.is_empty() {
                segments.push(Segment::Text(std::mem::take(&mut text)));
            }
            segments.push(Segment::Ref(reference));
            i = body_start + len + 2;
            continue;
        }
        // Plain text up to the next backslash or `{` (both ASCII, so a character boundary).
        let run =
            b[i + 1..].iter().position(|&c| c == b'\\' || c == b'{').map_or(b.len(), |n| i + 1 + n);
        text.push_str(&s[i..run]);
        i = run;
    }
    if !text.is_empty() {
        segments.push(Segment::Text(text));
    }
    Ok(segments)
}

/// Whether `s` holds a `{{ }}` expression: a reference, or text that tries to be one and is
/// malformed (compiling it reports why). Plain text, including the documented escape `\{{`,
/// is not. The one test of "is this string a reference?" for literal checks elsewhere.
/// The literal text pieces of a parsed template, without its references (what is known of
/// its value before a run).
pub fn literal_texts(segments: &[Segment]) -> impl Iterator<Item = &str> {
    segments.iter().filter_map(|s| match s {
        Segment::Text(t) => Some(t.as_str()),
        Segment::Ref(_) => None,
    })
}

pub fn has_expression(s: &str) -> bool {
    if !s.contains("{{") {
        return false;
    }
    match parse_template(s) {
        Ok(segments) => segments.iter().any(|seg| matches!(seg, Segment::Ref(_))),
        Err(_) => true,
    }
}

/// Compiles a string attribute: plain text stays a string, exactly one reference becomes its
/// expression, anything else becomes a `Std:Join` with `On: ""`.
pub fn compile_string(s: &str) -> Result<Json, ExprError> {
    // Without `{{` there is neither a reference nor an escape: the common literal case.
    if !s.contains("{{") {
        return Ok(Json::String(s.to_string()));
    }
    Ok(compile_segments(parse_template(s)?))
}

/// [`compile_string`] of a string already split by [`parse_template`].
pub fn compile_segments(mut segments: Vec<Segment>) -> Json {
    match segments.as_mut_slice() {
        [] => Json::String(String::new()),
        [Segment::Text(t)] => Json::String(std::mem::take(t)),
        [Segment::Ref(r)] => r.to_json(),
        _ => {
            // `{"Std:Join": {"On": "", "Values": [...]}}`, the values moved in (`json!` would
            // copy them).
            let values = segments
                .into_iter()
                .map(|seg| match seg {
                    Segment::Text(t) => Json::String(t),
                    Segment::Ref(r) => r.to_json(),
                })
                .collect();
            let mut join = serde_json::Map::new();
            join.insert("On".into(), Json::String(String::new()));
            join.insert("Values".into(), Json::Array(values));
            let mut expr = serde_json::Map::new();
            expr.insert("Std:Join".into(), Json::Object(join));
            Json::Object(expr)
        }
    }
}

/// The JSON type a string attribute stands for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scalar {
    String,
    Integer,
    Float,
    Boolean,
}

impl Scalar {
    pub fn as_str(self) -> &'static str {
        match self {
            Scalar::String => "string",
            Scalar::Integer => "integer",
            Scalar::Float => "number",
            Scalar::Boolean => "boolean",
        }
    }
}

/// Compiles a string attribute that stands for a SageMaker field of type `kind`: a literal
/// becomes a JSON number/bool, a single reference its expression (whitespace around it is
/// ignored). Text mixed with references only makes sense for strings.
pub fn compile_typed(s: &str, kind: Scalar) -> Result<Json, ExprError> {
    if kind == Scalar::String {
        return compile_string(s);
    }
    let segments = parse_template(s)?;
    let refs: Vec<&Reference> = segments
        .iter()
        .filter_map(|seg| match seg {
            Segment::Ref(r) => Some(r),
            Segment::Text(_) => None,
        })
        .collect();
    let text_around =
        segments.iter().any(|seg| matches!(seg, Segment::Text(t) if !t.trim().is_empty()));
    match refs.as_slice() {
        [] => literal(s, kind),
        [r] if !text_around => Ok(r.to_json()),
        _ => Err(ExprError::new(format!(
            "{} mixes text and references, but this field is {} {}: write a literal or exactly one reference such as {{{{ Parameters.Name }}}}",
            shown(s),
            if kind.as_str().starts_with(['a', 'e', 'i', 'o', 'u', 'A', 'E', 'I', 'O', 'U']) { "an" } else { "a" },
            kind.as_str()
        ))),
    }
}

/// User text quoted for a message, cut to its first 64 characters when longer, so a hostile
/// value (a 400-digit number, a pasted file) is not echoed back in full.
pub fn shown(s: &str) -> String {
    const MAX: usize = 64;
    let n = s.chars().count();
    if n <= MAX {
        format!("{s:?}")
    } else {
        let head: String = s.chars().take(MAX).collect();
        format!("{:?}... ({n} characters)", head)
    }
}

/// User text quoted around a 1-based character `column`: the whole text when it is short, else
/// up to 40 characters either side with `...` where it was cut, so an error inside a long
/// condition still shows what surrounds it (and a hostile value is still not echoed in full).
pub fn shown_near(s: &str, column: Option<usize>) -> String {
    const SIDE: usize = 40;
    let n = s.chars().count();
    let Some(c) = column.filter(|_| n > 2 * SIDE) else { return shown(s) };
    let start = c.saturating_sub(SIDE + 1).min(n);
    let end = (c + SIDE).min(n);
    let window: String = s.chars().skip(start).take(end - start).collect();
    let before = if start > 0 { "..." } else { "" };
    let after = if end < n { "..." } else { "" };
    format!("{before}{window:?}{after}")
}

fn literal(s: &str, kind: Scalar) -> Result<Json, ExprError> {
    let t = s.trim();
    let bad = |example: &str| {
        ExprError::new(format!(
            "{} is not a valid {}: write a literal such as \"{example}\", or one reference such as {{{{ Parameters.Name }}}}",
            shown(s),
            kind.as_str()
        ))
    };
    match kind {
        Scalar::String => Ok(Json::String(s.to_string())),
        Scalar::Integer => t.parse::<i64>().map(Json::from).map_err(|_| bad("3")),
        Scalar::Float => match t.parse::<f64>() {
            Ok(f) if f.is_finite() => {
                serde_json::Number::from_f64(f).map(Json::Number).ok_or_else(|| bad("0.5"))
            }
            _ => Err(bad("0.5")),
        },
        Scalar::Boolean => match t {
            "true" => Ok(Json::Bool(true)),
            "false" => Ok(Json::Bool(false)),
            _ => Err(bad("true")),
        },
    }
}

/// Makes a compiled value fit a string-only map (hyperparameters, environment) the way the
/// SageMaker SDK does: an expression is wrapped as `{"Std:Join": {"On": "", "Values": [expr]}}`.
/// Strings, nulls and `Std:Join` values are returned unchanged; literal numbers and booleans
/// become their text. Whether a reference needs this (it is not a String parameter) is the
/// caller's decision.
pub fn to_string_expr(v: Json) -> Json {
    match v {
        Json::String(_) | Json::Null => v,
        Json::Number(n) => Json::String(canonical::canonical_number(&n.to_string())),
        Json::Bool(b) => Json::String(b.to_string()),
        Json::Object(ref m) if m.len() == 1 && m.contains_key("Std:Join") => v,
        // Execution variables are strings at run time; the SDK leaves them bare.
        Json::Object(ref m)
            if m.get("Get").and_then(Json::as_str).is_some_and(|g| g.starts_with("Execution.")) =>
        {
            v
        }
        other => json!({ "Std:Join": { "On": "", "Values": [other] } }),
    }
}

fn child_key(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

fn child_index(path: &str, i: usize) -> String {
    format!("{path}[{i}]")
}

/// Compiles `{{ }}` in every string value of `v` (object keys are left alone). Errors carry
/// the location relative to `v`, e.g. `Inputs[0].Uri` (empty for `v` itself).
pub fn compile_json_strings(v: &Json) -> Result<Json, Vec<(String, ExprError)>> {
    let mut errors = Vec::new();
    let out = compile_walk(v, "", &mut errors);
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

fn compile_walk(v: &Json, path: &str, errors: &mut Vec<(String, ExprError)>) -> Json {
    match v {
        Json::String(s) => match compile_string(s) {
            Ok(j) => j,
            Err(e) => {
                errors.push((path.to_string(), e));
                v.clone()
            }
        },
        Json::Array(items) => Json::Array(
            items
                .iter()
                .enumerate()
                .map(|(i, x)| compile_walk(x, &child_index(path, i), errors))
                .collect(),
        ),
        Json::Object(m) => Json::Object(
            m.iter()
                .map(|(k, x)| (k.clone(), compile_walk(x, &child_key(path, k), errors)))
                .collect::<Map<_, _>>(),
        ),
        _ => v.clone(),
    }
}

/// Finds every `Get` and every property-file `Std:JsonGet` in a compiled value and turns it
/// back into a [`Reference`], with where it was (dotted path relative to `v`, e.g.
/// `Arguments.Conditions[0].LeftValue`). An object is an expression only when `Get` or
/// `Std:JsonGet` is its single key. Malformed expressions are skipped here; see
/// [`malformed_expressions`].
pub fn collect_references(v: &Json, out: &mut Vec<(Reference, String)>) {
    let mut bad = Vec::new();
    scan(v, &mut String::new(), out, &mut bad);
}

/// Every `Get` / `Std:JsonGet` in `v` that is not a valid reference (e.g. a hand-written step
/// with `{"Get": "Step.X"}`), with where it was and what is wrong.
pub fn malformed_expressions(v: &Json) -> Vec<(String, ExprError)> {
    let mut refs = Vec::new();
    let mut bad = Vec::new();
    scan(v, &mut String::new(), &mut refs, &mut bad);
    bad
}

/// `path` is a shared buffer extended and truncated around each child, so walking a large
/// definition allocates a location only where an expression is found.
fn scan(
    v: &Json,
    path: &mut String,
    refs: &mut Vec<(Reference, String)>,
    bad: &mut Vec<(String, ExprError)>,
) {
    match v {
        Json::Array(items) => {
            // Only objects and arrays hold expressions: a scalar needs no location.
            for (i, x) in items.iter().enumerate().filter(|(_, x)| holds_values(x)) {
                let len = path.len();
                push_index(path, i);
                scan(x, path, refs, bad);
                path.truncate(len);
            }
        }
        Json::Object(m) if m.len() == 1 && m.contains_key("Get") => match m.get("Get") {
            Some(Json::String(g)) => match parse_get(g) {
                Ok(r) => refs.push((r, path.to_string())),
                Err(e) => bad.push((path.to_string(), e)),
            },
            _ => bad.push((
                path.to_string(),
                ExprError::new("`Get` takes a string such as \"Parameters.InputData\" or \"Steps.Train.ModelArtifacts.S3ModelArtifacts\""),
            )),
        },
        Json::Object(m) if m.len() == 1 && m.contains_key("Std:JsonGet") => {
            let here = child_key(path.as_str(), "Std:JsonGet");
            let Some(Json::Object(inner)) = m.get("Std:JsonGet") else {
                bad.push((path.to_string(), ExprError::new("`Std:JsonGet` takes an object with PropertyFile (or S3Uri) and Path")));
                return;
            };
            let json_path = match inner.get("Path") {
                Some(Json::String(p)) if !p.is_empty() => Some(p.as_str()),
                _ => {
                    bad.push((path.to_string(), ExprError::new("`Std:JsonGet` needs a non-empty string Path, e.g. \"metrics.mse.value\"")));
                    None
                }
            };
            match inner.get("PropertyFile") {
                Some(pf) => match (property_file_of(pf), json_path) {
                    (Ok((step, file)), Some(jp)) => refs.push((
                        Reference::PropertyFile { step, file, json_path: jp.to_string() },
                        path.to_string(),
                    )),
                    (Ok(_), None) => {}
                    (Err(e), _) => bad.push((child_key(&here, "PropertyFile"), e)),
                },
                None if !inner.contains_key("S3Uri") => bad.push((
                    path.to_string(),
                    ExprError::new("`Std:JsonGet` needs a PropertyFile such as {\"Get\": \"Steps.Evaluate.PropertyFiles.Report\"} (or an S3Uri)"),
                )),
                None => {}
            }
            for (k, x) in inner {
                if k != "PropertyFile" && k != "Path" {
                    scan(x, &mut child_key(&here, k), refs, bad);
                }
            }
        }
        Json::Object(m) => {
            for (k, x) in m.iter().filter(|(_, x)| holds_values(x)) {
                let len = path.len();
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(k);
                scan(x, path, refs, bad);
                path.truncate(len);
            }
        }
        _ => {}
    }
}

/// Whether `v` is an object or an array, the only values that may hold expressions.
fn holds_values(v: &Json) -> bool {
    matches!(v, Json::Object(_) | Json::Array(_))
}

/// Appends `[i]` to `path` without the formatting machinery (`scan` does it for every array
/// element of a definition).
fn push_index(path: &mut String, i: usize) {
    let mut digits = [0u8; 20];
    let (mut n, mut k) = (i, digits.len());
    loop {
        k -= 1;
        digits[k] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    path.push('[');
    path.push_str(std::str::from_utf8(&digits[k..]).unwrap_or_default());
    path.push(']');
}

/// The inverse of [`compile_string`] for what it can produce: a string, a `Get`/`Std:JsonGet`
/// expression, or a `Std:Join` with `On: ""` of those. `None` for anything else (e.g. a Join
/// with a separator). Literal `{{` is escaped, so compiling the result gives `v` back.
pub fn decompile_string(v: &Json) -> Option<String> {
    fn piece(v: &Json, out: &mut String) -> Option<()> {
        match v {
            Json::String(s) => {
                out.push_str(&s.replace("{{", "\\{{"));
                Some(())
            }
            Json::Object(_) => {
                let mut refs = Vec::new();
                collect_references(v, &mut refs);
                match refs.as_slice() {
                    [(r, at)] if at.is_empty() => {
                        out.push_str(&format!("{{{{ {r} }}}}"));
                        Some(())
                    }
                    _ => None,
                }
            }
            _ => None,
        }
    }
    let mut out = String::new();
    match v.get("Std:Join") {
        Some(join) if v.as_object().is_some_and(|o| o.len() == 1) => {
            if join.get("On").and_then(Json::as_str) != Some("") {
                return None;
            }
            for x in join.get("Values")?.as_array()? {
                piece(x, &mut out)?;
            }
        }
        _ => piece(v, &mut out)?,
    }
    (compile_string(&out).ok().as_ref() == Some(v)).then_some(out)
}

/// `{"Get": "Steps.<step>.PropertyFiles.<file>"}` -> (step, file).
fn property_file_of(pf: &Json) -> Result<(String, String), ExprError> {
    let wrong =
        || ExprError::new("PropertyFile must be {\"Get\": \"Steps.<step>.PropertyFiles.<file>\"}");
    let Some(Json::String(g)) = pf.as_object().filter(|o| o.len() == 1).and_then(|o| o.get("Get"))
    else {
        return Err(wrong());
    };
    match parse_get(g) {
        Ok(Reference::Step { step, path }) => match path.strip_prefix("PropertyFiles.") {
            Some(file) if is_name(file, 256) => Ok((step, file.to_string())),
            _ => Err(wrong()),
        },
        Ok(_) => Err(wrong()),
        Err(e) => Err(e),
    }
}

#[cfg(test)]
mod decompile_tests {
    use super::*;

    #[test]
    fn decompile_inverts_compile() {
        for s in [
            "plain",
            "{{ Execution.PipelineName }}",
            "run-{{ Execution.PipelineExecutionId }}-x",
            "\\{{ literal",
        ] {
            let j = compile_string(s).expect("compiles");
            let back = decompile_string(&j).expect("decompiles");
            assert_eq!(compile_string(&back).expect("recompiles"), j, "{s}");
        }
        assert_eq!(decompile_string(&json!({"Std:Join": {"On": "/", "Values": ["a", "b"]}})), None);
    }
}

#[cfg(test)]
mod shown_tests {
    use super::*;

    /// Fresh-eyes finding: an error at character 82 of a long condition showed only its first
    /// 64 characters, not the bad operator.
    #[test]
    fn long_text_is_shown_around_the_error() {
        let text = format!(
            "{{{{ Steps.Evaluate.PropertyFiles.Report.regression_metrics.mse.value }}}} >== {}",
            "x".repeat(60)
        );
        let col = text.find(">==").expect("op") + 1;
        let s = shown_near(&text, Some(col));
        assert!(s.contains(">==") && s.starts_with("...") && s.ends_with("..."), "{s}");
        assert_eq!(shown_near("a >== 1", Some(3)), "\"a >== 1\"");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn param(n: &str) -> Segment {
        Segment::Ref(Reference::Parameter(n.into()))
    }
    fn text(t: &str) -> Segment {
        Segment::Text(t.into())
    }
    fn step(s: &str, p: &str) -> Reference {
        Reference::Step { step: s.into(), path: p.into() }
    }

    /// A string is a reference when the parser finds one: the escape `\{{` is text.
    #[test]
    fn has_expression_follows_the_parser() {
        assert!(has_expression("{{ Parameters.N }}"));
        assert!(has_expression("s3://b/{{ Execution.PipelineExecutionId }}/x"));
        assert!(has_expression("{{ Nope.X }}"), "malformed: compiling it reports why");
        assert!(!has_expression("plain"));
        assert!(!has_expression("\\{{ Parameters.N }}"));
        assert!(!has_expression("ml.m5.\\{{xlarge"));
        assert!(has_expression("\\{{ literal }} and {{ Parameters.N }}"));
    }

    #[test]
    fn templates_parse_into_text_and_references() {
        let pf = |s: &str, f: &str, j: &str| {
            Segment::Ref(Reference::PropertyFile {
                step: s.into(),
                file: f.into(),
                json_path: j.into(),
            })
        };
        let cases: Vec<(&str, Vec<Segment>)> = vec![
            ("", vec![]),
            ("plain text", vec![text("plain text")]),
            ("{{ Parameters.InputData }}", vec![param("InputData")]),
            ("{{Parameters.InputData}}", vec![param("InputData")]),
            ("{{\n\tParameters.Input-Data_2 \n}}", vec![param("Input-Data_2")]),
            (
                "s3://b/{{ Execution.PipelineExecutionId }}/out",
                vec![
                    text("s3://b/"),
                    Segment::Ref(Reference::Execution("PipelineExecutionId".into())),
                    text("/out"),
                ],
            ),
            ("{{ Parameters.A }}{{ Parameters.B }}", vec![param("A"), param("B")]),
            (
                "{{ PipelineExperimentConfig.ExperimentName }}",
                vec![Segment::Ref(Reference::PipelineExperimentConfig("ExperimentName".into()))],
            ),
            (
                "{{ Steps.Prep.ProcessingOutputConfig.Outputs['train'].S3Output.S3Uri }}",
                vec![Segment::Ref(step(
                    "Prep",
                    "ProcessingOutputConfig.Outputs['train'].S3Output.S3Uri",
                ))],
            ),
            (
                "{{ Steps.CreateModel-CreateModel.ModelName }}",
                vec![Segment::Ref(step("CreateModel-CreateModel", "ModelName"))],
            ),
            (
                "{{ Steps.Notify.OutputParameters['ticket'] }}",
                vec![Segment::Ref(step("Notify", "OutputParameters['ticket']"))],
            ),
            (
                "{{ Steps.Train.FinalMetricDataList['val:acc'].Value }}",
                vec![Segment::Ref(step("Train", "FinalMetricDataList['val:acc'].Value"))],
            ),
            (
                "{{ Steps.Tune.TrainingJobSummaries[0].TrainingJobName }}",
                vec![Segment::Ref(step("Tune", "TrainingJobSummaries[0].TrainingJobName"))],
            ),
            ("{{ Steps.Check.Outcome }}", vec![Segment::Ref(step("Check", "Outcome"))]),
            (
                "{{ Steps.Evaluate.PropertyFiles.Report.metrics.mse.value }}",
                vec![pf("Evaluate", "Report", "metrics.mse.value")],
            ),
            (
                "{{ Steps.E.PropertyFiles.R.items[0]['a b'].x }}",
                vec![pf("E", "R", "items[0]['a b'].x")],
            ),
            // Escapes: a lone backslash before {{ makes it text; pairs are literal backslashes.
            ("\\{{ not a ref }}", vec![text("{{ not a ref }}")]),
            ("a\\{{b", vec![text("a{{b")]),
            ("\\\\{{ Parameters.A }}", vec![text("\\"), param("A")]),
            ("\\\\\\{{x}}", vec![text("\\{{x}}")]),
            ("\\\\\\\\{{ Parameters.A }}", vec![text("\\\\"), param("A")]),
            ("C:\\dir\\{file} \\d+ \\\\", vec![text("C:\\dir\\{file} \\d+ \\\\")]),
            ("a }} b } {", vec![text("a }} b } {")]),
            ("{{ Parameters.A }} }}", vec![param("A"), text(" }}")]),
            ("héllo ünïcode {{ Parameters.A }}", vec![text("héllo ünïcode "), param("A")]),
        ];
        for (input, want) in cases {
            assert_eq!(parse_template(input), Ok(want), "{input}");
        }
    }

    #[test]
    fn template_errors_say_what_to_do_and_where() {
        let long = format!("{{{{ Parameters.{} }}}}", "a".repeat(65));
        let cases: Vec<(&str, &str, usize)> = vec![
            ("{{ Parameters.A", "not closed", 1),
            ("ab {{", "not closed", 4),
            ("é {{ }}", "empty reference", 3),
            ("{{}}", "empty reference", 1),
            ("{{ A {{ Parameters.B }}", "not closed before the next", 1),
            ("{{ Steps.X }}", "needs a property after the step name", 1),
            ("{{ Steps }}", "names no step", 1),
            ("{{ Steps. }}", "names no step", 1),
            ("{{ Steps.X. }}", "needs a property", 1),
            ("{{ Steps.Bad!.X }}", "not a valid step name", 1),
            ("{{ Steps.X['a'] }}", "not a valid step name", 1),
            ("{{ Foo.Bar }}", "unknown root", 1),
            ("{{ Parameter.X }}", "did you mean `Parameters`", 1),
            ("{{ InputData }}", "{{ Parameters.InputData }}", 1),
            ("{{ Parameters }}", "names no parameter", 1),
            ("{{ Parameters.A.B }}", "parameters have no properties", 1),
            ("{{ Parameters.A[0] }}", "parameters have no properties", 1),
            ("{{ Parameters.Bad Name }}", "not a valid parameter name", 1),
            ("é {{ Parameters.Ä }}", "not a valid parameter name", 3),
            (&long, "not a valid parameter name", 1),
            ("x{{ Execution.PipelineExecutionID }}", "did you mean `PipelineExecutionId`", 2),
            ("{{ Execution.Foo }}", "StartDateTime, CurrentDateTime", 1),
            ("{{ PipelineExperimentConfig.Foo }}", "ExperimentName and TrialName", 1),
            ("{{ Steps.X.Outputs[\"a\"] }}", "single quotes", 1),
            ("{{ Steps.X.Outputs['a' }}", "expected `]`", 1),
            ("{{ Steps.X.Outputs['a }}", "no closing quote", 1),
            ("{{ Steps.X.Outputs[a] }}", "position such as [0]", 1),
            ("{{ Steps.X.Outputs[] }}", "position such as [0]", 1),
            ("{{ Steps.X.Outputs[''] }}", "empty key", 1),
            ("{{ Steps.X.Outputs[0 }}", "expected `]`", 1),
            ("{{ Steps.X.Outputs[99999999999999999999999] }}", "too large", 1),
            ("{{ Steps.X.a..b }}", "empty name", 1),
            ("{{ Steps.X.a b }}", "unexpected ' '", 1),
            ("{{ Steps.X.[0] }}", "index must follow a name", 1),
            ("{{ Steps.X.PropertyFiles }}", "names no property file", 1),
            ("{{ Steps.X.PropertyFiles.R }}", "needs a JSON path", 1),
            ("{{ Steps.X.PropertyFiles.R. }}", "needs a JSON path", 1),
            ("{{ Steps.X.PropertyFiles.R.a..b }}", "invalid JSON path", 1),
            ("{{ Steps.X.PropertyFiles.R[0].a }}", "not a valid property file name", 1),
        ];
        for (input, needle, col) in cases {
            let e = parse_template(input).expect_err(input);
            assert!(e.message.contains(needle), "{input}: {e}");
            assert_eq!(e.column, Some(col), "{input}: {e}");
        }
        // Errors that may come from a literal `{{` tell how to escape it.
        for input in ["{{ unclosed", "{{ }}", "{{ jinja_var }}", "{{ {{ x }}"] {
            let e = parse_template(input).expect_err(input);
            assert!(e.message.contains(r"\{{"), "{input}: {e}");
        }
    }

    #[test]
    fn compile_string_matches_sdk_shapes() {
        let cases: Vec<(&str, Json)> = vec![
            ("plain", json!("plain")),
            ("", json!("")),
            ("\\{{ literal }}", json!("{{ literal }}")),
            // example_A: ProcessingInputs[0].S3Input.S3Uri, training channel, model data.
            ("{{ Parameters.InputData }}", json!({"Get": "Parameters.InputData"})),
            (
                "{{ Steps.Preprocess.ProcessingOutputConfig.Outputs['train'].S3Output.S3Uri }}",
                json!({"Get": "Steps.Preprocess.ProcessingOutputConfig.Outputs['train'].S3Output.S3Uri"}),
            ),
            (
                "{{ Steps.Train.ModelArtifacts.S3ModelArtifacts }}",
                json!({"Get": "Steps.Train.ModelArtifacts.S3ModelArtifacts"}),
            ),
            (
                "{{ Execution.PipelineExecutionId }}",
                json!({"Get": "Execution.PipelineExecutionId"}),
            ),
            // example_C: callback input from a lambda output.
            (
                "{{ Steps.Notify.OutputParameters['ticket'] }}",
                json!({"Get": "Steps.Notify.OutputParameters['ticket']"}),
            ),
            // example_B: the condition's left value.
            (
                "{{ Steps.Evaluate.PropertyFiles.EvaluationReport.regression_metrics.mse.value }}",
                json!({"Std:JsonGet": {"PropertyFile": {"Get": "Steps.Evaluate.PropertyFiles.EvaluationReport"}, "Path": "regression_metrics.mse.value"}}),
            ),
            (
                "s3://my-bucket/{{ Execution.PipelineExecutionId }}/out",
                json!({"Std:Join": {"On": "", "Values": ["s3://my-bucket/", {"Get": "Execution.PipelineExecutionId"}, "/out"]}}),
            ),
            (
                "{{ Execution.PipelineName }}-{{ Execution.PipelineExecutionId }}",
                json!({"Std:Join": {"On": "", "Values": [{"Get": "Execution.PipelineName"}, "-", {"Get": "Execution.PipelineExecutionId"}]}}),
            ),
            (
                "MSE above {{ Parameters.MseThreshold }}",
                json!({"Std:Join": {"On": "", "Values": ["MSE above ", {"Get": "Parameters.MseThreshold"}]}}),
            ),
            (
                "{{ Parameters.A }} ",
                json!({"Std:Join": {"On": "", "Values": [{"Get": "Parameters.A"}, " "]}}),
            ),
        ];
        for (input, want) in cases {
            assert_eq!(compile_string(input), Ok(want), "{input}");
        }
        assert!(compile_string("{{ Nope.X }}").is_err());
    }

    #[test]
    fn compile_typed_emits_json_types_or_one_reference() {
        let ok: Vec<(&str, Scalar, Json)> = vec![
            ("3", Scalar::Integer, json!(3)),
            (" -12 ", Scalar::Integer, json!(-12)),
            ("0.5", Scalar::Float, json!(0.5)),
            ("2", Scalar::Float, json!(2.0)),
            ("true", Scalar::Boolean, json!(true)),
            ("false", Scalar::Boolean, json!(false)),
            (
                "text {{ Parameters.A }}",
                Scalar::String,
                json!({"Std:Join": {"On": "", "Values": ["text ", {"Get": "Parameters.A"}]}}),
            ),
            ("{{ Parameters.Count }}", Scalar::Integer, json!({"Get": "Parameters.Count"})),
            (" {{ Parameters.Ratio }}\n", Scalar::Float, json!({"Get": "Parameters.Ratio"})),
            ("{{ Steps.C.Outcome }}", Scalar::Boolean, json!({"Get": "Steps.C.Outcome"})),
        ];
        for (input, kind, want) in ok {
            assert_eq!(compile_typed(input, kind), Ok(want), "{input}");
        }
        let bad: Vec<(&str, Scalar, &str)> = vec![
            ("three", Scalar::Integer, "not a valid integer"),
            ("3.5", Scalar::Integer, "such as \"3\""),
            ("", Scalar::Integer, "not a valid integer"),
            ("NaN", Scalar::Float, "not a valid number"),
            ("inf", Scalar::Float, "not a valid number"),
            ("1e999", Scalar::Float, "not a valid number"),
            ("True", Scalar::Boolean, "such as \"true\""),
            ("yes", Scalar::Boolean, "not a valid boolean"),
            ("{{ Parameters.A }}x", Scalar::Integer, "mixes text and references"),
            ("{{ Parameters.A }}{{ Parameters.B }}", Scalar::Float, "mixes text and references"),
            ("{{ Parameters.A", Scalar::Boolean, "not closed"),
        ];
        for (input, kind, needle) in bad {
            let e = compile_typed(input, kind).expect_err(input);
            assert!(e.message.contains(needle), "{input}: {e}");
        }
    }

    #[test]
    fn to_string_expr_wraps_expressions_only() {
        let get = json!({"Get": "Parameters.TrainingEpochs"});
        let join = json!({"Std:Join": {"On": "", "Values": [get.clone()]}});
        assert_eq!(to_string_expr(get.clone()), join);
        assert_eq!(to_string_expr(join.clone()), join);
        assert_eq!(to_string_expr(json!("5")), json!("5"));
        assert_eq!(to_string_expr(json!(5)), json!("5"));
        assert_eq!(to_string_expr(json!(0.50)), json!("0.5"));
        assert_eq!(to_string_expr(json!(true)), json!("true"));
        let jg = json!({"Std:JsonGet": {"PropertyFile": {"Get": "Steps.E.PropertyFiles.R"}, "Path": "a"}});
        assert_eq!(to_string_expr(jg.clone()), json!({"Std:Join": {"On": "", "Values": [jg]}}));
    }

    #[test]
    fn compile_json_strings_walks_everything_and_collects_all_errors() {
        let args = json!({
            "Uri": "s3://b/{{ Execution.PipelineExecutionId }}",
            "List": ["{{ Parameters.A }}", 3, true, null, {"Deep": "\\{{ kept }}"}],
            "Already": {"Get": "Parameters.B"},
            "{{ key }}": "keys are not compiled",
        });
        let want = json!({
            "Uri": {"Std:Join": {"On": "", "Values": ["s3://b/", {"Get": "Execution.PipelineExecutionId"}]}},
            "List": [{"Get": "Parameters.A"}, 3, true, null, {"Deep": "{{ kept }}"}],
            "Already": {"Get": "Parameters.B"},
            "{{ key }}": "keys are not compiled",
        });
        assert_eq!(compile_json_strings(&args), Ok(want));

        let bad = json!({"A": "{{ Oops }}", "B": ["ok", {"C": "{{ Steps.X }}"}]});
        let errs = compile_json_strings(&bad).expect_err("two errors");
        let where_: Vec<&str> = errs.iter().map(|(p, _)| p.as_str()).collect();
        assert_eq!(where_, vec!["A", "B[1].C"]);
        assert!(compile_json_strings(&json!("{{"))
            .expect_err("root")
            .iter()
            .all(|(p, _)| p.is_empty()));
    }

    #[test]
    fn collect_references_round_trips_compiled_templates() {
        let templates = [
            "{{ Parameters.InputData }}",
            "{{ Execution.StartDateTime }}",
            "{{ PipelineExperimentConfig.TrialName }}",
            "{{ Steps.Prep.ProcessingOutputConfig.Outputs['train'].S3Output.S3Uri }}",
            "{{ Steps.Notify.OutputParameters['ticket'] }}",
            "{{ Steps.Evaluate.PropertyFiles.Report.metrics.mse.value }}",
            "{{ Steps.Tune.TrainingJobSummaries[3].TrainingJobName }}",
        ];
        for t in templates {
            let Ok(segs) = parse_template(t) else { panic!("{t}") };
            let compiled = compile_string(t).expect(t);
            let mut found = Vec::new();
            collect_references(&compiled, &mut found);
            let want: Vec<(Reference, String)> = segs
                .into_iter()
                .filter_map(|s| match s {
                    Segment::Ref(r) => Some((r, String::new())),
                    Segment::Text(_) => None,
                })
                .collect();
            assert_eq!(found, want, "{t}");
            assert_eq!(found.first().map(|(r, _)| format!("{{{{ {r} }}}}")).as_deref(), Some(t));
        }

        // A mixed template inside a step, the way the pipeline validator sees it.
        let fail_step = json!({
            "Name": "Fail", "Type": "Fail",
            "Arguments": {"ErrorMessage": compile_string("{{ Parameters.A }} and {{ Steps.C.Outcome }}").expect("ok")},
        });
        let mut found = Vec::new();
        collect_references(&fail_step, &mut found);
        assert_eq!(
            found,
            vec![
                (
                    Reference::Parameter("A".into()),
                    "Arguments.ErrorMessage.Std:Join.Values[0]".into()
                ),
                (step("C", "Outcome"), "Arguments.ErrorMessage.Std:Join.Values[2]".into()),
            ]
        );
        assert!(malformed_expressions(&fail_step).is_empty());
    }

    #[test]
    fn collect_references_reads_sdk_output() {
        // From example_B (condition) and example_C (lambda and callback arguments).
        let condition = json!({"Conditions": [{
            "Type": "LessThanOrEqualTo",
            "LeftValue": {"Std:JsonGet": {"PropertyFile": {"Get": "Steps.Evaluate.PropertyFiles.EvaluationReport"}, "Path": "regression_metrics.mse.value"}},
            "RightValue": {"Get": "Parameters.MseThreshold"},
        }]});
        let mut found = Vec::new();
        collect_references(&condition, &mut found);
        assert_eq!(
            found,
            vec![
                (
                    Reference::PropertyFile {
                        step: "Evaluate".into(),
                        file: "EvaluationReport".into(),
                        json_path: "regression_metrics.mse.value".into()
                    },
                    "Conditions[0].LeftValue".into()
                ),
                (Reference::Parameter("MseThreshold".into()), "Conditions[0].RightValue".into()),
            ]
        );
        let lambda = json!({
            "output_uri": {"Get": "Steps.BatchScore.TransformOutput.S3OutputPath"},
            "run": {"Std:Join": {"On": "-", "Values": [{"Get": "Execution.PipelineName"}, {"Get": "Execution.PipelineExecutionId"}]}},
            "ticket": {"Get": "Steps.Notify.OutputParameters['ticket']"},
            "s3": {"Std:JsonGet": {"S3Uri": {"Std:Join": {"On": "/", "Values": [{"Get": "Steps.Fn.OutputDataConfig.S3OutputPath"}, "results.json"]}}, "Path": "Return"}},
        });
        let mut found = Vec::new();
        collect_references(&lambda, &mut found);
        let names: Vec<String> = found.iter().map(|(r, w)| format!("{w} -> {r}")).collect();
        assert_eq!(
            names,
            vec![
                "output_uri -> Steps.BatchScore.TransformOutput.S3OutputPath",
                "run.Std:Join.Values[0] -> Execution.PipelineName",
                "run.Std:Join.Values[1] -> Execution.PipelineExecutionId",
                "s3.Std:JsonGet.S3Uri.Std:Join.Values[0] -> Steps.Fn.OutputDataConfig.S3OutputPath",
                "ticket -> Steps.Notify.OutputParameters['ticket']",
            ]
        );
        assert!(malformed_expressions(&lambda).is_empty());
    }

    #[test]
    fn malformed_expressions_are_reported_not_collected() {
        let v = json!({
            "a": {"Get": "Step.X.Y"},
            "b": {"Get": 3},
            "c": {"Get": "Execution.Nope"},
            "d": {"Std:JsonGet": {"PropertyFile": {"Get": "Steps.E.Outputs"}, "Path": "x"}},
            "e": {"Std:JsonGet": {"PropertyFile": {"Get": "Steps.E.PropertyFiles.R"}}},
            "f": {"Std:JsonGet": "nope"},
            "g": {"Get": "Parameters.Fine", "Other": 1},
            "h": {"Get": "Steps.E.PropertyFiles.R"},
        });
        let mut found = Vec::new();
        collect_references(&v, &mut found);
        // A bare Get of a property file is a step path (checked later against the step type).
        assert_eq!(found, vec![(step("E", "PropertyFiles.R"), "h".into())]);
        let bad: Vec<String> = malformed_expressions(&v).into_iter().map(|(w, _)| w).collect();
        assert_eq!(bad, vec!["a", "b", "c", "d.Std:JsonGet.PropertyFile", "e", "f"]);
    }

    #[test]
    fn push_index_writes_decimal_positions() {
        for i in [0, 7, 10, 99, 1234, usize::MAX] {
            let mut p = String::from("Steps");
            push_index(&mut p, i);
            assert_eq!(p, format!("Steps[{i}]"));
        }
    }

    #[test]
    fn parse_path_splits_names_and_indexes() {
        assert_eq!(
            parse_path("Outputs['a.b'][0].S3Uri"),
            Ok(vec![
                PathSegment {
                    name: "Outputs",
                    indexes: vec![Index::Key("a.b"), Index::Position(0)]
                },
                PathSegment { name: "S3Uri", indexes: vec![] },
            ])
        );
        for bad in [
            "", ".", "a.", ".a", "a..b", "a[", "a[0", "a['x", "a['x'", "a[x]", "a b", "a[0]b",
            "$.a", "[0]",
        ] {
            assert!(parse_path(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn never_panics_on_garbage() {
        let pieces = [
            "{{",
            "}}",
            "\\",
            "{",
            "}",
            "[",
            "]",
            "'",
            "\"",
            ".",
            "Steps",
            "Parameters",
            "Execution",
            "X",
            " ",
            "é",
            "0",
            "PropertyFiles",
            "\u{0}",
        ];
        let mut seed: u64 = 0x9e3779b97f4a7c15;
        for _ in 0..20_000 {
            let mut s = String::new();
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            let n = (seed % 12) as usize;
            for k in 0..n {
                let idx = ((seed >> (k * 5)) % pieces.len() as u64) as usize;
                s.push_str(pieces[idx]);
            }
            let _ = parse_template(&s);
            let _ = compile_typed(&s, Scalar::Integer);
            let _ = parse_get(&s);
            let _ = parse_path(&s);
        }
        let valid = "a {{ Steps.E.PropertyFiles.R.m['k'][1] }} \\{{ b";
        for (i, _) in valid.char_indices() {
            let _ = parse_template(&valid[..i]);
            let _ = parse_template(&valid[i..]);
        }
    }
}
