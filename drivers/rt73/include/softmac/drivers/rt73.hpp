// SPDX-License-Identifier: MIT
/// @file Defines the rt73 driver: the Ralink RT2571W/RT2573 USB chip (the rt73usb role), a template
/// over its USB transport.
#pragma once

#include <array>
#include <cstdint>
#include <cstring>
#include <vector>

#include <softmac/core/buffer_pool.hpp>
#include <softmac/driver/concepts.hpp>
#include <softmac/drivers/rt73/crypto.hpp>
#include <softmac/drivers/rt73/csr.hpp>
#include <softmac/drivers/rt73/descriptors.hpp>
#include <softmac/drivers/rt73/eeprom.hpp>
#include <softmac/drivers/rt73/firmware.hpp>
#include <softmac/drivers/rt73/registers.hpp>
#include <softmac/drivers/rt73/rf.hpp>
#include <softmac/drivers/rt73/usb.hpp>
#include <softmac/ieee80211/ccmp.hpp>
#include <softmac/ieee80211/frame_control.hpp>
#include <softmac/ieee80211/header.hpp>

namespace softmac::drivers::rt73 {

/// @brief The rt73 driver (rt73usb's structure: registers, descriptors, firmware, USB transfers).
/// No hardware scan and no remain-on-channel: the MAC's software versions serve it. CCMP is
/// offloaded: the chip encrypts with the key a frame's TXD names and decrypts received frames
/// from its key tables.
template <usb_transport Transport>
class driver {
  public:
    static constexpr unsigned max_ap_interfaces = 4;
    static constexpr bool hw_crypto = true;
    /// @brief set_key's hw_index: pairwise entries 0..63 as they are, shared entries (4 per BSS
    /// index) from 64 on, so a frame's hw_key names the table as well as the entry.
    static constexpr std::int16_t pairwise_keys = 64, shared_keys = 16,
                                  shared_key_base = pairwise_keys;

    driver(Transport& usb, std::vector<std::uint8_t> firmware)
        : usb_(usb), firmware_(std::move(firmware)), pool_(2432 + 64, 64) {
        probe();
    }
    driver(const driver&) = delete;
    driver& operator=(const driver&) = delete;

    const ::softmac::driver::hw_description& hw() const noexcept { return hw_; }
    /// @brief Why probe found no radio to register (rt73usb_probe_hw's -ENODEV), or success: an
    /// unreadable EEPROM or an RF chip the rt73 does not drive leaves nothing to register.
    result<void> probe_result() const noexcept { return probed_; }
    /// @brief The RF chip (EEPROM RF type: rf::rf5226, rf2528, rf5225 or rf2527); 0 when probe
    /// found none the rt73 drives.
    std::uint16_t rf_type() const noexcept { return rf_type_; }
    Transport& transport() noexcept { return usb_; }
    /// @brief The interrupt line is the USB bulk-in completion: raised when a received frame
    /// waits in the transport for poll().
    void set_interrupt(::softmac::driver::interrupt_line irq) { usb_.on_bulk_in(std::move(irq)); }

