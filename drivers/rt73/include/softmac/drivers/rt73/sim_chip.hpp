// SPDX-License-Identifier: MIT
/// @file Defines rt73::sim_chip: a simulated RT2573 behind the USB transport, on a sim::medium.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <span>
#include <vector>

#include <softmac/core/mac_address.hpp>
#include <softmac/crypto/aes_ccm.hpp>
#include <softmac/drivers/rt73/descriptors.hpp>
#include <softmac/drivers/rt73/firmware.hpp>
#include <softmac/drivers/rt73/registers.hpp>
#include <softmac/drivers/rt73/rf.hpp>
#include <softmac/drivers/rt73/usb.hpp>
#include <softmac/ieee80211/ccmp.hpp>
#include <softmac/ieee80211/frame_control.hpp>
#include <softmac/ieee80211/header.hpp>
#include <softmac/sim/medium.hpp>

namespace softmac::drivers::rt73 {

/// @brief What the simulated chip's EEPROM holds.
struct eeprom_contents {
    mac_address mac{{0x00, 0x0e, 0x2e, 0x73, 0x00, 0x01}};
    std::uint16_t rf_type = rf::rf2528;
    std::uint8_t txpower = 24;        ///< every channel of TX power G
    std::uint8_t txpower_a = 24;      ///< every octet of TX power A (the 5 GHz channels)
    std::uint8_t freq_offset = 0x3e;  ///< EEPROM FREQ offset (the RF tables carry 0x3e)
    std::array<std::uint16_t, 16> bbp{0x0b01, 0x2d0f, 0x3c11, 0x4412, 0x5416, 0x6418,
                                      0x7c19, 0x0000, 0xffff, 0xffff, 0xffff, 0xffff,
                                      0xffff, 0xffff, 0xffff, 0xffff};
};

/// @brief The RT2573 as the driver sees it over USB: register file and memory, EEPROM, firmware
/// upload and start, BBP and RF serial interfaces (the RF chip of the EEPROM's RF type tunes to
/// the channel of the table entry it is programmed with), four beacon slots sent at the beacon
/// interval, TSF from the medium's clock, the TXRX_CSR0 receive filter, TX/RX descriptors on bulk
/// OUT/IN, and CCMP in hardware from the key tables (AES only: WEP and TKIP entries are not
/// modelled, and frames under them pass undecrypted). Implements usb_transport.
template <time_policy Time>
class sim_chip {
  public:
    static constexpr std::uint32_t revision = 0x00025731;  ///< chipset 0x2573, revision 1
    static constexpr std::size_t max_frame = 2432, rx_slots = 32,
                                 rx_slot_size = descriptor_size + max_frame;
    /// Key-table entries: 16 shared (0x1000), then 64 pairwise (0x1200), 32 octets each.
    static constexpr std::size_t key_entries = 16 + 64, key_entry_size = 32;

    sim_chip(sim::medium<Time>& m, eeprom_contents e = {})
        : medium_(m), mem_(0x3100, 0), rf_table_(rf_table(e.rf_type)) {
        eeprom_.fill(0xff);
        auto w16 = [&](std::uint16_t word, std::uint16_t v) {
            store_le16(eeprom_.data() + 2 * word, v);
        };
        for (int i = 0; i < 3; ++i)
            w16(static_cast<std::uint16_t>(eeprom::mac_addr0 + i),
                static_cast<std::uint16_t>(e.mac.octets[2 * i] | e.mac.octets[2 * i + 1] << 8));
        w16(eeprom::antenna,
            static_cast<std::uint16_t>((e.rf_type << eeprom::antenna_rf_type_shift) | 0x0002));
        for (int i = 0; i < 16; ++i)
            w16(static_cast<std::uint16_t>(eeprom::bbp_start + i), e.bbp[std::size_t(i)]);
        for (int i = 0; i < eeprom::txpower_g_words; ++i)
            w16(static_cast<std::uint16_t>(eeprom::txpower_g + i),
                static_cast<std::uint16_t>(e.txpower | e.txpower << 8));
        for (int i = 0; i < eeprom::txpower_a_words; ++i)
            w16(static_cast<std::uint16_t>(eeprom::txpower_a + i),
                static_cast<std::uint16_t>(e.txpower_a | e.txpower_a << 8));
        w16(eeprom::freq, e.freq_offset);
        w16(eeprom::rssi_offset_bg, 0);
        store32(reg::mac_csr0, revision);
        store32(reg::txrx_csr0, txrx_csr0::disable_rx);
        port_ = medium_.attach([this](const sim::air_frame& f) { hear(f); });
        medium_.set_listening(port_, true);  // the antenna hears; TXRX_CSR0 decides what is kept
    }
    sim_chip(const sim_chip&) = delete;
    sim_chip& operator=(const sim_chip&) = delete;
    /// @brief A chip unplugged at run time leaves the medium and stops its beacon timer.
    ~sim_chip() {
        if (beacon_timer_) medium_.time().cancel(beacon_timer_);
        medium_.detach(port_);
    }

