// SPDX-License-Identifier: MIT
/// @file Defines the loopback driver: simulated radios on a sim::medium (the mac80211_hwsim role).
#pragma once
