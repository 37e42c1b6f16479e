// SPDX-License-Identifier: MIT
// CCMP's cost through the whole data path: softmac's protected TX (802.3 -> 802.11 QoS data ->
// CCMP -> driver) and RX (driver's interrupt line -> CCMP decryption and replay check -> 802.3),
// side by side with the two things it is made of: OpenSSL's EVP AES-128-CCM called directly on the
// same octets (the floor), and the open data path on the same frames. The target is
// protected <= 1.10 x (raw cipher + open path), with no heap allocation per frame. Last, the
// WPA2-PSK 4-way handshake's virtual time on the loopback medium.
//
// Every side sits behind one call the compiler cannot see through, as in datapath_bench.cpp, and
// the baselines are checked to produce the protected path's octets before anything is timed.
#include <benchmark/benchmark.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <memory>
#include <new>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <softmac/cfg/wiphy.hpp>
#include <softmac/crypto/aes_ccm.hpp>
#include <softmac/ieee80211/ccmp.hpp>
#include <softmac/mac/data_path.hpp>
#include <softmac/mac/radio.hpp>
#include <softmac/rsn/links.hpp>

#include "driver_world.hpp"
#include "minimal_driver.hpp"
#include "mlme_world.hpp"

#include "data_path_support.hpp"

namespace {
// OpenSSL allocates with its own malloc (CRYPTO_malloc), which operator new does not see: its
// allocator is replaced too, before OpenSSL's first allocation (static initialisation, before
// main; OpenSSL initialises itself lazily on first use).
void* counted_malloc(std::size_t n, const char*, int) {
    allocations.fetch_add(1, std::memory_order_relaxed);
    return std::malloc(n);
}
void* counted_realloc(void* p, std::size_t n, const char*, int) {
    allocations.fetch_add(1, std::memory_order_relaxed);  // a growth is a new block, as often
    return std::realloc(p, n);
}
void counted_free(void* p, const char*, int) { std::free(p); }
const bool openssl_allocations_counted =
    CRYPTO_set_mem_functions(counted_malloc, counted_realloc, counted_free) == 1;

using namespace softmac;
namespace ie = softmac::ieee80211;
namespace ccmp = softmac::ieee80211::ccmp;

/// The pairwise temporal key (IEEE 802.11 CCMP test vector 1's).
constexpr std::array<std::uint8_t, 16> tk = {0xc9, 0x7c, 0x1f, 0x67, 0xce, 0x37, 0x11, 0x85,
                                             0x51, 0x4a, 0x8a, 0x19, 0xf2, 0xbd, 0xd5, 0x2f};
constexpr std::size_t qos_hdrlen = 26;  ///< the QoS data header both directions use

template <class Cipher>
using path_with = mac::data_path<mac::capabilities_of<sink_driver, Cipher>(), virtual_time,
                                 parking_upper, mac::fixed_rate<540>, heap_pool, Cipher>;
using open_path = path_with<mac::no_cipher>;  ///< no cipher: no CCMP handler in the pipelines
using protected_path = path_with<crypto::aes_ccm_key>;
static_assert(protected_path::caps.sw_crypto && !open_path::caps.sw_crypto);

/// An AP with one associated, authorized QoS station; with `Path` = protected_path the station's
/// PTK is installed as NEW_KEY would install it (key::assign, then the cipher's key schedule).
template <class Path>
struct stack {
    virtual_time time;
    heap_pool pool{frame_buffer_size, 16, 16};
    mac::radio<sink_driver, virtual_time, Path> r;
    driver::vif vif;
    typename Path::station_type* sta = nullptr;

