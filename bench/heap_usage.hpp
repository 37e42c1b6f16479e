// SPDX-License-Identifier: MIT
/// @file The scale benchmarks' memory measure: live heap bytes counted through a replaced operator
/// new, and a probe that reports a world's peak heap and resident-set growth per device. Included
/// by one translation unit per benchmark program (it replaces operator new).
#pragma once

#include <benchmark/benchmark.h>

#include <malloc.h>

#include <algorithm>
#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <new>
#include <string>

// ---- live heap bytes, counted -------------------------------------------------------------------
// The replaced operators pair malloc with free; GCC cannot see that through inlining. The program
// is single-threaded.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif
namespace {
std::size_t live_bytes = 0, peak_bytes = 0;
}
void* operator new(std::size_t n) {
    if (void* p = std::malloc(n ? n : 1)) {
        live_bytes += malloc_usable_size(p);
        if (live_bytes > peak_bytes) peak_bytes = live_bytes;
        return p;
    }
    throw std::bad_alloc();
}
void operator delete(void* p) noexcept {
    if (p) live_bytes -= malloc_usable_size(p);
    std::free(p);
}
void operator delete(void* p, std::size_t) noexcept { operator delete(p); }
// The MAC's per-interface state is aligned to 256 octets, and so is a stack.
void* operator new(std::size_t n, std::align_val_t a) {
    const auto align = std::max(static_cast<std::size_t>(a), sizeof(void*));
    if (void* p =
            std::aligned_alloc(align, (std::max<std::size_t>(n, 1) + align - 1) / align * align)) {
        live_bytes += malloc_usable_size(p);
        if (live_bytes > peak_bytes) peak_bytes = live_bytes;
        return p;
    }
    throw std::bad_alloc();
}
void operator delete(void* p, std::align_val_t) noexcept { operator delete(p); }
void operator delete(void* p, std::size_t, std::align_val_t) noexcept { operator delete(p); }

namespace {

std::size_t proc_status_kb(const char* field) {
    std::ifstream in("/proc/self/status");
    const std::size_t n = std::strlen(field);
    for (std::string line; std::getline(in, line);)
        if (line.compare(0, n, field) == 0) return std::strtoull(line.c_str() + n, nullptr, 10);
    return 0;
}

/// Memory before a world is built; what it took once it has run: bytes_per_device is the peak of
/// live heap bytes above what was live before, over N; rss_bytes_per_device the resident set's
/// growth, over N.
struct memory_probe {
    std::size_t heap_before, rss_before_kb;
    memory_probe() {
        malloc_trim(0);  // what earlier worlds freed leaves the resident set first
        heap_before = live_bytes;
        peak_bytes = live_bytes;
        rss_before_kb = proc_status_kb("VmRSS:");
    }
    double heap_per_device(std::size_t n) const {
        return double(peak_bytes - heap_before) / double(n);
    }
    void report(benchmark::State& state, std::size_t n) const {
        state.counters["bytes_per_device"] = heap_per_device(n);
        state.counters["rss_bytes_per_device"] =
            double(proc_status_kb("VmRSS:") - rss_before_kb) * 1024.0 / double(n);
    }
};

}  // namespace
