// SPDX-License-Identifier: MIT
// The real wpa_cli (Debian's wpasupplicant) against p2pd: one-shot commands, action mode on
// both devices through a GO negotiation and group removal, and interactive mode under a pty.
#include <catch2/catch.hpp>

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <random>

#include <softmac/p2p/ctrl/client.hpp>
#include <softmac/p2p/ctrl/config_file.hpp>

#include "ctrl_text.hpp"
#include "tshark.hpp"

extern char** environ;

namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace {

const char* wpa_cli_path() {
    for (const char* p : {"/usr/sbin/wpa_cli", "/sbin/wpa_cli", "/usr/bin/wpa_cli"})
        if (fs::exists(p)) return p;
    return nullptr;
}

/// Runs a shell command; returns its output and exit status.
std::pair<std::string, int> shell(const std::string& cmd) {
    std::string out;
    FILE* f = ::popen(cmd.c_str(), "r");
    REQUIRE(f);
    char buf[4096];
    std::size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) out.append(buf, n);
    const int status = ::pclose(f);
    return {out, WEXITSTATUS(status)};
}

/// A child process (p2pd, or wpa_cli in action mode) stopped with SIGTERM at the end.
class process {
  public:
    process(std::vector<std::string> argv, const std::string& log) {
        std::vector<char*> args;
        for (auto& a : argv) args.push_back(a.data());
        args.push_back(nullptr);
        posix_spawn_file_actions_t fa;
        posix_spawn_file_actions_init(&fa);
        posix_spawn_file_actions_addopen(&fa, 1, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        posix_spawn_file_actions_adddup2(&fa, 1, 2);
        REQUIRE(::posix_spawn(&pid_, args[0], &fa, nullptr, args.data(), environ) == 0);
        posix_spawn_file_actions_destroy(&fa);
    }
    process(const process&) = delete;
    process& operator=(const process&) = delete;
    ~process() { (void)stop(); }
    /// `sig` (SIGTERM), then the exit status (or -1 if it had to be killed).
    int stop(int sig = SIGTERM) {
        if (pid_ <= 0) return status_;
        ::kill(pid_, sig);
        for (int i = 0; i < 100; ++i) {
            int st = 0;
            if (::waitpid(pid_, &st, WNOHANG) == pid_) {
                pid_ = 0;
                return status_ = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
            }
            std::this_thread::sleep_for(50ms);
        }
        ::kill(pid_, SIGKILL);
        ::waitpid(pid_, nullptr, 0);
        pid_ = 0;
        return status_ = -1;
    }

    pid_t pid() const noexcept { return pid_; }

  private:
    pid_t pid_ = 0;
    int status_ = -1;
};

std::string file_text(const std::string& path) {
    std::ifstream in(path);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}
template <class P>
bool eventually(P pred, std::chrono::milliseconds limit) {
    const auto end = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < end) {
        if (pred()) return true;
        std::this_thread::sleep_for(100ms);
    }
    return pred();
}
/// The line of `text` containing `what`.
std::string line_with(const std::string& text, const std::string& what) {
    std::istringstream in(text);
    for (std::string l; std::getline(in, l);)
        if (l.find(what) != std::string::npos) return l;
    return {};
}
/// The value of the `key=` line of `text`.
std::string value_of(const std::string& text, const std::string& key) {
    std::istringstream in(text);
    for (std::string l; std::getline(in, l);)
        if (l.starts_with(key + "=")) return l.substr(key.size() + 1);
    return {};
}
using softmac::test::event_field;

/// A p2pd in its own directory under the test directory, and one-shot wpa_cli against it.
struct p2pd_session {
    std::string cli, tmp, dir;
    std::vector<std::string> argv;
    std::optional<process> daemon;
    unsigned starts = 0;
    p2pd_session(const char* wpa_cli, const std::string& name, std::vector<std::string> args)
        : cli(wpa_cli), tmp(std::string(SOFTMAC_TEST_TMPDIR) + "/" + name), dir(tmp + "/run") {
        fs::remove_all(tmp);
        fs::create_directories(tmp);
        argv = std::move(args);
        argv.insert(argv.begin(), {SOFTMAC_P2PD, "-p", dir});
        start();
    }
    /// Starts p2pd (again: after it was stopped); its output goes to p2pd.log, p2pd-1.log, ...
    void start() {
        const std::string log =
            tmp + (starts ? "/p2pd-" + std::to_string(starts) + ".log" : "/p2pd.log");
        ++starts;
        daemon.reset();
        daemon.emplace(argv, log);
        REQUIRE(eventually([&] { return file_text(log).find("ready") != std::string::npos; }, 10s));
    }
    std::pair<std::string, int> run(const std::string& ifname, const std::string& args) const {
        return shell("timeout 20 " + cli + " -p " + dir + " -i " + ifname + " " + args + " 2>&1");
    }
};

}  // namespace

