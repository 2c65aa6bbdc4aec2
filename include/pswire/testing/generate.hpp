// pswire testing: seeded generators for every message kind.
//   generate_valid(kind, seed)      a message pswire (and every peer) accepts
//   generate_near_valid(kind, seed) a message that breaks exactly one named
//                                   rule, with the pswire::errc it must get
// Both walk the kind's schema (schema.hpp) with a portable PRNG, so a seed
// gives the same bytes everywhere. docs/testing.md shows how to use them.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include "json_document.hpp"
#include "schema.hpp"

namespace pswire::testing {

// Every knob of the generators.
struct generate_options {
  std::size_t max_transactions = 3;  // a batch's transactions, a batch response's results
  std::size_t max_ops = 4;           // a transaction's crud entries, a data line's oplog entries
  std::size_t max_buckets = 3;       // a checkpoint's buckets
  std::size_t max_elements = 3;      // other arrays, and members of generated row data
  std::size_t max_string_bytes = 16; // of generated strings (before escaping)
  std::size_t max_raw_depth = 3;     // nesting inside row data and raw values
  unsigned optional_percent = 60;    // how often an optional member is present
  unsigned null_percent = 20;        // how often a present nullable member is null
  unsigned unknown_member_percent = 10;  // how often an object has a member no schema names (a newer
                                         // peer's, ignored), and a sync line a type no schema names
  unsigned unicode_percent = 25;     // how often a string piece is non-ASCII
  unsigned escape_percent = 25;      // how often a string piece needs an escape (quote, control, ...)
  unsigned extreme_percent = 15;     // how often an integer is at its bounds (int64 extremes included)
  bool integral_spellings = true;    // ids also as 1.0, 1e0 where peers may write them so
  bool vary_key_order = true;        // every peer's member order; false: the first (the reference writer's)
  bool vary_serializer = true;       // escape styles, escaped keys, whitespace; false: compact UTF-8
  bool allow_newlines = true;        // whitespace with newlines (false for one message per line)
  bool allow_invalid_utf8 = true;    // near-valid: the invalid_utf8 rule (bytes a JSON string cannot carry)
  bool include_large_limits = false; // near-valid: string_too_long, too_many_elements (megabytes each)
};

namespace detail {

constexpr std::string_view ascii_pieces = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 _-.:";
inline constexpr std::string_view escape_pieces[] = {"\"", "\\", "/", "\n", "\t", "\r", "\b", "\f",
                                                     std::string_view("\0", 1), "\x01", "\x1f", "\x7f"};
inline constexpr std::string_view unicode_pieces[] = {"\xc3\xa9", "\xe2\x82\xac", "\xf0\x9f\x98\x80", "\xe2\x80\xa8",
                                                      "\xe6\x97\xa5\xe6\x9c\xac", "\xef\xbf\xbf", "\xc2\x80"};
// Numbers row data carries verbatim (pswire never reads them as numbers there).
inline constexpr std::string_view raw_numbers[] = {"0", "-0", "1", "-1", "1.5", "0.1", "2.5E-7", "1e308", "-1e-308",
                                                   "9223372036854775807", "-9223372036854775808", "9223372036854775808",
                                                   "18446744073709551616", "9007199254740993", "123456789012345678901234567890"};

inline std::string decimal(std::int64_t v) { return std::to_string(v); }

}  // namespace detail

// Builds valid values for schema slots.
class generator {
 public:
  generator(rng& random, const generate_options& options) : rng_(random), options_(options) {}

