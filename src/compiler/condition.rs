//! Condition expressions: the text of one entry of a condition step's `conditions`, compiled
//! to SageMaker's condition objects.
//!
//! ```text
//! condition  := or
//! or         := not ("or" not)*                      -> {"Type":"Or","Conditions":[...]}
//! not        := "not" not | comparison               -> {"Type":"Not","Condition":c}
//! comparison := "(" condition ")"
//!             | operand ("==" | "!=" | ">" | ">=" | "<" | "<=") operand
//!             | operand ["not"] "in" "[" operand ("," operand)* [","] "]"
//! operand    := number | true | false | "double-quoted string" | {{ reference }}
//! ```
//!
//! Precedence, loosest first: `or`, then `not`, then comparisons; so
//! `not {{ Parameters.A }} == 1 or {{ Parameters.B }} > 2` is `(not (A == 1)) or (B > 2)`.
//! There is no `and`: the entries of `conditions` are AND-ed, so each conjunct is its own entry.
//! `a != b` is `Not(Equals)` and `a not in [...]` is `Not(In)`, as SageMaker has neither.
//! A comparison compiles to `{"Type": "Equals" | "GreaterThan" | "GreaterThanOrEqualTo" |
//! "LessThan" | "LessThanOrEqualTo", "LeftValue": l, "RightValue": r}` and `in` to
//! `{"Type": "In", "QueryValue": q, "Values": [...]}`.
//!
//! Literal operands keep their JSON type (`0.8` is a number, `true` a boolean, `"full"` a
//! string). Inside a double-quoted string `\"` is a quote and `\\` a backslash; any other
//! backslash is kept, and the string then goes through the `{{ }}` template rules of
//! [`super::expr`], so `"s3://b/{{ Parameters.Key }}"` compiles to a `Std:Join` and `\{{` is a
//! literal `{{` there too.
//!
//! Depends on `expr` and serde_json. Pure: no IO, no async; never panics and never recurses
//! without bound on any input. Must NOT check whether referenced parameters or steps exist:
//! the pipeline validator does that on the compiled JSON.

use serde_json::{json, Value as Json};

use super::expr::{self, ExprError};

/// Deepest nesting of `(` and `not` accepted; far beyond any real condition.
const MAX_DEPTH: usize = 32;

const OPERAND_HINT: &str = "a number, true, false, a \"double-quoted string\" or a {{ reference }}";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Cmp {
    Eq,
    Ne,
    Gt,
    Ge,
    Lt,
    Le,
}