TEST_CASE("wpa_cli drives two p2pd devices through discovery, a group and its removal",
          "[ctrl][wpa_cli]") {
    const char* cli = wpa_cli_path();
    if (!cli) {
        WARN("wpa_cli is not installed (Debian package wpasupplicant): skipped");
        return;
    }
    p2pd_session s(cli, "wpa_cli",
                   {"-n", "2", "-N", "Alice,Bob", "-w",
                    std::string(SOFTMAC_TEST_TMPDIR) + "/wpa_cli/air.pcap"});
    const std::string &tmp = s.tmp, &dir = s.dir;
    auto run = [&](const std::string& ifname, const std::string& args) {
        return s.run(ifname, args);
    };
    const auto [pong, ping_rc] = run("wlan0", "ping");
    CHECK(pong == "PONG\n");
    CHECK(ping_rc == 0);
    const auto status0 = run("wlan0", "status").first;
    const auto status1 = run("wlan1", "status").first;
    const auto addr0 = line_with(status0, "p2p_device_address=").substr(19);
    const auto addr1 = line_with(status1, "p2p_device_address=").substr(19);
    REQUIRE(addr0.size() == 17);
    REQUIRE(addr1.size() == 17);
    CHECK(status0.find("wpa_state=DISCONNECTED\n") != std::string::npos);

    // Action mode on both: the script records the events it is run for.
    const std::string script = tmp + "/action.sh";
    {
        std::ofstream s(script);
        s << "#!/bin/sh\necho \"$@\" >> " << tmp << "/events-$1.log\n";
    }
    fs::permissions(script, fs::perms::owner_all);
    process action0({cli, "-p", dir, "-i", "wlan0", "-a", script}, tmp + "/action0.log");
    process action1({cli, "-p", dir, "-i", "wlan1", "-a", script}, tmp + "/action1.log");

    CHECK(run("wlan0", "p2p_find").first == "OK\n");
    CHECK(run("wlan1", "p2p_find").first == "OK\n");
    // Peers heard only in probe requests are listed too; `discovered` hides them.
    CHECK(eventually([&] { return run("wlan0", "p2p_peers discovered").first == addr1 + "\n"; },
                     15s));
    CHECK(eventually([&] { return run("wlan1", "p2p_peers discovered").first == addr0 + "\n"; },
                     15s));
    CHECK(run("wlan0", "p2p_peers").first == addr1 + "\n");
    const auto peer = run("wlan0", "p2p_peer " + addr1).first;
    CHECK(peer.starts_with(addr1 + "\n"));
    CHECK(peer.find("\ndevice_name=Bob\n") != std::string::npos);
    CHECK(peer.find("\nconfig_methods=0x188\n") != std::string::npos);

    CHECK(run("wlan1", "p2p_connect " + addr0 + " pbc").first == "OK\n");
    CHECK(run("wlan0", "p2p_connect " + addr1 + " pbc go_intent=15").first == "OK\n");
    const std::string ev0 = tmp + "/events-wlan0.log", ev1 = tmp + "/events-wlan1.log";
    REQUIRE(eventually(
        [&] {
            return file_text(ev0).find("P2P-GROUP-STARTED") != std::string::npos &&
                   file_text(ev1).find("P2P-GROUP-STARTED") != std::string::npos;
        },
        20s));
    const auto go = line_with(file_text(ev0), "P2P-GROUP-STARTED");
    const auto client = line_with(file_text(ev1), "P2P-GROUP-STARTED");
    INFO(go << "\n" << client);
    CHECK(go.starts_with("wlan0 P2P-GROUP-STARTED p2p-wlan0-0 GO ssid=\"DIRECT-"));
    CHECK(client.starts_with("wlan1 P2P-GROUP-STARTED p2p-wlan1-0 client ssid=\"DIRECT-"));
    CHECK(event_field(go, "ssid") == event_field(client, "ssid"));
    CHECK(event_field(go, "freq") == event_field(client, "freq"));
    CHECK(event_field(go, "go_dev_addr") == addr0);
    CHECK(event_field(client, "go_dev_addr") == addr0);
    CHECK(fs::is_socket(dir + "/p2p-wlan0-0"));
    const auto pass = run("p2p-wlan0-0", "p2p_get_passphrase").first;
    CHECK(event_field(go, "passphrase") == "\"" + pass + "\"");
    CHECK(run("p2p-wlan0-0", "status").first.find("mode=P2P GO\n") != std::string::npos);

    CHECK(run("wlan0", "p2p_group_remove p2p-wlan0-0").first == "OK\n");
    // Each monitor runs its action script in its own process: wait for both files.
    REQUIRE(eventually(
        [&] {
            return file_text(ev0).find("P2P-GROUP-REMOVED") != std::string::npos &&
                   file_text(ev1).find("P2P-GROUP-REMOVED") != std::string::npos;
        },
        10s));
    CHECK(line_with(file_text(ev0), "P2P-GROUP-REMOVED") ==
          "wlan0 P2P-GROUP-REMOVED p2p-wlan0-0 GO reason=REQUESTED");
    CHECK(line_with(file_text(ev1), "P2P-GROUP-REMOVED") ==
          "wlan1 P2P-GROUP-REMOVED p2p-wlan1-0 client reason=GO_ENDING_SESSION");
    CHECK(eventually([&] { return !fs::exists(dir + "/p2p-wlan0-0"); }, 2s));

    // Interactive mode in a pseudo-terminal: start-up walks, a command, quit; no hang.
    const auto [session, rc] = shell(
        "(sleep 1; echo ping; sleep 1; echo quit) | timeout 20 "
        "script -qfec '" +
        std::string(cli) + " -p " + dir + " -i wlan0' /dev/null 2>&1");
    INFO(session);
    CHECK(rc == 0);
    CHECK(session.find("Interactive mode") != std::string::npos);
    CHECK(session.find("PONG") != std::string::npos);

    CHECK(action0.stop() == 0);
    CHECK(action1.stop() == 0);
    CHECK(s.daemon->stop() == 0);
    CHECK_FALSE(fs::exists(dir + "/wlan0"));
    CHECK_FALSE(fs::exists(dir + "/p2p-dev-wlan1"));
}

TEST_CASE("wpa_cli forms a WPS PIN group and a third device joins it by PIN",
          "[ctrl][wpa_cli][wps]") {
    const char* cli = wpa_cli_path();
    if (!cli) {
        WARN("wpa_cli is not installed (Debian package wpasupplicant): skipped");
        return;
    }
    p2pd_session s(cli, "wpa_cli_pin", {"-n", "3", "-N", "Alice,Bob,Carol"});
    const std::string& tmp = s.tmp;
    auto run = [&](const std::string& ifname, const std::string& args) {
        return s.run(ifname, args).first;
    };
    std::string addr[3];
    for (int i = 0; i < 3; ++i) {
        addr[i] =
            line_with(run("wlan" + std::to_string(i), "status"), "p2p_device_address=").substr(19);
        REQUIRE(addr[i].size() == 17);
    }
    const std::string script = tmp + "/action.sh";
    {
        std::ofstream out(script);
        out << "#!/bin/sh\necho \"$@\" >> " << tmp << "/events-$1.log\n";
    }
    fs::permissions(script, fs::perms::owner_all);
    std::vector<std::unique_ptr<process>> monitors;
    for (const char* ifname : {"wlan0", "wlan1", "wlan2"})
        monitors.push_back(std::make_unique<process>(
            std::vector<std::string>{cli, "-p", s.dir, "-i", ifname, "-a", script},
            tmp + "/action-" + ifname + ".log"));
    CHECK(run("wlan0", "p2p_find") == "OK\n");
    CHECK(run("wlan1", "p2p_find") == "OK\n");
    REQUIRE(
        eventually([&] { return run("wlan0", "p2p_peers discovered") == addr[1] + "\n"; }, 15s));
    REQUIRE(
        eventually([&] { return run("wlan1", "p2p_peers discovered") == addr[0] + "\n"; }, 15s));
    // Bob shows a PIN and waits (auth); Alice types it ("enter": keypad) and becomes the GO.
    const std::string pin = run("wlan1", "p2p_connect " + addr[0] + " pin auth go_intent=0");
    REQUIRE(pin.size() == 8);
    CHECK(run("wlan1", "wps_check_pin " + pin) == pin);
    CHECK(run("wlan0", "p2p_connect " + addr[1] + " " + pin + " enter go_intent=15") == "OK\n");
    const std::string ev0 = tmp + "/events-wlan0.log", ev1 = tmp + "/events-wlan1.log",
                      ev2 = tmp + "/events-wlan2.log";
    REQUIRE(eventually(
        [&] {
            return file_text(ev0).find("P2P-GROUP-STARTED") != std::string::npos &&
                   file_text(ev1).find("P2P-GROUP-STARTED") != std::string::npos;
        },
        20s));
    const auto client = line_with(file_text(ev1), "P2P-GROUP-STARTED");
    INFO(file_text(ev0) << "\n" << file_text(ev1));
    // wpa_cli's action mode runs the script for the events of the interface it watches. The
    // group's own events (WPS-SUCCESS, the client's CONNECTED) are the group interface's, as
    // wpa_supplicant sends them; the GO's AP-STA-CONNECTED also reaches the device, as
    // hostapd's parent context does, and no station was reported gone.
    CHECK(event_field(client, "psk").size() == 64);
    REQUIRE(eventually([&] { return file_text(ev0).find("AP-STA-CONNECTED") != std::string::npos; },
                       5s));
    for (const auto* log : {&ev0, &ev1})
        CHECK(file_text(*log).find("WPS-SUCCESS") == std::string::npos);
    CHECK(file_text(ev1).find("CONNECTED") == std::string::npos);
    CHECK(file_text(ev0).find("AP-STA-DISCONNECTED") == std::string::npos);
    for (const char* g : {"p2p-wlan0-0", "p2p-wlan1-0"}) {
        const auto st = run(g, "status");
        INFO(g << ": " << st);
        CHECK(st.find("key_mgmt=WPA2-PSK\n") != std::string::npos);
        CHECK(st.find("pairwise_cipher=CCMP\n") != std::string::npos);
        CHECK(st.find("group_cipher=CCMP\n") != std::string::npos);
        CHECK(st.find("wpa_state=COMPLETED\n") != std::string::npos);
    }

    // The GO authorises any enrollee with a PIN; Carol finds the group and joins with it.
    const std::string any = run("p2p-wlan0-0", "wps_pin any");
    REQUIRE(any.size() == 8);
    CHECK(run("wlan2", "p2p_find") == "OK\n");
    REQUIRE(eventually(
        [&] { return run("wlan2", "p2p_peer " + addr[0]).find("oper_ssid=") != std::string::npos; },
        15s));
    CHECK(run("wlan2", "p2p_connect " + addr[0] + " " + any + " join") == "OK\n");
    REQUIRE(eventually(
        [&] { return file_text(ev2).find("P2P-GROUP-STARTED") != std::string::npos; }, 20s));
    const auto joined = line_with(file_text(ev2), "P2P-GROUP-STARTED");
    CHECK(event_field(joined, "psk") == event_field(client, "psk"));
    CHECK(run("p2p-wlan0-0", "wps_cancel") == "FAIL\n");  // the PIN was used up
    for (auto& m : monitors) CHECK(m->stop() == 0);
    CHECK(s.daemon->stop() == 0);
}

