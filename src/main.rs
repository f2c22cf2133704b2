//! `epicevents`: parse arguments, load `.env`, start telemetry, open the database,
//! run the terminal UI. Everything else lives in the library.

use std::process::ExitCode;
use std::time::Duration;

use clap::{Parser, Subcommand};
use epicevents::config::{env_num, project_dirs, CrmConfig};
use epicevents::db::Target;
use epicevents::{app, demo, telemetry, Crm};

/// Epic Events CRM: clients, contracts and events, from the keyboard.
#[derive(Debug, Parser)]
#[command(version, about, long_about = None)]
struct Args {
    /// An SQLite file path or a postgres:// URL. Default: epicevents.db in the
    /// user's data directory.
    #[arg(long, env = "DATABASE_URL", hide_env_values = true, global = true)]
    database: Option<String>,

    /// Load the demo data (the brief's examples and a few hundred generated
    /// records) into an empty database before starting. Safe to repeat.
    #[arg(long)]
    demo: bool,

    /// How many generated clients the demo adds besides the brief's own.
    #[arg(long, default_value_t = 100, requires = "demo")]
    demo_clients: usize,

    /// Prepare the database (migrate, load the demo if asked) and exit without
    /// starting the screen.
    #[arg(long)]
    no_ui: bool,

    /// Minutes without a key press before the screen locks (0: never).
    #[arg(long, env = "EPICEVENTS_IDLE_MINUTES")]
    idle_minutes: Option<u64>,

    /// Team mode: the address of the team's server (https://host:8443) instead
    /// of a database.
    #[arg(long, env = "EPICEVENTS_SERVER", global = true)]
    server: Option<String>,

    /// Trust the server whose certificate (or whose CA) is in this PEM file.
    #[arg(long, env = "EPICEVENTS_CA_CERT", global = true)]
    ca_cert: Option<std::path::PathBuf>,

    /// Trust the server whose certificate has this SHA-256 fingerprint
    /// (SHA256:AB:CD:…, as `epicevents serve` prints it).
    #[arg(long, env = "EPICEVENTS_SERVER_FINGERPRINT", global = true)]
    server_fingerprint: Option<String>,

    /// Without one, the screen starts.
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Tasks for whoever holds the database itself (its file, or its owner's
    /// credentials), done without logging in.
    #[command(subcommand)]
    Admin(AdminCommand),
    /// Run the team server: workstations connect with --server and hold only a
    /// short-lived token; the database's credentials stay on this machine.
    Serve(ServeArgs),
    /// The terminal's keys: check keys.toml, or print a complete one.
    Keys(KeysArgs),
    /// Scripting: login, lists, writes, import, export (see `epicevents::cli`).
    #[command(flatten)]
    Script(epicevents::cli::Command),
}

#[derive(Debug, clap::Args)]
#[group(required = true, multiple = false)]
struct KeysArgs {
    /// List every line of keys.toml that cannot be used; exit non-zero if any.
    #[arg(long)]
    check: bool,
    /// Print a complete keys.toml with the default keys, every action commented.
    #[arg(long)]
    print_defaults: bool,
}

#[derive(Debug, clap::Args)]
struct ServeArgs {
    /// Address and port to listen on.
    #[arg(long, default_value = "127.0.0.1:8443")]
    listen: std::net::SocketAddr,

    /// The certificate chain (PEM). Without it, a self-signed certificate is
    /// made on first start and kept in the data directory.
    #[arg(long, requires = "tls_key")]
    tls_cert: Option<std::path::PathBuf>,

    /// The certificate's private key (PEM).
    #[arg(long, requires = "tls_cert")]
    tls_key: Option<std::path::PathBuf>,

    /// Where the generated certificate and the token-signing secret are kept.
    /// Default: server/ in the user's data directory.
    #[arg(long)]
    data_dir: Option<std::path::PathBuf>,

