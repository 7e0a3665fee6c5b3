//! Whether a parameter as MLflow stored it and a parameter as `dvc.lock` records it say the
//! same thing.
//!
//! Why: MLflow keeps every param as a string, made by whatever the training script did:
//! Python's `str()` (`True`, `None`, `['a', 'b']`, `{'k': 1}`), `json.dumps`, `",".join(xs)`,
//! or a number in another spelling (`1e-3` for `0.001`, `5.0` for `5`). `dvc.lock` keeps the
//! YAML value. Comparing spellings would call every list a contradiction; comparing meanings
//! finds only real differences.
//!
//! Guarantees: two values agree only when they are equal as values (numbers by numeric
//! value, strings exactly, lists element by element in order, maps key by key); a string
//! that cannot be read as a value is compared as text. Nothing is evaluated: the Python
//! literal reader accepts literals only.

use serde_json::Value;

/// Whether MLflow's string `mlflow` means the YAML value `dvc`.
pub fn agree(mlflow: &str, dvc: &Value) -> bool {
    let text = mlflow.trim();
    if let Value::String(s) = dvc {
        if s == mlflow || s.trim() == text {
            return true;
        }
    }
    if let Some(parsed) = read_literal(text) {
        if same(&parsed, dvc) {
            return true;
        }
    }
    // a list logged as `",".join(xs)` (or with ", ")
    if let Value::Array(items) = dvc {
        if items.iter().all(|v| !v.is_array() && !v.is_object()) {
            let parts: Vec<&str> = if text.is_empty() { Vec::new() } else { text.split(',').map(str::trim).collect() };
            if parts.len() == items.len() && parts.iter().zip(items).all(|(p, v)| scalar_agrees(p, v)) {
                return true;
            }
        }
    }
    scalar_agrees(text, dvc)
}

/// A bare word against a YAML scalar: numbers by value, booleans in any case, null as
/// `None`/`null`/`~`, strings exactly.
fn scalar_agrees(text: &str, v: &Value) -> bool {
    match v {
        Value::Null => matches!(text, "None" | "null" | "~" | ""),
        Value::Bool(b) => text.eq_ignore_ascii_case(if *b { "true" } else { "false" }),
        Value::Number(n) => match (text.parse::<f64>(), n.as_f64()) {
            (Ok(a), Some(b)) => a == b,
            _ => false,
        },
        Value::String(s) => {
            s == text
                || matches!((s.trim().parse::<f64>(), text.parse::<f64>()), (Ok(a), Ok(b)) if a == b)
                // `yes`/`no`/`on`/`off`: booleans to PyYAML (YAML 1.1, what the training
                // script read), strings to DVC's YAML 1.2
                || matches!((yaml11_bool(s), text), (Some(true), "True" | "true") | (Some(false), "False" | "false"))
        }
        _ => false,
    }
}

/// A YAML 1.1 boolean spelling (`yes`, `No`, `ON`, `off`, `y`, `n`).
fn yaml11_bool(s: &str) -> Option<bool> {
    match s.trim().to_ascii_lowercase().as_str() {
        "yes" | "y" | "on" | "true" => Some(true),
        "no" | "n" | "off" | "false" => Some(false),
        _ => None,
    }
}

/// Structural equality of two values, numbers by numeric value (a YAML string that spells a
/// number equals that number).
fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Array(x), Value::Array(y)) => x.len() == y.len() && x.iter().zip(y).all(|(p, q)| same(p, q)),
        (Value::Object(x), Value::Object(y)) => x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| same(v, w))),
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        (Value::String(s), other) | (other, Value::String(s)) if !other.is_string() => scalar_agrees(s, other),
        _ => a == b,
    }
}

/// Reads a Python or JSON literal: numbers, quoted strings, `True`/`False`/`None` (and JSON's
/// `true`/`false`/`null`), lists, tuples and dicts of those. Anything else is `None`.
pub fn read_literal(text: &str) -> Option<Value> {
    let mut p = Reader { s: text.as_bytes(), at: 0, depth: 0 };
    let v = p.value()?;
    p.space();
    (p.at == p.s.len()).then_some(v)
}

struct Reader<'a> {
    s: &'a [u8],
    at: usize,
    depth: usize,
}

