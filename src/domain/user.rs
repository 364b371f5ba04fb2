//! The people who use the desk and their classification.

use super::account::code_enum;

code_enum!(
    /// Job classification; money authority follows it. `Batch` is not a
    /// person: it is the role of the utility's automated jobs (bill runs,
    /// payment files, late-fee runs), which post from files and never sign
    /// in to the window.
    Role, "role" {
        Car1 => "car1",
        Car2 => "car2",
        Car3 => "car3",
        Supervisor => "supervisor",
        Manager => "manager",
        Admin => "admin",
        Batch => "batch",
    }
);

/// What a role may do outside the money limits of the authority policy
/// (which govern credits, adjustments, waivers and reversals).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Duty {
    /// Sign in to the window.
    UseWindow,
    /// Post payments received (payment files from the bank or lockbox).
    PostPayments,
    /// Post bills and run the late-fee assessment.
    PostBills,
    /// Open an account (start service, or convert one in).
    OpenAccounts,
    /// Export the whole ledger with every customer's balance.
    ExportLedger,
}

impl Duty {
    /// The duty as a person names it, after "may not": "post payments".
    pub fn label(self) -> &'static str {
        match self {
            Duty::UseWindow => "sign in to the window",
            Duty::PostPayments => "post payments",
            Duty::PostBills => "post bills or late fees",
            Duty::OpenAccounts => "open accounts",
            Duty::ExportLedger => "export the ledger",
        }
    }

    /// The roles that may take on this duty.
    pub fn roles(self) -> &'static [Role] {
        match self {
            Duty::UseWindow => &[Role::Car1, Role::Car2, Role::Car3, Role::Supervisor, Role::Manager, Role::Admin],
            Duty::PostPayments => &[Role::Batch, Role::Supervisor, Role::Manager],
            Duty::PostBills => &[Role::Batch, Role::Manager],
            Duty::OpenAccounts => &[Role::Batch, Role::Car1, Role::Car2, Role::Car3, Role::Supervisor, Role::Manager],
            Duty::ExportLedger => &[Role::Supervisor, Role::Manager],
        }
    }
}

impl Role {
    /// Whether this role may take on `duty`.
    pub fn may(self, duty: Duty) -> bool {
        duty.roles().contains(&self)
    }

    /// `Ok` if this role may take on `duty`, else the refusal in words:
    /// who may not, and who may.
    pub fn check(self, duty: Duty) -> Result<(), String> {
        if self.may(duty) {
            return Ok(());
        }
        let who: Vec<&str> = duty.roles().iter().map(|r| r.title()).collect();
        let why = match self {
            Role::Admin => " (separation of duties: an Administrator keeps users and settings)",
            _ => "",
        };
        Err(format!("{} may not {}{why}; {} may", article_title(self), duty.label(), list_or(&who)))
    }

    /// As the desk says it for short (the window's top bar).
    pub fn short(self) -> &'static str {
        match self {
            Role::Car1 => "CAR I",
            Role::Car2 => "CAR II",
            Role::Car3 => "CAR III",
            Role::Batch => "Batch",
            other => other.title(),
        }
    }

    /// The classification title, as on the city's class specifications.
    pub fn title(self) -> &'static str {
        match self {
            Role::Car1 => "Customer Account Representative I",
            Role::Car2 => "Customer Account Representative II",
            Role::Car3 => "Customer Account Representative III",
            Role::Supervisor => "Supervisor",
            Role::Manager => "Manager",
            Role::Admin => "Administrator",
            Role::Batch => "Automated jobs",
        }
    }

    /// Whether this role is a person's (every role but the automated jobs').
    pub fn is_person(self) -> bool {
        self != Role::Batch
    }
}

/// "An Administrator", "A Supervisor", "The automated jobs".
fn article_title(role: Role) -> String {
    match role {
        Role::Batch => "The automated-jobs role".to_string(),
        Role::Admin => "An Administrator".to_string(),
        other => format!("A {}", other.title()),
    }
}

/// "a, b or c".
fn list_or(items: &[&str]) -> String {
    match items {
        [] => String::new(),
        [one] => (*one).to_string(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn duties_follow_the_table_and_refusals_name_who_may() {
        assert!(Role::Batch.may(Duty::PostPayments));
        assert!(!Role::Batch.may(Duty::UseWindow));
        assert!(!Role::Admin.may(Duty::PostPayments));
        assert!(!Role::Car1.may(Duty::PostPayments));
        assert!(!Role::Car3.may(Duty::ExportLedger));
        assert!(Role::Supervisor.may(Duty::ExportLedger));
        let refusal = Role::Admin.check(Duty::PostPayments).unwrap_err();
        assert!(refusal.starts_with("An Administrator may not post payments (separation of duties"), "{refusal}");
        assert!(refusal.ends_with("Automated jobs, Supervisor or Manager may"), "{refusal}");
        assert!(Role::Manager.check(Duty::PostBills).is_ok());
    }
}