TEST_CASE("wpa_cli with a wrong or missing argument, and one-shot errors", "[ctrl][wpa_cli]") {
    const char* cli = wpa_cli_path();
    if (!cli) {
        WARN("wpa_cli is not installed (Debian package wpasupplicant): skipped");
        return;
    }
    p2pd_session s(cli, "wpa_cli_errors", {"-n", "1", "-d", "rt73"});
    auto run = [&](const std::string& args) { return s.run("wlan0", args); };
    CHECK(run("p2p_connect 02:00:00:00:0b:01 pbc").first == "FAIL\n");  // unknown peer
    CHECK(run("p2p_connect 02:00:00:00:0b:01 123").first == "FAIL-INVALID-PIN\n");
    CHECK(run("p2p_find dev_id=zz").first == "FAIL\n");
    CHECK(run("p2p_prov_disc 02:00:00:00:0b:01 wave").first == "FAIL\n");
    CHECK(run("p2p_peers").first.empty());  // the walk ends at the first FAIL
    CHECK(run("raw FROBNICATE").first == "UNKNOWN COMMAND\n");
    CHECK(run("interface").first ==
          "Available interfaces:\nwlan0\n");  // rt73: one interface is the P2P device
    CHECK(run("get device_name").first == "softmac-0");
    CHECK(s.daemon->stop() == 0);
}

TEST_CASE("p2pd refuses malformed options with its usage and exit status 2", "[ctrl][p2pd]") {
    const std::string dir = std::string(SOFTMAC_TEST_TMPDIR) + "/p2pd_options";
    fs::remove_all(dir);
    const std::string long_name(33, 'n');
    for (const std::string& bad : std::vector<std::string>{
             "-n 2abc", "-n ''", "-l abc", "-l nan", "-l inf", "-l 50%", "-l 100", "-s garbage",
             "-s -1", "-s 1x", "-N " + long_name, "-N Alice," + long_name}) {
        INFO(bad);
        // A daemon that accepted the option would run until the timeout (status 124).
        const auto [out, rc] =
            shell("timeout 2 " + std::string(SOFTMAC_P2PD) + " -p " + dir + " " + bad + " 2>&1");
        CHECK(rc == 2);
        CHECK(out.find("usage: p2pd") != std::string::npos);
        if (bad.starts_with("-N")) CHECK(out.find("longer than 32 octets") != std::string::npos);
    }
    // 32 octets is a valid P2P Device Name; -l and -s take their whole argument.
    process ok({SOFTMAC_P2PD, "-p", dir, "-n", "1", "-N", std::string(32, 'n'), "-l", "2.5", "-s",
                "18446744073709551615"},
               std::string(SOFTMAC_TEST_TMPDIR) + "/p2pd_options.log");
    CHECK(eventually(
        [&] {
            return file_text(std::string(SOFTMAC_TEST_TMPDIR) + "/p2pd_options.log")
                       .find("ready") != std::string::npos;
        },
        10s));
    CHECK(ok.stop() == 0);
    // A configuration file with a malformed line: p2pd names it and does not start.
    const std::string conf = std::string(SOFTMAC_TEST_TMPDIR) + "/p2pd_options.conf";
    std::ofstream(conf, std::ios::trunc)
        << "device_name=x\nnetwork={\n\tssid=\"a\"\n\tmode=nine\n}\n";
    const auto [out, rc] = shell("timeout 5 " + std::string(SOFTMAC_P2PD) + " -p " + dir +
                                 " -n 1 -c " + conf + " 2>&1");
    INFO(out);
    CHECK(rc == 1);
    CHECK(out.find("p2pd: " + conf + ":4: ") != std::string::npos);
    CHECK(out.find("ready") == std::string::npos);
}

TEST_CASE("p2pd stops cleanly on SIGHUP and SIGQUIT and survives a closed stdout", "[ctrl][p2pd]") {
    const std::string tmp = std::string(SOFTMAC_TEST_TMPDIR) + "/p2pd_signals";
    fs::remove_all(tmp);
    fs::create_directories(tmp);
    const std::string dir = tmp + "/run";
    for (const int sig : {SIGHUP, SIGQUIT, SIGTERM, SIGINT}) {
        INFO("signal " << sig);
        process d({SOFTMAC_P2PD, "-p", dir, "-n", "1"}, tmp + "/p2pd.log");
        REQUIRE(eventually(
            [&] { return file_text(tmp + "/p2pd.log").find("ready") != std::string::npos; }, 10s));
        REQUIRE(fs::is_socket(dir + "/wlan0"));
        CHECK(d.stop(sig) == 0);
        CHECK_FALSE(fs::exists(dir + "/wlan0"));
        CHECK_FALSE(fs::exists(dir + "/p2p-dev-wlan0"));
    }

    // stdout is a pipe nobody reads: writing to it must not kill the daemon (SIGPIPE).
    int out[2];
    REQUIRE(::pipe(out) == 0);
    ::close(out[0]);
    std::vector<std::string> argv{SOFTMAC_P2PD, "-p", dir, "-n", "1"};
    std::vector<char*> args;
    for (auto& a : argv) args.push_back(a.data());
    args.push_back(nullptr);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, out[1], 1);
    pid_t pid = 0;
    REQUIRE(::posix_spawn(&pid, args[0], &fa, nullptr, args.data(), environ) == 0);
    posix_spawn_file_actions_destroy(&fa);
    ::close(out[1]);
    CHECK(eventually([&] { return fs::is_socket(dir + "/wlan0"); }, 10s));
    std::this_thread::sleep_for(300ms);  // "ready" has been written by now
    int st = 0;
    const bool running = ::waitpid(pid, &st, WNOHANG) == 0;
    CHECK(running);
    if (running) {
        ::kill(pid, SIGTERM);
        REQUIRE(::waitpid(pid, &st, 0) == pid);
        CHECK((WIFEXITED(st) && WEXITSTATUS(st) == 0));
    }
    CHECK_FALSE(fs::exists(dir + "/wlan0"));
}

TEST_CASE("p2pd refuses a control directory another user created", "[ctrl][p2pd]") {
    if (::geteuid() != 0) {
        WARN("not root: skipped");
        return;
    }
    // As with the README's /tmp/p2pd: a local user creates the directory before the daemon.
    const std::string dir = std::string(SOFTMAC_TEST_TMPDIR) + "/p2pd_foreign_dir";
    fs::remove_all(dir);
    fs::create_directories(dir);
    REQUIRE(::chown(dir.c_str(), 65534, 65534) == 0);
    REQUIRE(::chmod(dir.c_str(), 0755) == 0);
    const auto [out, rc] =
        shell("timeout 5 " + std::string(SOFTMAC_P2PD) + " -p " + dir + " -n 1 2>&1");
    CHECK(rc == 1);
    CHECK(out == "p2pd: control directory " + dir + " is owned by uid 65534: refusing\n");
    CHECK(fs::is_empty(dir));
}