    // ---- mandatory operations -------------------------------------------------------------------
    template <class Ctx>
    void tx(Ctx& ctx, const ::softmac::driver::tx_info& info, frame_buffer&& frame) {
        namespace ccmp = ieee80211::ccmp;
        ::softmac::driver::tx_status st{info, false, 1};
        if (frame.size() < 10 || !running_) return fail(ctx, std::move(frame), st);
        const ieee80211::frame_control fc{load_le16(frame.data())};
        const std::size_t hdrlen = ieee80211::header_length(fc);
        // A protected frame (rt2x00crypto_tx_remove_iv): the 8 IV octets the MAC wrote go into
        // the TXD and the header moves up over them; the chip reinserts them and adds the MIC.
        const bool protect = info.hw_key >= 0;
        std::array<std::uint8_t, ccmp::header_len> iv{};
        if (protect) {
            if (info.hw_key >= shared_key_base + shared_keys ||
                key_cipher_[std::size_t(info.hw_key)] != cipher::aes ||
                !fc.has(ieee80211::frame_control::protected_frame) ||
                frame.size() < hdrlen + ccmp::header_len)
                return fail(ctx, std::move(frame), st);
            remove_iv(frame, hdrlen, iv);
        }
        // The MAC gets its frame back as it gave it.
        auto restore_iv = [&] {
            if (protect) rt73::restore_iv(frame, hdrlen, iv);
        };
        const std::size_t len = frame.size();
        const std::size_t idx = legacy_rate(info.rates[0].idx);
        const bool no_ack = (info.flags & ::softmac::driver::tx_flag::no_ack) != 0;
        tx_descriptor d;
        d.more_frag = fc.has(ieee80211::frame_control::more_frag);
        d.burst = d.more_frag || (info.flags & ::softmac::driver::tx_flag::more_frames);
        d.ack = !no_ack;
        d.timestamp = fc.is_mgmt() && (fc.subtype() == ieee80211::mgmt_subtype::beacon ||
                                       fc.subtype() == ieee80211::mgmt_subtype::probe_resp);
        d.ofdm = ieee80211::rates_2ghz[idx].is_ofdm();
        d.ifs =
            len >= 24 && (load_le16(frame.data() + 22) & 0xf) ? 1 : 0;  // SIFS for later fragments
        d.retry_mode = info.rates[0].count > 0 && info.rates[0].count - 1 >= conf_.long_retry;
        d.length = static_cast<std::uint16_t>(len);
        const std::uint8_t q = info.hw_queue < 4 ? info.hw_queue : 2;
        d.queue = q, d.aifsn = edca_[q].aifs, d.cwmin = log2_cw(edca_[q].cw_min),
        d.cwmax = log2_cw(edca_[q].cw_max);
        d.iv_offset = static_cast<std::uint8_t>(hdrlen);
        d.hw_sequence = (info.flags & ::softmac::driver::tx_flag::assign_seq) != 0;
        // The PLCP length is what goes on the air: IV and MIC included.
        d.plcp_fields =
            plcp::compute(len + 4 + (protect ? ccmp::header_len + ccmp::mic_len : 0), idx);
        if (protect) {
            d.cipher = cipher::aes;
            d.key_table = info.hw_key < shared_key_base;  // KEY_TABLE: pairwise
            d.key_index = static_cast<std::uint8_t>(d.key_table ? info.hw_key
                                                                : info.hw_key - shared_key_base);
            d.iv = load_le32(iv.data());
            d.eiv = load_le32(iv.data() + 4);
        }
        d.tx_power = static_cast<std::uint8_t>(conf_.power_dbm > 31  ? 31
                                               : conf_.power_dbm < 0 ? 0
                                                                     : conf_.power_dbm);
        auto head = frame.push(descriptor_size);
        if (!head) {
            restore_iv();
            return fail(ctx, std::move(frame), st);
        }
        byte_writer w(*head);
        d.write(w);
        const std::size_t padded = usb_tx_length(frame.size(), usb_.max_packet_size());
        auto pad = frame.put(padded - frame.size());
        if (!pad) {
            (void)frame.pull(descriptor_size);
            restore_iv();
            return fail(ctx, std::move(frame), st);
        }
        std::memset(pad->data(), 0, pad->size());
        const auto sent = usb_.bulk_out(frame.view());
        (void)frame.trim(descriptor_size + len);
        (void)frame.pull(descriptor_size);
        restore_iv();
        // USB gives no per-frame status: an accepted transfer counts as acked on the first try.
        st.acked = sent.has_value() && !no_ack;
        if (!sent) ++stats_.ack_failures;
        ctx.tx_status(std::move(frame), st);
    }
    template <class Ctx>
    result<void> start(Ctx&) {
        if (!probed_) return probed_;
        std::uint32_t csr0 = 0;
        for (int i = 0; i < 100 && csr0 == 0; ++i) {
            auto r = csr_.read32(reg::mac_csr0);
            if (!r) return r.err();
            csr0 = *r;
        }
        if (csr0 == 0) return make_error(errc::busy, "rt73: unstable hardware (MAC_CSR0 stays 0)");
        if (auto r = check_firmware(firmware_); !r) return r;
        for (std::size_t off = 0; off < firmware_.size(); off += 64) {
            const bytes_view chunk = bytes_view(firmware_).subspan(
                off, std::min<std::size_t>(64, firmware_.size() - off));
            if (auto r =
                    usb_.control_out({request::multi_write, 0,
                                      static_cast<std::uint16_t>(reg::firmware_image_base + off)},
                                     chunk);
                !r)
                return make_error(errc::io, "rt73: failed to write firmware");
        }
        if (auto r = usb_.control_out(
                {request::device_mode, device_mode::firmware, 0, std::chrono::milliseconds(1000)},
                {});
            !r)
            return make_error(errc::io, "rt73: failed to write firmware");
        // Registers, then the BBP from the EEPROM's init values.
        if (auto r = csr_.write_mac(reg::mac_csr2, hw_.perm_addr); !r) return r;
        if (auto r = csr_.write32(
                reg::txrx_csr4,
                (std::uint32_t(conf_.long_retry) << txrx_csr4::long_retry_limit_shift) |
                    (std::uint32_t(conf_.short_retry) << txrx_csr4::short_retry_limit_shift) |
                    0x20000u);
            !r)
            return r;
        for (std::uint16_t word : bbp_init_)
            if (word != 0xffff && word != 0x0000)
                if (auto r = csr_.write_bbp(static_cast<std::uint8_t>(word >> 8),
                                            static_cast<std::uint8_t>(word));
                    !r)
                    return r;
        if (auto r = csr_.write32(reg::txrx_csr9, txrx_csr9::tsf_ticking); !r) return r;
        filter_bits_ = default_filter();
        if (auto r = csr_.write32(reg::txrx_csr0, filter_bits_); !r)
            return r;  // RX enabled (no DISABLE_RX)
        running_ = true;
        return {};
    }
    template <class Ctx>
    void stop(Ctx&) {
        (void)csr_.write32(reg::txrx_csr0, filter_bits_ | txrx_csr0::disable_rx);
        (void)csr_.write32(reg::txrx_csr9, 0);
        running_ = false;
    }
    template <class Ctx>
    result<void> add_interface(Ctx&, const ::softmac::driver::vif& v) {
        using ::softmac::driver::iftype;
        const bool ap = v.type == iftype::ap;
        if (ap && other_count_ > 0)
            return make_error(errc::busy, "rt73: AP interfaces cannot join another interface type");
        if (!ap && (other_count_ > 0 || ap_count_ > 0))
            return make_error(errc::busy, "rt73: one non-AP interface at a time");
        if (ap) {
            unsigned slot = 0;
            while (slot < max_ap_interfaces && beacon_owner_[slot] >= 0) ++slot;
            if (slot == max_ap_interfaces)
                return make_error(errc::exhausted, "rt73: no free beacon slot");
            beacon_owner_[slot] = v.index;
            ++ap_count_;
        } else {
            ++other_count_;
        }
        (void)csr_.write_mac(reg::mac_csr2, v.addr);
        if (ap || v.type == iftype::adhoc) (void)csr_.write_mac(reg::mac_csr4, v.addr);
        const std::uint32_t sync = ap                        ? txrx_csr9::sync_ap_none
                                   : v.type == iftype::adhoc ? txrx_csr9::sync_adhoc
                                                             : txrx_csr9::sync_infra;
        auto csr9 = csr_.read32(reg::txrx_csr9);
        (void)csr_.write32(reg::txrx_csr9, ((csr9 ? *csr9 : 0) & ~txrx_csr9::tsf_sync) |
                                               (sync << txrx_csr9::tsf_sync_shift) |
                                               txrx_csr9::tsf_ticking);
        has_ap_ = ap_count_ > 0;
        return refresh_filter();
    }
    template <class Ctx>
    void remove_interface(Ctx&, const ::softmac::driver::vif& v) {
        for (unsigned i = 0; i < max_ap_interfaces; ++i)
            if (beacon_owner_[i] == v.index) {
                beacon_owner_[i] = -1;
                (void)csr_.write32(reg::hw_beacon_base(i),
                                   0);  // clear_beacon: invalidates the TXINFO
                --ap_count_;
                has_ap_ = ap_count_ > 0;
                (void)refresh_filter();
                return;
            }
        if (other_count_ > 0) --other_count_;
    }
    template <class Ctx>
    void config(Ctx&, const ::softmac::driver::conf& c, std::uint32_t changed) {
        conf_ = c;
        if (changed & ::softmac::driver::conf_changed::channel) (void)set_channel(c.channel);
        if (changed & ::softmac::driver::conf_changed::retry_limits)
            (void)csr_.write32(
                reg::txrx_csr4,
                (std::uint32_t(c.long_retry) << txrx_csr4::long_retry_limit_shift) |
                    (std::uint32_t(c.short_retry) << txrx_csr4::short_retry_limit_shift) |
                    0x20000u);
    }
    /// @brief TXRX_CSR0 drop bits from the FIF_* flags (rt73usb_config_filter's rules).
    template <class Ctx>
    void configure_filter(Ctx&, std::uint32_t, std::uint32_t& total) {
        namespace fif = ::softmac::driver::fif;
        total &= supported_filters;
        filter_total_ = total;
        monitoring_ = (total & fif::other_bss) != 0;
        (void)refresh_filter();
    }