    stack() : r(time, Path(time, pool, parking_upper{})) {
        (void)r.register_hw();
        vif = *r.add_interface(driver::iftype::ap);
        r.sink().attach(vif, r.hw());
        sta = *r.sink().stations().add(
            sta_addr, vif.index,
            mac::sta_flag::associated | mac::sta_flag::authorized | mac::sta_flag::wme);
        if constexpr (Path::caps.sw_crypto) {
            mac::key_params p;
            p.peer = sta_addr;
            p.key = bytes_view(tk.data(), tk.size());
            sta->ptk.assign(p);
            sta->ptk.valid = sta->ptk.cipher.set(p.key);
            r.sink().pairwise_key_changed(*sta);  // as mac::stack::new_key does
        }
    }
};

constexpr std::size_t headroom = 64;

void fill_payload(std::uint8_t* p, std::size_t n, std::uint8_t seed) {
    for (std::size_t i = 0; i < n; ++i) p[i] = static_cast<std::uint8_t>(seed + 31 * i);
}
/// An 802.3 frame to the station; its payload stays where it is between iterations.
void ethernet_frame(frame_buffer& b, std::size_t payload) {
    b.reset(headroom);
    auto p = b.put(14 + payload);
    std::memcpy(p->data(), sta_addr.octets.data(), 6);
    std::memcpy(p->data() + 6, ap_addr.octets.data(), 6);
    store_be16(p->data() + 12, 0x88b5);
}
/// A QoS data frame from the station (ToDS, TID 5) with RFC 1042 SNAP; with `protect`, room for
/// the CCMP header after the MAC header (written by the encryption) and the Protected bit set,
/// and room for the MIC. The payload is not written.
void wifi_frame(frame_buffer& b, std::size_t payload, std::uint16_t seq, bool protect) {
    const std::size_t iv = protect ? ccmp::header_len : 0, mic = protect ? ccmp::mic_len : 0;
    b.reset(headroom);
    auto p = b.put(qos_hdrlen + iv + 8 + payload + mic)->data();
    std::uint16_t fc = ie::frame_control::make(ie::frame_type::data, ie::data_subtype::qos_data,
                                               ie::frame_control::to_ds)
                           .raw;
    if (protect) fc |= ie::frame_control::protected_frame;
    store_le16(p, fc);
    store_le16(p + 2, 0);
    std::memcpy(p + 4, ap_addr.octets.data(), 6);
    std::memcpy(p + 10, sta_addr.octets.data(), 6);
    std::memcpy(p + 16, ap_addr.octets.data(), 6);
    store_le16(p + 22, static_cast<std::uint16_t>(seq << 4));
    store_le16(p + 24, 5);
    std::memcpy(p + qos_hdrlen + iv, ie::rfc1042_header.data(), 6);
    store_be16(p + qos_hdrlen + iv + 6, 0x88b5);
}

// ---- the floor: OpenSSL's EVP AES-128-CCM, called directly
// ---------------------------------------
/// One context per direction, set up once per key (cipher fetched once, IV length 13, tag length
/// 8, key schedule); per frame only the nonce is re-initialised: what aes_ccm_key does, written
/// straight against EVP so the floor does not depend on softmac's wrapper.
struct raw_ccm {
    EVP_CIPHER* cipher = EVP_CIPHER_fetch(nullptr, "AES-128-CCM", nullptr);
    EVP_CIPHER_CTX* enc = EVP_CIPHER_CTX_new();
    EVP_CIPHER_CTX* dec = EVP_CIPHER_CTX_new();
    bool ok = false;