impl Reader<'_> {
    const MAX_DEPTH: usize = 64;

    fn space(&mut self) {
        while self.at < self.s.len() && self.s[self.at].is_ascii_whitespace() {
            self.at += 1;
        }
    }

    fn peek(&self) -> Option<u8> {
        self.s.get(self.at).copied()
    }

    fn eat(&mut self, b: u8) -> bool {
        self.space();
        if self.peek() == Some(b) {
            self.at += 1;
            true
        } else {
            false
        }
    }

    fn value(&mut self) -> Option<Value> {
        self.space();
        match self.peek()? {
            b'[' | b'(' => self.seq(),
            b'{' => self.map(),
            b'\'' | b'"' => self.string().map(Value::String),
            _ => self.word(),
        }
    }

    fn nested<T>(&mut self, f: impl FnOnce(&mut Self) -> Option<T>) -> Option<T> {
        if self.depth >= Self::MAX_DEPTH {
            return None;
        }
        self.depth += 1;
        let out = f(self);
        self.depth -= 1;
        out
    }

    fn seq(&mut self) -> Option<Value> {
        let close = if self.peek()? == b'[' { b']' } else { b')' };
        self.at += 1;
        self.nested(|p| {
            let mut items = Vec::new();
            loop {
                if p.eat(close) {
                    return Some(Value::Array(items));
                }
                items.push(p.value()?);
                if !p.eat(b',') {
                    return p.eat(close).then_some(Value::Array(items));
                }
            }
        })
    }

    fn map(&mut self) -> Option<Value> {
        self.at += 1;
        self.nested(|p| {
            let mut out = serde_json::Map::new();
            loop {
                if p.eat(b'}') {
                    return Some(Value::Object(out));
                }
                p.space();
                let key = match p.value()? {
                    Value::String(s) => s,
                    Value::Number(n) => n.to_string(),
                    Value::Bool(b) => if b { "True".into() } else { "False".into() },
                    _ => return None,
                };
                if !p.eat(b':') {
                    return None;
                }
                out.insert(key, p.value()?);
                if !p.eat(b',') {
                    return p.eat(b'}').then_some(Value::Object(out));
                }
            }
        })
    }

    fn string(&mut self) -> Option<String> {
        let quote = self.peek()?;
        self.at += 1;
        let mut out = Vec::new();
        while let Some(b) = self.peek() {
            self.at += 1;
            match b {
                b'\\' => {
                    let e = self.peek()?;
                    self.at += 1;
                    out.push(match e {
                        b'n' => b'\n',
                        b't' => b'\t',
                        b'r' => b'\r',
                        other => other,
                    });
                }
                b if b == quote => return String::from_utf8(out).ok(),
                b => out.push(b),
            }
        }
        None
    }

    fn word(&mut self) -> Option<Value> {
        let start = self.at;
        while let Some(b) = self.peek() {
            if b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'+' | b'_') {
                self.at += 1;
            } else {
                break;
            }
        }
        let w = std::str::from_utf8(&self.s[start..self.at]).ok()?;
        Some(match w {
            "True" | "true" => Value::Bool(true),
            "False" | "false" => Value::Bool(false),
            "None" | "null" => Value::Null,
            _ => {
                if let Ok(i) = w.parse::<i64>() {
                    Value::from(i)
                } else {
                    let f = w.parse::<f64>().ok().filter(|f| f.is_finite())?;
                    serde_json::Number::from_f64(f).map(Value::Number)?
                }
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn spellings_of_the_same_value_agree() {
        assert!(agree("5", &json!(5)));
        assert!(agree("5.0", &json!(5)));
        assert!(agree("1e-3", &json!(0.001)));
        assert!(agree("0.001", &json!(0.001)));
        assert!(agree("0.001", &json!("1e-3")));
        assert!(agree("True", &json!(true)));
        assert!(agree("true", &json!(true)));
        assert!(agree("None", &json!(null)));
        // YAML 1.1 booleans: PyYAML gave the script True, DVC's YAML 1.2 keeps the word
        assert!(agree("True", &json!("yes")));
        assert!(agree("False", &json!("off")));
        assert!(agree("gini", &json!("gini")));
        // lists: MLflow's str(), json.dumps and ",".join
        assert!(agree("['age', 'amount']", &json!(["age", "amount"])));
        assert!(agree("[\"age\", \"amount\"]", &json!(["age", "amount"])));
        assert!(agree("age,amount", &json!(["age", "amount"])));
        assert!(agree("age, amount", &json!(["age", "amount"])));
        assert!(agree("[1, 2.5]", &json!([1, 2.5])));
        assert!(agree("(1, 2)", &json!([1, 2])));
        assert!(agree("1,2", &json!([1, 2])));
        assert!(agree("[]", &json!([])));
        // dicts: str() and json.dumps
        assert!(agree("{'depth': 3, 'kind': 'tree', 'on': True}", &json!({"depth": 3, "kind": "tree", "on": true})));
        assert!(agree("{\"depth\": 3}", &json!({"depth": 3})));
    }

    #[test]
    fn different_values_disagree() {
        assert!(!agree("3", &json!(5)));
        assert!(!agree("0.01", &json!(0.001)));
        assert!(!agree("False", &json!(true)));
        assert!(!agree("False", &json!("yes")));
        assert!(!agree("maybe", &json!("yes")));
        assert!(!agree("['age']", &json!(["age", "amount"])));
        assert!(!agree("['amount', 'age']", &json!(["age", "amount"])));
        assert!(!agree("age,region", &json!(["age", "amount"])));
        assert!(!agree("{'depth': 4}", &json!({"depth": 3})));
        assert!(!agree("{'depth': 3, 'x': 1}", &json!({"depth": 3})));
        assert!(!agree("entropy", &json!("gini")));
        assert!(!agree("None", &json!(0)));
        assert!(!agree("", &json!(["a"])));
    }

    #[test]
    fn the_literal_reader_reads_literals_only() {
        assert_eq!(read_literal("[1, 'a', None]"), Some(json!([1, "a", null])));
        assert_eq!(read_literal("__import__('os')"), None);
        assert_eq!(read_literal("[1, 2"), None);
        assert_eq!(read_literal("inf"), None);
        let deep = "[".repeat(10_000);
        assert_eq!(read_literal(&deep), None);
    }
}