    /// Print the certificate's SHA-256 fingerprint and exit.
    #[arg(long)]
    print_fingerprint: bool,
}

#[derive(Debug, Subcommand)]
enum AdminCommand {
    /// Set a new password for an account whose holder forgot it, and unlock the
    /// account. Asks for the password twice, without echo.
    ResetPassword {
        /// The account's e-mail (its login).
        email: String,
        /// Read the password once, as one line, from standard input (for scripts).
        #[arg(long)]
        password_stdin: bool,
    },
}

fn main() -> ExitCode {
    let started = std::time::Instant::now();
    // Before anything is created: the database, its WAL, the logs are private.
    epicevents::files::restrict_umask();
    // OpenSSL initialised up front, without its exit-time clean-up (see init_tls).
    epicevents::db::init_tls();
    // A missing .env is normal; a malformed one is worth saying.
    if let Err(e) = dotenvy::dotenv() {
        if !e.not_found() {
            eprintln!("epicevents: ignoring .env: {e}");
        }
    }
    let mut args = Args::parse();
    let log_dir = project_dirs().ok().map(|d| d.data_dir().join("logs"));
    let _telemetry = telemetry::init(log_dir.as_deref());
    if let Some(Command::Script(cmd)) = args.command.take_if(|c| matches!(c, Command::Script(_))) {
        if let Some(url) = args.server.clone() {
            return match server_trust(&args, &url) {
                Ok(trust) => epicevents::cli::run_server(&url, &trust, cmd),
                Err(e) => {
                    eprintln!("epicevents: {}", e.user_message());
                    ExitCode::FAILURE
                }
            };
        }
        return match database_target(args.database.as_deref()) {
            Ok(target) => epicevents::cli::run(target, cmd),
            Err(e) => {
                eprintln!("epicevents: {}", e.user_message());
                ExitCode::FAILURE
            }
        };
    }
    if let Some(Command::Keys(k)) = &args.command {
        let file = project_dirs()
            .ok()
            .map(|d| d.config_dir().join("keys.toml"));
        return epicevents::keymap::command(k.print_defaults, file.as_deref());
    }
    match run(args, started) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            telemetry::report_error(&e);
            eprintln!("epicevents: {}", e.user_message());
            ExitCode::FAILURE
        }
    }
}

fn run(args: Args, started: std::time::Instant) -> epicevents::Result<()> {
    if let Some(Command::Serve(s)) = &args.command {
        return serve(args.database.as_deref(), s);
    }
    if let Some(url) = &args.server {
        return team_mode(&args, url);
    }
    let target = database_target(args.database.as_deref())?;
    tracing::info!(database = %target.display_safe(), "starting");
    let crm = Crm::open_noting(&target, CrmConfig::from_env()?, |note| {
        eprintln!("epicevents: {note}…");
    })?;
    if crm.created_new_database() && !target.is_default() {
        eprintln!(
            "epicevents: created a new database at {}",
            target.display_safe()
        );
    }
    if let Some(Command::Admin(cmd)) = &args.command {
        return admin(&crm, cmd);
    }
    if args.demo {
        let report = demo::load(&crm, args.demo_clients)?;
        if args.no_ui {
            if report.loaded {
                println!(
                    "demo loaded into {}: {} clients, {} contracts, {} events; password {}",
                    target.display_safe(),
                    report.clients,
                    report.contracts,
                    report.events,
                    demo::DEMO_PASSWORD
                );
            } else {
                println!("demo already loaded in {}", target.display_safe());
            }
        }
    }
    if args.no_ui {
        return Ok(());
    }
    let opts = app::AppOptions {
        demo_hint: demo::is_loaded(&crm)?,
        idle_timeout: idle_timeout(args.idle_minutes)?,
        keys_file: project_dirs()
            .ok()
            .map(|d| d.config_dir().join("keys.toml")),
        database_label: target.display_safe(),
        started: Some(started),
        first_contact: None,
    };
    app::run(crm, opts).map_err(|e| epicevents::Error::Terminal(e.to_string()))
}

/// `epicevents serve`: opens and migrates the database, then serves until Ctrl-C
/// or SIGTERM. The settings (lockout, bcrypt cost, token lifetimes) come from
/// this process's environment only.
fn serve(database: Option<&str>, s: &ServeArgs) -> epicevents::Result<()> {
    use epicevents::server::{self, ServerOptions, ServerSettings};
    let data_dir = match &s.data_dir {
        Some(d) => d.clone(),
        None => project_dirs()?.data_dir().join("server"),
    };
    let opts = ServerOptions {
        listen: s.listen,
        data_dir,
        tls_cert: s.tls_cert.clone(),
        tls_key: s.tls_key.clone(),
        settings: ServerSettings::from_env()?,
    };
    if s.print_fingerprint {
        println!("{}", server::identity(&opts)?.fingerprint);
        return Ok(());
    }
    let target = database_target(database)?;
    tracing::info!(database = %target.display_safe(), "serving");
    let crm = Crm::open_noting(&target, CrmConfig::from_env()?, |note| {
        eprintln!("epicevents: {note}…");
    })?;
    let mut running = server::start(crm, opts, true)?;
    println!("epicevents: serving https://{}", running.addr);
    println!(
        "epicevents: certificate fingerprint {}",
        running.fingerprint
    );
    tracing::info!(addr = %running.addr, fingerprint = %running.fingerprint, "listening");
    running.join()?;
    println!("epicevents: stopped");
    Ok(())
}

