// SPDX-License-Identifier: MIT
// The BSS table against a model of cfg80211's scan results kept in plain lists: which entries a
// full table evicts, in which order it reports them, and what each entry holds, while BSSes come,
// go and change their elements.
#include <catch2/catch.hpp>

#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include <softmac/mac/bss_table.hpp>

using namespace softmac;
using namespace std::chrono_literals;
namespace ie = softmac::ieee80211;

namespace {

/// What the table should hold for one BSS, kept as the frames it was given dictate.
struct model_entry {
    mac_address bssid;
    std::string ssid;
    std::uint16_t freq = 0, capability = 0, beacon_int = 0;
    std::int32_t signal_dbm = 0;
    std::uint64_t tsf = 0;
    std::vector<std::uint8_t> ies;
    bool from_probe_resp = false, hidden = false;
    time_point seen{};
    /// The elements but the TIM, the kind and the channel of the frame the entry was last built
    /// from.
    std::vector<std::uint8_t> last_elements;
    bool last_probe_resp = false;
    std::uint16_t last_freq = 0;
    std::uint64_t heard = 0;  ///< when last heard, as a count of frames
};

/// The elements of `ies` without the TIM.
std::vector<std::uint8_t> without_tim(const std::vector<std::uint8_t>& ies) {
    std::vector<std::uint8_t> out;
    for (std::size_t off = 0; off + 2 <= ies.size(); off += 2 + ies[off + 1])
        if (ies[off] != ie::eid::tim)
            out.insert(out.end(), ies.begin() + off, ies.begin() + off + 2 + ies[off + 1]);
    return out;
}

/// cfg80211's scan results as lists: entries in the order first heard, the least recently
/// heard evicted from a full table.
struct model {
    std::vector<model_entry> entries;
    std::uint64_t frames = 0;
    std::uint64_t evicted = 0;
    std::uint64_t unchanged =
        0;  ///< frames whose elements but the TIM, kind and channel were known

    model_entry* find(const mac_address& a) {
        for (auto& e : entries)
            if (e.bssid == a) return &e;
        return nullptr;
    }
    void update(const mac_address& bssid, std::uint16_t freq, std::int32_t signal,
                const ie::mgmt_body& body, const std::vector<std::uint8_t>& ies, bool probe_resp,
                time_point now) {
        ++frames;
        model_entry* e = find(bssid);
        const bool known = e != nullptr;
        if (!known) {
            if (entries.size() == mac::bss_table::capacity) {
                const auto oldest = std::min_element(
                    entries.begin(), entries.end(),
                    [](const auto& a, const auto& b) { return a.heard < b.heard; });
                entries.erase(oldest);
                ++evicted;
            }
            entries.push_back({});
            e = &entries.back();
            e->bssid = bssid;
        }
        e->heard = frames;
        e->capability = body.capabilities;
        e->beacon_int = body.beacon_interval;
        e->signal_dbm = signal;
        e->tsf = body.timestamp;
        e->seen = now;
        const auto key = without_tim(ies);
        if (known && e->last_elements == key && e->last_probe_resp == probe_resp &&
            e->last_freq == freq) {
            ++unchanged;
            return;
        }
        std::string ssid;
        for (auto el : body.elements)
            if (el.id == ie::eid::ssid) ssid = std::string(ie::ssid_of(el));
        const bool hidden = ssid.find_first_not_of('\0') == std::string::npos;
        const bool same_bss = hidden || e->ssid.empty() || e->ssid == ssid;
        if (!hidden || e->ssid.empty()) e->ssid = hidden ? std::string() : ssid;
        if (!probe_resp) e->hidden = hidden;
        e->freq = mac::bss_table::own_freq(body, freq);
        if (probe_resp || !e->from_probe_resp || !same_bss) e->ies = ies;
        e->from_probe_resp = (e->from_probe_resp && same_bss) || probe_resp;
        e->last_elements = key;
        e->last_probe_resp = probe_resp;
        e->last_freq = freq;
    }
    void expire(time_point now) {
        std::erase_if(entries,
                      [&](const auto& e) { return now - e.seen > mac::bss_table::expiry; });
    }
};

mac_address addr_of(unsigned i) {
    return mac_address{{0x02, 0x5c, 0, 0, std::uint8_t(i >> 8), std::uint8_t(i)}};
}
/// The number addr_of made `a` from.
unsigned number_of(const mac_address& a) { return unsigned(a.octets[4]) * 256 + a.octets[5]; }

}  // namespace