impl Cmp {
    fn text(self) -> &'static str {
        match self {
            Cmp::Eq => "==",
            Cmp::Ne => "!=",
            Cmp::Gt => ">",
            Cmp::Ge => ">=",
            Cmp::Lt => "<",
            Cmp::Le => "<=",
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
enum Tok {
    LParen,
    RParen,
    LBracket,
    RBracket,
    Comma,
    Op(Cmp),
    Not,
    Or,
    In,
    /// A literal or a compiled reference, with how it was written (for messages).
    Operand(Json, &'static str),
}

impl Tok {
    fn describe(&self) -> String {
        match self {
            Tok::LParen => "`(`".into(),
            Tok::RParen => "`)`".into(),
            Tok::LBracket => "`[`".into(),
            Tok::RBracket => "`]`".into(),
            Tok::Comma => "`,`".into(),
            Tok::Op(op) => format!("`{}`", op.text()),
            Tok::Not => "`not`".into(),
            Tok::Or => "`or`".into(),
            Tok::In => "`in`".into(),
            Tok::Operand(_, what) => (*what).into(),
        }
    }
}

struct Token {
    tok: Tok,
    column: usize,
}

/// Compiles one condition expression to its SageMaker condition object.
pub fn compile_condition(s: &str) -> Result<Json, ExprError> {
    let tokens = lex(s)?;
    if tokens.is_empty() {
        return Err(ExprError::new(
            "the condition is empty: write a comparison such as {{ Parameters.Mode }} == \"full\"",
        )
        .at(1));
    }
    let end = s.chars().count() + 1;
    let mut p = Parser { tokens, pos: 0, depth: 0, end };
    let c = p.or()?;
    if let Some(t) = p.tokens.get(p.pos) {
        let why = match t.tok {
            Tok::RParen => "this `)` has no matching `(`".to_string(),
            _ => format!(
                "unexpected {} after a complete condition: combine conditions with `or`, or give each its own entry in `conditions` (entries are AND-ed)",
                t.tok.describe()
            ),
        };
        return Err(ExprError::new(why).at(t.column));
    }
    Ok(c)
}

fn lex(s: &str) -> Result<Vec<Token>, ExprError> {
    let cs: Vec<char> = s.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < cs.len() {
        let c = cs[i];
        let column = i + 1;
        let next = cs.get(i + 1).copied();
        let err = |m: String| Err(ExprError::new(m).at(column));
        let (tok, len) = match c {
            c if c.is_whitespace() => {
                i += 1;
                continue;
            }
            '(' => (Tok::LParen, 1),
            ')' => (Tok::RParen, 1),
            '[' => (Tok::LBracket, 1),
            ']' => (Tok::RBracket, 1),
            ',' => (Tok::Comma, 1),
            '=' | '!' | '>' | '<' => {
                // The whole run of operator characters, so `>==` is read as one (misspelt)
                // operator rather than `>=` followed by a stray `=`.
                let len = cs[i..].iter().take_while(|c| matches!(c, '=' | '!' | '>' | '<')).count();
                let run: String = cs[i..i + len].iter().collect();
                match run.as_str() {
                    "==" => (Tok::Op(Cmp::Eq), 2),
                    "!=" => (Tok::Op(Cmp::Ne), 2),
                    ">=" => (Tok::Op(Cmp::Ge), 2),
                    ">" => (Tok::Op(Cmp::Gt), 1),
                    "<=" => (Tok::Op(Cmp::Le), 2),
                    "<" => (Tok::Op(Cmp::Lt), 1),
                    "!" => return err("write `not` to negate a condition (or `!=` to compare)".into()),
                    other => {
                        return err(format!(
                            "`{other}` is not an operator: did you mean `{}`? Comparisons are ==, !=, >, >=, <, <=",
                            closest_operator(other)
                        ))
                    }
                }
            }
            '&' => {
                return err(
                    "there is no `and`: give each condition its own entry in `conditions` (entries are AND-ed)".into()
                )
            }
            '|' => return err("write `or` to combine conditions".into()),
            '"' => {
                let (raw, len) = quoted(&cs[i..]).ok_or_else(|| {
                    ExprError::new("this string has no closing `\"` (write \\\" for a quote inside it)").at(column)
                })?;
                let v = expr::compile_string(&raw)
                    .map_err(|e| ExprError::new(format!("in the string starting here: {}", e.message)).at(column))?;
                let what = if v.is_string() { "a string" } else { "a string with a reference" };
                (Tok::Operand(v, what), len)
            }
            '{' if next == Some('{') => {
                let Some(close) = (i + 2..cs.len()).find(|&j| cs[j] == '}' && cs.get(j + 1) == Some(&'}')) else {
                    return err("this {{ is not closed: end the reference with }}".into());
                };
                let body: String = cs[i + 2..close].iter().collect();
                if body.contains("{{") {
                    return err("this {{ is not closed before the next {{".into());
                }
                let r = expr::parse_reference(&body).map_err(|e| e.at(column))?;
                (Tok::Operand(r.to_json(), "a reference"), close + 2 - i)
            }
            '-' | '0'..='9' => {
                let len = number_len(&cs[i..]);
                let text: String = cs[i..i + len].iter().collect();
                if !text.bytes().any(|b| b.is_ascii_digit()) {
                    return err("expected a number after `-`".into());
                }
                if cs.get(i + len).is_some_and(|c| c.is_alphanumeric() || *c == '_' || *c == '.') {
                    return err(format!("{text:?} is followed by unexpected text; quote strings, e.g. \"{text}...\""));
                }
                // A whole number beyond 64 bits would be read as a float and compared rounded.
                if let Some(n) = super::canonical::oversized_integer(&text) {
                    return err(format!("{n} cannot be kept exactly (whole numbers beyond 64 bits are rounded): use a number within 64 bits, or write it in exponent form (e.g. 1.8e19 or -9.3e18) if rounding is meant"));
                }
                match serde_json::from_str::<Json>(&text) {
                    Ok(v @ Json::Number(_)) => (Tok::Operand(v, "a number"), len),
                    _ => return err(format!("{text:?} is not a valid number (write e.g. 3, -1, 0.8 or 1e-3)")),
                }
            }
            c if c.is_alphabetic() || c == '_' => {
                let len = cs[i..].iter().take_while(|c| c.is_alphanumeric() || **c == '_').count();
                let word: String = cs[i..i + len].iter().collect();
                let tok = match word.as_str() {
                    "true" => Tok::Operand(Json::Bool(true), "`true`"),
                    "false" => Tok::Operand(Json::Bool(false), "`false`"),
                    "not" => Tok::Not,
                    "or" => Tok::Or,
                    "in" => Tok::In,
                    "and" | "And" | "AND" => {
                        return err("there is no `and`: give each condition its own entry in `conditions` (entries are AND-ed)".into())
                    }
                    w @ ("True" | "TRUE" | "False" | "FALSE") => {
                        return err(format!("booleans are lowercase: write {}", w.to_lowercase()))
                    }
                    w @ ("Not" | "NOT" | "Or" | "OR" | "In" | "IN") => {
                        return err(format!("operators are lowercase: write {}", w.to_lowercase()))
                    }
                    w => {
                        // A reference written without its braces: `Parameters.Flag == true`.
                        let path: String = cs[i..]
                            .iter()
                            .take_while(|c| c.is_alphanumeric() || matches!(c, '_' | '.' | '[' | ']' | '\'' | '-' | ':'))
                            .collect();
                        if path.contains('.') && expr::parse_get(&path).is_ok() {
                            return err(format!(
                                "`{path}` is a reference without its braces: write {{{{ {path} }}}}"
                            ));
                        }
                        return err(format!(
                            "unexpected word `{w}`: quote text as a string, e.g. \"{w}\", or write a reference such as {{{{ Parameters.{w} }}}}"
                        ));
                    }
                };
                (tok, len)
            }
            other => return err(format!("unexpected character {other:?}; operands are {OPERAND_HINT}")),
        };
        out.push(Token { tok, column });
        i += len;
    }
    Ok(out)
}

/// The comparison operator a misspelt run of `=`, `!`, `>`, `<` most likely meant: the
/// direction of `>` or `<` wins over `=` (`>==` and `=>` mean `>=`, not `==`).
fn closest_operator(run: &str) -> &'static str {
    let has = |c| run.contains(c);
    match (has('>'), has('<'), has('!'), has('=')) {
        (true, true, _, _) => "!=",
        (true, false, _, true) => ">=",
        (true, false, _, false) => ">",
        (false, true, _, true) => "<=",
        (false, true, _, false) => "<",
        (false, false, true, _) => "!=",
        _ => "==",
    }
}

/// The unescaped content and the length (in chars, both quotes included) of the string that
/// starts at `cs[0] == '"'`; `None` when it is not closed.
fn quoted(cs: &[char]) -> Option<(String, usize)> {
    let mut out = String::new();
    let mut j = 1;
    loop {
        match cs.get(j)? {
            '"' => return Some((out, j + 1)),
            '\\' => match cs.get(j + 1) {
                Some('"') => {
                    out.push('"');
                    j += 2;
                }
                Some('\\') => {
                    out.push('\\');
                    j += 2;
                }
                _ => {
                    out.push('\\');
                    j += 1;
                }
            },
            c => {
                out.push(*c);
                j += 1;
            }
        }
    }
}

/// Length of `-?digits[.digits][(e|E)[+-]digits]` at the start of `cs` (validated later).
fn number_len(cs: &[char]) -> usize {
    let digits = |from: usize| {
        cs.get(from..).map_or(0, |r| r.iter().take_while(|c| c.is_ascii_digit()).count())
    };
    let mut n = usize::from(cs.first() == Some(&'-'));
    n += digits(n);
    if cs.get(n) == Some(&'.') && cs.get(n + 1).is_some_and(char::is_ascii_digit) {
        n += 1 + digits(n + 1);
    }
    if matches!(cs.get(n), Some('e' | 'E')) {
        let sign = usize::from(matches!(cs.get(n + 1), Some('+' | '-')));
        let d = digits(n + 1 + sign);
        if d > 0 {
            n += 1 + sign + d;
        }
    }
    n
}

struct Parser {
    tokens: Vec<Token>,
    pos: usize,
    depth: usize,
    /// Column just past the end of the text, for "expected ... at the end" errors.
    end: usize,
}

impl Parser {
    fn peek(&self) -> Option<&Tok> {
        self.tokens.get(self.pos).map(|t| &t.tok)
    }

    fn column(&self) -> usize {
        self.tokens.get(self.pos).map_or(self.end, |t| t.column)
    }

    fn found(&self) -> String {
        self.peek().map_or("the end of the condition".into(), Tok::describe)
    }

    fn enter(&mut self) -> Result<(), ExprError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(ExprError::new(format!(
                "the condition nests `(` and `not` more than {MAX_DEPTH} deep; simplify it"
            ))
            .at(self.column()));
        }
        Ok(())
    }

