//! `service start`, `service stop` and `service transfer`: service begun,
//! ended with its final bill, and moved (see `desk::service`).

use std::io::Write;

use chrono::{NaiveDate, Utc};
use clap::{Args, Subcommand};

use super::show::io;
use super::sign_in::SignIn;
use crate::desk::{
    CustomerChoice, Desk, DeskError, NewAccountRequest, NewCustomer, NewRead, PremiseChoice, StopRequest, Stopped,
    TransferRequest, first_day_after, moved_balance_words,
};
use crate::domain::Money;
use crate::domain::account::{Address, CartSize, MeterSize, PickupFrequency, Refuse, Services};
use crate::domain::ids::AccountNumber;
use crate::domain::reads::ReadKind;

#[derive(Debug, Subcommand)]
pub enum ServiceCommand {
    /// End an account's service on a day, from the meter's final read, and
    /// post its final bill (its monthly charges prorated to the days since
    /// the last read). A final read that fails an exception rule is held
    /// for a CAR III, and the cycle's bill run bills it once decided.
    Stop {
        /// The account number, e.g. 10000421-7.
        account: String,
        /// The last day of service (YYYY-MM-DD), when the final read is taken.
        #[arg(long, value_parser = crate::domain::dates::parse_day, value_name = "YYYY-MM-DD")]
        on: NaiveDate,
        /// The final reading.
        #[arg(long)]
        reading: u64,
        /// actual, estimated or customer.
        #[arg(long, default_value = "actual")]
        kind: ReadKind,
        /// The register rolled over past its last dial since the last read.
        #[arg(long)]
        rollover: bool,
        #[command(flatten)]
        sign_in: SignIn,
    },
    /// Start service: an account for a new customer (--name) or one the
    /// utility already serves (--customer-of ACCOUNT) at a premise; an
    /// address served before is the same premise. Refused where the
    /// premise has active service or the meter is in service, naming the
    /// account.
    Start {
        /// A new customer's name (the mailing address is the service
        /// address until the customer's information says otherwise).
        #[arg(long, conflicts_with = "customer_of", required_unless_present = "customer_of")]
        name: Option<String>,
        /// The customer of this account (an existing customer).
        #[arg(long, value_name = "NUMBER")]
        customer_of: Option<String>,
        #[arg(long)]
        phone: Option<String>,
        #[arg(long)]
        email: Option<String>,
        #[command(flatten)]
        premise: PremiseArgs,
        #[command(flatten)]
        meter: MeterArgs,
        #[arg(long)]
        sewer: bool,
        #[arg(long)]
        stormwater: bool,
        /// Refuse cart size: 35, 64 or 96 gallons.
        #[arg(long)]
        refuse_cart: Option<CartSize>,
        /// weekly or twice-weekly.
        #[arg(long, default_value = "weekly")]
        refuse_frequency: PickupFrequency,
        #[arg(long)]
        emsacare: bool,
        /// The day service starts (default today).
        #[arg(long, value_parser = crate::domain::dates::parse_day, value_name = "YYYY-MM-DD")]
        on: Option<NaiveDate>,
        /// The bill cycle (read and bill route), 1 to 99.
        #[arg(long, default_value_t = 1)]
        cycle: u8,
        /// A service deposit taken (dollars).
        #[arg(long)]
        deposit: Option<String>,
        #[command(flatten)]
        sign_in: SignIn,
    },
    /// Move a customer's service: end it at the account's premise on a day
    /// from the final read (with the final bill) and start it for the same
    /// customer at the new address, with the same services and a new meter,
    /// all at once or not at all.
    Transfer {
        /// The account whose service moves.
        account: String,
        /// The last day at the old premise.
        #[arg(long, value_parser = crate::domain::dates::parse_day, value_name = "YYYY-MM-DD")]
        on: NaiveDate,
        /// The old meter's final reading.
        #[arg(long)]
        reading: u64,
        #[arg(long)]
        rollover: bool,
        /// The first day at the new premise (default: the day after `--on`,
        /// or today when that is tomorrow).
        #[arg(long, value_parser = crate::domain::dates::parse_day, value_name = "YYYY-MM-DD")]
        starts_on: Option<NaiveDate>,
        #[command(flatten)]
        premise: PremiseArgs,
        #[command(flatten)]
        meter: MeterArgs,
        /// Move the old account's balance after its final bill (owed or a
        /// credit) to the new account, in one paired posting.
        #[arg(long)]
        move_balance: bool,
        #[command(flatten)]
        sign_in: SignIn,
    },
    /// Move a final account's balance (owed, or a credit) to another open
    /// account of the same customer, in one paired posting.
    MoveBalance {
        /// The final account.
        account: String,
        /// The customer's other account.
        #[arg(long, value_name = "NUMBER")]
        to: String,
        #[command(flatten)]
        sign_in: SignIn,
    },
}

/// The premise served (a new one, or one served before at that address).
#[derive(Debug, Args)]
pub struct PremiseArgs {
    #[arg(long)]
    line1: String,
    #[arg(long)]
    line2: Option<String>,
    #[arg(long)]
    city: String,
    #[arg(long)]
    state: String,
    #[arg(long)]
    zip: String,
    /// A premise not served before: its sewer cap in gallons.
    #[arg(long, default_value_t = 0)]
    sewer_cap: u64,
}

impl PremiseArgs {
    fn address(&self) -> Address {
        Address {
            line1: self.line1.trim().to_string(),
            line2: self.line2.clone().filter(|l| !l.trim().is_empty()),
            city: self.city.trim().to_string(),
            state: self.state.trim().to_uppercase(),
            zip: self.zip.trim().to_string(),
        }
    }

