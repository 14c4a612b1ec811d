#pragma once

#include <span>
#include <string_view>

namespace zcdp::synth {

// Fixed word lists the synthetic shop draws from. ASCII only, so that an email address can
// be built from a name without transliteration.
std::span<const std::string_view> FirstNames();
std::span<const std::string_view> LastNames();

struct City {
  std::string_view name;
  std::string_view country;  // ISO 3166-1 alpha-2
};
std::span<const City> Cities();

// Product categories of the shop's web site, used in paths like "/category/shoes".
std::span<const std::string_view> Categories();

// Misspelt domains for the typo trap ("exmaple.com" instead of "example.com").
std::span<const std::string_view> TypoDomains();

}  // namespace zcdp::synth
