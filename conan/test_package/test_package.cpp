// Proves the package is usable: build a beacon in a pooled buffer and parse it back.
#include <softmac/core/buffer_pool.hpp>
#include <softmac/ieee80211/management.hpp>

int main() {
    namespace ie = softmac::ieee80211;
    softmac::fixed_pool<2, 256> pool;
    auto buf = pool.allocate(0);
    softmac::byte_writer w(buf->put(128).value());
    ie::write_mgmt_header(w, ie::mgmt_subtype::beacon, softmac::mac_address::broadcast(),
                          softmac::mac_address{}, softmac::mac_address{});
    ie::write_beacon_fixed(w, 0, 100, ie::capab::ess);
    ie::put::ssid(w, "test_package");
    auto h = ie::header_view::parse(w.written());
    auto m = ie::parse_mgmt_body(h->fc(), h->body());
    return m && m->beacon_interval == 100 ? 0 : 1;
}