    // ---- optional operations ----------------------------------------------------------------
    template <class Ctx>
    void poll(Ctx& ctx) {
        for (;;) {
            auto b = pool_.allocate(0);
            if (!b) return;
            auto room = b->put(b->tailroom());
            auto n = usb_.bulk_in(*room);
            if (!n || *n == 0) return;
            auto d = rx_descriptor::read(room->first(*n));
            if (!d || descriptor_size + d->length > *n || d->length < 4) continue;
            (void)b->trim(descriptor_size + d->length - 4);  // the FCS goes
            (void)b->pull(descriptor_size);
            ::softmac::driver::rx_status st;
            st.freq = channel_.freq_mhz;
            st.band = channel_.band;
            st.signal_dbm =
                static_cast<std::int8_t>(d->rssi_dbm(0, channel_.band == ieee80211::band::ghz5));
            const int ri = rate_of_signal(d->signal, d->ofdm);
            const std::size_t legacy =
                d->ofdm ? std::size_t(ri < 0 ? first_ofdm_rate : ri) : rate_idx_of_cck(d->signal);
            st.rate_idx = band_rate(legacy);
            st.bitrate = ieee80211::rates_2ghz[legacy].bitrate;
            if (d->crc_error) st.flags |= ::softmac::driver::rx_flag::fcs_fail;
            if (d->cipher != cipher::none && !insert_iv(*b, *d, st)) continue;
            ctx.rx(std::move(*b), st);
        }
    }
    template <class Ctx>
    void conf_tx(Ctx&, const ::softmac::driver::vif&, std::uint8_t ac,
                 const ::softmac::driver::edca_params& p) {
        if (ac >= 4) return;
        edca_[ac] = p;
        auto nibble = [&](std::uint16_t r, std::uint32_t v) {
            auto cur = csr_.read32(r);
            (void)csr_.write32(r,
                               ((cur ? *cur : 0) & ~(0xfu << (4 * ac))) | ((v & 0xf) << (4 * ac)));
        };
        nibble(reg::aifsn_csr, p.aifs);
        nibble(reg::cwmin_csr, log2_cw(p.cw_min));
        nibble(reg::cwmax_csr, log2_cw(p.cw_max));
        const std::uint16_t r = ac < 2 ? reg::ac_txop_csr0 : reg::ac_txop_csr1;
        const unsigned shift = (ac % 2) * 16;
        auto cur = csr_.read32(r);
        (void)csr_.write32(
            r, ((cur ? *cur : 0) & ~(0xffffu << shift)) | (std::uint32_t(p.txop) << shift));
    }
    template <class Ctx>
    std::uint64_t get_tsf(Ctx&, const ::softmac::driver::vif&) {
        auto lo = csr_.read32(reg::txrx_csr12), hi = csr_.read32(reg::txrx_csr13);
        return lo && hi ? (std::uint64_t(*hi) << 32) | *lo : 0;
    }
    template <class Ctx>
    ::softmac::driver::low_level_stats get_stats(Ctx&) const noexcept {
        return stats_;
    }
    template <class Ctx>
    void bss_info_changed(Ctx&, const ::softmac::driver::vif&, const ::softmac::driver::bss_conf& b,
                          std::uint32_t changed) {
        namespace bc = ::softmac::driver::bss_changed;
        if (changed & bc::bssid) (void)csr_.write_mac(reg::mac_csr4, b.bssid);
        if (changed & (bc::beacon_int | bc::beacon_enabled)) {
            auto cur = csr_.read32(reg::txrx_csr9);
            std::uint32_t v =
                ((cur ? *cur : 0) &
                 ~(txrx_csr9::beacon_interval | txrx_csr9::beacon_gen | txrx_csr9::tbtt_enable)) |
                ((std::uint32_t(b.beacon_int) * 16) & txrx_csr9::beacon_interval);
            if (b.beacon_enabled)
                v |= txrx_csr9::beacon_gen | txrx_csr9::tbtt_enable | txrx_csr9::tsf_ticking;
            (void)csr_.write32(reg::txrx_csr9, v);
        }
    }
    template <class Ctx>
    result<void> set_key(Ctx&, ::softmac::driver::key_command cmd, const ::softmac::driver::vif& v,
                         ::softmac::driver::key_conf& k) {
        const std::uint8_t c = cipher_of(k.cipher);
        if (c == cipher::none) return make_error(errc::not_supported, "rt73: cipher not offloaded");
        if (!k.pairwise) {
            const unsigned entry = 4 * (v.index % 4) + (k.index % 4);
            if (cmd == ::softmac::driver::key_command::disable) {
                key_cipher_[shared_key_base + entry] = cipher::none;
                return csr_.set_bit(reg::sec_csr0, entry, false);
            }
            if (auto r = csr_.write_key(reg::shared_key_table_base + 32 * entry, k.key); !r)
                return r;
            const std::uint16_t cr = entry < 8 ? reg::sec_csr1 : reg::sec_csr5;
            auto cur = csr_.read32(cr);
            const unsigned shift = 4 * (entry % 8);
            (void)csr_.write32(cr,
                               ((cur ? *cur : 0) & ~(0x7u << shift)) | (std::uint32_t(c) << shift));
            k.hw_index = static_cast<std::int16_t>(shared_key_base + entry);
            if (auto r = csr_.set_bit(reg::sec_csr0, entry, true); !r) return r;
            key_cipher_[std::size_t(k.hw_index)] = c;
            return {};
        }
        if (cmd == ::softmac::driver::key_command::disable) {
            if (k.hw_index < 0 || k.hw_index >= pairwise_keys)
                return make_error(errc::not_found, "rt73: pairwise key not installed");
            key_cipher_[std::size_t(k.hw_index)] = cipher::none;
            return csr_.set_bit(k.hw_index < 32 ? reg::sec_csr2 : reg::sec_csr3,
                                unsigned(k.hw_index) % 32, false);
        }
        for (unsigned i = 0; i < 64; ++i) {
            auto bits = csr_.read32(i < 32 ? reg::sec_csr2 : reg::sec_csr3);
            if (!bits) return bits.err();
            if (*bits & (1u << (i % 32))) continue;
            if (auto r = csr_.write_key(
                    static_cast<std::uint16_t>(reg::pairwise_key_table_base + 32 * i), k.key);
                !r)
                return r;
            std::array<std::uint8_t, 8> ta{};
            std::memcpy(ta.data(), k.peer.octets.data(), 6);
            ta[6] = c;
            if (auto r = usb_.control_out(
                    {request::multi_write, 0,
                     static_cast<std::uint16_t>(reg::pairwise_ta_table_base + 8 * i)},
                    ta);
                !r)
                return r;
            // Received frames are looked up in the TA table only for BSS indexes enabled here.
            if (auto r = csr_.set_bit(reg::sec_csr4, v.index % 4, true); !r) return r;
            k.hw_index = static_cast<std::int16_t>(i);
            if (auto r = csr_.set_bit(i < 32 ? reg::sec_csr2 : reg::sec_csr3, i % 32, true); !r)
                return r;
            key_cipher_[i] = c;
            return {};
        }
        return make_error(errc::exhausted, "rt73: pairwise key table full");
    }