    raw_ccm() { ok = cipher && enc && dec && setup(enc, 1) && setup(dec, 0); }
    raw_ccm(const raw_ccm&) = delete;
    raw_ccm& operator=(const raw_ccm&) = delete;
    ~raw_ccm() {
        EVP_CIPHER_CTX_free(enc);
        EVP_CIPHER_CTX_free(dec);
        EVP_CIPHER_free(cipher);
    }
    bool setup(EVP_CIPHER_CTX* c, int encrypt) {
        return EVP_CipherInit_ex(c, cipher, nullptr, nullptr, nullptr, encrypt) == 1 &&
               EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_AEAD_SET_IVLEN, 13, nullptr) == 1 &&
               EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_AEAD_SET_TAG, 8, nullptr) == 1 &&
               EVP_CipherInit_ex(c, nullptr, nullptr, tk.data(), nullptr, encrypt) == 1;
    }
};
/// CCMP encapsulation of the MPDU `f` (MAC header of `hdrlen` octets, room for the CCMP header
/// after it and for the MIC at the end): CCMP header with `pn`, AAD and nonce from
/// ccmp::make_block (built per frame, as the nonce holds the PN), body encrypted in place, MIC.
BENCH_ENTRY bool raw_encrypt(raw_ccm& c, std::uint8_t* f, std::size_t size, std::size_t hdrlen,
                             std::uint64_t pn) {
    ccmp::write_header(f + hdrlen, pn, 0);
    const auto blk = ccmp::make_block(f, hdrlen, pn);
    std::uint8_t* body = f + hdrlen + ccmp::header_len;
    const int len = static_cast<int>(size - hdrlen - ccmp::header_len - ccmp::mic_len);
    int n = 0;
    return EVP_EncryptInit_ex(c.enc, nullptr, nullptr, nullptr, blk.nonce.data()) == 1 &&
           EVP_EncryptUpdate(c.enc, nullptr, &n, nullptr, len) == 1 &&
           EVP_EncryptUpdate(c.enc, nullptr, &n, blk.aad.data(), int(blk.aad_len)) == 1 &&
           EVP_EncryptUpdate(c.enc, body, &n, body, len) == 1 &&
           EVP_EncryptFinal_ex(c.enc, body + n, &n) == 1 &&
           EVP_CIPHER_CTX_ctrl(c.enc, EVP_CTRL_AEAD_GET_TAG, 8, body + len) == 1;
}
/// CCMP decapsulation in place: PN from the CCMP header, AAD and nonce, MIC checked.
BENCH_ENTRY bool raw_decrypt(raw_ccm& c, std::uint8_t* f, std::size_t size, std::size_t hdrlen) {
    const std::uint64_t pn = ccmp::read_pn(f + hdrlen);
    const auto blk = ccmp::make_block(f, hdrlen, pn);
    std::uint8_t* body = f + hdrlen + ccmp::header_len;
    const int len = static_cast<int>(size - hdrlen - ccmp::header_len - ccmp::mic_len);
    int n = 0;
    return EVP_CIPHER_CTX_ctrl(c.dec, EVP_CTRL_AEAD_SET_TAG, 8, body + len) == 1 &&
           EVP_DecryptInit_ex(c.dec, nullptr, nullptr, nullptr, blk.nonce.data()) == 1 &&
           EVP_DecryptUpdate(c.dec, nullptr, &n, nullptr, len) == 1 &&
           EVP_DecryptUpdate(c.dec, nullptr, &n, blk.aad.data(), int(blk.aad_len)) == 1 &&
           EVP_DecryptUpdate(c.dec, body, &n, body, len) > 0;
}

/// One frame down the stack behind a call the compiler cannot see through.
template <class Radio>
BENCH_ENTRY void softmac_tx(Radio& r, std::uint8_t vif, frame_buffer&& b, std::uint8_t prio) {
    r.sink().transmit(r, vif, std::move(b), prio);
}
/// One frame into the driver (interrupt line -> radio -> poll -> data path), likewise.
template <class Driver>
BENCH_ENTRY void softmac_receive(Driver& d, frame_buffer&& b) {
    d.receive(std::move(b));
}

bool same_octets(bytes_view a, bytes_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin());
}
/// The open path's 802.11 frame `plain` as CCMP protects it: Protected set, CCMP header after the
/// MAC header, body encrypted under `pn` by the raw floor, MIC at the end.
std::vector<std::uint8_t> raw_protect(raw_ccm& c, bytes_view plain, std::uint64_t pn) {
    std::vector<std::uint8_t> f(plain.size() + ccmp::header_len + ccmp::mic_len);
    std::copy_n(plain.begin(), qos_hdrlen, f.begin());
    std::copy(plain.begin() + qos_hdrlen, plain.end(), f.begin() + qos_hdrlen + ccmp::header_len);
    store_le16(f.data(), static_cast<std::uint16_t>(load_le16(f.data()) |
                                                    ie::frame_control::protected_frame));
    return raw_encrypt(c, f.data(), f.size(), qos_hdrlen, pn) ? f : std::vector<std::uint8_t>{};
}

