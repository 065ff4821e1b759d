//! The `frontier` command line: a thin layer over the library. Each
//! subcommand lives in its own file under `src/cmd/`.

mod cmd;

use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    // Interrupted (Ctrl-C, SIGTERM, SIGHUP): outputs being written are
    // still temporary files; remove them, leave every target as it was.
    let _ = ctrlc::set_handler(|| {
        frontier::output::remove_pending();
        std::process::exit(130);
    });
    let cli = match cmd::Cli::try_parse() {
        Ok(cli) => cli,
        // --help and --version: printed as clap words them.
        Err(e) if !e.use_stderr() => {
            let _ = e.print();
            return ExitCode::SUCCESS;
        }
        // A bad command line: one prefix for every message frontier prints.
        Err(e) => {
            eprint!("frontier: {}", e.render());
            return ExitCode::from(2);
        }
    };
    // Files written by the run are moved into place only when every output
    // (standard output included) was written without error.
    let result = cmd::run(cli).and_then(|()| cmd::commit_staged());
    if result.is_err() {
        cmd::discard_staged();
    }
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            // A closed standard output ends a run that writes nothing else
            // quietly (with files to complete, the run goes on without it).
            if is_broken_pipe(&e) {
                return ExitCode::SUCCESS;
            }
            let mut msg = format!("frontier: error: {e}");
            // (A library error's own causes, below its message in flags.)
            let mut src = match &e {
                cmd::CmdError::Lib(inner) => inner.source(),
                other => other.source(),
            };
            while let Some(s) = src {
                // thiserror variants already print their source inline when
                // it is part of the message; avoid saying it twice.
                let s_text = s.to_string();
                if !msg.contains(&s_text) {
                    msg.push_str(&format!(": {s_text}"));
                }
                src = s.source();
            }
            eprintln!("{msg}");
            ExitCode::from(2)
        }
    }
}

fn is_broken_pipe(e: &cmd::CmdError) -> bool {
    let pipe = |io: &std::io::Error| io.kind() == std::io::ErrorKind::BrokenPipe;
    match e {
        cmd::CmdError::Io(io) => pipe(io),
        cmd::CmdError::Lib(frontier::Error::Io { source, .. }) => pipe(source),
        _ => false,
    }
}

use std::error::Error as _;
