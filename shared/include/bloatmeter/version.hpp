#pragma once
// The product's version, one place for every binary (server, CLI, WASM).
namespace bloatmeter {
inline constexpr const char* kVersion = "0.1.0";
inline constexpr const char* kToolName = "bloatmeter";
}  // namespace bloatmeter