TEST_CASE("A wpa_cli -a stopped with SIGSTOP does not stop replies to other clients",
          "[ctrl][wpa_cli]") {
    const char* cli = wpa_cli_path();
    if (!cli) {
        WARN("wpa_cli is not installed (Debian package wpasupplicant): skipped");
        return;
    }
    p2pd_session s(cli, "wpa_cli_stopped", {"-n", "1"});
    process monitor({cli, "-p", s.dir, "-i", "wlan0", "-a", "/bin/true"}, s.tmp + "/monitor.log");
    std::this_thread::sleep_for(1s);  // attached
    REQUIRE(::kill(monitor.pid(), SIGSTOP) == 0);
    // Each P2P_STOP_FIND sends the stopped monitor a P2P-FIND-STOPPED it never reads.
    auto c = softmac::p2p::ctrl::client::open(s.dir + "/wlan0", s.tmp);
    REQUIRE(c);
    int answered = 0;
    for (int i = 0; i < 400; ++i) {
        auto find = c->request("P2P_FIND", 2s), stop = c->request("P2P_STOP_FIND", 2s);
        if (!find || !stop) break;
        answered += *find == "OK\n" && *stop == "OK\n";
    }
    CHECK(answered == 400);
    CHECK(s.run("wlan0", "ping").first == "PONG\n");
    ::kill(monitor.pid(), SIGCONT);
    monitor.stop();
}

namespace {

struct p2pd_soak_counts {
    int cycles = 0, completed = 0, failed = 0, silent = 0;
    int completed_b_go = 0;  ///< completed cycles in which wlan1 was GO
};

/// Back-to-back find → connect (PBC) → group → removal cycles on two p2pd devices for `length`,
/// driven over their control sockets as a control application drives them; each ends in a group
/// on both devices or in failure events on both, never in silence.
/// The reply to `command`, empty when none came.
std::string ask_client(softmac::p2p::ctrl::client& c, const std::string& command) {
    auto r = c.request(command);
    return r ? *r : std::string();
}

p2pd_soak_counts p2pd_soak(const std::string& name, std::vector<std::string> args,
                           std::chrono::seconds length) {
    p2pd_session s("", name, std::move(args));
    namespace ctrl = softmac::p2p::ctrl;
    auto a = ctrl::client::open(s.dir + "/wlan0", s.tmp),
         b = ctrl::client::open(s.dir + "/wlan1", s.tmp);
    REQUIRE(a);
    REQUIRE(b);
    REQUIRE(a->attach());
    REQUIRE(b->attach());
    // Each device's P2P Device Address, as STATUS gives it (an rt73 radio has its own).
    const auto address = [](ctrl::client& c) {
        const std::string st = ask_client(c, "STATUS"), key = "p2p_device_address=";
        const auto at = st.find(key);
        return at == std::string::npos ? std::string() : st.substr(at + key.size(), 17);
    };
    const std::string addr_a = address(*a), addr_b = address(*b);
    REQUIRE((addr_a.size() == 17 && addr_b.size() == 17));
    // Events of both devices until `done` says the cycle's outcome is known or `limit` passes.
    std::vector<std::string> seen_a, seen_b;
    const auto collect = [&](auto done, std::chrono::seconds limit) {
        const auto end = std::chrono::steady_clock::now() + limit;
        while (!done() && std::chrono::steady_clock::now() < end) {
            while (auto e = a->next_event(0ms)) seen_a.push_back(*e);
            while (auto e = b->next_event(0ms)) seen_b.push_back(*e);
            std::this_thread::sleep_for(50ms);
        }
        return done();
    };
    const auto has = [](const std::vector<std::string>& v, std::string_view what) {
        for (const auto& e : v)
            if (e.find(what) != std::string::npos) return e;
        return std::string();
    };
    const auto failed = [&](const std::vector<std::string>& v) {
        return !has(v, "P2P-GO-NEG-FAILURE").empty() ||
               !has(v, "P2P-GROUP-FORMATION-FAILURE").empty();
    };
    p2pd_soak_counts n;
    // A silent cycle's events go to the log, for the reader to see where it stalled.
    const auto report_silent = [&] {
        ++n.silent;
        std::printf("%s: cycle %d is silent\n", name.c_str(), n.cycles);
        for (const auto& e : seen_a) std::printf("  wlan0 %s\n", e.c_str());
        for (const auto& e : seen_b) std::printf("  wlan1 %s\n", e.c_str());
        // Whether the daemon still answers, and what each device thinks it is doing.
        for (auto* c : {&*a, &*b})
            std::printf("  STATUS: %s\n  INTERFACES: %s\n", ask_client(*c, "STATUS").c_str(),
                        ask_client(*c, "INTERFACES").c_str());
    };
    const auto stop = std::chrono::steady_clock::now() + length;
    while (std::chrono::steady_clock::now() < stop) {
        ++n.cycles;
        seen_a.clear();
        seen_b.clear();
        REQUIRE(a->request("P2P_FLUSH"));
        REQUIRE(b->request("P2P_FLUSH"));
        REQUIRE(ask_client(*a, "P2P_FIND") == "OK\n");
        REQUIRE(ask_client(*b, "P2P_FIND") == "OK\n");
        if (!collect(
                [&] {
                    return !has(seen_a, "P2P-DEVICE-FOUND " + addr_b).empty() &&
                           !has(seen_b, "P2P-DEVICE-FOUND " + addr_a).empty();
                },
                30s)) {
            report_silent();
            continue;
        }
        // The devices take turns as GO: with -d mixed, wlan1 is an rt73 radio.
        const bool b_go = n.cycles % 2 == 0;
        auto& go_dev = b_go ? *b : *a;
        const auto& go_seen = b_go ? seen_b : seen_a;
        REQUIRE(ask_client(b_go ? *a : *b, "P2P_CONNECT " + (b_go ? addr_b : addr_a) + " pbc") ==
                "OK\n");
        REQUIRE(ask_client(go_dev, "P2P_CONNECT " + (b_go ? addr_a : addr_b) +
                                       " pbc go_intent=15") == "OK\n");
        const auto started = [&] {
            return !has(seen_a, "P2P-GROUP-STARTED").empty() &&
                   !has(seen_b, "P2P-GROUP-STARTED").empty();
        };
        // 120 GO Negotiation Requests and the 15 s group formation bound every outcome.
        collect([&] { return started() || (failed(seen_a) && failed(seen_b)); }, 90s);
        if (started()) {
            const std::string go_event = has(go_seen, "P2P-GROUP-STARTED");
            std::istringstream go(go_event);
            std::string event, ifname, role;
            go >> event >> ifname >> role;  // "<3>P2P-GROUP-STARTED p2p-wlanX-N GO ..."
            CHECK(role == "GO");
            REQUIRE(ask_client(go_dev, "P2P_GROUP_REMOVE " + ifname) == "OK\n");
            const bool removed = collect(
                [&] {
                    return !has(seen_a, "P2P-GROUP-REMOVED").empty() &&
                           !has(seen_b, "P2P-GROUP-REMOVED").empty();
                },
                20s);
            if (removed) {
                ++n.completed;
                n.completed_b_go += b_go;
            } else
                report_silent();
            continue;
        }
        collect([] { return false; }, 1s);
        if (failed(seen_a) && failed(seen_b))
            ++n.failed;
        else
            report_silent();
        // A group that started on one side only goes.
        for (auto [c, seen] : {std::pair{&*a, &seen_a}, std::pair{&*b, &seen_b}}) {
            std::istringstream g(has(*seen, "P2P-GROUP-STARTED"));
            std::string event, ifname;
            if (g >> event >> ifname) (void)c->request("P2P_GROUP_REMOVE " + ifname);
        }
    }
    std::printf("%s: %d cycles, %d completed, %d failed with events, %d silent\n", name.c_str(),
                n.cycles, n.completed, n.failed, n.silent);
    return n;
}

}  // namespace

