//! The `markush` command line; the work is done by the library, see `cli`.

mod cli;

fn main() -> std::process::ExitCode {
    cli::main()
}