    /// @brief write_beacon: pause beacon generation, TXD + frame into the interface's slot,
    /// TXRX_CSR10 = 0x1008, resume.
    result<void> write_beacon(const ::softmac::driver::vif& v, bytes_view frame) {
        int slot = -1;
        for (unsigned i = 0; i < max_ap_interfaces; ++i)
            if (beacon_owner_[i] == v.index) slot = int(i);
        if (slot < 0) return make_error(errc::not_found, "rt73: interface has no beacon slot");
        if (descriptor_size + frame.size() > 0x100)
            return make_error(errc::bad_length, "rt73: beacon larger than its slot");
        auto csr9 = csr_.read32(reg::txrx_csr9);
        if (!csr9) return csr9.err();
        (void)csr_.write32(reg::txrx_csr9, *csr9 & ~txrx_csr9::beacon_gen);
        std::array<std::uint8_t, 0x100> buf{};
        byte_writer w(buf);
        // At the band's lowest rate: 1 Mbit/s CCK on 2.4 GHz, 6 Mbit/s OFDM on 5 GHz.
        const std::size_t rate = legacy_rate(0);
        tx_descriptor d;
        d.timestamp = true, d.ofdm = ieee80211::rates_2ghz[rate].is_ofdm(),
        d.length = static_cast<std::uint16_t>(frame.size()), d.queue = 4;
        d.ifs = 3;
        d.hw_sequence = true;
        d.plcp_fields = plcp::compute(frame.size() + 4, rate);
        d.write(w);
        w.raw(frame);
        const std::size_t n = (w.size() + 3) & ~std::size_t(3);
        if (auto r =
                usb_.control_out({request::multi_write, 0, reg::hw_beacon_base(unsigned(slot))},
                                 bytes_view(buf).first(n));
            !r)
            return r;
        (void)csr_.write32(reg::txrx_csr10, 0x00001008);
        return csr_.write32(reg::txrx_csr9, *csr9);
    }