TEST_CASE("p2pd groups on 5 GHz when both radios have it, on 2.4 GHz with a 2.4 GHz-only rt73",
          "[ctrl][p2pd][5ghz]") {
    // -d mixed: wlan0 and wlan2 are loopback radios (2.4 and 5 GHz), wlan1 an rt73 with the
    // RF2528 (2.4 GHz only).
    const std::string pcap = std::string(SOFTMAC_TEST_TMPDIR) + "/p2pd_5ghz/air.pcap";
    p2pd_session s("", "p2pd_5ghz", {"-n", "3", "-d", "mixed", "-w", pcap});
    namespace ctrl = softmac::p2p::ctrl;
    std::vector<std::unique_ptr<ctrl::client>> c;
    std::vector<std::string> addr;
    for (int i = 0; i < 3; ++i) {
        auto cl = ctrl::client::open(s.dir + "/wlan" + std::to_string(i), s.tmp);
        REQUIRE(cl);
        REQUIRE(cl->attach());
        c.push_back(std::make_unique<ctrl::client>(std::move(*cl)));
        const std::string st = ask_client(*c.back(), "STATUS");
        addr.push_back(st.substr(st.find("p2p_device_address=") + 19, 17));
    }
    std::vector<std::vector<std::string>> seen(3);
    // The first event of device i containing `what`, waiting up to `limit`.
    const auto wait = [&](int i, std::string_view what, std::chrono::seconds limit) {
        const auto end = std::chrono::steady_clock::now() + limit;
        for (;;) {
            for (int k = 0; k < 3; ++k)
                while (auto e = c[std::size_t(k)]->next_event(0ms))
                    seen[std::size_t(k)].push_back(*e);
            for (const auto& e : seen[std::size_t(i)])
                if (e.find(what) != std::string::npos) return e;
            if (std::chrono::steady_clock::now() > end) return std::string();
            std::this_thread::sleep_for(20ms);
        }
    };
    for (int i = 0; i < 3; ++i) REQUIRE(ask_client(*c[std::size_t(i)], "P2P_FIND") == "OK\n");
    for (int i = 0; i < 3; ++i)
        for (int j = 0; j < 3; ++j)
            if (i != j)
                REQUIRE_FALSE(wait(i, "P2P-DEVICE-FOUND " + addr[std::size_t(j)], 30s).empty());
    for (int i = 0; i < 3; ++i) REQUIRE(ask_client(*c[std::size_t(i)], "P2P_STOP_FIND") == "OK\n");
    // go (intent 15) and client form a group; returns the GO's P2P-GROUP-STARTED's freq.
    const auto form = [&](int go, int client, const std::string& go_extra,
                          const std::string& client_extra) {
        for (auto& v : seen) v.clear();
        REQUIRE(ask_client(*c[std::size_t(client)], "P2P_CONNECT " + addr[std::size_t(go)] +
                                                        " pbc" + client_extra) == "OK\n");
        REQUIRE(ask_client(*c[std::size_t(go)], "P2P_CONNECT " + addr[std::size_t(client)] +
                                                    " pbc go_intent=15" + go_extra) == "OK\n");
        const std::string g = wait(go, "P2P-GROUP-STARTED", 30s),
                          k = wait(client, "P2P-GROUP-STARTED", 30s);
        REQUIRE_FALSE(g.empty());
        REQUIRE_FALSE(k.empty());
        CHECK(event_field(g, "freq") == event_field(k, "freq"));
        std::istringstream in(g);
        std::string event, ifname;
        in >> event >> ifname;
        CHECK(ask_client(*c[std::size_t(go)], "P2P_GROUP_REMOVE " + ifname) == "OK\n");
        CHECK_FALSE(wait(client, "P2P-GROUP-REMOVED", 20s).empty());
        return event_field(g, "freq");
    };
    // Both on 5 GHz: the GO prefers a channel of class 124 (p2p_reselect_channel).
    const std::string both = form(0, 2, "", "");
    CHECK((both == "5745" || both == "5765" || both == "5785" || both == "5805"));
    // With the rt73 the only common channels are 2.4 GHz ones, whichever side is GO.
    CHECK(std::stoi(form(0, 1, "", "")) < 2500);
    CHECK(std::stoi(form(1, 2, "", "")) < 2500);
    // Forced on both: that channel; forced differently: status 7 on the initiator.
    CHECK(form(2, 0, " freq=5180", " freq=5180") == "5180");
    for (auto& v : seen) v.clear();
    REQUIRE(ask_client(*c[0], "P2P_CONNECT " + addr[2] + " pbc freq=5200") == "OK\n");
    REQUIRE(ask_client(*c[2], "P2P_CONNECT " + addr[0] + " pbc go_intent=15 freq=5180") == "OK\n");
    // Both started a negotiation: whichever initiated it hears the status.
    const std::string refused =
        wait(0, "P2P-GO-NEG-FAILURE", 30s) + wait(2, "P2P-GO-NEG-FAILURE", 1s);
    CHECK(refused.find("P2P-GO-NEG-FAILURE status=7") != std::string::npos);
    CHECK(wait(0, "P2P-GROUP-STARTED", 1s).empty());
    // The rt73 has no 5 GHz channel; nobody has a DFS one for P2P.
    CHECK(ask_client(*c[1], "P2P_CONNECT " + addr[0] + " pbc freq=5180") ==
          "FAIL-CHANNEL-UNSUPPORTED\n");
    CHECK(ask_client(*c[1], "P2P_GROUP_ADD freq=5180") == "FAIL\n");
    CHECK(ask_client(*c[0], "P2P_GROUP_ADD freq=5260") == "FAIL\n");
    CHECK(s.daemon->stop() == 0);
    // On the air: tshark reads every frame without an error, the negotiation frames list class
    // 115 and 124 channels, and a group's beacons went out on 5 GHz.
    bool listed_5ghz = false, beacon_5ghz = false;
    for (const auto& r : softmac::test::tshark_fields(
             pcap, {"_ws.malformed", "_ws.expert.severity", "wifi_p2p.channel_list.operating_class",
                    "wlan.fc.type_subtype", "radiotap.channel.freq"})) {
        CHECK(r[0].empty());
        CHECK(r[1].find("8388608") == std::string::npos);  // no error-level expert info
        listed_5ghz = listed_5ghz || (r[2].find("115") != std::string::npos &&
                                      r[2].find("124") != std::string::npos);
        beacon_5ghz = beacon_5ghz || (r[3] == "0x0008" && r[4] == "5180");
    }
    CHECK(listed_5ghz);
    CHECK(beacon_5ghz);
}

TEST_CASE(
    "p2pd soak: back-to-back cycles without loss all complete, a loopback and an rt73 "
    "device taking turns as GO",
    "[ctrl][p2pd][soak]") {
    const auto n = p2pd_soak("p2pd_soak", {"-n", "2", "-d", "mixed"}, 30s);
    CHECK(n.cycles >= 3);
    CHECK(n.completed == n.cycles);
    CHECK(n.completed_b_go >= 1);                // the rt73 device as GO
    CHECK(n.completed - n.completed_b_go >= 1);  // and as client
}

