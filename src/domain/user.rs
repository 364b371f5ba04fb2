//! The people who use the desk and their classification.

use super::account::code_enum;

code_enum!(
    /// Job classification; money authority follows it.
    Role, "role" {
        Car1 => "car1",
        Car2 => "car2",
        Car3 => "car3",
        Supervisor => "supervisor",
        Manager => "manager",
        Admin => "admin",
    }
);

impl Role {
    /// The classification title, as on the city's class specifications.
    /// As the desk says it for short (the window's top bar).
    pub fn short(self) -> &'static str {
        match self {
            Role::Car1 => "CAR I",
            Role::Car2 => "CAR II",
            Role::Car3 => "CAR III",
            other => other.title(),
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            Role::Car1 => "Customer Account Representative I",
            Role::Car2 => "Customer Account Representative II",
            Role::Car3 => "Customer Account Representative III",
            Role::Supervisor => "Supervisor",
            Role::Manager => "Manager",
            Role::Admin => "Administrator",
        }
    }
}
