// SPDX-License-Identifier: MIT
// The wpa_supplicant.conf file layer: a hand-written file with comments, unknown keys and two
// persistent groups read, written and read again; every kind of malformed line with its line
// number; the string value codecs; value checks; and the atomic save's modes and failures.
#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include <softmac/p2p/ctrl/config_file.hpp>

using namespace softmac;
namespace conf = softmac::p2p::ctrl::conf;
namespace fs = std::filesystem;
using namespace std::string_literals;

namespace {

const std::string sample_psk(64, 'a');

// What a P2P device's wpa_supplicant.conf looks like after a few groups, edited by hand.
const std::string sample =
    "# softmac p2pd configuration\n"
    "ctrl_interface=DIR=/var/run/wpa_supplicant GROUP=netdev\n"
    "update_config=1\n"
    "\n"
    "device_name=softmac p2p   # the name peers see\n"
    "device_type=1-0050F204-1\n"
    "config_methods=virtual_push_button keypad  display\n"
    "   p2p_go_intent=7\t\r\n"
    "persistent_reconnect=1\n"
    "# a key softmac does not implement\n"
    "p2p_no_group_iface=1\n"
    "uuid=12345678-9abc-def0-1234-56789abcdef0\n"
    "\n"
    "# the persistent group this device is GO of\n"
    "network={\n"
    "\tssid=\"DIRECT-ab-softmac\"\n"
    "\tbssid=02:00:00:00:0a:01\n"
    "\tpsk=\"a passphrase # with a hash\"\n"
    "\tproto=RSN\n"
    "\tkey_mgmt=WPA-PSK\n"
    "\tpairwise=CCMP\n"
    "\tauth_alg=OPEN\n"
    "\tmode=3\n"
    "\tdisabled=2\n"
    "\tp2p_client_list=02:00:00:00:0b:01 02:00:00:00:0c:01\n"
    "\t# clients that joined\n"
    "}\n"
    "network={\n"
    "  ssid=444952454354\n"
    "  psk=" +
    sample_psk +
    "\n"
    "  proto=RSN\n"
    "  key_mgmt=WPA-PSK\n"
    "  pairwise=CCMP\n"
    "  mode=0\n"
    "  disabled=2\n"
    "  id_str=\"home\"\n"
    "  frobnicate=whatever\n"
    "}\n"
    "p2p_listen_channel=6\n"
    "# the end\n";

conf::document parsed(std::string_view text) {
    auto d = conf::parse(text);
    INFO(text);
    INFO((d ? "" : "line " + std::to_string(d.err().offset) + ": " + d.err().what));
    REQUIRE(d.has_value());
    return *std::move(d);
}

/// A fresh directory for one test case.
fs::path scratch(const std::string& name) {
    const fs::path dir = fs::path(SOFTMAC_TEST_TMPDIR) / ("conf_" + name);
    fs::remove_all(dir);
    fs::create_directories(dir);
    return dir;
}

std::string contents(const std::string& path) {
    auto r = read_file(path);
    INFO(path);
    REQUIRE(r.has_value());
    return *std::move(r);
}
conf::document loaded(const std::string& path) {
    auto r = conf::load(path);
    INFO(path);
    REQUIRE(r.has_value());
    return *std::move(r);
}

mode_t mode_of(const fs::path& p) {
    struct stat st {};
    REQUIRE(::stat(p.c_str(), &st) == 0);
    return st.st_mode & 07777;
}

}  // namespace

