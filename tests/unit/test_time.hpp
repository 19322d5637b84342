#pragma once
// The durations test files write their times in, defined once: the unity
// build compiles several test files as one translation unit.
#include "bloatmeter/clock.hpp"

inline constexpr bloatmeter::Micros kMs = 1000;
inline constexpr bloatmeter::Micros kSecond = 1'000'000;
