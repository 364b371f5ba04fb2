//! Letter templates (`assets/letters/*.txt`) and merging them with an
//! account's and a case's data. A template is a `Title:` line, a
//! `Subject:` line, `---`, then the body; `{{field}}` is replaced by the
//! field's value. A template naming a field the letter has no value for is
//! refused whole, naming every such field: never a half-filled letter.

use std::collections::BTreeMap;

/// The templates built in, by name.
const TEMPLATES: &[(&str, &str)] = &[
    ("complaint-response", include_str!("../../assets/letters/complaint-response.txt")),
    ("dispute-granted", include_str!("../../assets/letters/dispute-granted.txt")),
    ("dispute-denied", include_str!("../../assets/letters/dispute-denied.txt")),
    ("credit-confirmation", include_str!("../../assets/letters/credit-confirmation.txt")),
    ("adjustment-confirmation", include_str!("../../assets/letters/adjustment-confirmation.txt")),
    ("high-bill-explanation", include_str!("../../assets/letters/high-bill-explanation.txt")),
    ("order-confirmation", include_str!("../../assets/letters/order-confirmation.txt")),
];

/// The longest letter body kept, in characters.
pub const MAX_LETTER_CHARS: usize = 20_000;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Template {
    pub name: String,
    pub title: String,
    pub subject: String,
    pub body: String,
}

/// Why a template could not be read or merged.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LetterError {
    #[error("no letter template \"{0}\" (there are: {1})")]
    Unknown(String, String),
    #[error("the letter template {0} is not Title:, Subject:, --- and a body")]
    Malformed(String),
    #[error("the letter template {0} has a \"{{{{\" that is never closed")]
    Unclosed(String),
    #[error("the letter template {template} needs {} that this letter has no value for: nothing was written", .missing.join(", "))]
    Missing { template: String, missing: Vec<String> },
    #[error("assets/letterhead.toml: {0}")]
    Letterhead(String),
}

const LETTERHEAD: &str = include_str!("../../assets/letterhead.toml");

/// The utility's name and where to reach it (`assets/letterhead.toml`).
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
pub struct Letterhead {
    pub name: String,
    pub department: String,
    pub address: String,
    pub phone: String,
    pub web: String,
}

impl Letterhead {
    /// The letterhead built in from `assets/`.
    pub fn standard() -> Result<Letterhead, LetterError> {
        toml::from_str(LETTERHEAD).map_err(|e| LetterError::Letterhead(e.to_string()))
    }
}

impl Template {
    pub fn parse(name: &str, text: &str) -> Result<Template, LetterError> {
        let malformed = || LetterError::Malformed(name.to_string());
        let mut lines = text.lines();
        let title = lines.next().and_then(|l| l.strip_prefix("Title:")).ok_or_else(malformed)?.trim();
        let subject = lines.next().and_then(|l| l.strip_prefix("Subject:")).ok_or_else(malformed)?.trim();
        if lines.next().map(str::trim) != Some("---") {
            return Err(malformed());
        }
        let body = lines.collect::<Vec<_>>().join("\n").trim().to_string();
        Ok(Template { name: name.to_string(), title: title.to_string(), subject: subject.to_string(), body })
    }

    /// The built-in template called `name`.
    pub fn named(name: &str) -> Result<Template, LetterError> {
        let Some((name, text)) = TEMPLATES.iter().find(|(n, _)| *n == name) else {
            let names = TEMPLATES.iter().map(|(n, _)| *n).collect::<Vec<_>>().join(", ");
            return Err(LetterError::Unknown(name.to_string(), names));
        };
        Template::parse(name, text)
    }

    /// Every built-in template, in a stable order.
    pub fn all() -> Result<Vec<Template>, LetterError> {
        TEMPLATES.iter().map(|(name, text)| Template::parse(name, text)).collect()
    }

    /// The fields the subject and body name, each once, in order.
    pub fn fields(&self) -> Result<Vec<String>, LetterError> {
        let mut found = Vec::new();
        for text in [&self.subject, &self.body] {
            for field in placeholders(text).ok_or_else(|| LetterError::Unclosed(self.name.clone()))? {
                if !found.contains(&field) {
                    found.push(field);
                }
            }
        }
        Ok(found)
    }

    /// The subject and body with every field filled in, or every field missing.
    pub fn merge(&self, values: &BTreeMap<String, String>) -> Result<(String, String), LetterError> {
        let missing: Vec<String> =
            self.fields()?.into_iter().filter(|f| values.get(f).is_none_or(|v| v.trim().is_empty())).collect();
        if !missing.is_empty() {
            return Err(LetterError::Missing { template: self.name.clone(), missing });
        }
        Ok((fill(&self.subject, values), fill(&self.body, values)))
    }
}

/// The names between `{{` and `}}`, or `None` if one is never closed.
fn placeholders(text: &str) -> Option<Vec<String>> {
    let mut names = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("{{") {
        let after = &rest[start + 2..];
        let end = after.find("}}")?;
        names.push(after[..end].trim().to_string());
        rest = &after[end + 2..];
    }
    Some(names)
}

fn fill(text: &str, values: &BTreeMap<String, String>) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find("{{") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let Some(end) = after.find("}}") else { break };
        let name = after[..end].trim();
        out.push_str(values.get(name).map_or("", String::as_str));
        rest = &after[end + 2..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    #[test]
    fn every_built_in_template_reads_and_names_its_fields() {
        let all = Template::all().unwrap();
        assert_eq!(all.len(), TEMPLATES.len());
        for t in &all {
            let fields = t.fields().unwrap();
            assert!(fields.contains(&"customer_name".to_string()), "{} greets the customer", t.name);
            assert!(fields.contains(&"account_number".to_string()), "{} names the account", t.name);
        }
    }

    #[test]
    fn a_merge_fills_every_field_or_refuses_naming_all_that_are_missing() {
        let t = Template::parse("t", "Title: T\nSubject: Bill {{bill_id}}\n---\nDear {{customer_name}}, {{ amount }}.")
            .unwrap();
        let (subject, body) =
            t.merge(&values(&[("bill_id", "42"), ("customer_name", "Ana Ruiz"), ("amount", "$5.00")])).unwrap();
        assert_eq!((subject.as_str(), body.as_str()), ("Bill 42", "Dear Ana Ruiz, $5.00."));
        let refused = t.merge(&values(&[("bill_id", "42"), ("amount", " ")])).unwrap_err();
        assert_eq!(
            refused,
            LetterError::Missing { template: "t".into(), missing: vec!["customer_name".into(), "amount".into()] }
        );
        assert!(refused.to_string().contains("needs customer_name, amount"));
    }

    #[test]
    fn malformed_and_unknown_templates_are_refused() {
        assert!(matches!(Template::parse("x", "Subject: s\n---\nb"), Err(LetterError::Malformed(_))));
        let unclosed = Template::parse("x", "Title: t\nSubject: s\n---\nDear {{name").unwrap();
        assert!(matches!(unclosed.fields(), Err(LetterError::Unclosed(_))));
        let unknown = Template::named("thank-you").unwrap_err();
        assert!(unknown.to_string().contains("complaint-response"), "{unknown}");
    }
}