TEST_CASE("conf reads a hand-written file with its comments and unknown keys", "[conf]") {
    const auto d = parsed(sample);
    REQUIRE(d.globals.size() == 10);
    CHECK(d.globals[0].key == "ctrl_interface");
    CHECK(d.globals[0].value == "DIR=/var/run/wpa_supplicant GROUP=netdev");
    CHECK(d.globals[0].comments == std::vector<std::string>{"# softmac p2pd configuration"});
    // A comment after the value is dropped with the blanks before it; the blank line is kept.
    CHECK(*d.get("device_name") == "softmac p2p");
    CHECK(d.globals[2].comments == std::vector<std::string>{""});
    CHECK(*d.get("config_methods") == "virtual_push_button keypad  display");
    CHECK(*d.get("p2p_go_intent") == "7");
    CHECK(*d.get("p2p_no_group_iface") == "1");
    CHECK(d.globals[7].comments == std::vector<std::string>{"# a key softmac does not implement"});
    // A global after the blocks is still a global.
    CHECK(d.globals.back().key == "p2p_listen_channel");
    CHECK(d.get("ssid") == nullptr);

    REQUIRE(d.networks.size() == 2);
    const auto& go = d.networks[0];
    // The blank line before a block is the writer's layout, not a comment.
    CHECK(go.comments == std::vector<std::string>{"# the persistent group this device is GO of"});
    CHECK(*go.get("ssid") == "\"DIRECT-ab-softmac\"");
    CHECK(*go.get("psk") == "\"a passphrase # with a hash\"");
    CHECK(*go.get("auth_alg") == "OPEN");
    CHECK(*go.get("mode") == "3");
    CHECK(*go.get("disabled") == "2");
    CHECK(*go.get("p2p_client_list") == "02:00:00:00:0b:01 02:00:00:00:0c:01");
    CHECK(go.closing_comments == std::vector<std::string>{"\t# clients that joined"});
    const auto& client = d.networks[1];
    CHECK(client.comments.empty());
    CHECK(conf::decode_string(*client.get("ssid")) == "DIRECT");
    CHECK(*client.get("psk") == sample_psk);
    CHECK(*client.get("frobnicate") == "whatever");
    CHECK(client.get("bssid") == nullptr);
    CHECK(d.trailing_comments == std::vector<std::string>{"# the end"});
}

TEST_CASE("conf writes wpa_supplicant's layout and reads back what it wrote", "[conf]") {
    const auto d = parsed(sample);
    const auto text = conf::write(d);
    const auto again = parsed(text);
    CHECK(again == d);
    CHECK(conf::write(again) == text);
    // Globals first, then each block after a blank line, its lines indented by a tab.
    CHECK(text.starts_with("# softmac p2pd configuration\nctrl_interface="));
    CHECK(text.find("p2p_listen_channel=6\n\n# the persistent group this device is GO of\n"
                    "network={\n\tssid=\"DIRECT-ab-softmac\"\n") != std::string::npos);
    CHECK(text.find("\t# clients that joined\n}\n\nnetwork={\n\tssid=444952454354\n") !=
          std::string::npos);
    CHECK(text.ends_with("\tfrobnicate=whatever\n}\n# the end\n"));
}

TEST_CASE("conf writes a document built in code as wpa_supplicant would", "[conf]") {
    conf::document d;
    d.set("update_config", "1");
    d.set("device_name", "softmac");
    conf::network n;
    n.set("ssid", conf::encode_string("DIRECT-xy"));
    n.set("psk", conf::encode_string("passphrase"));
    n.set("mode", "3");
    n.set("disabled", "2");
    d.networks.push_back(n);
    const auto text = conf::write(d);
    CHECK(text ==
          "update_config=1\ndevice_name=softmac\n\nnetwork={\n\tssid=\"DIRECT-xy\"\n"
          "\tpsk=\"passphrase\"\n\tmode=3\n\tdisabled=2\n}\n");
    CHECK(parsed(text) == d);
}