TEST_CASE("p2pd soak: at 30% loss every cycle completes or fails on both devices",
          "[ctrl][p2pd][soak]") {
    const auto n = p2pd_soak("p2pd_soak_loss", {"-n", "2", "-l", "30"}, 30s);
    CHECK(n.cycles >= 1);
    CHECK(n.silent == 0);
}

TEST_CASE("wpa_cli re-invokes a persistent group after both devices' p2pd restarted, without WPS",
          "[ctrl][wpa_cli][invitation]") {
    const char* cli = wpa_cli_path();
    if (!cli) {
        WARN("wpa_cli is not installed (Debian package wpasupplicant): skipped");
        return;
    }
    const std::string base = std::string(SOFTMAC_TEST_TMPDIR) + "/wpa_cli_persistent";
    const std::string conf0 = base + "-wlan0.conf", conf1 = base + "-wlan1.conf";
    {
        std::ofstream(conf0, std::ios::trunc) << "update_config=1\n";
        std::ofstream(conf1, std::ios::trunc) << "# Bob re-joins his stored groups unasked\n"
                                                 "update_config=1\npersistent_reconnect=1\n";
    }
    p2pd_session s(cli, "wpa_cli_persistent",
                   {"-n", "2", "-N", "Alice,Bob", "-c", conf0 + "," + conf1});
    const std::string& tmp = s.tmp;
    auto run = [&](const std::string& ifname, const std::string& args) {
        return s.run(ifname, args).first;
    };
    const std::string script = tmp + "/action.sh";
    {
        std::ofstream out(script);
        out << "#!/bin/sh\necho \"$@\" >> " << tmp << "/events-$MONITOR-$1.log\n";
    }
    fs::permissions(script, fs::perms::owner_all);
    auto monitors = [&](const std::string& round) {
        std::vector<std::unique_ptr<process>> m;
        for (const char* ifname : {"wlan0", "wlan1"})
            m.push_back(std::make_unique<process>(
                std::vector<std::string>{"/usr/bin/env", "MONITOR=" + round, cli, "-p", s.dir, "-i",
                                         ifname, "-a", script},
                tmp + "/action-" + round + "-" + ifname + ".log"));
        return m;
    };
    auto discover = [&](std::string(&addr)[2]) {
        for (int i = 0; i < 2; ++i)
            addr[i] = line_with(run("wlan" + std::to_string(i), "status"), "p2p_device_address=")
                          .substr(19);
        CHECK(run("wlan0", "p2p_find") == "OK\n");
        CHECK(run("wlan1", "p2p_find") == "OK\n");
        REQUIRE(eventually([&] { return run("wlan0", "p2p_peers discovered") == addr[1] + "\n"; },
                           15s));
        REQUIRE(eventually([&] { return run("wlan1", "p2p_peers discovered") == addr[0] + "\n"; },
                           15s));
        CHECK(run("wlan0", "p2p_stop_find") == "OK\n");
        CHECK(run("wlan1", "p2p_stop_find") == "OK\n");
        CHECK(run("wlan1", "p2p_listen") == "OK\n");
    };
    auto started = [&](const std::string& round, int i) {
        return line_with(file_text(tmp + "/events-" + round + "-wlan" + std::to_string(i) + ".log"),
                         "P2P-GROUP-STARTED");
    };
    std::string addr[2];
    {
        auto m = monitors("first");
        discover(addr);
        CHECK(run("wlan1", "p2p_connect " + addr[0] + " pbc persistent auth go_intent=0") ==
              "OK\n");
        CHECK(run("wlan0", "p2p_connect " + addr[1] + " pbc persistent go_intent=15") == "OK\n");
        REQUIRE(eventually(
            [&] { return !started("first", 0).empty() && !started("first", 1).empty(); }, 20s));
        CHECK(started("first", 0).ends_with(" [PERSISTENT]"));
        CHECK(started("first", 1).ends_with(" [PERSISTENT]"));
        // The GO's file gains its client once the client is connected.
        REQUIRE(eventually(
            [&] {
                return file_text(conf0).find("p2p_client_list=" + addr[1]) != std::string::npos;
            },
            10s));
        for (auto& p : m) CHECK(p->stop() == 0);
    }
    const std::string file0 = file_text(conf0), file1 = file_text(conf1);
    INFO(file0 << "\n" << file1);
    CHECK(file0.find("\tmode=3\n\tdisabled=2\n") != std::string::npos);
    CHECK(file1.find("\tbssid=" + addr[0] + "\n") != std::string::npos);
    CHECK(file1.find("# Bob re-joins his stored groups unasked\n") != std::string::npos);
    for (const auto& f : {conf0, conf1})
        CHECK((fs::status(f).permissions() & fs::perms::all) ==
              (fs::perms::owner_read | fs::perms::owner_write));
    const std::string ssid = event_field(started("first", 0), "ssid");

    // Both stop (SIGTERM) and start again from their files.
    CHECK(s.daemon->stop() == 0);
    s.start();
    CHECK(run("wlan0", "list_networks")
              .find("0\t" + ssid.substr(1, ssid.size() - 2) + "\t" + addr[0] +
                    "\t[DISABLED][P2P-PERSISTENT]") != std::string::npos);
    CHECK(run("wlan1", "get persistent_reconnect") == "1");
    auto m = monitors("again");
    discover(addr);
    CHECK(run("wlan0", "p2p_peer " + addr[1]).find("\npersistent=0\n") != std::string::npos);
    // wpa_cli's action mode runs its script only for the events it knows: the invitation's
    // events are read from monitors of our own.
    auto watch = [&](const std::string& ifname) {
        auto c = softmac::p2p::ctrl::client::open(s.dir + "/" + ifname, tmp);
        REQUIRE(c);
        REQUIRE(c->attach());
        return std::move(*c);
    };
    auto w0 = watch("wlan0"), w1 = watch("wlan1");
    auto seen = [](softmac::p2p::ctrl::client& c, const std::string& prefix) {
        for (auto e = c.next_event(5000ms); e; e = c.next_event(5000ms))
            if (e->find(prefix) != std::string::npos) return *e;
        return std::string{};
    };
    CHECK(run("wlan0", "p2p_invite persistent=0 peer=" + addr[1]) == "OK\n");
    CHECK(seen(w1, "P2P-INVITATION-ACCEPTED") ==
          "<3>P2P-INVITATION-ACCEPTED sa=" + addr[0] + " persistent=0");
    CHECK(seen(w0, "P2P-INVITATION-RESULT") == "<3>P2P-INVITATION-RESULT status=0 ");
    REQUIRE(eventually([&] { return !started("again", 0).empty() && !started("again", 1).empty(); },
                       20s));
    const std::string go = started("again", 0), client = started("again", 1);
    const std::string client_log = file_text(tmp + "/events-again-wlan1.log");
    INFO(go << "\n" << client_log);
    CHECK(go.find(" GO ssid=" + ssid + " ") != std::string::npos);
    CHECK(client.find(" client ssid=" + ssid + " ") != std::string::npos);
    CHECK(go.ends_with(" [PERSISTENT]"));
    CHECK(client.ends_with(" [PERSISTENT]"));
    CHECK(client_log.find("WPS-") == std::string::npos);  // the stored PSK, no WPS
    for (auto& p : m) CHECK(p->stop() == 0);
    CHECK(s.daemon->stop() == 0);
}