    fn or(&mut self) -> Result<Json, ExprError> {
        let first = self.not()?;
        if self.peek() != Some(&Tok::Or) {
            return Ok(first);
        }
        let mut conditions = vec![first];
        while self.peek() == Some(&Tok::Or) {
            self.pos += 1;
            conditions.push(self.not()?);
        }
        Ok(json!({ "Type": "Or", "Conditions": conditions }))
    }

    fn not(&mut self) -> Result<Json, ExprError> {
        if self.peek() != Some(&Tok::Not) {
            return self.comparison();
        }
        self.pos += 1;
        self.enter()?;
        let inner = self.not()?;
        self.depth -= 1;
        Ok(json!({ "Type": "Not", "Condition": inner }))
    }

    fn comparison(&mut self) -> Result<Json, ExprError> {
        if self.peek() == Some(&Tok::LParen) {
            let open = self.column();
            self.pos += 1;
            self.enter()?;
            let inner = self.or()?;
            self.depth -= 1;
            if self.peek() != Some(&Tok::RParen) {
                return Err(ExprError::new(format!(
                    "expected `)` to close the `(` at character {open}, found {}",
                    self.found()
                ))
                .at(self.column()));
            }
            self.pos += 1;
            return Ok(inner);
        }
        let left_at = self.column();
        let left = self.operand("a condition: an operand, `not` or `(`")?;
        let at = self.column();
        match self.peek() {
            Some(Tok::Op(op)) => {
                let op = *op;
                self.pos += 1;
                let right_at = self.column();
                let right = self.operand(&format!("an operand after `{}`", op.text()))?;
                if matches!(op, Cmp::Gt | Cmp::Ge | Cmp::Lt | Cmp::Le) {
                    for (v, column) in [(&left, left_at), (&right, right_at)] {
                        if let Some(kind) = non_numeric(v) {
                            return Err(ExprError::new(format!(
                                "`{}` compares numbers, but this operand is {kind}: compare it with == (or in [...]), or compare a number",
                                op.text()
                            ))
                            .at(column));
                        }
                    }
                }
                Ok(compare(op, left, right))
            }
            Some(Tok::In) => {
                self.pos += 1;
                let values = self.list()?;
                Ok(json!({ "Type": "In", "QueryValue": left, "Values": values }))
            }
            Some(Tok::Not) => {
                self.pos += 1;
                if self.peek() != Some(&Tok::In) {
                    return Err(ExprError::new(format!(
                        "expected `in` after `not` here (x not in [a, b]), found {}",
                        self.found()
                    ))
                    .at(self.column()));
                }
                self.pos += 1;
                let values = self.list()?;
                Ok(json!({ "Type": "Not", "Condition": { "Type": "In", "QueryValue": left, "Values": values } }))
            }
            _ => Err(ExprError::new(format!(
                "expected a comparison (==, !=, >, >=, <, <=, in, not in) after the operand, found {}; a condition needs one, e.g. {{{{ Parameters.Flag }}}} == true",
                self.found()
            ))
            .at(at)),
        }
    }