TEST_CASE("conf get set and erase act on the last line of a key", "[conf]") {
    auto d = parsed("# first\na=1\nb=2\n# again\na=3\n");
    CHECK(*d.get("a") == "3");
    d.set("a", "4");
    REQUIRE(d.globals.size() == 3);
    CHECK(d.globals[2].value == "4");
    CHECK(d.globals[2].comments == std::vector<std::string>{"# again"});
    CHECK(d.globals[0].value == "1");
    d.set("c", "5");
    REQUIRE(d.globals.size() == 4);
    CHECK(d.globals[3].key == "c");
    CHECK(d.erase("a"));
    CHECK_FALSE(d.erase("a"));
    CHECK(d.get("a") == nullptr);
    CHECK(conf::write(d) == "b=2\nc=5\n");

    conf::network n;
    CHECK(n.get("ssid") == nullptr);
    n.set("ssid", "\"x\"");
    n.set("ssid", "\"y\"");
    CHECK(n.fields.size() == 1);
    CHECK(*n.get("ssid") == "\"y\"");
    CHECK(n.erase("ssid"));
    CHECK(n.fields.empty());
}

TEST_CASE("conf keeps a '#' between quotes and ends the line at any other", "[conf]") {
    auto d = parsed(
        "network={\n"
        "\tssid=\"a#b\"   # comment\n"
        "\tid_str=\"x\"#y\"\n"
        "\tunknown=a#b\n"
        "\tother=P\"#\"\n"
        "}\n"
        "device_name=one\"quote#cut\n"
        "odd#key=\"x\"\n"
        "empty=\n");
    const auto& n = d.networks.at(0);
    CHECK(*n.get("ssid") == "\"a#b\"");
    CHECK(*n.get("id_str") == "\"x\"#y\"");
    CHECK(*n.get("unknown") == "a");
    CHECK(*n.get("other") == "P\"#\"");
    CHECK(*d.get("device_name") == "one\"quote");
    CHECK(*d.get("empty") == "");
    // With two quotes in the line, a '#' before the last one is text, even in the key.
    CHECK(*d.get("odd#key") == "\"x\"");
    // Windows line ends: '\r' is a blank at both ends of a line.
    d = parsed("\r\na=1\r\n\r# c\r\nnetwork={\r\n\tssid=\"x\"\r\n}\r\n");
    CHECK(*d.get("a") == "1");
    CHECK(d.globals[0].comments == std::vector<std::string>{"\r"});
    CHECK(d.networks.at(0).comments == std::vector<std::string>{"\r# c\r"});
    CHECK(*d.networks[0].get("ssid") == "\"x\"");
    CHECK(parsed(conf::write(d)) == d);
    // An empty text, and one without a final newline.
    CHECK(parsed("") == conf::document{});
    CHECK(*parsed("a=1").get("a") == "1");
}

