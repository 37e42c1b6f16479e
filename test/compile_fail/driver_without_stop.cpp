// expect: softmac: driver D must provide stop\(ctx\)
// A driver without stop() cannot be assembled into a radio; the diagnostic names the operation.
#include <softmac/driver/radio.hpp>

struct driver_without_stop {
    softmac::driver::hw_description desc;
    const softmac::driver::hw_description& hw() const { return desc; }
    template <class C> void tx(C&, const softmac::driver::tx_info&, softmac::frame_buffer&&) {}
    template <class C> softmac::result<void> start(C&) { return {}; }
    template <class C> softmac::result<void> add_interface(C&, const softmac::driver::vif&) { return {}; }
    template <class C> void remove_interface(C&, const softmac::driver::vif&) {}
    template <class C> void config(C&, const softmac::driver::conf&, std::uint32_t) {}
    template <class C> void configure_filter(C&, std::uint32_t, std::uint32_t&) {}
};

struct sink {
    void on_rx(softmac::frame_buffer&&, const softmac::driver::rx_status&) {}
    void on_tx_status(softmac::frame_buffer&&, const softmac::driver::tx_status&) {}
    void on_roc_ready(std::uint64_t) {}
    void on_roc_expired(std::uint64_t) {}
    void on_scan_done(bool) {}
};

int main() {
    softmac::virtual_time time;
    softmac::radio<driver_without_stop, softmac::virtual_time, sink> r(time, sink{});
    return r.registered() ? 1 : 0;
}