    // ---- usb_transport -------------------------------------------------------------------------
    result<void> control_out(const vendor_request& r, bytes_view data) {
        if (unplugged_) return make_error(errc::io, "rt73 chip: device gone");
        switch (r.request) {
            case request::device_mode:
                if (r.value == device_mode::firmware) {
                    if (!check_firmware(
                            bytes_view(mem_).subspan(reg::firmware_image_base, firmware_size)))
                        return make_error(errc::io, "rt73 chip: no valid firmware at 0x0800");
                    firmware_running_ = true;
                } else if (r.value == device_mode::reset) {
                    firmware_running_ = false;
                }
                return {};
            case request::single_write:
                if (r.index + 2u > mem_.size())
                    return make_error(errc::bad_value,
                                      "rt73 chip: write outside the register file");
                store_le16(mem_.data() + r.index, r.value);
                after_write(static_cast<std::uint16_t>(r.index & ~3u));
                return {};
            case request::multi_write:
                if (r.index + data.size() > mem_.size())
                    return make_error(errc::bad_value,
                                      "rt73 chip: write outside the register file");
                if (!data.empty()) std::memcpy(mem_.data() + r.index, data.data(), data.size());
                for (std::size_t off = 0; off < data.size(); off += 4)
                    after_write(static_cast<std::uint16_t>((r.index + off) & ~3u));
                return {};
            case request::eeprom_write:
                if (r.index + data.size() > eeprom_.size())
                    return make_error(errc::bad_value, "rt73 chip: EEPROM write out of range");
                if (!data.empty()) std::memcpy(eeprom_.data() + r.index, data.data(), data.size());
                return {};
            case request::led_control:
            case request::rx_control:
                return {};
            default:
                return make_error(errc::unsupported, "rt73 chip: unknown vendor request");
        }
    }
    result<std::size_t> control_in(const vendor_request& r, bytes_span out) {
        if (unplugged_) return make_error(errc::io, "rt73 chip: device gone");
        switch (r.request) {
            case request::single_read:
            case request::multi_read: {
                if (r.index + out.size() > mem_.size())
                    return make_error(errc::bad_value, "rt73 chip: read outside the register file");
                refresh_tsf();
                std::memcpy(out.data(), mem_.data() + r.index, out.size());
                return out.size();
            }
            case request::eeprom_read:
                if (r.index + out.size() > eeprom_.size())
                    return make_error(errc::bad_value, "rt73 chip: EEPROM read out of range");
                std::memcpy(out.data(), eeprom_.data() + r.index, out.size());
                return out.size();
            default:
                return make_error(errc::unsupported, "rt73 chip: unknown vendor request");
        }
    }
    /// @brief TX descriptor + frame (+ padding): the chip refuses to transmit before firmware runs.
    result<void> bulk_out(bytes_view data) {
        if (unplugged_) return make_error(errc::io, "rt73 chip: device gone");
        if (!firmware_running_) return make_error(errc::io, "rt73 chip: firmware not running");
        auto d = tx_descriptor::read(data);
        if (!d) return d.err();
        if (!d->valid || d->length > max_frame || data.size() < descriptor_size + d->length)
            return make_error(errc::bad_length, "rt73 chip: bad TX descriptor length");
        ++tx_frames_;
        const bytes_view frame = data.subspan(descriptor_size, d->length);
        return d->cipher == cipher::none ? send(*d, frame) : send_protected(*d, frame);
    }
    result<std::size_t> bulk_in(bytes_span out) {
        if (unplugged_) return make_error(errc::io, "rt73 chip: device gone");
        if (rx_head_ == rx_tail_) return std::size_t(0);
        auto& slot = rx_[rx_head_ % rx_slots];
        const std::size_t n = std::min(out.size(), std::size_t(slot.len));
        std::memcpy(out.data(), slot.bytes.data(), n);
        ++rx_head_;
        return n;
    }
    void on_bulk_in(::softmac::driver::interrupt_line cb) { bulk_in_cb_ = std::move(cb); }
    static constexpr std::size_t max_packet_size() noexcept { return 512; }