    /// @brief Tunes to `ch` (config's channel change, rt73usb_config_channel): BBP R3's smart mode
    /// for the RF chip, then the channel's table entry with its EEPROM TX power and the EEPROM
    /// frequency offset. A channel the RF chip's table does not have is refused.
    result<void> set_channel(const ieee80211::channel& ch) {
        const auto i = find_rf_channel(rf_table_, ch.band, ch.number);
        if (!i) return make_error(errc::bad_value, "rt73: channel not in the RF chip's table");
        if (auto r = csr_.set_smart_mode(rf_smart_mode(rf_type_)); !r) return r;
        // The tuned band's power amplifier on, the other's off (PHY_CSR0's PA_PE_BG/PA_PE_A).
        auto pa = csr_.read32(reg::phy_csr0);
        if (!pa) return pa.err();
        const std::uint32_t on =
            ch.band == ieee80211::band::ghz5 ? phy_csr0::pa_pe_a : phy_csr0::pa_pe_bg;
        if (auto r =
                csr_.write32(reg::phy_csr0, (*pa & ~(phy_csr0::pa_pe_a | phy_csr0::pa_pe_bg)) | on);
            !r)
            return r;
        for (std::uint32_t w : rf_words(rf_table_[*i], txpower_[*i], freq_offset_))
            if (auto r = csr_.write_rf(w); !r) return r;
        channel_ = *ieee80211::make_channel(ch.band, ch.number);
        return {};
    }

