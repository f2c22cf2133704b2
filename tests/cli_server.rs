//! The scripting commands against the team server: the real `epicevents serve`
//! on 127.0.0.1 over HTTPS, and the real binary as the workstation (its own
//! home, no database). The tokens are kept per server, 0600, without the
//! password; an expired access token is refreshed and the rotated refresh token
//! written back; a session the server ends is exit 6.

mod cli_common;

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};

use cli_common::fresh::epicevents;
use cli_common::{code, text, ADMIN, MANAGER, PASSWORD, SALES};
use epicevents::api::pin::Trust;
use epicevents::api::remote::RemoteCrm;
use epicevents::api::CrmApi;
use epicevents::domain::Role;
use epicevents::services::collaborators::Handover;

/// `epicevents serve` on a demo SQLite file, stopped when dropped.
struct Server {
    child: Child,
    addr: String,
    fingerprint: String,
    _dir: tempfile::TempDir,
}

impl Server {
    fn start(env: &[(&str, &str)]) -> Server {
        let dir = tempfile::tempdir().expect("tempdir");
        let db = dir.path().join("team.db").display().to_string();
        let o = epicevents(dir.path(), &db)
            .args(["--demo", "--demo-clients", "5", "--no-ui"])
            .output()
            .expect("demo");
        assert!(o.status.success(), "{}", text(&o));
        let data = dir.path().join("server").display().to_string();
        let mut c = epicevents(dir.path(), &db);
        c.args(["serve", "--data-dir", &data, "--listen", "127.0.0.1:0"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null());
        for (k, v) in env {
            c.env(k, v);
        }
        let mut child = c.spawn().expect("serve");
        let mut lines = BufReader::new(child.stdout.take().expect("stdout")).lines();
        let (mut addr, mut fingerprint) = (None, None);
        while addr.is_none() || fingerprint.is_none() {
            let line = lines
                .next()
                .expect("the server says where it listens")
                .expect("read");
            if let Some(a) = line.strip_prefix("epicevents: serving ") {
                addr = Some(a.to_string());
            }
            if let Some(f) = line.strip_prefix("epicevents: certificate fingerprint ") {
                fingerprint = Some(f.to_string());
            }
        }
        Server {
            child,
            addr: addr.unwrap_or_default(),
            fingerprint: fingerprint.unwrap_or_default(),
            _dir: dir,
        }
    }

    /// An in-test client of the same server (the admin's side).
    fn client(&self) -> RemoteCrm {
        RemoteCrm::connect(&self.addr, &Trust::Fingerprint(self.fingerprint.clone()))
            .expect("client")
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A workstation: a home of its own, no database, the server's address and pin.
struct Station {
    home: tempfile::TempDir,
    addr: String,
    fingerprint: String,
}

impl Station {
    fn of(server: &Server) -> Station {
        Station {
            home: tempfile::tempdir().expect("tempdir"),
            addr: server.addr.clone(),
            fingerprint: server.fingerprint.clone(),
        }
    }

    fn cmd(&self, args: &[&str]) -> Command {
        let mut c = epicevents(self.home.path(), "");
        c.env_remove("DATABASE_URL")
            .args([
                "--server",
                &self.addr,
                "--server-fingerprint",
                &self.fingerprint,
            ])
            .args(args)
            .stdin(Stdio::null());
        c
    }

    fn run(&self, args: &[&str]) -> Output {
        self.cmd(args).output().expect("run")
    }

    fn json(&self, args: &[&str]) -> serde_json::Value {
        let o = self.run(args);
        assert_eq!(code(&o), 0, "{args:?}: {}", text(&o));
        serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("{args:?}: {e}: {}", text(&o)))
    }

    fn login(&self, email: &str, password: &str) -> Output {
        let mut child = self
            .cmd(&["login", "--email", email, "--password-stdin"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("login");
        use std::io::Write;
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(format!("{password}\n").as_bytes())
            .expect("write");
        child.wait_with_output().expect("wait")
    }

    fn token_files(&self) -> Vec<PathBuf> {
        let dir = self.home.path().join("config/epicevents/sessions");
        match std::fs::read_dir(dir) {
            Ok(rd) => rd
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|x| x == "json"))
                .collect(),
            Err(_) => Vec::new(),
        }
    }

    /// The one token file and its refresh token.
    fn stored(&self) -> (PathBuf, String) {
        let files = self.token_files();
        assert_eq!(files.len(), 1, "{files:?}");
        let text = std::fs::read_to_string(&files[0]).expect("read token file");
        let v: serde_json::Value = serde_json::from_str(&text).expect("json token file");
        let refresh = v["tokens"]["refresh_token"]
            .as_str()
            .expect("a refresh token")
            .to_string();
        (files[0].clone(), refresh)
    }
}

#[cfg(unix)]
fn mode(p: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(p).expect("meta").permissions().mode() & 0o777
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).to_string()
}

#[test]
fn a_session_on_the_server_from_login_to_logout_and_revocation() {
    let server = Server::start(&[]);
    let st = Station::of(&server);

    let o = st.run(&["whoami"]);
    assert_eq!(code(&o), 6, "{}", text(&o));
    assert!(stderr(&o).contains("log in again"), "{}", text(&o));

    let o = st.login(SALES, "not-the-password");
    assert_eq!(code(&o), 3, "{}", text(&o));
    assert!(st.token_files().is_empty());

    let o = st.login(SALES, PASSWORD);
    assert_eq!(code(&o), 0, "{}", text(&o));
    let (file, _) = st.stored();
    #[cfg(unix)]
    assert_eq!(mode(&file), 0o600);
    let kept = std::fs::read_to_string(&file).expect("read");
    assert!(!kept.contains(PASSWORD), "the password is never kept");

    let me = st.json(&["whoami", "--format", "json"]);
    assert_eq!(me["email"], SALES);
    assert_eq!(me["role"], "sales");

    // A list and a write, through the server.
    let clients = st.json(&["clients", "list", "--format", "json"]);
    let emails: Vec<&str> = clients
        .as_array()
        .expect("array")
        .iter()
        .filter_map(|c| c["email"].as_str())
        .collect();
    assert!(emails.contains(&"kevin@startup.io"), "{emails:?}");
    let o = st.run(&[
        "clients",
        "create",
        "--full-name",
        "Ada Lovelace",
        "--email",
        "ada@example.com",
        "--company-name",
        "Analytical Engines",
    ]);
    assert_eq!(code(&o), 0, "{}", text(&o));
    let id: i64 = String::from_utf8_lossy(&o.stdout)
        .trim()
        .parse()
        .expect("the new id");
    let admin = server.client();
    let paul = admin.login(ADMIN, PASSWORD).expect("admin login");
    let written = admin.get_client(id).expect("the client is in the database");
    assert_eq!(written.client.email, "ada@example.com");
    let shown = st.json(&["clients", "show", &id.to_string(), "--format", "json"]);
    assert_eq!(shown["company_name"], "Analytical Engines");
    // The policy holds through the server: the audit trail is not for sales.
    let o = st.run(&["audit", "list"]);
    assert_eq!(code(&o), 3, "{}", text(&o));

    // The admin deactivates Bill: the next command says to log in again.
    let bill_id = me["id"].as_i64().expect("id");
    let bill = admin.get_collaborator(bill_id).expect("bill");
    let other = admin
        .active_staff(Role::Sales)
        .expect("sales")
        .into_iter()
        .find(|c| c.id != bill_id)
        .expect("another sales person");
    admin
        .set_collaborator_active(
            &paul,
            bill_id,
            bill.version,
            false,
            Handover {
                clients_to: Some(other.id),
                events_to: None,
                leave_unassigned: false,
            },
        )
        .expect("deactivate");
    let o = st.run(&["clients", "list"]);
    assert_eq!(code(&o), 6, "{}", text(&o));
    assert!(stderr(&o).contains("log in again"), "{}", text(&o));
    assert_eq!(stderr(&o).lines().count(), 1, "{}", text(&o));
    assert!(st.token_files().is_empty(), "a dead session is not kept");

    // Logout revokes the session on the server and deletes the file.
    let o = st.login(MANAGER, PASSWORD);
    assert_eq!(code(&o), 0, "{}", text(&o));
    let (_, refresh) = st.stored();
    let o = st.run(&["logout"]);
    assert_eq!(code(&o), 0, "{}", text(&o));
    assert!(st.token_files().is_empty());
    let body = serde_json::json!({ "refresh_token": refresh });
    let (status, _) = admin
        .raw("POST", "/v1/session/refresh", Some(&body), None)
        .expect("refresh");
    assert_eq!(status, 401, "the revoked refresh token is refused");
    let o = st.run(&["whoami"]);
    assert_eq!(code(&o), 6, "{}", text(&o));
    let o = st.run(&["logout"]);
    assert_eq!(code(&o), 0, "{}", text(&o));
    assert!(stderr(&o).contains("no session to end"));
}

#[test]
fn an_expired_access_token_is_refreshed_once_even_by_commands_started_together() {
    let server = Server::start(&[("EPICEVENTS_ACCESS_MINUTES", "1")]);
    let st = Station::of(&server);
    let o = st.login(MANAGER, PASSWORD);
    assert_eq!(code(&o), 0, "{}", text(&o));
    let (file, first) = st.stored();
    // The access token (1 minute) expires.
    std::thread::sleep(std::time::Duration::from_secs(62));
    let children: Vec<Child> = (0..3)
        .map(|_| {
            st.cmd(&["events", "list", "--format", "json"])
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .expect("spawn")
        })
        .collect();
    for c in children {
        let o = c.wait_with_output().expect("wait");
        assert_eq!(code(&o), 0, "{}", text(&o));
        let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
        assert!(!v.as_array().expect("array").is_empty());
    }
    let (_, second) = st.stored();
    assert_ne!(first, second, "the rotated refresh token is written back");
    #[cfg(unix)]
    assert_eq!(mode(&file), 0o600);
    // Still one live session: the next command works.
    let me = st.json(&["whoami", "--format", "json"]);
    assert_eq!(me["email"], MANAGER);
}

#[test]
fn imports_run_through_the_server_for_management_only() {
    let server = Server::start(&[]);
    let st = Station::of(&server);
    let dir = tempfile::tempdir().expect("dir");
    let sheet = dir.path().join("events.csv");
    std::fs::write(
        &sheet,
        "Événement;ID événement;Client;Date de début;Date de fin;Lieu;Participants\r\n\
         Kevin Casey Fête;4001;Kevin Casey;05/10/2023 18:00;05/10/2023 23:30;Salle des fêtes;1 200\r\n",
    )
    .expect("write the sheet");
    let file = sheet.to_str().expect("utf-8 path");
    let outcomes = |v: &serde_json::Value| -> Vec<String> {
        v["lines"]
            .as_array()
            .expect("lines")
            .iter()
            .map(|l| l["outcome"].as_str().unwrap_or("").to_string())
            .collect()
    };

    // Sales may not import: denied (3), nothing written.
    let o = st.login(SALES, PASSWORD);
    assert_eq!(code(&o), 0, "{}", text(&o));
    let o = st.run(&["import", "events", file]);
    assert_eq!(code(&o), 3, "{}", text(&o));

    let o = st.login(MANAGER, PASSWORD);
    assert_eq!(code(&o), 0, "{}", text(&o));
    // A dry run checks and writes nothing; then the import; then it is unchanged.
    let dry = st.json(&["import", "events", file, "--dry-run", "--format", "json"]);
    assert_eq!(
        (outcomes(&dry), &dry["written"]),
        (vec!["created".to_string()], &serde_json::json!(false))
    );
    let done = st.json(&["import", "events", file, "--format", "json"]);
    assert_eq!(outcomes(&done), vec!["created"]);
    assert_eq!(done["written"], true);
    let id = done["lines"][0]["id"].as_i64().expect("the new event's id");
    let shown = st.json(&["events", "show", &id.to_string(), "--format", "json"]);
    assert_eq!(shown["name"], "Kevin Casey Fête");
    assert_eq!(
        shown["starts_at"], "2023-10-05T18:00:00",
        "local times, as in the sheet"
    );
    assert_eq!(shown["attendees"], 1200);
    let again = st.json(&["import", "events", file, "--format", "json"]);
    assert_eq!(outcomes(&again), vec!["unchanged"]);

    // Clients too; a broken row is exit 1 with its line, and nothing written.
    let clients = dir.path().join("clients.csv");
    std::fs::write(
        &clients,
        "E-mail,Full name,Company\n\
         ada@example.com,Ada Lovelace,Analytical Engines\n\
         not-an-email,Broken Row,\n",
    )
    .expect("write the clients");
    let o = st.run(&[
        "import",
        "clients",
        clients.to_str().expect("path"),
        "--format",
        "json",
    ]);
    assert_eq!(code(&o), 1, "{}", text(&o));
    let report: serde_json::Value = serde_json::from_slice(&o.stdout).expect("the report");
    assert_eq!(report["lines"][1]["line"], 3);
    assert_eq!(report["written"], false);
    let o = st.run(&[
        "import",
        "clients",
        clients.to_str().expect("path"),
        "--partial",
        "--format",
        "json",
    ]);
    assert_eq!(code(&o), 1, "{}", text(&o));
    let listed = st.json(&[
        "clients", "list", "--search", "lovelace", "--format", "json",
    ]);
    assert_eq!(listed.as_array().map(Vec::len), Some(1), "{listed}");
}