    // ---- what tests observe -------------------------------------------------------------------
    std::uint32_t reg32(std::uint16_t a) {
        refresh_tsf();
        return load_le32(mem_.data() + a);
    }
    const std::vector<std::uint32_t>& rf_writes() const noexcept { return rf_writes_; }
    void clear_rf_writes() { rf_writes_.clear(); }
    std::uint8_t bbp(std::uint8_t r) const noexcept { return bbp_[r & 0x7f]; }
    bool firmware_running() const noexcept { return firmware_running_; }
    typename sim::medium<Time>::port_id port() const noexcept { return port_; }
    std::uint64_t beacons_sent() const noexcept { return beacons_sent_; }
    /// @brief A register's value as the driver last left it.
    std::uint32_t register_at(std::uint16_t a) const noexcept { return load32(a); }
    /// @brief Frames the chip sent with the tuned band's power amplifier off (they went nowhere).
    std::uint64_t unamplified() const noexcept { return unamplified_; }
    std::uint64_t tx_frames() const noexcept { return tx_frames_; }
    void unplug() noexcept { unplugged_ = true; }

  private:
    struct rx_slot {
        std::array<std::uint8_t, rx_slot_size> bytes;
        std::uint16_t len = 0;
    };

    void store32(std::uint16_t a, std::uint32_t v) noexcept { store_le32(mem_.data() + a, v); }
    std::uint32_t load32(std::uint16_t a) const noexcept { return load_le32(mem_.data() + a); }
    mac_address mac_at(std::uint16_t lo) const noexcept {
        const std::uint32_t a = load32(lo), b = load32(static_cast<std::uint16_t>(lo + 4));
        return {{std::uint8_t(a), std::uint8_t(a >> 8), std::uint8_t(a >> 16),
                 std::uint8_t(a >> 24), std::uint8_t(b), std::uint8_t(b >> 8)}};
    }
    void refresh_tsf() noexcept {
        if (!(load32(reg::txrx_csr9) & txrx_csr9::tsf_ticking)) return;
        const std::uint64_t tsf = medium_.now_us();
        store32(reg::txrx_csr12, static_cast<std::uint32_t>(tsf));
        store32(reg::txrx_csr13, static_cast<std::uint32_t>(tsf >> 32));
    }