    static constexpr std::uint32_t supported_filters =
        ::softmac::driver::fif::allmulti | ::softmac::driver::fif::fcsfail |
        ::softmac::driver::fif::plcpfail | ::softmac::driver::fif::control |
        ::softmac::driver::fif::pspoll | ::softmac::driver::fif::other_bss;
    /// @brief TXRX_CSR0 as rt73usb_config_filter programs it.
    std::uint32_t compute_filter(std::uint32_t total) const noexcept {
        namespace fif = ::softmac::driver::fif;
        std::uint32_t v = 0x0000001f;  // RX ACK timeout, default
        if (!(total & fif::fcsfail)) v |= txrx_csr0::drop_crc;
        if (!(total & fif::plcpfail)) v |= txrx_csr0::drop_physical;
        if (!(total & (fif::control | fif::pspoll))) v |= txrx_csr0::drop_control;
        if (!monitoring_) v |= txrx_csr0::drop_not_to_me;
        if (!monitoring_ && !has_ap_) v |= txrx_csr0::drop_to_ds;
        v |= txrx_csr0::drop_version_error;
        if (!(total & fif::allmulti)) v |= txrx_csr0::drop_multicast;
        if (!(total & fif::control)) v |= txrx_csr0::drop_ack_cts;
        return v | txrx_csr0::auto_tx_seq;
    }