/// `--server`: checks that the team's server answers with the pinned
/// certificate, then runs the terminal through it. A server met for the first
/// time is checked on the login screen instead (its fingerprint compared by the
/// person at the keyboard, off the screen thread).
fn team_mode(args: &Args, url: &str) -> epicevents::Result<()> {
    use epicevents::api::known::KnownServers;
    use epicevents::api::pin::Trust;
    let mut first_contact = None;
    let trust = match (&args.ca_cert, &args.server_fingerprint) {
        (Some(ca), None) => Trust::CaCert(ca.clone()),
        (None, Some(f)) => Trust::Fingerprint(f.clone()),
        (None, None) => {
            let known = KnownServers::default_file()?;
            match known.lookup(url)? {
                // A changed certificate is refused by the pin itself, loudly.
                Some(f) => Trust::Fingerprint(f),
                None if args.no_ui => {
                    let seen = epicevents::api::known::peek_fingerprint(url)?;
                    return Err(epicevents::Error::Config(format!(
                        "{url} is not a known server; its certificate is {seen}. Check it \
                         with the server's operator and pass --server-fingerprint {seen}"
                    )));
                }
                None => {
                    first_contact = Some(known);
                    Trust::Ask
                }
            }
        }
        (Some(_), Some(_)) => {
            return Err(epicevents::Error::Config(
                "give --ca-cert or --server-fingerprint, not both".into(),
            ))
        }
    };
    let remote = epicevents::api::remote::RemoteCrm::connect(url, &trust)?;
    if first_contact.is_none() {
        remote.probe()?;
        println!(
            "epicevents: {} answers with the pinned certificate",
            remote.base_url()
        );
    }
    if args.no_ui {
        return Ok(());
    }
    let first_contact = first_contact.map(|known| app::FirstContact {
        url: remote.base_url().to_string(),
        verifier: remote.verifier(),
        known,
    });
    let opts = app::AppOptions {
        demo_hint: false,
        idle_timeout: idle_timeout(args.idle_minutes)?,
        keys_file: project_dirs()
            .ok()
            .map(|d| d.config_dir().join("keys.toml")),
        database_label: remote.base_url().to_string(),
        started: None,
        first_contact,
    };
    app::run(remote, opts).map_err(|e| epicevents::Error::Terminal(e.to_string()))
}

/// How the server at `url` is trusted: the given CA or fingerprint, else the
/// fingerprint remembered for it (asked on first contact).
fn server_trust(args: &Args, url: &str) -> epicevents::Result<epicevents::api::pin::Trust> {
    use epicevents::api::pin::Trust;
    match (&args.ca_cert, &args.server_fingerprint) {
        (Some(ca), None) => Ok(Trust::CaCert(ca.clone())),
        (None, Some(f)) => Ok(Trust::Fingerprint(f.clone())),
        (None, None) => Ok(Trust::Fingerprint(known_fingerprint(url)?)),
        (Some(_), Some(_)) => Err(epicevents::Error::Config(
            "give --ca-cert or --server-fingerprint, not both".into(),
        )),
    }
}

/// Minutes without a key before the screen locks: the flag, then
/// `EPICEVENTS_IDLE_MINUTES`, then 15; 0 means never.
fn idle_timeout(flag: Option<u64>) -> epicevents::Result<Option<Duration>> {
    let idle = match flag {
        Some(m) => m,
        None => env_num::<u64>("EPICEVENTS_IDLE_MINUTES")?.unwrap_or(15),
    };
    Ok((idle > 0).then(|| Duration::from_secs(idle * 60)))
}