  json_node value(const slot& type) {
    switch (type.kind) {
      case slot_kind::text: return json_node::string(text());
      case slot_kind::literal: return json_node::string(std::string(type.choices[0]));
      case slot_kind::choice: return json_node::string(std::string(type.choices[rng_.below(type.choices.size())]));
      case slot_kind::int_number: return json_node::number(integer_text(type, integer(type.min, type.max)));
      case slot_kind::int_string: return json_node::string(detail::decimal(integer(type.min, type.max)));
      case slot_kind::int_either:
        if (rng_.percent(50)) return json_node::string(detail::decimal(integer(type.min, type.max)));
        return json_node::number(integer_text(type, integer(type.min, type.number_max)));
      case slot_kind::boolean: return json_node::boolean_value(rng_.percent(50));
      case slot_kind::object: return object(*type.object);
      case slot_kind::object_variant: return object(*type.variants[rng_.below(type.variants.size())]);
      case slot_kind::raw_object: return raw_object(0);
      case slot_kind::raw_value: return raw_value(0);
      case slot_kind::array: {
        json_node array = json_node::array();
        const std::size_t count = items(type);
        for (std::size_t i = 0; i < count; ++i) array.elements.push_back(value(*type.element));
        return array;
      }
      case slot_kind::embedded_json: {
        // One statement each: argument order is unspecified, and each call draws from the PRNG.
        const json_node inner = value(*type.element);
        return json_node::string(serialize(inner, options()));
      }
    }
    return {};
  }

  json_node object(const object_spec& spec) {
    json_node out = json_node::object();
    if (spec.exactly_one_member) {
      if (rng_.percent(options_.unknown_member_percent)) {  // a line type of a newer service: kept as unknown
        out.members.push_back({"future_line", raw_value(0)});
        return out;
      }
      const member_spec& m = spec.members[rng_.below(spec.members.size())];
      out.members.push_back({std::string(m.key), value(*m.type)});
      return out;
    }
    for (const member_spec* m : member_order(spec)) {
      if (m->need != presence::required && !rng_.percent(options_.optional_percent)) continue;
      const bool null = m->need == presence::optional_nullable && rng_.percent(options_.null_percent);
      out.members.push_back({std::string(m->key), null ? json_node::null_value() : value(*m->type)});
    }
    if (rng_.percent(options_.unknown_member_percent)) {
      const std::size_t at = rng_.below(out.members.size() + 1);
      json_member future{"future_member", raw_value(0)};
      out.members.insert(out.members.begin() + static_cast<std::ptrdiff_t>(at), std::move(future));
    }
    return out;
  }

  // A length for an array of `type` within its knob and its own bounds.
  std::size_t items(const slot& type) {
    const std::size_t knob = type.knob == count_knob::transactions ? options_.max_transactions
                             : type.knob == count_knob::ops        ? options_.max_ops
                             : type.knob == count_knob::buckets    ? options_.max_buckets
                                                                   : options_.max_elements;
    const std::size_t most = std::clamp(knob, type.min_items, type.max_items);
    return type.min_items + rng_.below(most - type.min_items + 1);
  }

  // An integer in [lo, hi], often at or next to its bounds.
  std::int64_t integer(std::int64_t lo, std::int64_t hi) {
    if (rng_.percent(options_.extreme_percent)) {
      const std::int64_t edges[] = {lo, hi, lo < hi ? lo + 1 : lo, lo < hi ? hi - 1 : hi};
      return edges[rng_.below(std::size(edges))];
    }
    if (rng_.percent(60)) {
      const std::int64_t small_lo = std::max<std::int64_t>(lo, 0), small_hi = std::min<std::int64_t>(hi, 1000);
      if (small_lo <= small_hi) return rng_.between(small_lo, small_hi);
    }
    return rng_.between(lo, hi);
  }

  // The number's text: usually plain, sometimes an integral spelling peers write (1.0, 1e0).
  std::string integer_text(const slot& type, std::int64_t v) {
    std::string text = detail::decimal(v);
    if (!options_.integral_spellings || !type.integral_spellings || !rng_.percent(10)) return text;
    // "0e-1" shifts a digit in: not after a lone 0, which would make the number 00e-1.
    static constexpr std::string_view suffixes[] = {".0", "e0", "E+0", ".000", "0e-1"};
    return text + std::string(suffixes[rng_.below(std::size(suffixes) - (v == 0 ? 1 : 0))]);
  }

