// SPDX-License-Identifier: MIT
/// @file Defines rt73::csr_bus: the chip's registers over its USB transport (rt73usb's register
/// helpers): CSR words, address pairs and key entries, and the BBP and RF serial buses behind
/// PHY_CSR3 and PHY_CSR4.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>

#include <softmac/core/bytes.hpp>
#include <softmac/core/mac_address.hpp>
#include <softmac/core/result.hpp>
#include <softmac/drivers/rt73/registers.hpp>
#include <softmac/drivers/rt73/usb.hpp>

namespace softmac::drivers::rt73 {

/// @brief Register access through vendor requests: every call is one or more USB control
/// transfers, and fails as the transfer does.
template <usb_transport Transport>
class csr_bus {
  public:
    explicit csr_bus(Transport& usb) noexcept : usb_(usb) {}

    result<std::uint32_t> read32(std::uint16_t a) {
        std::array<std::uint8_t, 4> b{};
        auto r = usb_.control_in({request::multi_read, 0, a}, b);
        if (!r) return r.err();
        return load_le32(b.data());
    }
    result<void> write32(std::uint16_t a, std::uint32_t v) {
        std::array<std::uint8_t, 4> b{};
        store_le32(b.data(), v);
        return usb_.control_out({request::multi_write, 0, a}, b);
    }
    result<void> write_mac(std::uint16_t lo, const mac_address& m) {
        if (auto r = write32(lo, load_le32(m.octets.data())); !r) return r;
        auto hi = read32(static_cast<std::uint16_t>(lo + 4));
        const std::uint32_t keep = hi ? (*hi & 0xffff0000u) : 0;
        return write32(static_cast<std::uint16_t>(lo + 4),
                       keep | m.octets[4] | (std::uint32_t(m.octets[5]) << 8));
    }
    result<void> set_bit(std::uint16_t r, unsigned bit, bool on) {
        auto cur = read32(r);
        if (!cur) return cur.err();
        return write32(r, on ? (*cur | (1u << bit)) : (*cur & ~(1u << bit)));
    }
    result<void> write_key(std::uint16_t at, bytes_view key) {
        std::array<std::uint8_t, 32> e{};
        std::memcpy(e.data(), key.data(), std::min<std::size_t>(key.size(), e.size()));
        return usb_.control_out({request::multi_write, 0, at}, e);
    }
    /// PHY_CSR3 once the BBP bus is idle.
    result<std::uint32_t> bbp_idle() {
        for (int i = 0; i < 10; ++i) {
            auto cur = read32(reg::phy_csr3);
            if (!cur) return cur.err();
            if (!(*cur & phy_csr3::busy)) return *cur;
        }
        return make_error(errc::busy, "rt73: BBP bus stays busy");
    }
    /// PHY_CSR3: wait until the BBP bus is idle, then write the register.
    result<void> write_bbp(std::uint8_t r, std::uint8_t v) {
        if (auto idle = bbp_idle(); !idle) return idle.err();
        return write32(reg::phy_csr3,
                       v | (std::uint32_t(r & 0x7f) << phy_csr3::reg_shift) | phy_csr3::busy);
    }
    /// PHY_CSR3: ask for the register with READ_CONTROL, then take its value once the bus is idle.
    result<std::uint8_t> read_bbp(std::uint8_t r) {
        if (auto idle = bbp_idle(); !idle) return idle.err();
        if (auto w = write32(reg::phy_csr3, (std::uint32_t(r & 0x7f) << phy_csr3::reg_shift) |
                                                phy_csr3::read_control | phy_csr3::busy);
            !w)
            return w.err();
        auto v = bbp_idle();
        if (!v) return v.err();
        return static_cast<std::uint8_t>(*v & phy_csr3::value);
    }
    /// BBP R3's smart mode bit, the register's other bits kept.
    result<void> set_smart_mode(bool on) {
        auto r3 = read_bbp(bbp::r3);
        if (!r3) return r3.err();
        return write_bbp(bbp::r3, static_cast<std::uint8_t>(on ? *r3 | bbp::r3_smart_mode
                                                               : *r3 & ~bbp::r3_smart_mode));
    }
    result<void> write_rf(std::uint32_t value) {
        for (int i = 0; i < 10; ++i) {
            auto cur = read32(reg::phy_csr4);
            if (!cur) return cur.err();
            if (!(*cur & phy_csr4::busy))
                return write32(reg::phy_csr4, (value & phy_csr4::value) |
                                                  (20u << phy_csr4::bits_shift) | phy_csr4::busy);
        }
        return make_error(errc::busy, "rt73: RF bus stays busy");
    }

  private:
    Transport& usb_;
};

}  // namespace softmac::drivers::rt73