TEST_CASE("conf refuses each kind of malformed line and names its line", "[conf]") {
    struct bad {
        std::string text;
        std::uint32_t line;
        std::string_view what;  // a word of error.what
    };
    const std::vector<bad> cases = {
        {"a=1\nnot a setting\n", 2, "neither"},
        {"a=1\n\n=value\n", 3, "empty key"},
        {"# c\na=1\n}\n", 3, "outside"},
        {"network={\n\tssid=\"x\"\nnetwork={\n}\n}\n", 3, "inside"},
        {"a=1\nnetwork={\n\tssid=\"x\"\n# no end\n", 2, "not closed"},
        {"a=1\nnetwork={\n}\nnetwork={\n\tssid=\"x\"\n", 4, "not closed"},
        {"network={\n\tssid=\"abc\n}\n", 2, "quotation"},
        {"a=1\nblob-base64-cert={\nAAAA\n}\n", 2, "blob"},
        {"cred={\n\trealm=\"example.com\"\n}\n", 1, "cred"},
        {"a=1\nb=x\0y\n"s, 2, "NUL"},
        // a known key with a malformed value, one of each rule
        {"network={\n\tssid=\"0123456789abcdef0123456789abcdefX\"\n}\n", 2, "ssid"},
        {"network={\n\tssid=\"\"\n}\n", 2, "ssid"},
        {"network={\n\tssid=abc\n}\n", 2, "ssid"},
        {"network={\n\tbssid=02:00:00:00:0a\n}\n", 2, "bssid"},
        {"network={\n\tpsk=\"short\"\n}\n", 2, "psk"},
        {"network={\n\tpsk=0123\n}\n", 2, "psk"},
        {"network={\n\tproto=WPA3\n}\n", 2, "proto"},
        {"network={\n\tkey_mgmt=wpa-psk\n}\n", 2, "key_mgmt"},
        {"network={\n\tpairwise=CCMP WEP40\n}\n", 2, "pairwise"},
        {"network={\n\tgroup=CCMP FOO\n}\n", 2, "group"},
        {"network={\n\tmode=6\n}\n", 2, "mode"},
        {"network={\n\tdisabled=3\n}\n", 2, "disabled"},
        {"network={\n\tp2p_client_list=02:00:00:00:0b:01 nope\n}\n", 2, "p2p_client_list"},
        {"network={\n\tid_str=bare\n}\n", 2, "id_str"},
        {"network={\n\tpriority=high\n}\n", 2, "priority"},
        {"network={\n\tscan_ssid=2\n}\n", 2, "scan_ssid"},
        {"update_config=yes\n", 1, "update_config"},
        {"device_name=" + std::string(33, 'n') + "\n", 1, "device_name"},
        {"manufacturer=" + std::string(65, 'm') + "\n", 1, "manufacturer"},
        {"model_name=" + std::string(33, 'm') + "\n", 1, "model_name"},
        {"model_number=" + std::string(33, '1') + "\n", 1, "model_number"},
        {"serial_number=" + std::string(33, '1') + "\n", 1, "serial_number"},
        {"device_type=1-0050F20-1\n", 1, "device_type"},
        {"config_methods=keypad pbc\n", 1, "config_methods"},
        {"p2p_go_intent=16\n", 1, "p2p_go_intent"},
        {"persistent_reconnect=2\n", 1, "persistent_reconnect"},
        {"p2p_listen_reg_class=256\n", 1, "p2p_listen_reg_class"},
        {"p2p_listen_channel=-1\n", 1, "p2p_listen_channel"},
        {"p2p_oper_reg_class=x\n", 1, "p2p_oper_reg_class"},
        {"p2p_oper_channel=1 1\n", 1, "p2p_oper_channel"},
        {"p2p_group_idle=-5\n", 1, "p2p_group_idle"},
        {"p2p_go_ht40=on\n", 1, "p2p_go_ht40"},
        {"uuid=12345678-9abc-def0-1234-56789abcdef\n", 1, "uuid"},
    };
    for (const auto& c : cases) {
        INFO(c.text);
        const auto r = conf::parse(c.text);
        REQUIRE_FALSE(r.has_value());
        INFO(r.err().what);
        CHECK(r.err().offset == c.line);
        CHECK(std::string_view(r.err().what).find(c.what) != std::string_view::npos);
    }
}