  std::string text() {
    std::string out;
    const std::size_t budget = rng_.below(options_.max_string_bytes + 1);
    while (out.size() < budget) {
      if (rng_.percent(options_.escape_percent)) {
        out += detail::escape_pieces[rng_.below(std::size(detail::escape_pieces))];
      } else if (rng_.percent(options_.unicode_percent)) {
        out += detail::unicode_pieces[rng_.below(std::size(detail::unicode_pieces))];
      } else {
        out += detail::ascii_pieces[rng_.below(detail::ascii_pieces.size())];
      }
    }
    return out;
  }

  // Row data: any object, keys unique (the core writes JSON objects from columns).
  json_node raw_object(std::size_t depth) {
    json_node out = json_node::object();
    const std::size_t count = rng_.below(options_.max_elements + 1);
    for (std::size_t i = 0; i < count; ++i) {
      std::string key = text();
      if (out.find(key) != nullptr) key.append("#").append(std::to_string(i));  // append: g++ 12 -O3 flags "#" + string (-Wrestrict)
      out.members.push_back({std::move(key), raw_value(depth + 1)});
    }
    return out;
  }

  json_node raw_value(std::size_t depth) {
    const bool nested = depth < options_.max_raw_depth;
    switch (rng_.below(nested ? 7 : 5)) {
      case 0: return json_node::null_value();
      case 1: return json_node::boolean_value(rng_.percent(50));
      case 2: return json_node::number(std::string(detail::raw_numbers[rng_.below(std::size(detail::raw_numbers))]));
      case 3: return json_node::number(detail::decimal(integer(std::numeric_limits<std::int64_t>::min(), std::numeric_limits<std::int64_t>::max())));
      case 4: return json_node::string(text());
      case 5: return raw_object(depth);
      default: {
        json_node array = json_node::array();
        const std::size_t count = rng_.below(options_.max_elements + 1);
        for (std::size_t i = 0; i < count; ++i) array.elements.push_back(raw_value(depth + 1));
        return array;
      }
    }
  }

  // Serializer options, seeded: every spelling means the same message.
  serialize_options options() {
    serialize_options o;
    if (!options_.vary_serializer) return o;
    o.escapes = rng_.percent(25) ? escape_style::ascii_only : escape_style::plain;
    o.escape_keys = rng_.percent(15);
    o.escape_slash = rng_.percent(20);
    o.whitespace = static_cast<whitespace_style>(rng_.below(options_.allow_newlines ? 3 : 2));
    return o;
  }

  rng& random() noexcept { return rng_; }
  const generate_options& settings() const noexcept { return options_; }

 private:
  // The members in one peer's order (or, sometimes, the schema's); members
  // the order does not list keep their schema order after the listed ones.
  std::vector<const member_spec*> member_order(const object_spec& spec) {
    std::vector<const member_spec*> members;
    for (const member_spec& m : spec.members) members.push_back(&m);
    if (spec.orders.empty()) return members;
    const std::size_t pick = options_.vary_key_order ? rng_.below(spec.orders.size() + 1) : 0;
    if (pick == spec.orders.size()) return members;
    const auto keys = spec.orders[pick].keys;
    const auto rank = [&](const member_spec* m) {
      return static_cast<std::size_t>(std::find(keys.begin(), keys.end(), m->key) - keys.begin());
    };
    std::stable_sort(members.begin(), members.end(), [&](const member_spec* a, const member_spec* b) { return rank(a) < rank(b); });
    return members;
  }