  private:
    /// 6 Mbit/s in rates_2ghz: the 5 GHz rate table is rates_2ghz's OFDM part.
    static constexpr std::size_t first_ofdm_rate = 4;
    static_assert([] {
        for (std::size_t i = 0; i < ieee80211::rates_ofdm.size(); ++i)
            if (ieee80211::rates_2ghz[first_ofdm_rate + i].bitrate !=
                ieee80211::rates_ofdm[i].bitrate)
                return false;
        return first_ofdm_rate + ieee80211::rates_ofdm.size() == ieee80211::rates_2ghz.size();
    }());

    /// The index into rates_2ghz (what the PLCP tables follow) of rate `idx` of the tuned band's
    /// rate table; out of range, the band's lowest rate.
    std::size_t legacy_rate(std::int8_t idx) const noexcept {
        const std::size_t first = channel_.band == ieee80211::band::ghz5 ? first_ofdm_rate : 0;
        const std::size_t n = ieee80211::rates_2ghz.size() - first;
        return first + (idx >= 0 && std::size_t(idx) < n ? std::size_t(idx) : 0);
    }
    /// The index in the tuned band's rate table of rates_2ghz[legacy] (a CCK rate heard on 5 GHz,
    /// which cannot be, reads as the lowest).
    std::uint8_t band_rate(std::size_t legacy) const noexcept {
        const std::size_t first = channel_.band == ieee80211::band::ghz5 ? first_ofdm_rate : 0;
        return static_cast<std::uint8_t>(legacy >= first ? legacy - first : 0);
    }
    std::uint32_t default_filter() const noexcept { return compute_filter(filter_total_); }
    /// TXRX_CSR0 depends on the filter flags and on whether an AP interface exists.
    result<void> refresh_filter() {
        filter_bits_ = compute_filter(filter_total_);
        return running_ ? csr_.write32(reg::txrx_csr0, filter_bits_) : result<void>{};
    }
    static std::uint8_t log2_cw(std::uint16_t cw) noexcept {
        std::uint8_t n = 0;
        while ((1u << n) - 1 < cw && n < 15) ++n;
        return n;
    }
    static std::uint8_t rate_idx_of_cck(std::uint8_t signal_100kbps) noexcept {
        for (std::uint8_t i = 0; i < 4; ++i)
            if (ieee80211::rates_2ghz[i].bitrate == signal_100kbps) return i;
        return 0;
    }
    template <class Ctx>
    void fail(Ctx& ctx, frame_buffer&& f, const ::softmac::driver::tx_status& st) {
        ++stats_.ack_failures;
        ctx.tx_status(std::move(f), st);
    }
    /// rt73usb's probe: the chip as its EEPROM describes it, or why there is nothing to register.
    void probe() {
        auto c = read_chip(usb_, max_ap_interfaces);
        if (!c) {
            probed_ = c.err();
            return;
        }
        hw_ = c->hw;
        rf_type_ = c->rf_type;
        rf_table_ = c->rf_table;
        bbp_init_ = c->bbp_init;
        txpower_ = c->txpower;
        freq_offset_ = c->freq_offset;
    }

    Transport& usb_;
    csr_bus<Transport> csr_{usb_};
    std::vector<std::uint8_t> firmware_;
    heap_pool pool_;
    ::softmac::driver::hw_description hw_{};
    ::softmac::driver::conf conf_{};
    std::array<::softmac::driver::edca_params, 4> edca_{};
    std::array<std::uint16_t, 16> bbp_init_{};
    result<void> probed_{};
    std::uint16_t rf_type_ = 0;
    std::span<const rf_channel> rf_table_{};
    std::array<std::uint8_t, max_rf_entries> txpower_{};  ///< by RF table entry
    std::uint8_t freq_offset_ = 0;
    ieee80211::channel channel_{ieee80211::band::ghz2_4, 1, 2412};  ///< what the RF is tuned to
    std::array<int, max_ap_interfaces> beacon_owner_{-1, -1, -1, -1};
    unsigned ap_count_ = 0, other_count_ = 0;
    bool has_ap_ = false, monitoring_ = false, running_ = false;
    std::uint32_t filter_bits_ = 0, filter_total_ = 0;
    ::softmac::driver::low_level_stats stats_{};
    /// The cipher of each installed key by hw_index (none: free or disabled), so that TX finds
    /// a frame's key without a register read.
    std::array<std::uint8_t, shared_key_base + shared_keys> key_cipher_{};
};

}  // namespace softmac::drivers::rt73