/// TX: three frames through the open and the protected paths; the protected frame is the open
/// path's frame under raw CCMP with PN 1, 2, 3 (the PN increments per frame).
bool protected_tx_is_raw_ccmp(std::size_t payload) {
    stack<open_path> open;
    stack<protected_path> prot;
    raw_ccm raw;
    if (!raw.ok) return false;
    frame_buffer a = *open.pool.allocate(headroom), b = *prot.pool.allocate(headroom);
    for (std::uint64_t pn = 1; pn <= 3; ++pn) {
        ethernet_frame(a, payload);
        ethernet_frame(b, payload);
        fill_payload(a.data() + 14, payload, std::uint8_t(pn));
        fill_payload(b.data() + 14, payload, std::uint8_t(pn));
        softmac_tx(open.r, open.vif.index, std::move(a), 5);
        softmac_tx(prot.r, prot.vif.index, std::move(b), 5);
        a = std::move(open.r.driver().sent);
        b = std::move(prot.r.driver().sent);
        if (!a.valid() || !b.valid() || ccmp::read_pn(b.data() + qos_hdrlen) != pn) return false;
        if (!same_octets(b.view(), raw_protect(raw, a.view(), pn))) return false;
    }
    // The frames after the first took the fast TX on both paths (the first built the template).
    return prot.sta->ptk.tx_pn == 3 && prot.r.sink().fast_tx_frames() == 2 &&
           open.r.sink().fast_tx_frames() == 2;
}

/// RX: frames the station protected with raw CCMP (PN 1, 2, 3) decrypt through the protected
/// path to what the open path delivers for the plaintext frames, which carry the original
/// payload; a frame with one flipped ciphertext bit is dropped.
bool protected_rx_decrypts(std::size_t payload) {
    stack<open_path> open;
    stack<protected_path> prot;
    raw_ccm raw;
    if (!raw.ok) return false;
    frame_buffer a = *open.pool.allocate(headroom), b = *prot.pool.allocate(headroom);
    for (std::uint16_t seq = 1; seq <= 4; ++seq) {
        wifi_frame(a, payload, seq, false);
        fill_payload(a.data() + qos_hdrlen + 8, payload, std::uint8_t(seq));
        const auto f = raw_protect(raw, a.view(), seq);
        b.reset(headroom);
        std::memcpy(b.put(f.size())->data(), f.data(), f.size());
        if (seq == 4) b.data()[qos_hdrlen + ccmp::header_len + 9] ^= 1;  // forged
        softmac_receive(open.r.driver(), std::move(a));
        softmac_receive(prot.r.driver(), std::move(b));
        a = std::move(open.r.sink().upper().delivered);
        b = std::move(prot.r.sink().upper().delivered);
        if (seq == 4)  // every frame took the fast RX, also the forged one
            return a.valid() && !b.valid() && prot.sta->ptk.decrypt_errors == 1 &&
                   prot.r.sink().fast_rx_frames() == 4 && open.r.sink().fast_rx_frames() == 4;
        if (!a.valid() || !b.valid() || !same_octets(a.view(), b.view())) return false;
        std::vector<std::uint8_t> original(payload);
        fill_payload(original.data(), payload, std::uint8_t(seq));
        if (!same_octets(b.view().subspan(14), original)) return false;
    }
    return false;
}

void report(benchmark::State& state, std::uint64_t allocs_before, std::size_t payload) {
    state.counters["allocs_per_frame"] = double(allocations.load() - allocs_before) /
                                         double(std::max<std::int64_t>(state.iterations(), 1));
    if (!openssl_allocations_counted) state.counters["openssl_allocs_uncounted"] = 1;
    state.SetBytesProcessed(state.iterations() * std::int64_t(payload));
}