TEST_CASE("conf checks the values of the keys it knows and passes any other", "[conf]") {
    struct ok {
        std::string_view key;
        std::string value;
        bool network, valid;
    };
    const ok cases[] = {
        {"ssid", "\"DIRECT-ab\"", true, true},
        {"ssid", "P\"a\\x00b\"", true, true},
        {"ssid", "00ff", true, true},
        {"ssid", "\"DIRECT\"x", true, false},
        {"ssid", "garbage at global level", false, true},
        {"psk", "\"12345678\"", true, true},
        {"psk", "\"" + std::string(63, 'x') + "\"", true, true},
        {"psk", "\"" + std::string(64, 'x') + "\"", true, false},
        {"psk", "\"1234567\x01\"", true, false},
        {"psk", std::string(63, 'a') + "g", true, false},
        {"bssid", "02:00:00:00:0A:01", true, true},
        {"proto", "RSN WPA", true, true},
        {"proto", "", true, false},
        {"key_mgmt", "WPA-PSK SAE WPA-PSK-SHA256", true, true},
        {"pairwise", "CCMP CCMP-256 GCMP GCMP-256 TKIP NONE", true, true},
        {"group", "CCMP TKIP WEP104 WEP40", true, true},
        {"mode", "5", true, true},
        {"priority", "-3", true, true},
        {"p2p_client_list", "", true, true},
        {"id_str", "\"\"", true, true},
        {"device_type", "10-0050F204-5", false, true},
        {"config_methods", "", false, true},
        {"config_methods",
         "usba ethernet label display ext_nfc_token int_nfc_token nfc_interface push_button "
         "keypad virtual_display physical_display virtual_push_button physical_push_button p2ps",
         false, true},
        {"uuid", "ABCDEF01-2345-6789-abcd-ef0123456789", false, true},
        {"device_name", std::string(32, 'n'), false, true},
        {"manufacturer", std::string(64, 'm'), false, true},
        {"p2p_group_idle", "0", false, true},
        // wpa_supplicant cuts a long postfix when it uses it, and loads it
        {"p2p_ssid_postfix", std::string(40, 'p'), false, true},
        {"p2p_oper_channel", "255", false, true},
        {"ctrl_interface", "", false, true},
        {"anything", "goes", false, true},
        {"anything", "goes", true, true},
    };
    for (const auto& c : cases) {
        INFO(c.key << "=" << c.value << (c.network ? " in a block" : ""));
        CHECK(conf::check_value(c.key, c.value, c.network).has_value() == c.valid);
    }
    const auto r = conf::check_value("p2p_go_intent", "99", false);
    REQUIRE_FALSE(r.has_value());
    CHECK(r.err().code == errc::bad_value);
    CHECK(r.err().offset == 0);
}

TEST_CASE("conf decodes quoted printf-escaped and hex strings as wpa_supplicant", "[conf]") {
    using conf::decode_string;
    CHECK(decode_string("\"my name\"") == "my name");
    CHECK(decode_string("\"a\"b\"") == "a\"b");
    CHECK(decode_string("\"\"") == "");
    CHECK(decode_string("P\"a\\nb\\\\c\\\"d\\x41\\x4g\\e\\t\\r\"") == "a\nb\\c\"dA\x04g\033\t\r");
    CHECK(decode_string("P\"\\101\\0\\7777\"") ==
          "A\0\xff"s
          "7");
    CHECK(decode_string("P\"\\q\\x\\\"") == "q");
    CHECK(decode_string("P\"\"") == "");
    CHECK(decode_string("0123abCD") == "\x01\x23\xab\xcd");
    CHECK(decode_string("") == "");
    // malformed: odd or non-hex digits, unterminated or trailing text after the quote
    CHECK_FALSE(decode_string("abc"));
    CHECK_FALSE(decode_string("zz"));
    CHECK_FALSE(decode_string("\"abc"));
    CHECK_FALSE(decode_string("\""));
    CHECK_FALSE(decode_string("\"abc\"x"));
    CHECK_FALSE(decode_string("P\"abc"));
    CHECK_FALSE(decode_string("P\""));
    CHECK_FALSE(decode_string("P"));
}

TEST_CASE("conf encodes printable strings quoted and others in hex and round-trips", "[conf]") {
    CHECK(conf::encode_string("my name") == "\"my name\"");
    CHECK(conf::encode_string("") == "\"\"");
    CHECK(conf::encode_string(" ~\"#") == "\" ~\"#\"");
    CHECK(conf::encode_string("a\x7f") == "617f");
    CHECK(conf::encode_string("\x01\xff") == "01ff");
    for (const std::string& raw :
         {"DIRECT-ab-softmac"s, "a \"quoted\" # name"s, "\0\x01\xfe\xff DIRECT"s, "caf\xc3\xa9"s}) {
        INFO(raw);
        const auto text = conf::encode_string(raw);
        CHECK(conf::decode_string(text) == raw);
        CHECK(conf::check_value("ssid", text, true).has_value());
        // and through a file
        conf::network n;
        n.set("ssid", text);
        const auto d = parsed(conf::write({{}, {n}, {}}));
        CHECK(conf::decode_string(*d.networks.at(0).get("ssid")) == raw);
    }
    for (std::string_view text : {"\"DIRECT-xy\"", "00ff10", "\"\""})
        CHECK(conf::encode_string(*conf::decode_string(text)) == text);
}