TEST_CASE("a full BSS table evicts, orders and fills its entries as cfg80211's scan results do",
          "[mac][bss]") {
    // More than the table holds: it stays full and churns.
    constexpr unsigned bsses = mac::bss_table::capacity * 3 / 2;
    mac::bss_table t;
    model m;
    std::mt19937 rng(20240611);
    const auto pick = [&](unsigned n) { return static_cast<unsigned>(rng() % n); };
    // Each BSS has one of a few element sets, which a frame may swap for another: short and long
    // ones (40 to 300 octets), an SSID of its own, another one (another BSS on the same BSSID), an
    // empty or zeroed one (hidden), a DS Parameter Set naming the channel or not, a TIM whose DTIM
    // count changes.
    const auto elements = [&](unsigned i, unsigned variant, std::uint8_t dtim) {
        std::vector<std::uint8_t> e;
        std::string ssid = "bss-" + std::to_string(i);
        if (variant % 5 == 1) ssid = "other-" + std::to_string(i);
        if (variant % 5 == 2) ssid.clear();
        if (variant % 5 == 3) ssid.assign(ssid.size(), '\0');
        e.push_back(ie::eid::ssid);
        e.push_back(std::uint8_t(ssid.size()));
        e.insert(e.end(), ssid.begin(), ssid.end());
        e.insert(e.end(), {1, 4, 0x82, 0x84, 0x8b, 0x96});
        if (variant % 3 != 0) e.insert(e.end(), {ie::eid::ds_params, 1, std::uint8_t(1 + i % 11)});
        e.insert(e.end(), {ie::eid::tim, 4, dtim, 2, 0, 0});
        // A vendor element of 20 to 255 octets: the sequence is 40 to 300 octets long.
        const std::size_t vendor = variant % 2 ? 255 - i % 50 : 20 + i % 30;
        e.push_back(221);
        e.push_back(std::uint8_t(vendor));
        for (std::size_t k = 0; k < vendor; ++k) e.push_back(std::uint8_t(i * 7 + k + variant));
        return e;
    };
    std::vector<unsigned> variant_of(bsses);
    for (auto& v : variant_of) v = pick(10);
    time_point now{};
    std::uint64_t tsf = 0;
    const auto check = [&] {
        REQUIRE(t.size() == m.entries.size());
        auto it = t.entries().begin();
        for (const auto& e : m.entries) {
            REQUIRE(it != t.entries().end());
            const mac::bss& b = *it++;
            INFO("BSS " << number_of(e.bssid));
            REQUIRE(b.bssid == e.bssid);
            CHECK(b.ssid == e.ssid);
            CHECK(b.freq == e.freq);
            const mac::bss_heard& h = t.heard(b);
            CHECK(h.capability == e.capability);
            CHECK(h.beacon_int == e.beacon_int);
            CHECK(h.signal_dbm == e.signal_dbm);
            CHECK(h.tsf == e.tsf);
            CHECK(std::ranges::equal(bytes_view(b.ies), bytes_view(e.ies)));
            CHECK(b.from_probe_resp == e.from_probe_resp);
            CHECK(b.hidden == e.hidden);
            CHECK(h.seen == e.seen);
            CHECK(t.find(e.bssid) == &b);
        }
        CHECK(it == t.entries().end());
        for (unsigned i = 0; i < bsses; ++i)
            CHECK((t.find(addr_of(i)) != nullptr) == (m.find(addr_of(i)) != nullptr));
    };
    for (int step = 0; step < 30000; ++step) {
        now += std::chrono::microseconds(pick(4000));
        if (pick(3000) == 0) {
            now += std::chrono::seconds(pick(40));
            t.expire(now);
            m.expire(now);
        } else {
            // Mostly the BSSes heard lately (so that entries are also heard again while the
            // table holds them), at times any.
            unsigned i = pick(4) == 0 ? pick(bsses) : (step / 8 + pick(800)) % bsses;
            // As often, the least recently heard one: BSSes beaconing at one interval are heard
            // in turn.
            if (pick(2) == 0 && !m.entries.empty()) {
                const auto& next = *std::min_element(
                    m.entries.begin(), m.entries.end(),
                    [](const auto& a, const auto& b) { return a.heard < b.heard; });
                i = number_of(next.bssid);
            }
            if (pick(6) == 0) variant_of[i] = pick(10);
            const auto ies = elements(i, variant_of[i], std::uint8_t(pick(3)));
            ie::mgmt_body body;
            body.elements = *ie::element_range::parse(ies);
            body.timestamp = ++tsf;
            body.beacon_interval = std::uint16_t(100 + pick(3));
            body.capabilities = std::uint16_t(0x0401 | pick(2) << 5);
            const bool probe_resp = pick(4) == 0;
            const std::uint16_t freq = pick(8) == 0 ? 2417 : 2412;
            const std::int32_t signal = -30 - std::int32_t(pick(60));
            t.update(addr_of(i), freq, signal, body, ies, probe_resp, now);
            m.update(addr_of(i), freq, signal, body, ies, probe_resp, now);
        }
        if (step % 1009 == 0) check();
    }
    check();
    CHECK(t.stats().unchanged > 1000);          // the digest comparison was exercised
    CHECK(t.stats().unchanged == m.unchanged);  // and no frame was read again for nothing
    CHECK(t.stats().parsed > 1000);
    CHECK(m.evicted > 1000);
}
