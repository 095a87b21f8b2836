//! `markush templates check`: validate the template files of a directory.

use std::path::PathBuf;

use clap::{Args, Subcommand};

#[derive(Debug, Args)]
#[command(about = "Work with the Markush template files (grammars/)")]
pub struct TemplatesArgs {
    #[command(subcommand)]
    pub command: TemplatesCommand,
}

#[derive(Debug, Subcommand)]
pub enum TemplatesCommand {
    /// Check every *.markush file in DIR; print each error with file, line,
    /// column and a caret, or list the formulas and the number of groups.
    #[command(after_help = "Examples:\n  \
        markush templates check\n  \
        markush templates check grammars/examples\n\n\
        Exit codes: 0 all templates valid, 2 any error.")]
    Check {
        /// Directory of template files.
        #[arg(value_name = "DIR", default_value = "grammars")]
        dir: PathBuf,
    },
}

/// Prints the report and returns the exit code (0 valid, 2 errors).
pub fn run(args: &TemplatesArgs) -> u8 {
    match &args.command {
        TemplatesCommand::Check { dir } => {
            let report = markush::markush::check_dir(dir);
            if report.is_ok() {
                println!("{report}");
            } else {
                eprintln!("{report}");
            }
            report.exit_code() as u8
        }
    }
}
