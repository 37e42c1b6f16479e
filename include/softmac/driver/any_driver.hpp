// SPDX-License-Identifier: MIT
/// @file Defines softmac::any_driver: a type-erased driver (an ops table of function pointers, as
/// Linux has) for products that choose the driver at run time.
#pragma once

#include <memory>
#include <utility>

#include <softmac/driver/concepts.hpp>

namespace softmac {

/// @brief Any upcall context behind function pointers: what any_driver hands its driver.
class any_context {
  public:
    template <driver::upcall_context C>
    explicit any_context(C& c) noexcept : self_(&c), vt_(&table<C>) {}

    void rx(frame_buffer&& b, const driver::rx_status& s) { vt_->rx(self_, std::move(b), s); }
    void tx_status(frame_buffer&& b, const driver::tx_status& s) {
        vt_->tx_status(self_, std::move(b), s);
    }
    void roc_ready(std::uint64_t c) { vt_->roc_ready(self_, c); }
    void roc_expired(std::uint64_t c) { vt_->roc_expired(self_, c); }
    void scan_done(bool a) { vt_->scan_done(self_, a); }

  private:
    struct vtable {
        void (*rx)(void*, frame_buffer&&, const driver::rx_status&);
        void (*tx_status)(void*, frame_buffer&&, const driver::tx_status&);
        void (*roc_ready)(void*, std::uint64_t);
        void (*roc_expired)(void*, std::uint64_t);
        void (*scan_done)(void*, bool);
    };
    template <class C>
    static constexpr vtable table{
        [](void* c, frame_buffer&& b, const driver::rx_status& s) {
            static_cast<C*>(c)->rx(std::move(b), s);
        },
        [](void* c, frame_buffer&& b, const driver::tx_status& s) {
            static_cast<C*>(c)->tx_status(std::move(b), s);
        },
        [](void* c, std::uint64_t k) { static_cast<C*>(c)->roc_ready(k); },
        [](void* c, std::uint64_t k) { static_cast<C*>(c)->roc_expired(k); },
        [](void* c, bool a) { static_cast<C*>(c)->scan_done(a); }};

    void* self_;
    const vtable* vt_;
};

/// @brief A driver chosen at run time. It forwards the seven mandatory operations, poll and the
/// interrupt line through a table of function pointers; optional offloads are not forwarded,
/// so a radio over any_driver uses the MAC's software versions.
class any_driver {
  public:
    template <class D, class... Args>
    explicit any_driver(std::in_place_type_t<D>, Args&&... args)
        : obj_(new D(std::forward<Args>(args)...), [](void* p) { delete static_cast<D*>(p); }),
          vt_(&table<D>) {
        static_assert(driver::check_driver<D>());
    }

    const driver::hw_description& hw() const { return vt_->hw(obj_.get()); }
    template <class Ctx>
    void tx(Ctx& c, const driver::tx_info& i, frame_buffer&& b) {
        any_context ac(c);
        vt_->tx(obj_.get(), ac, i, std::move(b));
    }
    template <class Ctx>
    result<void> start(Ctx& c) {
        any_context ac(c);
        return vt_->start(obj_.get(), ac);
    }
    template <class Ctx>
    void stop(Ctx& c) {
        any_context ac(c);
        vt_->stop(obj_.get(), ac);
    }
    template <class Ctx>
    result<void> add_interface(Ctx& c, const driver::vif& v) {
        any_context ac(c);
        return vt_->add_interface(obj_.get(), ac, v);
    }
    template <class Ctx>
    void remove_interface(Ctx& c, const driver::vif& v) {
        any_context ac(c);
        vt_->remove_interface(obj_.get(), ac, v);
    }
    template <class Ctx>
    void config(Ctx& c, const driver::conf& cf, std::uint32_t changed) {
        any_context ac(c);
        vt_->config(obj_.get(), ac, cf, changed);
    }
    template <class Ctx>
    void configure_filter(Ctx& c, std::uint32_t changed, std::uint32_t& total) {
        any_context ac(c);
        vt_->configure_filter(obj_.get(), ac, changed, total);
    }
    template <class Ctx>
    void poll(Ctx& c) {
        any_context ac(c);
        vt_->poll(obj_.get(), ac);
    }
    void set_interrupt(driver::interrupt_line irq) {
        vt_->set_interrupt(obj_.get(), std::move(irq));
    }
    void set_rx_prefetch(driver::rx_prefetch p) { vt_->set_rx_prefetch(obj_.get(), std::move(p)); }

    /// @brief The wrapped driver, when its type is known.
    template <class D>
    D& as() noexcept {
        return *static_cast<D*>(obj_.get());
    }

  private:
    struct ops {
        const driver::hw_description& (*hw)(const void*);
        void (*tx)(void*, any_context&, const driver::tx_info&, frame_buffer&&);
        result<void> (*start)(void*, any_context&);
        void (*stop)(void*, any_context&);
        result<void> (*add_interface)(void*, any_context&, const driver::vif&);
        void (*remove_interface)(void*, any_context&, const driver::vif&);
        void (*config)(void*, any_context&, const driver::conf&, std::uint32_t);
        void (*configure_filter)(void*, any_context&, std::uint32_t, std::uint32_t&);
        void (*poll)(void*, any_context&);
        void (*set_interrupt)(void*, driver::interrupt_line&&);
        void (*set_rx_prefetch)(void*, driver::rx_prefetch&&);
    };
    template <class D>
    static constexpr ops table{
        [](const void* d) -> const driver::hw_description& {
            return static_cast<const D*>(d)->hw();
        },
        [](void* d, any_context& c, const driver::tx_info& i, frame_buffer&& b) {
            static_cast<D*>(d)->tx(c, i, std::move(b));
        },
        [](void* d, any_context& c) { return static_cast<D*>(d)->start(c); },
        [](void* d, any_context& c) { static_cast<D*>(d)->stop(c); },
        [](void* d, any_context& c, const driver::vif& v) {
            return static_cast<D*>(d)->add_interface(c, v);
        },
        [](void* d, any_context& c, const driver::vif& v) {
            static_cast<D*>(d)->remove_interface(c, v);
        },
        [](void* d, any_context& c, const driver::conf& cf, std::uint32_t ch) {
            static_cast<D*>(d)->config(c, cf, ch);
        },
        [](void* d, any_context& c, std::uint32_t ch, std::uint32_t& t) {
            static_cast<D*>(d)->configure_filter(c, ch, t);
        },
        [](void* d, any_context& c) {
            if constexpr (driver::has_poll<D, any_context>) static_cast<D*>(d)->poll(c);
        },
        [](void* d, driver::interrupt_line&& irq) {
            if constexpr (driver::has_interrupt_line<D>)
                static_cast<D*>(d)->set_interrupt(std::move(irq));
        },
        [](void* d, driver::rx_prefetch&& p) {
            if constexpr (driver::has_rx_prefetch<D>)
                static_cast<D*>(d)->set_rx_prefetch(std::move(p));
        },
    };

    std::unique_ptr<void, void (*)(void*)> obj_;
    const ops* vt_;
};

static_assert(driver::upcall_context<any_context>);
static_assert(driver::check_driver<any_driver>());
static_assert(driver::driver<any_driver>);

}  // namespace softmac