/// The fingerprint remembered for `url`, or, on first contact, the one it
/// presents once the user accepts it (like SSH's known_hosts). The question
/// goes to stderr, so a script's output holds only what it asked for.
fn known_fingerprint(url: &str) -> epicevents::Result<String> {
    use epicevents::api::known::{peek_fingerprint, KnownServers};
    use std::io::IsTerminal;
    let known = KnownServers::default_file()?;
    if let Some(f) = known.lookup(url)? {
        // A changed certificate is refused by the pin itself, loudly.
        return Ok(f);
    }
    let seen = peek_fingerprint(url)?;
    if !std::io::stdin().is_terminal() {
        return Err(epicevents::Error::Config(format!(
            "{url} is not a known server; its certificate is {seen}. Check it with the \
             server's operator and pass --server-fingerprint {seen}"
        )));
    }
    eprintln!("The server at {url} presents the certificate");
    eprintln!("  {seen}");
    eprintln!("Compare it with the one its operator gave you (epicevents serve prints it).");
    eprint!("Trust this server from now on? [y/N] ");
    use std::io::Write;
    let _ = std::io::stderr().flush();
    let mut answer = String::new();
    std::io::stdin()
        .read_line(&mut answer)
        .map_err(|e| epicevents::Error::Config(format!("cannot read the answer: {e}")))?;
    if !matches!(answer.trim(), "y" | "Y" | "yes" | "YES" | "Yes") {
        return Err(epicevents::Error::Config(
            "the server was not trusted".into(),
        ));
    }
    known.remember(url, &seen)?;
    eprintln!("Remembered in {}", known.path().display());
    Ok(seen)
}

/// The database named by `--database` / `DATABASE_URL`, or the default file.
/// A password written on the command line is visible to every user of the machine
/// (the process list, the shell history): it works, with a warning.
fn database_target(given: Option<&str>) -> epicevents::Result<Target> {
    let Some(s) = given.filter(|s| !s.trim().is_empty()) else {
        return Target::default_sqlite();
    };
    let target = Target::parse(s)?;
    let on_command_line =
        std::env::args_os().any(|a| a.to_string_lossy().starts_with("--database"));
    if on_command_line && target.carries_password() {
        eprintln!(
            "epicevents: warning: the --database URL carries a password, which other users \
             of this machine can read in the process list; put it in DATABASE_URL (a .env \
             file) or a libpq passfile instead"
        );
    }
    Ok(target)
}

/// Runs an `admin` subcommand on the opened database.
fn admin(crm: &Crm, cmd: &AdminCommand) -> epicevents::Result<()> {
    match cmd {
        AdminCommand::ResetPassword {
            email,
            password_stdin,
        } => {
            // Before any password is asked for: a mistyped address is said at once.
            let who = crm.operator_find_account(email)?;
            let password = if *password_stdin {
                password_from_stdin()?
            } else {
                password_from_terminal(crm, &who.full_name, &who.email)?
            };
            let done = crm.operator_reset_password(&who.email, &password)?;
            println!("password reset for {} ({})", done.full_name, done.email);
            Ok(())
        }
    }
}

/// One line of standard input, without its line ending; nothing else is trimmed,
/// since spaces may be part of a password.
fn password_from_stdin() -> epicevents::Result<String> {
    let mut line = String::new();
    std::io::stdin()
        .read_line(&mut line)
        .map_err(|e| epicevents::Error::Rule(format!("cannot read standard input: {e}")))?;
    let password = line
        .strip_suffix('\n')
        .map(|l| l.strip_suffix('\r').unwrap_or(l))
        .unwrap_or(&line);
    if password.is_empty() {
        return Err(epicevents::Error::Rule(
            "no password on standard input".into(),
        ));
    }
    Ok(password.to_string())
}

/// The new password, typed twice without echo; the rules are checked before the
/// second entry so a refused password is not typed twice for nothing.
fn password_from_terminal(crm: &Crm, name: &str, email: &str) -> epicevents::Result<String> {
    let ask = |prompt: &str| {
        rpassword::prompt_password(prompt).map_err(|e| {
            epicevents::Error::Rule(format!(
                "cannot read a password from the terminal ({e}); use --password-stdin"
            ))
        })
    };
    let first = ask(&format!("New password for {name} ({email}): "))?;
    if let Err(m) = crm.check_password(&first, &[name, email]) {
        return Err(epicevents::Error::field("password", m));
    }
    let second = ask("The same password again: ")?;
    if first != second {
        return Err(epicevents::Error::Rule(
            "the two entries differ; the password is unchanged".into(),
        ));
    }
    Ok(first)
}