TEST_CASE("conf save writes mode 0600 whatever the umask and the old files were", "[conf]") {
    const auto dir = scratch("save");
    const std::string path = dir / "p2p.conf";
    const auto d = parsed(sample);
    // An older file and a stale temporary file, both readable by everyone.
    std::ofstream(path) << "old=1\n";
    std::ofstream(path + ".tmp") << "stale=1\n";
    fs::permissions(path, fs::perms(0644));
    fs::permissions(path + ".tmp", fs::perms(0644));
    const mode_t old_umask = ::umask(0);
    const auto saved = conf::save(path, d);
    ::umask(old_umask);
    REQUIRE(saved.has_value());
    CHECK(mode_of(path) == 0600);
    CHECK_FALSE(fs::exists(path + ".tmp"));
    CHECK(contents(path) == conf::write(d));
    CHECK(loaded(path) == d);

    // A new file under a umask of 0.
    fs::remove(path);
    ::umask(0);
    const auto again = conf::save(path, d);
    ::umask(old_umask);
    REQUIRE(again.has_value());
    CHECK(mode_of(path) == 0600);
    CHECK_FALSE(fs::exists(path + ".tmp"));
    CHECK(loaded(path) == d);
    // write_file_atomically takes any mode.
    REQUIRE(write_file_atomically(path, "x=1\n", 0640).has_value());
    CHECK(mode_of(path) == 0640);
    CHECK(contents(path) == "x=1\n");
}

TEST_CASE("conf save and load report a missing directory or file", "[conf]") {
    const auto dir = scratch("missing");
    const auto r = conf::save(dir / "absent" / "p2p.conf", conf::document{});
    REQUIRE_FALSE(r.has_value());
    CHECK(r.err().code == errc::io);
    CHECK(std::string_view(r.err().what).size() > 0);
    const auto l = conf::load(dir / "absent.conf");
    REQUIRE_FALSE(l.has_value());
    CHECK(l.err().code == errc::not_found);
    // A symbolic link planted at the temporary name is not written through.
    const std::string path = dir / "p2p.conf";
    fs::create_symlink(dir / "victim", path + ".tmp");
    const auto s = conf::save(path, conf::document{});
    REQUIRE_FALSE(s.has_value());
    CHECK(s.err().code == errc::io);
    CHECK_FALSE(fs::exists(dir / "victim"));
    CHECK_FALSE(fs::exists(path));
    fs::remove(path + ".tmp");
    // A rename that fails (a directory is in the way) leaves no temporary file behind.
    fs::create_directory(path);
    const auto blocked = conf::save(path, conf::document{});
    REQUIRE_FALSE(blocked.has_value());
    CHECK(blocked.err().code == errc::io);
    CHECK_FALSE(fs::exists(path + ".tmp"));
    fs::remove(path);
    // A file that is not in the syntax, and one too large to read.
    std::ofstream(path) << "a=1\nnetwork={\n";
    const auto bad = conf::load(path);
    REQUIRE_FALSE(bad.has_value());
    CHECK(bad.err().offset == 2);
    // 1 MiB is read, one octet more is not, nor a file whose size stat does not tell.
    constexpr std::size_t mib = 1 << 20;
    std::ofstream(path, std::ios::trunc) << std::string(mib, '#');
    CHECK(contents(path).size() == mib);
    std::ofstream(path, std::ios::app) << '#';
    CHECK(read_file(path).err().code == errc::bad_length);
    CHECK(conf::load(path).err().code == errc::bad_length);
    CHECK(read_file("/dev/zero").err().code == errc::bad_length);
}