// ---- TX: protected path, open path, raw CCMP
// ------------------------------------------------------
template <class Path>
void tx_path(benchmark::State& state) {
    const auto payload = static_cast<std::size_t>(state.range(0));
    if (!protected_tx_is_raw_ccmp(payload))
        return state.SkipWithError("the protected path's TX frame is not raw CCMP of the open one");
    stack<Path> s;
    frame_buffer b = *s.pool.allocate(headroom);
    const std::uint64_t before = allocations.load();
    for (auto _ : state) {
        ethernet_frame(b, payload);
        softmac_tx(s.r, s.vif.index, std::move(b), 5);
        b = std::move(s.r.driver().sent);
        benchmark::DoNotOptimize(b.data());
    }
    report(state, before, payload);
}
void BM_ccmp_protected_tx(benchmark::State& s) { tx_path<protected_path>(s); }
void BM_ccmp_open_tx(benchmark::State& s) { tx_path<open_path>(s); }
/// Raw CCMP on the protected path's own frame (the same octets at the same addresses), the PN
/// incremented per frame: CCMP header, AAD and nonce, EVP encryption and MIC.
void BM_ccmp_raw_tx(benchmark::State& state) {
    const auto payload = static_cast<std::size_t>(state.range(0));
    if (!protected_tx_is_raw_ccmp(payload))
        return state.SkipWithError("the protected path's TX frame is not raw CCMP of the open one");
    stack<protected_path> s;
    frame_buffer b = *s.pool.allocate(headroom);
    ethernet_frame(b, payload);
    softmac_tx(s.r, s.vif.index, std::move(b), 5);
    b = std::move(s.r.driver().sent);
    raw_ccm raw;
    std::uint64_t pn = s.sta->ptk.tx_pn;
    const std::uint64_t before = allocations.load();
    for (auto _ : state) {
        if (!raw_encrypt(raw, b.data(), b.size(), qos_hdrlen, ++pn))
            return state.SkipWithError("EVP encryption failed");
        benchmark::DoNotOptimize(b.data());
    }
    report(state, before, payload);
}

// ---- RX: protected path, open path, raw CCMP
// ------------------------------------------------------
/// The received frames: `ring` frames the station protected with PNs 1..ring. Decryption works in
/// place, so each iteration copies one in, as the hardware's DMA writes a received frame (the
/// protected path and the raw floor both pay that copy; the open path's frame is plaintext and
/// only its header is rewritten, as in datapath_bench.cpp).
constexpr std::size_t ring = 8;
std::vector<std::vector<std::uint8_t>> received_frames(std::size_t payload) {
    heap_pool pool(frame_buffer_size, 1, 1);
    frame_buffer a = *pool.allocate(headroom);
    raw_ccm raw;
    std::vector<std::vector<std::uint8_t>> v;
    for (std::uint16_t i = 1; i <= ring; ++i) {
        wifi_frame(a, payload, i, false);
        fill_payload(a.data() + qos_hdrlen + 8, payload, std::uint8_t(i));
        v.push_back(raw_protect(raw, a.view(), i));
    }
    return v;
}
void arrive(frame_buffer& b, const std::vector<std::uint8_t>& f) {
    b.reset(headroom);
    std::memcpy(b.put(f.size())->data(), f.data(), f.size());
}

void BM_ccmp_protected_rx(benchmark::State& state) {
    const auto payload = static_cast<std::size_t>(state.range(0));
    if (!protected_rx_decrypts(payload))
        return state.SkipWithError("the protected path does not decrypt raw CCMP frames");
    const auto frames = received_frames(payload);
    stack<protected_path> s;
    frame_buffer b = *s.pool.allocate(headroom);
    std::size_t i = 0;
    const std::uint64_t before = allocations.load();
    for (auto _ : state) {
        if (i == ring) i = 0, s.sta->ptk.rx_pn.fill(0);  // the ring starts over at PN 1
        arrive(b, frames[i++]);
        softmac_receive(s.r.driver(), std::move(b));  // interrupt line -> radio -> poll -> path
        b = std::move(s.r.sink().upper().delivered);
        benchmark::DoNotOptimize(b.data());
    }
    if (!b.valid() || s.sta->ptk.decrypt_errors || s.sta->ptk.replays)
        state.SkipWithError("a frame was dropped in the timed loop");
    report(state, before, payload);
}
void BM_ccmp_open_rx(benchmark::State& state) {
    const auto payload = static_cast<std::size_t>(state.range(0));
    stack<open_path> s;
    frame_buffer b = *s.pool.allocate(headroom);
    std::uint16_t seq = 0;
    const std::uint64_t before = allocations.load();
    for (auto _ : state) {
        wifi_frame(b, payload, seq++, false);
        softmac_receive(s.r.driver(), std::move(b));
        b = std::move(s.r.sink().upper().delivered);
        benchmark::DoNotOptimize(b.data());
    }
    if (!b.valid()) state.SkipWithError("a frame was dropped in the timed loop");
    report(state, before, payload);
}
void BM_ccmp_raw_rx(benchmark::State& state) {
    const auto payload = static_cast<std::size_t>(state.range(0));
    if (!protected_rx_decrypts(payload))
        return state.SkipWithError("the protected path does not decrypt raw CCMP frames");
    const auto frames = received_frames(payload);
    heap_pool pool(frame_buffer_size, 1, 1);
    frame_buffer b = *pool.allocate(headroom);
    raw_ccm raw;
    std::size_t i = 0;
    const std::uint64_t before = allocations.load();
    for (auto _ : state) {
        if (i == ring) i = 0;
        arrive(b, frames[i++]);
        if (!raw_decrypt(raw, b.data(), b.size(), qos_hdrlen))
            return state.SkipWithError("EVP decryption failed");
        benchmark::DoNotOptimize(b.data());
    }
    report(state, before, payload);
}

