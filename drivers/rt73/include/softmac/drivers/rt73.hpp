// SPDX-License-Identifier: MIT
/// @file Defines the rt73 driver: the Ralink RT2571W/RT2573 USB chip (the rt73usb role).
#pragma once
