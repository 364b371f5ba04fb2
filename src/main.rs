//! The `utility-desk` binary: parse the command line and run it.

fn main() -> std::process::ExitCode {
    utility_desk::cli::run()
}