// ---- the target on a shared machine: the three sides in alternating timed batches
// ----------------
/// Protected path, raw CCMP and open path run in turn, `batch` frames each, every batch timed; per
/// side the fastest batch counts. A batch is short (tens of microseconds), so most batches run
/// undisturbed even when other processes share the cores, and the three sides see the same
/// conditions: the ratio moves far less between runs than the separate benchmarks' ratio.
/// Counters: ns per frame of each side's fastest batch, and protected / (raw + open).
template <class Protected, class Raw, class Open>
void interleaved(benchmark::State& state, Protected&& prot, Raw&& raw, Open&& open) {
    constexpr int batch = 32;
    auto time_batch = [](auto& step) {
        const auto t0 = std::chrono::steady_clock::now();
        for (int k = 0; k < batch; ++k) step();
        return std::chrono::duration<double, std::nano>(std::chrono::steady_clock::now() - t0)
                   .count() /
               batch;
    };
    double best[3] = {1e300, 1e300, 1e300};
    const std::uint64_t before = allocations.load();
    std::int64_t frames = 0;
    for (auto _ : state) {
        best[0] = std::min(best[0], time_batch(prot));
        best[1] = std::min(best[1], time_batch(raw));
        best[2] = std::min(best[2], time_batch(open));
        frames += 3 * batch;
    }
    const std::uint64_t allocated = allocations.load() - before;  // before a counter allocates
    state.counters["allocs_per_frame"] =
        double(allocated) / double(std::max<std::int64_t>(frames, 1));
    state.counters["protected_ns"] = best[0];
    state.counters["raw_ns"] = best[1];
    state.counters["open_ns"] = best[2];
    state.counters["protected_over_raw_plus_open"] = best[0] / (best[1] + best[2]);
}
void BM_ccmp_target_tx(benchmark::State& state) {
    const auto payload = static_cast<std::size_t>(state.range(0));
    if (!protected_tx_is_raw_ccmp(payload))
        return state.SkipWithError("the protected path's TX frame is not raw CCMP of the open one");
    stack<protected_path> p;
    stack<open_path> o;
    raw_ccm raw;
    frame_buffer bp = *p.pool.allocate(headroom), bo = *o.pool.allocate(headroom);
    frame_buffer br = *p.pool.allocate(headroom);
    ethernet_frame(br, payload);
    softmac_tx(p.r, p.vif.index, std::move(br), 5);
    br = std::move(p.r.driver().sent);
    std::uint64_t pn = 1u << 20;  // the raw side's own PNs: it shares no key state with the path
    auto prot_step = [&] {
        ethernet_frame(bp, payload);
        softmac_tx(p.r, p.vif.index, std::move(bp), 5);
        bp = std::move(p.r.driver().sent);
        benchmark::DoNotOptimize(bp.data());
    };
    auto raw_step = [&] {
        benchmark::DoNotOptimize(raw_encrypt(raw, br.data(), br.size(), qos_hdrlen, ++pn));
    };
    auto open_step = [&] {
        ethernet_frame(bo, payload);
        softmac_tx(o.r, o.vif.index, std::move(bo), 5);
        bo = std::move(o.r.driver().sent);
        benchmark::DoNotOptimize(bo.data());
    };
    interleaved(state, prot_step, raw_step, open_step);
    if (!bp.valid() || !bo.valid()) state.SkipWithError("a frame was dropped in the timed loop");
}
void BM_ccmp_target_rx(benchmark::State& state) {
    const auto payload = static_cast<std::size_t>(state.range(0));
    if (!protected_rx_decrypts(payload))
        return state.SkipWithError("the protected path does not decrypt raw CCMP frames");
    const auto frames = received_frames(payload);
    stack<protected_path> p;
    stack<open_path> o;
    raw_ccm raw;
    frame_buffer bp = *p.pool.allocate(headroom), bo = *o.pool.allocate(headroom);
    frame_buffer br = *p.pool.allocate(headroom);
    std::size_t ip = 0, ir = 0;
    std::uint16_t seq = 0;
    bool raw_ok = true;
    auto prot_step = [&] {
        if (ip == ring) ip = 0, p.sta->ptk.rx_pn.fill(0);
        arrive(bp, frames[ip++]);
        softmac_receive(p.r.driver(), std::move(bp));
        bp = std::move(p.r.sink().upper().delivered);
        benchmark::DoNotOptimize(bp.data());
    };
    auto raw_step = [&] {
        if (ir == ring) ir = 0;
        arrive(br, frames[ir++]);
        raw_ok &= raw_decrypt(raw, br.data(), br.size(), qos_hdrlen);
        benchmark::DoNotOptimize(br.data());
    };
    auto open_step = [&] {
        wifi_frame(bo, payload, seq++, false);
        softmac_receive(o.r.driver(), std::move(bo));
        bo = std::move(o.r.sink().upper().delivered);
        benchmark::DoNotOptimize(bo.data());
    };
    interleaved(state, prot_step, raw_step, open_step);
    if (!bp.valid() || !bo.valid() || !raw_ok || p.sta->ptk.decrypt_errors)
        state.SkipWithError("a frame was dropped in the timed loop");
}

