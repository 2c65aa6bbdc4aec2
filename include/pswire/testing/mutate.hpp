// pswire testing: a structure-aware mutator for libFuzzer users
// (LLVMFuzzerCustomMutator / LLVMFuzzerCustomCrossOver), header-only and
// without a libFuzzer dependency. It reads the input as a JSON document, picks
// the message kind whose schema fits it best, changes one thing (a value, a
// member, an element, or one rule broken on purpose) and writes it back in a
// seeded spelling, so most inputs stay close to what a decoder must handle.
//
//   PSWIRE_STRUCTURE_AWARE_FUZZER(pswire::message_kind::batch)
//
// defines both hooks for a fuzz target (docs/testing.md).
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "generate.hpp"

namespace pswire::testing {

// libFuzzer's LLVMFuzzerMutate, or any byte mutator with that shape; nullptr = none.
using raw_mutator = std::size_t (*)(std::uint8_t* data, std::size_t size, std::size_t max_size);

namespace detail {

inline constexpr auto every_kind = [] {
  std::array<message_kind, message_kind_names.size()> kinds{};
  for (std::size_t i = 0; i < kinds.size(); ++i) kinds[i] = static_cast<message_kind>(i);
  return kinds;
}();

// Values at the edges of what decoders read: int64 and int32 bounds and one
// past them, 2^53 + 1, -0, overflowing doubles, integral spellings.
inline constexpr std::string_view interesting_numbers[] = {
    "0", "-0", "-1", "1", "1.0", "1e2", "1.5", "-0.0", "1E+2", "1000e-3", "9223372036854775807", "-9223372036854775808",
    "9223372036854775808", "-9223372036854775809", "9007199254740993", "9007199254740991", "2147483647", "2147483648",
    "-2147483648", "-2147483649", "4294967295", "4294967296", "1e400", "-1e400", "1e-400", "123456789012345678901234567890"};
inline constexpr std::string_view interesting_strings[] = {
    "", "PUT", "PATCH", "DELETE", "REMOVE", "MOVE", "CLEAR", "put", "success", "fatal_error", "retryable_error",
    "not_attempted", "0", "-1", "1", "9223372036854775807", "9223372036854775808", "1.5", " 1", "+1", "1e3",
    std::string_view("\0", 1), "\xf0\x9f\x98\x80", "\xe2\x80\xa8", "\xed\x9f\xbf", "\"\\/\b\f\n\r\t", "{\"op\":\"PUT\"}"};
constexpr std::size_t long_string_bytes = 4096;

// Every node, inside raw values too, for mutations that need no schema.
inline void collect_nodes(json_node& n, std::vector<json_node*>& out) {
  out.push_back(&n);
  for (json_node& e : n.elements) collect_nodes(e, out);
  for (json_member& m : n.members) collect_nodes(m.value, out);
}

inline json_node interesting_scalar(rng& random) {
  switch (random.below(4)) {
    case 0: return json_node::number(std::string(interesting_numbers[random.below(std::size(interesting_numbers))]));
    case 1: return json_node::string(std::string(interesting_strings[random.below(std::size(interesting_strings))]));
    case 2: return json_node::string(std::string(long_string_bytes, 'x'));
    default: return random.percent(50) ? json_node::boolean_value(random.percent(50)) : json_node::null_value();
  }
}

// The kind among `kinds` that fits best; a seeded choice when none fits at all.
inline message_kind choose_kind(const json_node* document, std::span<const message_kind> kinds, rng& random) {
  if (document != nullptr) {
    const message_kind best = best_kind(*document, kinds);
    if (fit_score(*document, kind_schema(best)) > 0) return best;
  }
  return kinds[random.below(kinds.size())];
}

template <class Pick>
json_node* pick_node(const std::vector<json_node*>& nodes, rng& random, Pick&& wanted) {
  std::vector<json_node*> fits;
  for (json_node* n : nodes) {
    if (wanted(*n)) fits.push_back(n);
  }
  return fits.empty() ? nullptr : fits[random.below(fits.size())];
}

// Applies one mutation to `document`. Returns true when `text` already holds
// the result (a near-valid rule writes its own text).
inline bool mutate_document(json_node& document, const slot& type, generator& g, std::string& text) {
  rng& random = g.random();
  std::vector<slot_site> sites = collect_sites(document, type);
  std::vector<json_node*> nodes;
  collect_nodes(document, nodes);
  const auto is_object = [](const json_node& n) { return n.type == json_type::object && !n.members.empty(); };
  const auto is_array = [](const json_node& n) { return n.type == json_type::array; };
  switch (random.below(9)) {
    case 0: {  // a fresh valid value for a schema slot
      slot_site& s = sites[random.below(sites.size())];
      *s.node = g.value(*s.type);
      return false;
    }
    case 1:  // one near-valid rule
      detail::break_one_rule(document, type, g, text, true);
      return true;
    case 2:    // drop a member
    case 3: {  // or write one twice
      json_node* object = pick_node(nodes, random, is_object);
      if (object == nullptr) break;
      const auto at = object->members.begin() + static_cast<std::ptrdiff_t>(random.below(object->members.size()));
      if (random.percent(50)) object->members.erase(at);
      else object->members.insert(at, *at);
      return false;
    }
    case 4: {  // reorder an object's members
      json_node* object = pick_node(nodes, random, is_object);
      if (object == nullptr) break;
      for (std::size_t i = object->members.size(); i > 1; --i) std::swap(object->members[i - 1], object->members[random.below(i)]);
      return false;
    }
    case 5: {  // insert, remove or swap an array element
      json_node* array = pick_node(nodes, random, is_array);
      if (array == nullptr) break;
      auto& e = array->elements;
      const std::size_t at = random.below(e.size() + 1);
      const std::size_t op = e.empty() ? 0 : random.below(3);
      if (op == 0) e.insert(e.begin() + static_cast<std::ptrdiff_t>(at), e.empty() ? interesting_scalar(random) : e[random.below(e.size())]);
      else if (op == 1) e.erase(e.begin() + static_cast<std::ptrdiff_t>(random.below(e.size())));
      else {
        const std::size_t first = random.below(e.size()), second = random.below(e.size());  // drawn in this order
        std::swap(e[first], e[second]);
      }
      return false;
    }
    case 6: {  // a value at the edge of what decoders read
      *nodes[random.below(nodes.size())] = interesting_scalar(random);
      return false;
    }
    case 7: {  // copy a subtree over another node
      json_node copy = *nodes[random.below(nodes.size())];
      *nodes[random.below(nodes.size())] = std::move(copy);
      return false;
    }
    default: {  // add a member the schema knows (maybe one already there)
      std::vector<slot_site*> objects;
      for (slot_site& s : sites) {
        if (s.object != nullptr) objects.push_back(&s);
      }
      if (objects.empty()) break;
      slot_site& s = *objects[random.below(objects.size())];
      const member_spec& m = s.object->members[random.below(s.object->members.size())];
      const std::size_t at = random.below(s.node->members.size() + 1);  // before the value: both draw from the PRNG
      json_member added{std::string(m.key), g.value(*m.type)};
      s.node->members.insert(s.node->members.begin() + static_cast<std::ptrdiff_t>(at), std::move(added));
      return false;
    }
  }
  // Nothing of the wanted shape: a value at the edge instead.
  *nodes[random.below(nodes.size())] = interesting_scalar(random);
  return false;
}

// Copies `text` into the fuzzer's buffer if it fits; the size written, or `fallback`.
inline std::size_t emit(const std::string& text, std::uint8_t* out, std::size_t max_size, std::size_t fallback) {
  if (text.size() > max_size) return fallback;
  std::copy(text.begin(), text.end(), out);
  return text.size();
}

inline std::span<const message_kind> kinds_or_every(std::span<const message_kind> kinds) {
  return kinds.empty() ? std::span<const message_kind>(every_kind) : kinds;
}

}  // namespace detail

// Mutates the message in place; returns its new size (<= max_size). Deterministic in seed.
inline std::size_t mutate_message(std::span<const message_kind> kinds, std::uint8_t* data, std::size_t size,
                                  std::size_t max_size, unsigned int seed, raw_mutator raw = nullptr) {
  kinds = detail::kinds_or_every(kinds);
  rng random(seed);
  generate_options options;
  generator g(random, options);
  if (raw != nullptr && random.below(8) == 0) return raw(data, size, max_size);
  // NOLINTNEXTLINE(cppcoreguidelines-pro-type-reinterpret-cast): libFuzzer's bytes, read as the chars they are
  std::optional<json_node> document = parse_json(std::string_view(reinterpret_cast<const char*>(data), size));
  const message_kind kind = detail::choose_kind(document ? &*document : nullptr, kinds, random);
  std::string text;
  if (!document) {
    // Not JSON: the byte mutator's business, or a fresh message to start from.
    if (raw != nullptr && random.percent(50)) return raw(data, size, max_size);
    const json_node fresh = g.value(kind_schema(kind));
    serialize(fresh, g.options(), text);
    return detail::emit(text, data, max_size, size);
  }
  if (!detail::mutate_document(*document, kind_schema(kind), g, text)) serialize(*document, g.options(), text);
  return detail::emit(text, data, max_size, size);
}

// Splices a subtree of b into a, at a slot of the same schema where there is one.
inline std::size_t cross_over_messages(std::span<const message_kind> kinds, const std::uint8_t* a, std::size_t a_size,
                                       const std::uint8_t* b, std::size_t b_size, std::uint8_t* out,
                                       std::size_t max_out_size, unsigned int seed) {
  kinds = detail::kinds_or_every(kinds);
  rng random(seed);
  generate_options options;
  generator g(random, options);
  // NOLINTNEXTLINE(cppcoreguidelines-pro-type-reinterpret-cast): libFuzzer's bytes, read as the chars they are
  const std::string_view a_text(reinterpret_cast<const char*>(a), a_size), b_text(reinterpret_cast<const char*>(b), b_size);
  std::optional<json_node> first = parse_json(a_text), second = parse_json(b_text);
  std::string text;
  if (!first || !second) {  // bytes, then: a's head and b's tail
    text.append(a_text.substr(0, random.below(a_size + 1)));
    text.append(b_text.substr(random.below(b_size + 1)));
    if (text.size() > max_out_size) text.resize(max_out_size);
    return detail::emit(text, out, max_out_size, 0);
  }
  const slot& type = kind_schema(detail::choose_kind(&*first, kinds, random));
  std::vector<slot_site> into = collect_sites(*first, type), from = collect_sites(*second, type);
  json_node* target = nullptr;
  const json_node* source = nullptr;
  for (int attempt = 0; attempt < 8 && target == nullptr; ++attempt) {
    const slot_site& t = into[random.below(into.size())];
    std::vector<const slot_site*> same;
    for (const slot_site& s : from) {
      if (s.type == t.type) same.push_back(&s);
    }
    if (!same.empty()) target = t.node, source = same[random.below(same.size())]->node;
  }
  if (target == nullptr) {  // no slot in common: any node of b over any node of a
    std::vector<json_node*> a_nodes, b_nodes;
    detail::collect_nodes(*first, a_nodes);
    detail::collect_nodes(*second, b_nodes);
    target = a_nodes[random.below(a_nodes.size())];
    source = b_nodes[random.below(b_nodes.size())];
  }
  *target = *source;
  serialize(*first, g.options(), text);
  if (text.size() <= max_out_size) return detail::emit(text, out, max_out_size, 0);
  const std::size_t kept = std::min(a_size, max_out_size);  // too big: a, as far as it fits
  if (kept != 0) std::memcpy(out, a, kept);
  return kept;
}

}  // namespace pswire::testing

