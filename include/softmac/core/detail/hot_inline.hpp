// SPDX-License-Identifier: MIT
/// @file Defines SOFTMAC_HOT_INLINE, which forces inlining of functions on the per-frame path.
#pragma once

/// @brief Forces inlining on the hot path, where the compiler's size heuristics would keep
/// pipeline stages and buffer hand-offs out of line (the point of a compile-time pipeline is one
/// straight function).
///
/// A function whose only effect is to prefetch is inlined the same way: out of line, GCC finds
/// it without side effects and drops every call to it.
#if defined(__GNUC__)
#define SOFTMAC_HOT_INLINE [[gnu::always_inline]] inline
#else
#define SOFTMAC_HOT_INLINE inline
#endif