    /// Side effects of register writes: serial buses, channel tuning, beacon timer.
    void after_write(std::uint16_t a) {
        if (a == reg::phy_csr3) {
            std::uint32_t v = load32(a);
            if (!(v & phy_csr3::busy)) return;
            const std::uint8_t r =
                static_cast<std::uint8_t>((v & phy_csr3::reg_mask) >> phy_csr3::reg_shift);
            if (v & phy_csr3::read_control)
                v = (v & ~phy_csr3::value) | bbp_[r];
            else
                bbp_[r] = static_cast<std::uint8_t>(v & phy_csr3::value);
            store32(a, v & ~phy_csr3::busy);
        } else if (a == reg::phy_csr4) {
            const std::uint32_t v = load32(a);
            if (!(v & phy_csr4::busy)) return;
            rf_writes_.push_back(v & phy_csr4::value);
            if (rf_writes_.size() % 12 == 0) tune_from_rf();
            store32(a, v & ~phy_csr4::busy);
        } else if (a == reg::txrx_csr9) {
            arm_beacons();
        } else if (a >= reg::shared_key_table_base && a < reg::pairwise_ta_table_base) {
            keys_[(a - reg::shared_key_table_base) / key_entry_size].reset();  // a new key
        } else if (a == reg::mac_csr2 || a == reg::mac_csr3) {
            // The MAC acknowledges frames to its own address.
            const mac_address own = mac_at(reg::mac_csr2);
            medium_.set_addresses(port_, std::span<const mac_address>(&own, 1));
        }
    }
    /// The channel is the entry of the RF chip's table the last four RF words program (TX power,
    /// RF3 bit 0x4 and frequency offset aside); words that program no entry leave it as it was.
    void tune_from_rf() {
        const std::uint32_t* w = rf_writes_.data() + rf_writes_.size() - 4;
        for (std::size_t i = 0; i < rf_table_.size(); ++i)
            if (programs(rf_table_[i], w[0], w[1], w[2], w[3])) {
                medium_.tune(port_, *ieee80211::channel_to_freq(rf_band(i), rf_table_[i].channel));
                return;
            }
    }
    void arm_beacons() {
        if (beacon_timer_) medium_.time().cancel(beacon_timer_);
        beacon_timer_ = 0;
        const std::uint32_t csr9 = load32(reg::txrx_csr9);
        const std::uint32_t interval16 = csr9 & txrx_csr9::beacon_interval;
        if (!(csr9 & txrx_csr9::beacon_gen) || !(csr9 & txrx_csr9::tbtt_enable) || interval16 == 0)
            return;
        const auto period = std::chrono::duration_cast<duration>(time_units(interval16) / 16);
        beacon_timer_ = medium_.time().schedule_in(period, [this] {
            beacon_timer_ = 0;
            for (unsigned i = 0; i < 4; ++i) {
                const bytes_view slot = bytes_view(mem_).subspan(reg::hw_beacon_base(i), 0x100);
                auto d = tx_descriptor::read(slot);
                if (!d || !d->valid || d->length == 0 || descriptor_size + d->length > slot.size())
                    continue;
                ++beacons_sent_;
                (void)send(*d, slot.subspan(descriptor_size, d->length));
            }
            arm_beacons();
        });
    }
    result<void> send(const tx_descriptor& d, bytes_view frame) {
        const int idx = rate_of_signal(d.plcp_fields.signal, d.ofdm);
        if (idx < 0) return make_error(errc::bad_value, "rt73 chip: unknown PLCP signal");
        // Without the tuned band's power amplifier nothing reaches the air.
        const auto tuned = ieee80211::freq_to_channel(medium_.frequency(port_));
        const std::uint32_t pa =
            tuned && tuned->band == ieee80211::band::ghz5 ? phy_csr0::pa_pe_a : phy_csr0::pa_pe_bg;
        if (!(load32(reg::phy_csr0) & pa)) {
            ++unamplified_;
            return {};
        }
        const std::uint16_t bitrate = ieee80211::rates_2ghz[std::size_t(idx)].bitrate;
        const bool short_preamble = (d.plcp_fields.signal & 0x08) != 0;
        if (!d.timestamp || frame.size() < 32)
            return medium_.transmit(port_, frame, bitrate, short_preamble);
        std::array<std::uint8_t, max_frame> out;  // the TSF goes into the timestamp field
        if (frame.size() > out.size())
            return make_error(errc::bad_length, "rt73 chip: frame too long for a timestamp");
        std::memcpy(out.data(), frame.data(), frame.size());
        store_le64(out.data() + 24, medium_.now_us());
        return medium_.transmit(port_, bytes_view(out.data(), frame.size()), bitrate,
                                short_preamble);
    }
    /// The cipher state of key-table entry `slot` (shared 0..15, pairwise 16..79), set up from
    /// the entry's first 16 octets when first used after the driver wrote it.
    crypto::aes_ccm_key* key_at(std::size_t slot) {
        auto& k = keys_[slot];
        if (!k.valid() &&
            !k.set(bytes_view(mem_).subspan(reg::shared_key_table_base + key_entry_size * slot,
                                            crypto::aes_ccm_key::key_len)))
            return nullptr;
        return &k;
    }
    /// TX with a cipher in the TXD: the key from the table and entry the TXD names, the IV and
    /// EIV words back after the MAC header (IV_OFFSET octets), the payload encrypted with
    /// AES-CCM and the MIC appended.
    result<void> send_protected(const tx_descriptor& d, bytes_view frame) {
        namespace ccmp = ieee80211::ccmp;
        if (d.cipher != cipher::aes)
            return make_error(errc::unsupported, "rt73 chip: only AES (CCMP) is modelled");
        const std::size_t hdrlen = d.iv_offset;
        if (hdrlen < 24 || hdrlen > frame.size())
            return make_error(errc::bad_value, "rt73 chip: IV offset outside the frame");
        if (!d.key_table && d.key_index >= 16)
            return make_error(errc::bad_value, "rt73 chip: no such shared key entry");
        crypto::aes_ccm_key* key = key_at(d.key_table ? 16u + d.key_index : d.key_index);
        if (!key) return make_error(errc::io, "rt73 chip: key table entry unusable");
        const std::size_t body = frame.size() - hdrlen;
        std::array<std::uint8_t, max_frame + ccmp::header_len + ccmp::mic_len> out;
        std::memcpy(out.data(), frame.data(), hdrlen);
        std::uint8_t* const iv = out.data() + hdrlen;
        store_le32(iv, d.iv);
        store_le32(iv + 4, d.eiv);
        std::memcpy(iv + ccmp::header_len, frame.data() + hdrlen, body);
        const ccmp::block b = ccmp::make_block(out.data(), hdrlen, ccmp::read_pn(iv));
        if (!key->encrypt(b.nonce.data(), b.aad_view(), bytes_span(iv + ccmp::header_len, body),
                          iv + ccmp::header_len + body))
            return make_error(errc::io, "rt73 chip: AES-CCM failed");
        return send(d, bytes_view(out.data(), hdrlen + ccmp::header_len + body + ccmp::mic_len));
    }
    /// The key-table entry of an AES key for a received frame with Key ID `key_id`, or -1: an
    /// individually addressed frame looks its transmitter up in the pairwise TA table (valid
    /// bits SEC_CSR2/3, lookup enabled for BSS 0 in SEC_CSR4); otherwise, or when no TA
    /// matches, the shared key of BSS index 0 for that Key ID (valid bit in SEC_CSR0, cipher in
    /// SEC_CSR1).
    int find_key(bytes_view f, std::uint8_t key_id) const noexcept {
        const mac_address a1 = mac_address::from(f.data() + 4),
                          a2 = mac_address::from(f.data() + 10);
        if (a1.is_unicast() && (load32(reg::sec_csr4) & 1u))
            for (unsigned i = 0; i < 64; ++i) {
                if (!(load32(i < 32 ? reg::sec_csr2 : reg::sec_csr3) & (1u << (i % 32)))) continue;
                const std::size_t ta = reg::pairwise_ta_table_base + 8 * i;
                if (mac_address::from(mem_.data() + ta) != a2) continue;
                return mem_[ta + 6] == cipher::aes ? static_cast<int>(16 + i) : -1;
            }
        const unsigned entry = key_id;  // BSS index 0: entries 0..3
        if (!(load32(reg::sec_csr0) & (1u << entry))) return -1;
        const std::uint32_t alg = (load32(reg::sec_csr1) >> (4 * entry)) & 0x7;
        return alg == cipher::aes ? static_cast<int>(entry) : -1;
    }
    /// RX of a protected frame (ExtIV set) under a known AES key: decrypts into `out` and checks
    /// the MIC; the IV, EIV and the MIC's first word go into the RXD, and the frame goes up
    /// without IV and MIC (header and plaintext; header and ciphertext after a MIC error, so
    /// nothing unverified is decrypted). 0 when no key applies: the frame goes up as it was.
    std::size_t unprotect(bytes_view in, rx_descriptor& d, std::uint8_t* out) {
        namespace ccmp = ieee80211::ccmp;
        const ieee80211::frame_control fc{load_le16(in.data())};
        if (!fc.has(ieee80211::frame_control::protected_frame) || in.size() < 24) return 0;
        const std::size_t hdrlen = ieee80211::header_length(fc);
        if (in.size() < hdrlen + ccmp::header_len + ccmp::mic_len ||
            in.size() > max_frame + ccmp::header_len + ccmp::mic_len)
            return 0;
        const std::uint8_t* const iv = in.data() + hdrlen;
        if (!ccmp::has_ext_iv(iv)) return 0;
        const int slot = find_key(in, ccmp::key_id(iv));
        crypto::aes_ccm_key* key = slot < 0 ? nullptr : key_at(std::size_t(slot));
        if (!key) return 0;
        const std::size_t body = in.size() - hdrlen - ccmp::header_len - ccmp::mic_len;
        const std::uint8_t* const payload = iv + ccmp::header_len;
        const std::uint8_t* const mic = payload + body;
        std::memcpy(out, in.data(), hdrlen);
        std::memcpy(out + hdrlen, payload, body);
        const ccmp::block b = ccmp::make_block(in.data(), hdrlen, ccmp::read_pn(iv));
        const bool ok =
            key->decrypt(b.nonce.data(), b.aad_view(), bytes_span(out + hdrlen, body), mic);
        if (!ok) std::memcpy(out + hdrlen, payload, body);
        d.cipher = cipher::aes;
        d.cipher_error = ok ? rx_cipher_error::none : rx_cipher_error::mic;
        d.key_index = static_cast<std::uint8_t>(slot < 16 ? slot : slot - 16);
        d.iv = load_le32(iv), d.eiv = load_le32(iv + 4), d.icv = load_le32(mic);
        return hdrlen + body;
    }
    /// The receive side: TXRX_CSR0 filtering, decryption, then an RX descriptor into the
    /// bulk-IN FIFO.
    void hear(const sim::air_frame& f) {
        const std::uint32_t csr0 = load32(reg::txrx_csr0);
        if ((csr0 & txrx_csr0::disable_rx) || !firmware_running_ || f.bytes.size() < 10) return;
        const ieee80211::frame_control fc{load_le16(f.bytes.data())};
        const mac_address a1 = mac_address::from(f.bytes.data() + 4);
        const mac_address own = mac_at(reg::mac_csr2), bssid = mac_at(reg::mac_csr4);
        const bool bcast = a1.is_broadcast(), mcast = a1.is_multicast() && !bcast,
                   to_me = a1 == own;
        if ((csr0 & txrx_csr0::drop_control) && fc.is_ctrl()) return;
        if ((csr0 & txrx_csr0::drop_not_to_me) && a1.is_unicast() && !to_me) return;
        if ((csr0 & txrx_csr0::drop_to_ds) && fc.has(ieee80211::frame_control::to_ds)) return;
        if ((csr0 & txrx_csr0::drop_multicast) && mcast) return;
        if ((csr0 & txrx_csr0::drop_broadcast) && bcast) return;
        if (rx_tail_ - rx_head_ == rx_slots) return;  // FIFO full: dropped
        std::size_t ri = 0;
        for (; ri < ieee80211::rates_2ghz.size(); ++ri)
            if (ieee80211::rates_2ghz[ri].bitrate == f.bitrate) break;
        const bool ofdm = ri < 12 && ieee80211::rates_2ghz[ri].is_ofdm();
        rx_descriptor d;
        d.owner_nic = true;
        d.unicast_to_me = to_me, d.multicast = mcast, d.broadcast = bcast;
        d.my_bss = f.bytes.size() >= 22 && mac_address::from(f.bytes.data() + 16) == bssid;
        d.ofdm = ofdm;
        d.length = static_cast<std::uint16_t>(f.bytes.size() + 4);
        d.signal = ofdm ? plcp_signal[ri] : static_cast<std::uint8_t>(f.bitrate);
        // LNA gain 2: 74 dB, 8 more on 5 GHz (what the driver takes off again).
        const auto heard_on = ieee80211::freq_to_channel(f.freq);
        const int lna_gain = heard_on && heard_on->band == ieee80211::band::ghz5 ? 82 : 74;
        d.rssi_lna = 2;
        d.rssi_agc = static_cast<std::uint8_t>(std::clamp((f.signal_dbm + lna_gain) / 2, 0, 31));
        auto& slot = rx_[rx_tail_ % rx_slots];
        bytes_view up = f.bytes;
        if (const std::size_t n = unprotect(f.bytes, d, slot.bytes.data() + descriptor_size)) {
            up = bytes_view(slot.bytes.data() + descriptor_size, n);
            d.length = static_cast<std::uint16_t>(n + 4);
        }
        byte_writer w(slot.bytes);
        d.write(w);
        if (up.data() == f.bytes.data())
            w.raw(up);
        else
            (void)w.reserve(up.size());  // decrypted in place
        w.le32(ieee80211::compute_fcs(up));
        slot.len = static_cast<std::uint16_t>(w.size());
        ++rx_tail_;
        if (bulk_in_cb_) bulk_in_cb_();
    }

    sim::medium<Time>& medium_;
    typename sim::medium<Time>::port_id port_ = 0;
    std::vector<std::uint8_t> mem_;
    std::array<std::uint8_t, 0x100> eeprom_{};
    std::array<std::uint8_t, 128> bbp_{};
    std::span<const rf_channel> rf_table_;
    std::vector<std::uint32_t> rf_writes_;
    bool firmware_running_ = false, unplugged_ = false;
    timer_id beacon_timer_ = 0;
    std::uint64_t beacons_sent_ = 0, tx_frames_ = 0;
    std::uint64_t unamplified_ = 0;  ///< frames sent without the band's power amplifier
    std::array<rx_slot, rx_slots> rx_{};
    std::array<crypto::aes_ccm_key, key_entries> keys_{};
    std::size_t rx_head_ = 0, rx_tail_ = 0;
    ::softmac::driver::interrupt_line bulk_in_cb_;
};

}  // namespace softmac::drivers::rt73