    fn operand(&mut self, expected: &str) -> Result<Json, ExprError> {
        match self.tokens.get(self.pos) {
            Some(Token { tok: Tok::Operand(v, _), .. }) => {
                let v = v.clone();
                self.pos += 1;
                Ok(v)
            }
            _ => Err(ExprError::new(format!(
                "expected {expected}, found {}; operands are {OPERAND_HINT}",
                self.found()
            ))
            .at(self.column())),
        }
    }

    fn list(&mut self) -> Result<Vec<Json>, ExprError> {
        if self.peek() != Some(&Tok::LBracket) {
            return Err(ExprError::new(format!(
                "`in` takes a list in brackets, e.g. in [\"a\", \"b\"]; found {}",
                self.found()
            ))
            .at(self.column()));
        }
        let open = self.column();
        self.pos += 1;
        let mut values = Vec::new();
        loop {
            if self.peek() == Some(&Tok::RBracket) {
                self.pos += 1;
                break;
            }
            values.push(self.operand("a value in the list")?);
            match self.peek() {
                Some(Tok::Comma) => self.pos += 1,
                Some(Tok::RBracket) => {
                    self.pos += 1;
                    break;
                }
                _ => {
                    return Err(ExprError::new(format!(
                        "expected `,` or `]` in the list opened at character {open}, found {}",
                        self.found()
                    ))
                    .at(self.column()))
                }
            }
        }
        if values.is_empty() {
            return Err(ExprError::new(
                "`in []` has no values: list at least one, e.g. in [\"a\"]",
            )
            .at(open));
        }
        Ok(values)
    }
}