// Defines LLVMFuzzerCustomMutator and LLVMFuzzerCustomCrossOver for the given
// kinds (one or more pswire::message_kind values). LLVMFuzzerMutate is
// declared weak, so a target linked without libFuzzer still links: the raw
// byte mutations are then skipped.
#define PSWIRE_STRUCTURE_AWARE_FUZZER(...)                                                                          \
  extern "C" __attribute__((weak)) std::size_t LLVMFuzzerMutate(std::uint8_t* data, std::size_t size,                \
                                                                 std::size_t max_size);                              \
  namespace pswire_structure_aware_fuzzer {                                                                          \
  inline constexpr ::pswire::message_kind kinds[] = {__VA_ARGS__};                                                   \
  }                                                                                                                  \
  extern "C" std::size_t LLVMFuzzerCustomMutator(std::uint8_t* data, std::size_t size, std::size_t max_size,         \
                                                 unsigned int seed) {                                                \
    return ::pswire::testing::mutate_message(pswire_structure_aware_fuzzer::kinds, data, size, max_size, seed,       \
                                             &LLVMFuzzerMutate != nullptr ? &LLVMFuzzerMutate : nullptr);            \
  }                                                                                                                  \
  extern "C" std::size_t LLVMFuzzerCustomCrossOver(const std::uint8_t* a, std::size_t a_size, const std::uint8_t* b, \
                                                   std::size_t b_size, std::uint8_t* out, std::size_t max_out_size,  \
                                                   unsigned int seed) {                                              \
    return ::pswire::testing::cross_over_messages(pswire_structure_aware_fuzzer::kinds, a, a_size, b, b_size, out,   \
                                                  max_out_size, seed);                                               \
  }
