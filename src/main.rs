//! The `utility-desk` binary: parse the command line and run it.

// mimalloc: the ledger's work is many small allocations (SQLite rows, bound
// text); with the system allocator a bill run spent about a tenth of its
// time in malloc and free.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    utility_desk::cli::run()
}