// ---- the 4-way handshake on the loopback medium, in virtual time --------------------------------
/// Routes a wiphy's events to a link (set once both exist).
struct to_link {
    std::function<void(const mac::event::any&)> f;
    void operator()(const cfg::wdev_ref&, const mac::event::any& e) const {
        if (f) f(e);
    }
};
using lb = test::loopback_software_roc;
using wpa2_phy = cfg::wiphy<lb::driver_type, virtual_time, mac::net<test::recording_net>,
                            mac::crypto<crypto::aes_ccm_key>, cfg::events<to_link>>;
using config_type = typename wpa2_phy::config_type;

struct handshake_times {
    std::optional<time_point> new_station, connect, ap_done, sta_done;
};
/// A WPA2-PSK AP and station (wpa2_link_test.cpp's world): START_AP and CONNECT at virtual time
/// 0, then the medium runs until both handshakes completed (3 s at most).
std::optional<handshake_times> wpa2_join() {
    virtual_time time;
    sim::medium<virtual_time> air{time, 9};
    heap_pool pool{frame_buffer_size, 256};
    auto make = [&](std::uint16_t i) {
        return test::with_driver_args<lb>(air, i, [&](auto&&... args) {
            return std::make_unique<wpa2_phy>(time, pool, i, "phy" + std::to_string(i),
                                              std::forward<decltype(args)>(args)...);
        });
    };
    auto ap = make(0), sta = make(1);
    if (!ap->start() || !sta->start()) return std::nullopt;
    auto iface = [](wpa2_phy& p, const char* name, driver::iftype t) {
        cfg::cmd::new_interface c;
        c.ifname = name;
        c.iftype = t;
        auto r = p.config().execute(c, {0, 0, 0, true});
        if (r) (void)p.config().set_up({r->ifindex, {}}, true);
        return r;
    };
    const auto ap0 = iface(*ap, "ap0", driver::iftype::ap);
    const auto wlan0 = iface(*sta, "wlan0", driver::iftype::station);
    if (!ap0 || !wlan0) return std::nullopt;
    handshake_times t;
    auto done = [&](std::optional<time_point>& when) {
        return [&when, &time](const rsn::event& e) {
            if (std::holds_alternative<rsn::handshake_completed>(e) && !when) when = time.now();
        };
    };
    rsn::ap_link<rsn::config_runner<config_type>> auth(
        rsn::config_runner<config_type>{&ap->config(), cfg::wdev_ref{ap0->ifindex, {}}},
        done(t.ap_done));
    rsn::station_link<rsn::config_runner<config_type>> supp(
        rsn::config_runner<config_type>{&sta->config(), cfg::wdev_ref{wlan0->ifindex, {}}},
        done(t.sta_done));
    ap->events().f = [&](const mac::event::any& e) {
        if (std::holds_alternative<mac::event::new_station>(e) && !t.new_station)
            t.new_station = time.now();
        auth.on_event(e);
    };
    sta->events().f = [&](const mac::event::any& e) {
        if (std::holds_alternative<mac::event::connect>(e) && !t.connect) t.connect = time.now();
        supp.on_event(e);
    };
    if (!auth.start(mac::make_ap_params(ap0->mac, "softmac-wpa2",
                                        *ie::make_channel(ie::band::ghz2_4, 6), ie::rates_2ghz),
                    "correct horse battery", ap0->mac) ||
        !supp.connect("softmac-wpa2", "correct horse battery"))
        return std::nullopt;
    for (int step = 0; step < 300 && !(t.ap_done && t.sta_done); ++step)
        time.run_for(std::chrono::milliseconds(10));
    if (!t.new_station || !t.connect || !t.ap_done || !t.sta_done) return std::nullopt;
    return t;
}
/// Wall time is the whole join (two PBKDF2 passphrase hashes, scan, authentication, association,
/// 4-way handshake); the counters are virtual time in milliseconds: from the AP's NEW_STATION
/// (association accepted) and from the station's CONNECT event to the later of the two
/// handshake_completed events, and the whole join from START_AP/CONNECT.
void BM_ccmp_wpa2_handshake(benchmark::State& state) {
    handshake_times t;
    for (auto _ : state) {
        auto r = wpa2_join();
        if (!r) return state.SkipWithError("the WPA2 join did not complete");
        t = *r;
    }
    const auto ms = [](time_point d) {
        return std::chrono::duration<double, std::milli>(d).count();
    };
    const time_point both = std::max(*t.ap_done, *t.sta_done);
    state.counters["virtual_ms_from_association"] = ms(both - *t.new_station);
    state.counters["virtual_ms_from_connect_event"] = ms(both - *t.connect);
    state.counters["virtual_ms_join"] = ms(both);
}