  rng& rng_;
  const generate_options& options_;
};

// A valid value of `type`, as a document.
inline json_node generate_document(const slot& type, rng& random, const generate_options& options = {}) {
  return generator(random, options).value(type);
}

// A valid message of `kind`: the same seed and options give the same bytes.
inline std::string generate_valid(message_kind kind, std::uint64_t seed, const generate_options& options = {}) {
  rng random(seed);
  generator g(random, options);
  const json_node document = g.value(kind_schema(kind));
  return serialize(document, g.options());
}

// ---------------------------------------------------------------------------
// Reading a document against a schema: which node is which slot. The
// near-valid catalog and the mutator work on these sites.

namespace detail {

inline bool type_fits(const json_node& n, const slot& type) {
  switch (type.kind) {
    case slot_kind::text:
    case slot_kind::literal:
    case slot_kind::choice:
    case slot_kind::int_string:
    case slot_kind::embedded_json: return n.type == json_type::string;
    case slot_kind::int_number: return n.type == json_type::number;
    case slot_kind::int_either: return n.type == json_type::number || n.type == json_type::string;
    case slot_kind::boolean: return n.type == json_type::boolean;
    case slot_kind::object:
    case slot_kind::object_variant:
    case slot_kind::raw_object: return n.type == json_type::object;
    case slot_kind::raw_value: return true;
    case slot_kind::array: return n.type == json_type::array;
  }
  return false;
}

}  // namespace detail

inline int fit_score(const json_node& n, const slot& type);

// How well an object matches one object schema: known members count, missing
// required ones and (for sync lines) extra members count against.
inline int fit_score(const json_node& n, const object_spec& spec) {
  if (n.type != json_type::object) return -1;
  int score = 0;
  for (const json_member& m : n.members) {
    const auto it = std::find_if(spec.members.begin(), spec.members.end(), [&](const member_spec& s) { return s.key == m.key; });
    if (it != spec.members.end()) score += 1 + fit_score(m.value, *it->type);
  }
  for (const member_spec& s : spec.members) {
    if (s.need == presence::required && std::none_of(n.members.begin(), n.members.end(), [&](const json_member& m) { return m.key == s.key; })) {
      score -= 2;
    }
  }
  if (spec.exactly_one_member && n.members.size() != 1) score -= 2;
  return score;
}

inline const object_spec* best_variant(const json_node& n, const slot& type) {
  const object_spec* best = type.variants[0];
  int best_score = std::numeric_limits<int>::min();
  for (const object_spec* v : type.variants) {
    const int score = fit_score(n, *v);
    if (score > best_score) best = v, best_score = score;
  }
  return best;
}

// How well a value matches a slot: higher is better, negative is the wrong type.
inline int fit_score(const json_node& n, const slot& type) {
  if (!detail::type_fits(n, type)) return n.type == json_type::null ? 0 : -1;
  switch (type.kind) {
    case slot_kind::literal: return n.text == type.choices[0] ? 4 : 0;
    case slot_kind::choice: return std::find(type.choices.begin(), type.choices.end(), n.text) != type.choices.end() ? 2 : 0;
    case slot_kind::object: return 1 + fit_score(n, *type.object);
    case slot_kind::object_variant: return 1 + fit_score(n, *best_variant(n, type));
    case slot_kind::array: {
      int score = 1;
      for (std::size_t i = 0; i < n.elements.size() && i < 8; ++i) score += fit_score(n.elements[i], *type.element);
      return score;
    }
    case slot_kind::embedded_json: {
      const auto inner = parse_json(n.text);
      return inner ? 1 + fit_score(*inner, *type.element) : 0;
    }
    default: return 1;
  }
}

// The kind among `kinds` whose schema fits `document` best (the first on a tie).
inline message_kind best_kind(const json_node& document, std::span<const message_kind> kinds) {
  message_kind best = kinds[0];
  int best_score = std::numeric_limits<int>::min();
  for (message_kind k : kinds) {
    const int score = fit_score(document, kind_schema(k));
    if (score > best_score) best = k, best_score = score;
  }
  return best;
}

struct slot_site {
  json_node* node;
  const slot* type;
  const object_spec* object;  // the schema an object node was read with; nullptr otherwise
  json_node* parent;          // the array or object holding node; nullptr for the root
  std::size_t index;          // node's element or member index in parent
  const member_spec* member;  // the member node is the value of, if any
  std::string path;           // e.g. "transactions[].crud[].op": indexes left out, so names stay stable
};

namespace detail {

inline void collect_sites(json_node& node, const slot& type, json_node* parent, std::size_t index, const member_spec* member,
                          const std::string& path, std::vector<slot_site>& out) {
  const object_spec* spec = nullptr;
  if (type.kind == slot_kind::object && node.type == json_type::object) spec = type.object;
  if (type.kind == slot_kind::object_variant && node.type == json_type::object) spec = best_variant(node, type);
  out.push_back({&node, &type, spec, parent, index, member, path});
  if (spec != nullptr) {
    for (std::size_t i = 0; i < node.members.size(); ++i) {
      json_member& m = node.members[i];
      for (const member_spec& s : spec->members) {
        if (s.key != m.key) continue;
        collect_sites(m.value, *s.type, &node, i, &s, path.empty() ? m.key : path + "." + m.key, out);
        break;
      }
    }
  }
  if (type.kind == slot_kind::array && node.type == json_type::array) {
    for (std::size_t i = 0; i < node.elements.size(); ++i) {
      collect_sites(node.elements[i], *type.element, &node, i, nullptr, path + "[]", out);
    }
  }
}

}  // namespace detail

// Every node of `document` that has a schema slot, parents before children.
// The pointers stay valid until the document changes.
inline std::vector<slot_site> collect_sites(json_node& document, const slot& type) {
  std::vector<slot_site> out;
  detail::collect_sites(document, type, nullptr, 0, nullptr, "", out);
  return out;
}

// ---------------------------------------------------------------------------
// Near-valid messages: a valid one with exactly one rule broken.

// The rules a near-valid message breaks. Each has a stable name (rule_names)
// and, with the path of the value it breaks, names the message's rule.
enum class rule_kind : std::uint8_t {
  missing_member,            // a required member left out
  duplicate_member,          // a protocol member written twice
  duplicate_member_escaped,  // ... the second time as "\u006f\u0070"
  wrong_type,                // a value of another JSON type
  above_range,               // an integer one past its largest value
  below_range,               // an integer one below its smallest value
  not_integer,               // 1.5 where an integer belongs
  bad_number,                // a number JSON does not allow (01)
  unknown_choice,            // an op that is not one of the protocol's
  too_few_items,             // {"transactions":[]}
  too_many_items,            // 51 transactions
  extra_line_member,         // a sync line with two members
  empty_line,                // a sync line with none
  bad_escape,                // "\q"
  control_character,         // a raw control character in a string
  invalid_utf8,              // a byte that is not UTF-8 in a string
  long_string,               // a string over limits::max_string_bytes
  many_elements,             // an array over limits::max_elements
  too_deep,                  // nesting past limits::max_depth
  long_number,               // a number over limits::max_number_chars
  not_an_object,             // [] for the message
  trailing_content,          // something after the message
  truncated,                 // the message without its last byte
  empty_input,               // nothing
  inside_embedded,           // a rule broken inside a ps_crud row's data column (the inner rule names it)
};

inline constexpr std::string_view rule_names[] = {
    "missing",        "duplicate",         "duplicate_escaped", "wrong_type",    "above_range",
    "below_range",    "not_integer",       "bad_number",        "unknown_choice", "too_few_items",
    "too_many_items", "extra_line_member", "empty_line",        "bad_escape",    "control_character",
    "invalid_utf8",   "long_string",       "many_elements",     "too_deep",      "long_number",
    "not_an_object",  "trailing_content",  "truncated",         "empty_input",   "inside_embedded",
};
static_assert(std::size(rule_names) == static_cast<std::size_t>(rule_kind::inside_embedded) + 1, "a name for every rule");

namespace detail {

struct rule_candidate {
  rule_kind kind;
  std::size_t site;      // index into the sites
  std::size_t member;    // member index, for rules on an object's member
  std::string_view key;  // that member's name (its path is the site's plus the key); empty for the site itself
  errc expected;
};

inline std::string join_path(const std::string& path, std::string_view key) {
  return path.empty() ? std::string(key) : path + "." + std::string(key);
}

inline const member_spec* find_member(const object_spec& spec, std::string_view key) {
  for (const member_spec& m : spec.members) {
    if (m.key == key) return &m;
  }
  return nullptr;
}

inline bool is_integer_slot(const slot& type) {
  return type.kind == slot_kind::int_number || type.kind == slot_kind::int_string || type.kind == slot_kind::int_either;
}

// A node where an unknown member or raw value may go: an object read with a
// schema that skips unknown members, or row data.
inline bool hosts_anything(const slot_site& s) {
  if (s.object != nullptr) return !s.object->exactly_one_member;
  return s.node->type == json_type::object && s.type->kind == slot_kind::raw_object;
}

// Every rule that can be broken in this document, with what pswire says to it.
inline std::vector<rule_candidate> rule_candidates(const std::vector<slot_site>& sites, const generate_options& options,
                                                   bool whole_message) {
  std::vector<rule_candidate> out;
  const auto add = [&](rule_kind kind, std::size_t site, std::size_t member, std::string_view key, errc expected) {
    out.push_back({kind, site, member, key, expected});
  };
  for (std::size_t i = 0; i < sites.size(); ++i) {
    const slot_site& s = sites[i];
    const slot& type = *s.type;
    if (s.object != nullptr) {
      if (s.object->exactly_one_member) {
        add(rule_kind::extra_line_member, i, 0, {}, errc::ambiguous_sync_line);
        add(rule_kind::empty_line, i, 0, {}, errc::ambiguous_sync_line);
      }
      for (std::size_t j = 0; j < s.node->members.size(); ++j) {
        const member_spec* m = find_member(*s.object, s.node->members[j].key);
        if (m == nullptr) continue;
        if (m->need == presence::required && !s.object->exactly_one_member) add(rule_kind::missing_member, i, j, m->key, errc::missing_field);
        // A sync line's member twice is two members: ambiguous before it is a duplicate.
        const errc duplicate = s.object->exactly_one_member ? errc::ambiguous_sync_line : errc::duplicate_key;
        add(rule_kind::duplicate_member, i, j, m->key, duplicate);
        add(rule_kind::duplicate_member_escaped, i, j, m->key, duplicate);
      }
    }
    if (s.node->type == json_type::null) continue;  // a nullable member written as null: no value to break
    // The message itself of the wrong type is not_an_object, below.
    if (type.kind != slot_kind::raw_value && s.parent != nullptr) add(rule_kind::wrong_type, i, 0, {}, errc::wrong_type);
    if (is_integer_slot(type)) {
      add(rule_kind::above_range, i, 0, {}, errc::number_out_of_range);
      add(rule_kind::below_range, i, 0, {}, errc::number_out_of_range);
      add(rule_kind::not_integer, i, 0, {}, type.fraction);
      if (type.kind != slot_kind::int_string) add(rule_kind::bad_number, i, 0, {}, errc::invalid_number);
    }
    if (type.kind == slot_kind::choice && type.unknown_choice != errc::ok) add(rule_kind::unknown_choice, i, 0, {}, type.unknown_choice);
    if (type.kind == slot_kind::text) {
      add(rule_kind::bad_escape, i, 0, {}, errc::invalid_string);
      add(rule_kind::control_character, i, 0, {}, errc::invalid_string);
      if (options.allow_invalid_utf8) add(rule_kind::invalid_utf8, i, 0, {}, errc::invalid_utf8);
      if (options.include_large_limits) add(rule_kind::long_string, i, 0, {}, errc::string_too_long);
    }
    if (type.kind == slot_kind::array) {
      if (type.too_few != errc::ok && type.min_items > 0) add(rule_kind::too_few_items, i, 0, {}, type.too_few);
      if (type.too_many != errc::ok) add(rule_kind::too_many_items, i, 0, {}, type.too_many);
    }
    if (type.kind == slot_kind::embedded_json && parse_json(s.node->text)) add(rule_kind::inside_embedded, i, 0, {}, errc::ok);
  }
  if (std::any_of(sites.begin(), sites.end(), hosts_anything)) {
    add(rule_kind::too_deep, 0, 0, {}, errc::depth_exceeded);
    add(rule_kind::long_number, 0, 0, {}, errc::number_too_long);
    if (options.include_large_limits) add(rule_kind::many_elements, 0, 0, {}, errc::too_many_elements);
  }
  add(rule_kind::trailing_content, 0, 0, {}, errc::trailing_content);
  add(rule_kind::truncated, 0, 0, {}, errc::invalid_json);
  if (whole_message) {
    add(rule_kind::not_an_object, 0, 0, {}, errc::wrong_type);
    add(rule_kind::empty_input, 0, 0, {}, errc::empty_input);
  }
  return out;
}

// One past the bounds of an integer slot, as decimal text (beyond int64 too).
inline std::string past_bound(std::int64_t bound, bool above) {
  if (above) return bound == std::numeric_limits<std::int64_t>::max() ? "9223372036854775808" : decimal(bound + 1);
  return bound == std::numeric_limits<std::int64_t>::min() ? "-9223372036854775809" : decimal(bound - 1);
}

// A value of a JSON type the slot does not take.
inline json_node wrong_type_value(const slot& type) {
  switch (type.kind) {
    case slot_kind::int_number: return json_node::string("1");
    case slot_kind::int_either: return json_node::boolean_value(true);
    case slot_kind::boolean: return json_node::string("true");
    case slot_kind::text: return type.number_ignored ? json_node::boolean_value(true) : json_node::number("1");
    case slot_kind::object:
    case slot_kind::object_variant:
    case slot_kind::raw_object: return json_node::array();
    case slot_kind::array: return json_node::object();
    default: return json_node::number("1");
  }
}

struct broken_rule {
  rule_kind kind;
  std::string path;
  errc expected;
};

inline json_node nested_arrays(std::size_t depth) {
  return json_node::verbatim(std::string(depth, '[') + std::string(depth, ']'));
}

// Breaks one rule in `document` (of schema `type`) and writes it to `text`.
// `whole_message`: the document is the message, not a value inside one.
inline broken_rule break_one_rule(json_node& document, const slot& type, generator& g, std::string& text, bool whole_message) {
  rng& random = g.random();
  const limits defaults{};
  std::vector<slot_site> sites = collect_sites(document, type);
  const std::vector<rule_candidate> candidates = rule_candidates(sites, g.settings(), whole_message);
  // Kind first, then where: every kind of rule comes up as often, however many values a message has.
  std::vector<rule_kind> kinds;
  for (const rule_candidate& c : candidates) {
    if (std::find(kinds.begin(), kinds.end(), c.kind) == kinds.end()) kinds.push_back(c.kind);
  }
  const rule_kind kind = kinds[random.below(kinds.size())];
  std::vector<const rule_candidate*> of_kind;
  for (const rule_candidate& c : candidates) {
    if (c.kind == kind) of_kind.push_back(&c);
  }
  const rule_candidate& c = *of_kind[random.below(of_kind.size())];
  slot_site& site = sites[c.site];
  json_node& node = *site.node;
  const std::string path = c.key.empty() ? site.path : join_path(site.path, c.key);  // the root's path is empty
  const slot& slot_type = *site.type;
  const serialize_options options = g.options();
  switch (kind) {
    case rule_kind::missing_member: node.members.erase(node.members.begin() + static_cast<std::ptrdiff_t>(c.member)); break;
    case rule_kind::duplicate_member:
    case rule_kind::duplicate_member_escaped: {
      json_member copy = node.members[c.member];
      copy.escaped_key = kind == rule_kind::duplicate_member_escaped;
      node.members.insert(node.members.begin() + static_cast<std::ptrdiff_t>(c.member + 1), std::move(copy));
      break;
    }
    case rule_kind::extra_line_member: {
      const member_spec* other = nullptr;
      while (other == nullptr || (!node.members.empty() && node.members[0].key == other->key)) {
        other = &site.object->members[random.below(site.object->members.size())];
      }
      node.members.push_back({std::string(other->key), g.value(*other->type)});
      break;
    }
    case rule_kind::empty_line: node.members.clear(); break;
    case rule_kind::wrong_type: node = wrong_type_value(slot_type); break;
    case rule_kind::above_range:
    case rule_kind::below_range: {
      const bool above = kind == rule_kind::above_range;
      if (slot_type.kind == slot_kind::int_string) {
        node = json_node::string(past_bound(above ? slot_type.max : slot_type.min, above));
      } else {
        const std::int64_t top = slot_type.kind == slot_kind::int_either ? slot_type.number_max : slot_type.max;
        node = json_node::number(past_bound(above ? top : slot_type.min, above));
      }
      break;
    }
    case rule_kind::not_integer:
      node = slot_type.kind == slot_kind::int_string ? json_node::string("1.5") : json_node::number("1.5");
      break;
    case rule_kind::bad_number: node = json_node::verbatim("01"); break;
    case rule_kind::unknown_choice: node = json_node::string("NOT_AN_OP"); break;
    case rule_kind::too_few_items: node.elements.resize(slot_type.min_items - 1); break;
    case rule_kind::too_many_items: {
      // Small extra elements: only their number matters, and 51 full transactions would dominate the run time.
      const generate_options smallest{.max_transactions = 0, .max_ops = 0, .max_buckets = 0, .max_elements = 0,
                                      .max_string_bytes = 2, .optional_percent = 0};
      generator small(random, smallest);
      while (node.elements.size() <= slot_type.max_items) node.elements.push_back(small.value(*slot_type.element));
      break;
    }
    case rule_kind::bad_escape: node = json_node::verbatim(R"("a\qb")"); break;
    case rule_kind::control_character: node = json_node::verbatim("\"a\x01" "b\""); break;
    case rule_kind::invalid_utf8: node.text += "\xff"; break;
    case rule_kind::long_string: node = json_node::string(std::string(defaults.max_string_bytes + 1, 'a')); break;
    case rule_kind::too_deep:
    case rule_kind::long_number:
    case rule_kind::many_elements: {
      std::vector<slot_site*> hosts;
      for (slot_site& s : sites) {
        if (hosts_anything(s)) hosts.push_back(&s);
      }
      json_node& host = *hosts[random.below(hosts.size())]->node;
      if (kind == rule_kind::too_deep) {
        host.members.push_back({"deep", nested_arrays(defaults.max_depth + 1)});
      } else if (kind == rule_kind::long_number) {
        host.members.push_back({"long", json_node::number(std::string(defaults.max_number_chars, '0').insert(0, "1"))});
      } else {
        std::string zeros(2 * (defaults.max_elements + 1), ',');  // "[0,0,...,0]", one element too many
        for (std::size_t i = 0; i < zeros.size(); i += 2) zeros[i] = '0';
        zeros.back() = ']';
        host.members.push_back({"many", json_node::verbatim(zeros.insert(0, "["))});
      }
      break;
    }
    case rule_kind::not_an_object: node = json_node::array(); break;
    case rule_kind::inside_embedded: {
      // The data column is itself a message: break a rule in it, keep the outer row valid.
      std::optional<json_node> inner = parse_json(node.text);
      std::string inner_text;
      broken_rule inner_rule = break_one_rule(*inner, *slot_type.element, g, inner_text, false);
      node.text = std::move(inner_text);
      serialize(document, options, text);
      return {inner_rule.kind, inner_rule.path.empty() ? path : path + ">" + inner_rule.path, inner_rule.expected};
    }
    default: break;  // the rules on the text, below
  }
  serialize(document, options, text);
  if (kind == rule_kind::trailing_content) text += " 0";
  if (kind == rule_kind::truncated) text.pop_back();
  if (kind == rule_kind::empty_input) text.clear();
  return {kind, path, c.expected};
}

}  // namespace detail

struct near_valid_message {
  std::string text;
  std::string rule;  // a stable name: "missing:transactions[].crud[].op", "trailing_content", "missing:data>op"
  errc expected = errc::ok;  // what pswire's decoder of the kind gives it
};

// A message of `kind` with exactly one rule broken, the rule's name and the
// error pswire gives it. The same seed and options give the same message.
inline near_valid_message generate_near_valid(message_kind kind, std::uint64_t seed, const generate_options& options = {}) {
  rng random(seed);
  generator g(random, options);
  const slot& type = kind_schema(kind);
  json_node document = g.value(type);
  near_valid_message out;
  const detail::broken_rule broken = detail::break_one_rule(document, type, g, out.text, true);
  out.rule = std::string(rule_names[static_cast<std::size_t>(broken.kind)]);
  if (!broken.path.empty()) out.rule += ":" + broken.path;
  out.expected = broken.expected;
  return out;
}

}  // namespace pswire::testing