TEST_CASE(
    "p2pd's configuration file is old or new, never torn, when p2pd is killed while "
    "writing it",
    "[ctrl][p2pd][conf]") {
    namespace conf = softmac::p2p::ctrl::conf;
    const std::string tmp = std::string(SOFTMAC_TEST_TMPDIR) + "/conf_kill";
    fs::remove_all(tmp);
    fs::create_directories(tmp + "/cfg");
    const std::string path = tmp + "/cfg/wlan0.conf", dir = tmp + "/run";
    {
        std::ofstream(path) << "update_config=1\n"
                               "device_name=start\n"
                               "# a stored group\n"
                               "network={\n\tssid=\"DIRECT-kk\"\n\tbssid=02:00:00:00:00:00\n"
                               "\tpsk=\"kill-test-passphrase\"\n\tproto=RSN\n\tkey_mgmt=WPA-PSK\n"
                               "\tpairwise=CCMP\n\tmode=3\n\tdisabled=2\n"
                               "\tp2p_client_list=02:00:00:00:09:00\n}\n";
    }
    // As p2pd writes it: private (a kill before the first save leaves this file).
    fs::permissions(path, fs::perms::owner_read | fs::perms::owner_write);
    const auto initial = conf::load(path);
    REQUIRE(initial);
    std::mt19937 rng(2024);
    std::string saved = "start";  // what the file says
    unsigned kills = 0, checked = 0, failures = 0, saves = 0, save_us = 2000;
    constexpr unsigned rounds = 200;
    for (unsigned k = 0; k < rounds; ++k) {
        const std::string log = tmp + "/p2pd.log";
        process d({SOFTMAC_P2PD, "-p", dir, "-n", "1", "-c", path}, log);
        const auto until = std::chrono::steady_clock::now() + 10s;
        while (file_text(log).find("ready") == std::string::npos &&
               std::chrono::steady_clock::now() < until)
            std::this_thread::sleep_for(2ms);
        REQUIRE(file_text(log).find("ready") != std::string::npos);
        auto c = softmac::p2p::ctrl::client::open(dir + "/wlan0", tmp);
        REQUIRE(c);
        // Kills land within a few saves' time (a save waits for the disk: slower on a busy
        // machine, so the window follows the saves' measured time).
        const auto delay = std::chrono::microseconds(rng() % std::max(10000u, 5 * save_us));
        const pid_t pid = d.pid();
        std::thread killer([pid, delay] {
            std::this_thread::sleep_for(delay);
            ::kill(pid, SIGKILL);
        });
        std::string pending;
        for (unsigned j = 0;; ++j) {
            const std::string name = "n" + std::to_string(k) + "-" + std::to_string(j);
            // A request in flight when p2pd dies waits out its timeout: keep it short.
            auto r = c->request("SET device_name " + name, 40ms);
            if (!r || *r != "OK\n") break;
            pending = name;
            const auto t0 = std::chrono::steady_clock::now();
            auto s = c->request("SAVE_CONFIG", 40ms);
            if (!s || *s != "OK\n") break;
            const auto took = std::chrono::duration_cast<std::chrono::microseconds>(
                std::chrono::steady_clock::now() - t0);
            save_us = (3 * save_us + static_cast<unsigned>(took.count())) / 4;
            saved = std::exchange(pending, {});
            ++saves;
        }
        killer.join();
        CHECK(d.stop(SIGKILL) == 128 + SIGKILL);
        ++kills;
        // The file parses and is the last saved state or the one being saved; nothing else in
        // it changed; it stays private; no partial file took its name.
        const auto now = conf::load(path);
        ++checked;
        const std::string* name = now ? now->get("device_name") : nullptr;
        const bool ok = now && name && (*name == saved || (!pending.empty() && *name == pending)) &&
                        conf::write(*now).size() > 0 && now->networks.size() == 1 &&
                        conf::write(conf::document{{}, now->networks, {}}) ==
                            conf::write(conf::document{{}, initial->networks, {}}) &&
                        (fs::status(path).permissions() & fs::perms::all) ==
                            (fs::perms::owner_read | fs::perms::owner_write);
        if (!ok) {
            ++failures;
            FAIL_CHECK("round " << k << ": " << file_text(path));
        }
        if (name) saved = *name;
    }
    CHECK(kills == rounds);
    CHECK(failures == 0);
    // Kills came while writes were under way: rounds save until the kill (how many per round
    // depends on the disk's sync latency, so the bound is loose).
    CHECK(saves >= rounds / 4);
    std::printf("conf_kill: %u kills, %u states checked, %u saves, %u failures\n", kills, checked,
                saves, failures);
}

TEST_CASE(
    "wpa_cli -g: the global control interface adds a device at run time that finds the "
    "others, routes IFNAME= commands and prefixes the events of other interfaces",
    "[ctrl][wpa_cli][global]") {
    const char* cli = wpa_cli_path();
    if (!cli) {
        WARN("wpa_cli is not installed (Debian package wpasupplicant): skipped");
        return;
    }
    const std::string tmp = std::string(SOFTMAC_TEST_TMPDIR) + "/wpa_cli_global";
    const std::string global = tmp + "/global";
    p2pd_session s(cli, "wpa_cli_global", {"-n", "2", "-g", global});
    auto g = [&](const std::string& args) {
        return shell("timeout 20 " + std::string(cli) + " -g " + global + " " + args + " 2>&1")
            .first;
    };
    CHECK(g("ping") == "PONG\n");
    CHECK(g("interface") == "Available interfaces:\nwlan1\np2p-dev-wlan1\nwlan0\np2p-dev-wlan0\n");
    const auto addr0 = line_with(g("status"), "p2p_device_address=").substr(19);
    REQUIRE(addr0.size() == 17);

    // A monitor on the global socket, as wpa_cli -g's interactive mode attaches one.
    auto monitor = softmac::p2p::ctrl::client::open(global, tmp);
    REQUIRE(monitor);
    REQUIRE(monitor->attach());

    // wpa_cli interface_add sends all eight fields; the new device gets its own socket.
    CHECK(g("interface_add wlan2 '' loopback") == "OK\n");
    CHECK(fs::is_socket(s.dir + "/wlan2"));
    CHECK(s.run("wlan2", "ping").first == "PONG\n");
    CHECK(g("interface_add wlan2") == "FAIL\n");
    CHECK(g("interface_add wlan3 '' no-such-driver") == "FAIL\n");
    const auto addr2 = line_with(g("IFNAME=wlan2 status"), "p2p_device_address=").substr(19);
    REQUIRE(addr2.size() == 17);
    CHECK(addr2 != addr0);

    // P2P_FIND without IFNAME= is the first device's; with it, the named device's.
    CHECK(g("p2p_find") == "OK\n");
    CHECK(g("IFNAME=wlan2 p2p_find") == "OK\n");
    CHECK(g("IFNAME=wlan1 p2p_find") == "OK\n");
    CHECK(line_with(g("IFNAME=wlan2 status"), "p2p_state=") == "p2p_state=SEARCH");
    // The first device's P2P events come as they are; wlan2's after IFNAME=wlan2.
    bool bare = false, prefixed = false;
    const auto end = std::chrono::steady_clock::now() + 20s;
    while (!(bare && prefixed) && std::chrono::steady_clock::now() < end) {
        const auto e = monitor->next_event(1000ms);
        if (!e) continue;
        bare = bare || (e->starts_with("<3>P2P-DEVICE-FOUND ") &&
                        e->find("p2p_dev_addr=" + addr2) != std::string::npos);
        prefixed = prefixed || (e->starts_with("IFNAME=wlan2 <3>P2P-DEVICE-FOUND ") &&
                                e->find("p2p_dev_addr=" + addr0) != std::string::npos);
    }
    CHECK(bare);
    CHECK(prefixed);
    // wpa_cli's p2p_peers walks P2P_PEER, which goes to the first device.
    CHECK(eventually([&] { return g("p2p_peers").find(addr2) != std::string::npos; }, 10s));

    // INTERFACE_REMOVE: only a device's own name; its socket goes, the others run on.
    CHECK(g("interface_remove p2p-dev-wlan1") == "FAIL\n");
    CHECK(g("interface_remove wlan2") == "OK\n");
    CHECK_FALSE(fs::exists(s.dir + "/wlan2"));
    CHECK(g("IFNAME=wlan2 ping") == "FAIL-NO-IFNAME-MATCH\n");
    CHECK(g("interface") == "Available interfaces:\nwlan1\np2p-dev-wlan1\nwlan0\np2p-dev-wlan0\n");
    std::this_thread::sleep_for(1s);
    CHECK(g("IFNAME=wlan1 ping") == "PONG\n");

    // TERMINATE ends the daemon, which removes its sockets.
    CHECK(g("terminate") == "OK\n");
    CHECK(eventually([&] { return !fs::exists(global) && !fs::exists(s.dir + "/wlan0"); }, 5s));
    CHECK(s.daemon->stop() == 0);
}