/// The fastest repetition (see datapath_bench.cpp): ratios of minima move less between runs.
double fastest(const std::vector<double>& v) { return *std::min_element(v.begin(), v.end()); }
const bool registered = [] {
    const std::pair<const char*, void (*)(benchmark::State&)> per_frame[] = {
        {"BM_ccmp_protected_tx", BM_ccmp_protected_tx},
        {"BM_ccmp_raw_tx", BM_ccmp_raw_tx},
        {"BM_ccmp_open_tx", BM_ccmp_open_tx},
        {"BM_ccmp_protected_rx", BM_ccmp_protected_rx},
        {"BM_ccmp_raw_rx", BM_ccmp_raw_rx},
        {"BM_ccmp_open_rx", BM_ccmp_open_rx},
    };
    for (const auto& [name, fn] : per_frame)
        benchmark::RegisterBenchmark(name, fn)->Arg(64)->Arg(1500)->ComputeStatistics("min",
                                                                                      fastest);
    for (auto* fn : {BM_ccmp_target_tx, BM_ccmp_target_rx})
        benchmark::RegisterBenchmark(
            fn == BM_ccmp_target_tx ? "BM_ccmp_target_tx" : "BM_ccmp_target_rx", fn)
            ->Arg(64)
            ->Arg(1500);
    benchmark::RegisterBenchmark("BM_ccmp_wpa2_handshake", BM_ccmp_wpa2_handshake)
        ->Unit(benchmark::kMicrosecond)
        ->Iterations(3);
    return true;
}();
}  // namespace