    fn choice(&self) -> PremiseChoice {
        PremiseChoice::New { address: self.address(), sewer_cap_gal: self.sewer_cap }
    }
}

/// The meter at the premise and its reading when service starts.
#[derive(Debug, Args)]
pub struct MeterArgs {
    #[arg(long)]
    meter: String,
    /// 5/8, 3/4, 1, 1-1/2 or 2.
    #[arg(long, default_value = "5/8")]
    meter_size: MeterSize,
    #[arg(long, default_value_t = 7)]
    dials: u32,
    /// The meter's reading when service starts.
    #[arg(long)]
    meter_reading: u64,
}

pub fn service(desk: &mut Desk, out: &mut impl Write, command: ServiceCommand) -> Result<(), DeskError> {
    let now = Utc::now();
    match command {
        ServiceCommand::Stop { account, on, reading, kind, rollover, sign_in } => {
            let actor = sign_in.actor(desk, now)?;
            let row = desk.account_by_number(&account)?;
            let request =
                StopRequest { account: row.account.id, on, read: NewRead { read_on: on, reading, kind, rollover } };
            let stopped = desk.stop_service(&actor, now, &request)?;
            said_stopped(out, &row.account.number, &stopped)
        }
        ServiceCommand::Start {
            name,
            customer_of,
            phone,
            email,
            premise,
            meter,
            sewer,
            stormwater,
            refuse_cart,
            refuse_frequency,
            emsacare,
            on,
            cycle,
            deposit,
            sign_in,
        } => {
            let actor = sign_in.actor(desk, now)?;
            let customer = match (name, customer_of) {
                (_, Some(number)) => CustomerChoice::Existing(desk.account_by_number(&number)?.customer.id),
                (Some(name), None) => CustomerChoice::New(NewCustomer {
                    name,
                    mailing: premise.address(),
                    phone,
                    email,
                    tax_id_last4: None,
                }),
                (None, None) => return Err(DeskError::Invalid("give --name or --customer-of".into())),
            };
            let request = NewAccountRequest {
                customer,
                premise: premise.choice(),
                cycle,
                opened_on: on.unwrap_or_else(|| desk.today(now)),
                deposit: deposit.as_deref().map(super::money::amount).transpose()?.unwrap_or(Money::ZERO),
                services: Services {
                    meter_number: meter.meter.trim().to_uppercase(),
                    meter_size: meter.meter_size,
                    meter_dials: meter.dials,
                    sewer,
                    stormwater,
                    refuse: refuse_cart.map(|cart| Refuse { cart, frequency: refuse_frequency }),
                    emsacare,
                },
                opening_read: meter.meter_reading,
            };
            let opened = desk.start_service(&actor, now, &request)?;
            let number = desk.overview(opened, now)?.account.account.number;
            writeln!(out, "Service started on {}: account {number}.", request.opened_on).map_err(io)
        }
        ServiceCommand::Transfer {
            account,
            on,
            reading,
            rollover,
            starts_on,
            premise,
            meter,
            move_balance,
            sign_in,
        } => {
            let actor = sign_in.actor(desk, now)?;
            let row = desk.account_by_number(&account)?;
            let mut services = row.services.clone();
            services.meter_number = meter.meter.trim().to_uppercase();
            services.meter_size = meter.meter_size;
            services.meter_dials = meter.dials;
            let request = TransferRequest {
                stop: StopRequest {
                    account: row.account.id,
                    on,
                    read: NewRead { read_on: on, reading, kind: ReadKind::Actual, rollover },
                },
                premise: premise.choice(),
                starts_on: starts_on.unwrap_or_else(|| first_day_after(on, desk.today(now))),
                services,
                opening_read: meter.meter_reading,
                move_balance,
            };
            let moved = desk.transfer_service(&actor, now, &request)?;
            said_stopped(out, &row.account.number, &moved.stopped)?;
            let number = desk.overview(moved.opened, now)?.account.account.number;
            writeln!(out, "Service started on {} for the same customer: account {number}.", request.starts_on)
                .map_err(io)?;
            match moved.balance_moved {
                Some(amount) => {
                    writeln!(out, "The {} moved to account {number}.", moved_balance_words(amount)).map_err(io)
                }
                None => Ok(()),
            }
        }
        ServiceCommand::MoveBalance { account, to, sign_in } => {
            let actor = sign_in.actor(desk, now)?;
            let (from, to) = (desk.account_by_number(&account)?, desk.account_by_number(&to)?);
            let amount = desk.move_balance(&actor, now, from.account.id, to.account.id)?;
            writeln!(
                out,
                "The {} moved from account {} to account {}.",
                moved_balance_words(amount),
                from.account.number,
                to.account.number
            )
            .map_err(io)
        }
    }
}

fn said_stopped(out: &mut impl Write, number: &AccountNumber, stopped: &Stopped) -> Result<(), DeskError> {
    let on = stopped.on;
    writeln!(out, "Account {number} is final: service ended on {on}, {} gal since the last read.", stopped.gallons)
        .map_err(io)?;
    match (&stopped.bill, &stopped.held) {
        (Some(bill), _) => writeln!(out, "Final bill {}: {}.", bill.bill, bill.total),
        (None, Some((exception, why))) => writeln!(
            out,
            "The final read is held ({}: {why}); the cycle's bill run bills it once a CAR III decides it \
             (`reads held`).",
            exception.label()
        ),
        (None, None) => Ok(()),
    }
    .map_err(io)
}