TEST_CASE(
    "wpa_cli joins a station to a GO's network by add_network, set_network and "
    "select_network",
    "[ctrl][wpa_cli][station]") {
    const char* cli = wpa_cli_path();
    if (!cli) {
        WARN("wpa_cli is not installed (Debian package wpasupplicant): skipped");
        return;
    }
    p2pd_session s(cli, "wpa_cli_station", {"-n", "2"});
    auto run = [&](const std::string& ifname, const std::string& args) {
        return s.run(ifname, args).first;
    };
    // wlan1 runs an autonomous GO; a legacy station needs only its SSID and passphrase.
    CHECK(run("wlan1", "p2p_group_add freq=2437") == "OK\n");
    REQUIRE(eventually([&] { return fs::is_socket(s.dir + "/p2p-wlan1-0"); }, 10s));
    const auto go_status = run("p2p-wlan1-0", "status");
    const auto ssid = value_of(go_status, "ssid"), bssid = value_of(go_status, "bssid");
    const auto pass = run("p2p-wlan1-0", "p2p_get_passphrase");
    REQUIRE(ssid.starts_with("DIRECT-"));
    // INTERFACES on a device's socket lists every interface of the daemon, as wpa_supplicant's.
    CHECK(run("wlan0", "interface") ==
          "Available interfaces:\nwlan1\np2p-dev-wlan1\n"
          "p2p-wlan1-0\nwlan0\np2p-dev-wlan0\n");

    const std::string script = s.tmp + "/action.sh", log = s.tmp + "/events.log";
    {
        std::ofstream f(script);
        f << "#!/bin/sh\necho \"$@ id=$WPA_ID\" >> " << log << "\n";
    }
    fs::permissions(script, fs::perms::owner_all);
    process action({cli, "-p", s.dir, "-i", "wlan0", "-a", script}, s.tmp + "/action.log");

    CHECK(run("wlan0", "get_capability proto") == "RSN");
    CHECK(run("wlan0", "scan") == "OK\n");
    CHECK(eventually([&] { return run("wlan0", "scan_results").find(ssid) != std::string::npos; },
                     10s));
    const auto result = line_with(run("wlan0", "scan_results"), ssid);
    INFO(result);
    CHECK(result.starts_with(bssid + "\t2437\t"));
    CHECK(result.find("\t[WPA2-PSK-CCMP][WPS][ESS][P2P]\t") != std::string::npos);
    CHECK(run("wlan0", "bss " + bssid).find("\nssid=" + ssid + "\n") != std::string::npos);

    CHECK(run("wlan0", "add_network") == "0\n");
    CHECK(run("wlan0", "set_network 0 ssid '\"" + ssid + "\"'") == "OK\n");
    CHECK(run("wlan0", "set_network 0 psk '\"" + pass + "\"'") == "OK\n");
    CHECK(run("wlan0", "list_networks") ==
          "network id / ssid / bssid / flags\n0\t" + ssid + "\tany\t[DISABLED]\n");
    CHECK(run("wlan0", "select_network 0") == "OK\n");
    REQUIRE(eventually([&] { return file_text(log).find("CONNECTED") != std::string::npos; }, 20s));
    CHECK(line_with(file_text(log), "CONNECTED") == "wlan0 CONNECTED id=0");
    const auto st = run("wlan0", "status");
    CHECK(st.starts_with("bssid=" + bssid + "\nfreq=2437\nssid=" + ssid +
                         "\nid=0\nmode=station\npairwise_cipher=CCMP\ngroup_cipher=CCMP\n"
                         "key_mgmt=WPA2-PSK\nwpa_state=COMPLETED\n"));
    CHECK(run("wlan0", "list_networks").find("\t[CURRENT]\n") != std::string::npos);

    CHECK(run("wlan0", "disconnect") == "OK\n");
    CHECK(
        eventually([&] { return file_text(log).find("DISCONNECTED") != std::string::npos; }, 10s));
    CHECK(run("wlan0", "status").starts_with("wpa_state=DISCONNECTED\n"));
    CHECK(action.stop() == 0);
    // TERMINATE on a device's socket ends the daemon, which removes every socket.
    CHECK(run("wlan1", "terminate") == "OK\n");
    CHECK(eventually([&] { return !fs::exists(s.dir + "/wlan0") && !fs::exists(s.dir + "/wlan1"); },
                     5s));
    CHECK(s.daemon->stop() == 0);
}

TEST_CASE("wpa_cli advertises services on one p2pd device and discovers them from another",
          "[ctrl][wpa_cli][sd]") {
    const char* cli = wpa_cli_path();
    if (!cli) {
        WARN("wpa_cli is not installed (Debian package wpasupplicant): skipped");
        return;
    }
    p2pd_session s(cli, "wpa_cli_sd", {"-n", "2", "-N", "Alice,Printer"});
    auto run = [&](const std::string& ifname, const std::string& args) {
        return s.run(ifname, args).first;
    };
    const auto addr1 = line_with(run("wlan1", "status"), "p2p_device_address=").substr(19);
    REQUIRE(addr1.size() == 17);
    CHECK(run("wlan1", "p2p_service_add bonjour 045f697070c00c000c01 094d795072696e746572c027") ==
          "OK\n");
    CHECK(run("wlan1", "p2p_service_add upnp 10 uuid:1::urn:schemas-upnp-org:device:Printer:1") ==
          "OK\n");
    CHECK(run("wlan1", "p2p_service_del upnp 10 uuid:2") == "FAIL\n");
    const auto ref = run("wlan0", "p2p_serv_disc_req " + addr1 + " upnp 10 ssdp:all");
    CHECK(ref.find_first_not_of("0123456789abcdef\n") == std::string::npos);
    CHECK(run("wlan0", "p2p_serv_disc_cancel_req qq") == "FAIL\n");
    CHECK(run("wlan1", "p2p_listen") == "OK\n");
    // An interactive wpa_cli prints the answer's event.
    const auto [session, rc] =
        shell("(sleep 1; echo p2p_find; sleep 6; echo quit) | timeout 20 script -qfec '" +
              std::string(cli) + " -p " + s.dir + " -i wlan0' /dev/null 2>&1");
    INFO(session);
    CHECK(rc == 0);
    const std::string printer = "uuid:1::urn:schemas-upnp-org:device:Printer:1";
    CHECK(session.find("P2P-SERV-DISC-RESP " + addr1 + " 2 " +
                       softmac::to_hex(std::vector<std::uint8_t>{std::uint8_t(printer.size() + 4),
                                                                 0, 2, 1, 0, 0x10}) +
                       softmac::to_hex(softmac::as_bytes(std::string_view(printer)))) !=
          std::string::npos);
    CHECK(s.daemon->stop() == 0);
}