/// What a compiled operand is when it can never be a number: a string (literal, text with a
/// reference, or an execution variable) or a boolean. Parameters and step properties are typed
/// by the pipeline validator, which knows them.
fn non_numeric(v: &Json) -> Option<&'static str> {
    match v {
        Json::String(_) => Some("a string"),
        Json::Bool(_) => Some("a boolean"),
        Json::Object(m) if m.contains_key("Std:Join") => Some("a string with a reference"),
        Json::Object(m)
            if m.get("Get").and_then(Json::as_str).is_some_and(|g| g.starts_with("Execution.")) =>
        {
            Some("an execution variable (a string)")
        }
        _ => None,
    }
}

fn compare(op: Cmp, left: Json, right: Json) -> Json {
    let ty = match op {
        Cmp::Eq | Cmp::Ne => "Equals",
        Cmp::Gt => "GreaterThan",
        Cmp::Ge => "GreaterThanOrEqualTo",
        Cmp::Lt => "LessThan",
        Cmp::Le => "LessThanOrEqualTo",
    };
    let c = json!({ "Type": ty, "LeftValue": left, "RightValue": right });
    if op == Cmp::Ne {
        json!({ "Type": "Not", "Condition": c })
    } else {
        c
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn get(s: &str) -> Json {
        json!({ "Get": s })
    }
    fn cmp(ty: &str, l: Json, r: Json) -> Json {
        json!({ "Type": ty, "LeftValue": l, "RightValue": r })
    }
    fn not(c: Json) -> Json {
        json!({ "Type": "Not", "Condition": c })
    }
    fn or(cs: Vec<Json>) -> Json {
        json!({ "Type": "Or", "Conditions": cs })
    }

    #[test]
    fn every_operator() {
        let a = || get("Parameters.A");
        let cases: Vec<(&str, Json)> = vec![
            ("{{ Parameters.A }} == 1", cmp("Equals", a(), json!(1))),
            ("{{ Parameters.A }} != 1", not(cmp("Equals", a(), json!(1)))),
            ("{{ Parameters.A }} > 1", cmp("GreaterThan", a(), json!(1))),
            ("{{ Parameters.A }} >= 1", cmp("GreaterThanOrEqualTo", a(), json!(1))),
            ("{{ Parameters.A }} < 1", cmp("LessThan", a(), json!(1))),
            ("{{ Parameters.A }} <= 1", cmp("LessThanOrEqualTo", a(), json!(1))),
            ("{{Parameters.A}}<=1", cmp("LessThanOrEqualTo", a(), json!(1))),
            (
                "{{ Parameters.A }} in [\"x\", 2, true, {{ Parameters.B }}]",
                json!({"Type": "In", "QueryValue": a(), "Values": ["x", 2, true, get("Parameters.B")]}),
            ),
            ("{{ Parameters.A }} in [1,]", json!({"Type": "In", "QueryValue": a(), "Values": [1]})),
            (
                "{{ Parameters.A }} not in [\"x\"]",
                not(json!({"Type": "In", "QueryValue": a(), "Values": ["x"]})),
            ),
            ("not {{ Parameters.A }} == 1", not(cmp("Equals", a(), json!(1)))),
            (
                "{{ Parameters.A }} == 1 or {{ Parameters.A }} == 2 or {{ Parameters.A }} == 3",
                or(vec![
                    cmp("Equals", a(), json!(1)),
                    cmp("Equals", a(), json!(2)),
                    cmp("Equals", a(), json!(3)),
                ]),
            ),
        ];
        for (input, want) in cases {
            assert_eq!(compile_condition(input), Ok(want), "{input}");
        }
    }

    #[test]
    fn matches_design_and_sdk_examples() {
        // DESIGN.md's two examples, and example_B's condition.
        assert_eq!(
            compile_condition(
                "{{ Steps.Evaluate.PropertyFiles.Report.metrics.accuracy.value }} >= 0.8"
            ),
            Ok(json!({
                "Type": "GreaterThanOrEqualTo",
                "LeftValue": {"Std:JsonGet": {"PropertyFile": {"Get": "Steps.Evaluate.PropertyFiles.Report"}, "Path": "metrics.accuracy.value"}},
                "RightValue": 0.8,
            }))
        );
        assert_eq!(
            compile_condition("{{ Parameters.Mode }} == \"full\""),
            Ok(
                json!({"Type": "Equals", "LeftValue": {"Get": "Parameters.Mode"}, "RightValue": "full"})
            )
        );
        let example_b: Json = serde_json::from_str(
            r#"{
            "Type": "LessThanOrEqualTo",
            "LeftValue": {
              "Std:JsonGet": {
                "PropertyFile": {
                  "Get": "Steps.Evaluate.PropertyFiles.EvaluationReport"
                },
                "Path": "regression_metrics.mse.value"
              }
            },
            "RightValue": {
              "Get": "Parameters.MseThreshold"
            }
          }"#,
        )
        .expect("json");
        assert_eq!(
            compile_condition(
                "{{ Steps.Evaluate.PropertyFiles.EvaluationReport.regression_metrics.mse.value }} <= {{ Parameters.MseThreshold }}"
            ),
            Ok(example_b)
        );
    }

    #[test]
    fn precedence_and_nesting() {
        let a = |n: i64| cmp("Equals", get("Parameters.A"), json!(n));
        let cases: Vec<(&str, Json)> = vec![
            // not binds tighter than or, looser than comparisons.
            ("not {{ Parameters.A }} == 1 or {{ Parameters.A }} == 2", or(vec![not(a(1)), a(2)])),
            ("not ({{ Parameters.A }} == 1 or {{ Parameters.A }} == 2)", not(or(vec![a(1), a(2)]))),
            ("not not {{ Parameters.A }} == 1", not(not(a(1)))),
            ("(({{ Parameters.A }} == 1))", a(1)),
            (
                "({{ Parameters.A }} == 1 or {{ Parameters.A }} == 2) or {{ Parameters.A }} == 3",
                or(vec![or(vec![a(1), a(2)]), a(3)]),
            ),
            (
                "{{ Parameters.A }} == 1 or not ({{ Parameters.A }} == 2 or {{ Parameters.A }} != 3)",
                or(vec![a(1), not(or(vec![a(2), not(a(3))]))]),
            ),
        ];
        for (input, want) in cases {
            assert_eq!(compile_condition(input), Ok(want), "{input}");
        }
    }

    #[test]
    fn literals_keep_their_json_type() {
        let right = |s: &str| {
            compile_condition(&format!("{{{{ Parameters.A }}}} == {s}"))
                .map(|c| c["RightValue"].clone())
                .map_err(|e| e.to_string())
        };
        assert_eq!(right("0.8"), Ok(json!(0.8)));
        assert_eq!(right("3"), Ok(json!(3)));
        assert_eq!(right("-3"), Ok(json!(-3)));
        assert_eq!(right("1e-3"), Ok(json!(0.001)));
        assert_eq!(right("true"), Ok(json!(true)));
        assert_eq!(right("false"), Ok(json!(false)));
        assert_eq!(right("\"full\""), Ok(json!("full")));
        assert_eq!(right("\"\""), Ok(json!("")));
        assert_eq!(right(r#""say \"hi\" \\ o/""#), Ok(json!(r#"say "hi" \ o/"#)));
        assert_eq!(right(r#""C:\dir""#), Ok(json!(r"C:\dir")));
        assert_eq!(right(r#""\{{ literal }}""#), Ok(json!("{{ literal }}")));
        assert_eq!(
            right("\"s3://b/{{ Execution.PipelineExecutionId }}\""),
            Ok(
                json!({"Std:Join": {"On": "", "Values": ["s3://b/", {"Get": "Execution.PipelineExecutionId"}]}})
            )
        );
        assert_eq!(right("{{ Steps.Check.Outcome }}"), Ok(get("Steps.Check.Outcome")));
        // Literals on both sides are allowed; SageMaker compares them at run time.
        assert_eq!(compile_condition("1 < 2"), Ok(cmp("LessThan", json!(1), json!(2))));
    }

    #[test]
    fn errors_say_where_and_what_was_expected() {
        let cases: Vec<(&str, &str, usize)> = vec![
            ("", "empty", 1),
            ("   ", "empty", 1),
            ("{{ Parameters.A }}", "expected a comparison", 19),
            ("{{ Parameters.A }} = 1", "did you mean `==`?", 20),
            ("{{ Parameters.A }} == ", "expected an operand after `==`, found the end", 23),
            ("{{ Parameters.A }} == full", "\"full\"", 23),
            ("{{ Parameters.A }} == True", "lowercase", 23),
            ("{{ Parameters.A }} > 1 and {{ Parameters.B }} > 2", "no `and`", 24),
            ("{{ Parameters.A }} > 1 && {{ Parameters.B }} > 2", "no `and`", 24),
            ("{{ Parameters.A }} > 1 || {{ Parameters.B }} > 2", "`or`", 24),
            ("{{ Parameters.A }} > 1 {{ Parameters.B }} > 2", "after a complete condition", 24),
            ("{{ Parameters.A }} > 1)", "no matching `(`", 23),
            ("({{ Parameters.A }} > 1", "expected `)` to close the `(` at character 1", 24),
            ("{{ Parameters.A }} in []", "no values", 23),
            ("{{ Parameters.A }} in [1 2]", "expected `,` or `]`", 26),
            ("{{ Parameters.A }} in 1", "list in brackets", 23),
            ("{{ Parameters.A }} in [1", "expected `,` or `]`", 25),
            ("{{ Parameters.A }} not [1]", "expected `in` after `not`", 24),
            ("{{ Parameters.A }} ! 1", "`not`", 20),
            ("{{ Parameters.A }} == \"open", "no closing", 23),
            ("{{ Parameters.A }} == 1.2.3", "unexpected text", 23),
            ("{{ Parameters.A }} == 0x10", "unexpected text", 23),
            ("{{ Parameters.A }} == 01", "not a valid number", 23),
            ("{{ Parameters.A }} == 1e999", "not a valid number", 23),
            ("{{ Parameters.A }} == 18446744073709551617", "cannot be kept exactly", 23),
            ("{{ Parameters.A }} > -9223372036854775809", "cannot be kept exactly", 22),
            ("{{ Parameters.A }} == -", "expected a number after `-`", 23),
            ("{{ Parameters.A }} == .5", "unexpected character '.'", 23),
            ("{{ Parameters.A }} == {1}", "unexpected character '{'", 23),
            ("{{ Parameters.A ", "not closed", 1),
            ("{{ Parameter.A }} == 1", "unknown root", 1),
            ("x == 1", "unexpected word `x`", 1),
            (
                "Parameters.Register == true",
                "`Parameters.Register` is a reference without its braces: write {{ Parameters.Register }}",
                1,
            ),
            ("1 == Steps.E.PropertyFiles.R['a']", "write {{ Steps.E.PropertyFiles.R['a'] }}", 6),
            ("Parameters == 1", "unexpected word `Parameters`", 1),
            ("{{ Parameters.A }} == \"{{ Bad }}\"", "in the string starting here", 23),
            ("== 1", "expected a condition", 1),
            ("not", "expected a condition", 4),
            ("()", "expected a condition", 2),
            ("{{ Parameters.A }} OR 1", "lowercase", 20),
            ("é == 1", "unexpected word", 1),
            ("1 == 1 ?", "unexpected character '?'", 8),
        ];
        for (input, needle, col) in cases {
            let e = compile_condition(input).expect_err(input);
            assert!(e.message.contains(needle), "{input}: {e}");
            assert_eq!(e.column, Some(col), "{input}: {e}");
        }
    }

    /// Issue 6: `>==` suggested `==` when `>=` was meant.
    #[test]
    fn misspelt_operators_suggest_the_one_meant() {
        for (op, meant) in [
            (">==", ">="),
            ("=>", ">="),
            ("=<", "<="),
            ("<==", "<="),
            ("===", "=="),
            ("!==", "!="),
            ("<>", "!="),
            (">>", ">"),
            ("=", "=="),
        ] {
            let e = compile_condition(&format!("{{{{ Parameters.A }}}} {op} 0.8")).expect_err(op);
            assert!(
                e.message.contains(&format!("`{op}` is not an operator: did you mean `{meant}`?")),
                "{op}: {e}"
            );
            assert_eq!(e.column, Some(20), "{op}: {e}");
        }
        assert!(compile_condition("{{ Parameters.A }} >=-1").is_ok());
        assert!(compile_condition("{{ Parameters.A }} <-1").is_ok());
    }

    /// Issue 6: a numeric comparison on something that can never be a number.
    #[test]
    fn numeric_comparisons_need_numbers() {
        for (cond, what, col) in [
            ("{{ Parameters.A }} > \"high\"", "a string", 22),
            ("true >= {{ Parameters.A }}", "a boolean", 1),
            ("{{ Execution.PipelineName }} < 3", "an execution variable", 1),
            ("{{ Parameters.A }} <= \"s3://{{ Parameters.B }}\"", "a string with a reference", 23),
        ] {
            let e = compile_condition(cond).expect_err(cond);
            assert!(
                e.message.contains(&format!("compares numbers, but this operand is {what}")),
                "{cond}: {e}"
            );
            assert_eq!(e.column, Some(col), "{cond}: {e}");
        }
        assert!(compile_condition("{{ Parameters.A }} == \"high\"").is_ok());
        assert!(compile_condition("{{ Steps.E.PropertyFiles.R.acc }} > {{ Parameters.T }}").is_ok());
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_stack_overflow() {
        let deep =
            format!("{}{{{{ Parameters.A }}}} == 1{}", "(".repeat(10_000), ")".repeat(10_000));
        assert!(compile_condition(&deep).expect_err("deep").message.contains("more than"));
        let nots = format!("{}{{{{ Parameters.A }}}} == 1", "not ".repeat(10_000));
        assert!(compile_condition(&nots).is_err());
        let ok = format!(
            "{}{{{{ Parameters.A }}}} == 1{}",
            "(".repeat(MAX_DEPTH),
            ")".repeat(MAX_DEPTH)
        );
        assert!(compile_condition(&ok).is_ok());
    }

    #[test]
    fn never_panics_on_prefixes_suffixes_or_garbage() {
        let valid = [
            "not ({{ Steps.E.PropertyFiles.R.m['k'][0] }} >= -1.5e3 or {{ Parameters.A }} not in [\"a\\\"b\", true,]) or 1 != 2",
            "{{ Parameters.Mode }} == \"full {{ Execution.PipelineName }} \\{{\"",
        ];
        for v in valid {
            assert!(compile_condition(v).is_ok(), "{v}");
            for (i, _) in v.char_indices() {
                let _ = compile_condition(&v[..i]);
                let _ = compile_condition(&v[i..]);
            }
        }
        let pieces = [
            "(",
            ")",
            "[",
            "]",
            ",",
            "==",
            "!=",
            ">",
            ">=",
            "<",
            "<=",
            "=",
            "!",
            "not",
            "or",
            "in",
            "and",
            "\"",
            "\\",
            "{{",
            "}}",
            "{{ Parameters.A }}",
            "1",
            "-",
            ".",
            "e",
            "0.5",
            "true",
            " ",
            "é",
            "x",
            "'",
            "\u{0}",
        ];
        let mut seed: u64 = 0x2545f4914f6cdd1d;
        for _ in 0..30_000 {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            let n = (seed % 10) as usize;
            let s: String = (0..n)
                .map(|k| pieces[((seed >> (k * 6)) % pieces.len() as u64) as usize])
                .collect();
            let _ = compile_condition(&s);
        }
    }
}
