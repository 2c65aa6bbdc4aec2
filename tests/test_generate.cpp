// pswire/testing: the document model, the generators and the mutator
// (include/pswire/testing/, docs/testing.md).
#include "test_support.hpp"

#include <pswire/testing/generate.hpp>
#include <pswire/testing/mutate.hpp>

#include <algorithm>
#include <cstring>
#include <map>
#include <set>

using namespace pswire;
using namespace pswire::testing;

namespace {

// The mutator speaks libFuzzer's bytes; the tests read them as the chars they are.
std::string_view as_chars(const std::uint8_t* bytes, std::size_t size) {
  return {reinterpret_cast<const char*>(bytes), size};  // NOLINT(cppcoreguidelines-pro-type-reinterpret-cast)
}
const std::uint8_t* as_bytes(const std::string& text) {
  return reinterpret_cast<const std::uint8_t*>(text.data());  // NOLINT(cppcoreguidelines-pro-type-reinterpret-cast)
}

constexpr std::uint64_t seeds_per_kind = 300;

message_kind kind_at(std::size_t i) { return static_cast<message_kind>(i); }

std::string canonical(canonical_codec& codec, message_kind kind, std::string_view message, errc& code) {
  std::string out;
  code = codec.encode(kind, message, out).code;
  return out;
}

// The member names of a JSON object's top level, in order.
std::vector<std::string> keys_of(std::string_view text) {
  std::vector<std::string> keys;
  const auto document = parse_json(text);
  REQUIRE(document.has_value());
  for (const json_member& m : document->members) keys.push_back(m.key);
  return keys;
}

}  // namespace

TEST_CASE("the document parser is strict and bounded") {
  for (std::string_view bad : {"", "{", "[1,]", "{\"a\":1,}", "01", "1.", "-", "+1", ".5", "1e", "\"\\q\"", "\"\xff\"",
                               "\"\\udc00\"", "\"\\ud800\"", "\"\\ud800\\u0041\"", "\"a\x01\"", "{} x", "tru", "nul",
                               "\"\xed\xa0\x80\"", "\"\xc0\xaf\""}) {
    CAPTURE(bad);
    CHECK(!parse_json(bad).has_value());
  }
  const std::string deep_ok = std::string(64, '[') + std::string(64, ']');
  const std::string too_deep = std::string(65, '[') + std::string(65, ']');
  CHECK(parse_json(deep_ok).has_value());
  CHECK(!parse_json(too_deep).has_value());
  const auto pair = parse_json(R"( { "k" : [ "\ud83d\ude00\u00e9\/", -0.5e+3, true, null ] } )");
  REQUIRE(pair.has_value());
  CHECK(serialize(*pair) == "{\"k\":[\"\xf0\x9f\x98\x80\xc3\xa9/\",-0.5e+3,true,null]}");
}

TEST_CASE("every serializer style writes the same document") {
  const auto document = parse_json("{\"op\":\"PUT\",\"s\":\"a/\xf0\x9f\x98\x80\xc3\xa9\\\"\\n\\u0001\",\"n\":[1,{}],\"e\":[]}");
  REQUIRE(document.has_value());
  const std::string plain = serialize(*document);
  for (int escapes = 0; escapes < 2; ++escapes) {
    for (int whitespace = 0; whitespace < 3; ++whitespace) {
      for (int flags = 0; flags < 4; ++flags) {
        const serialize_options options{static_cast<escape_style>(escapes), (flags & 1) != 0, (flags & 2) != 0,
                                        static_cast<whitespace_style>(whitespace)};
        const std::string text = serialize(*document, options);
        CAPTURE(text);
        const auto back = parse_json(text);
        REQUIRE(back.has_value());
        CHECK(serialize(*back) == plain);
        if (options.escapes == escape_style::ascii_only) {
          CHECK(std::all_of(text.begin(), text.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; }));
        }
        if (options.escape_keys) CHECK(text.find("\"op\"") == std::string::npos);
      }
    }
  }
  CHECK(serialize(*document, {.escapes = escape_style::ascii_only}).find("\\ud83d\\ude00") != std::string::npos);
}

TEST_CASE("the same seed gives the same bytes, another seed another message") {
  for (std::size_t k = 0; k < message_kind_names.size(); ++k) {
    CAPTURE(to_string(kind_at(k)));
    CHECK(generate_valid(kind_at(k), 42) == generate_valid(kind_at(k), 42));
    const auto a = generate_near_valid(kind_at(k), 42), b = generate_near_valid(kind_at(k), 42);
    CHECK(a.text == b.text);
    CHECK(a.rule == b.rule);
    std::set<std::string> distinct;
    for (std::uint64_t seed = 0; seed < 20; ++seed) distinct.insert(generate_valid(kind_at(k), seed));
    CHECK(distinct.size() > 2);
  }
  CHECK(rng(1).next() == 0x910a2dec89025cc1ull);  // splitmix64's reference output
  CHECK(generate_valid(message_kind::checkpoint_request, 7, {.vary_serializer = false}) ==
        "{\"client_id\":\"\xef\xbf\xbf\\u001ft\xc2\x80\",\"checkpoint_request_id\":\"7002636727014905521\"}");
}

TEST_CASE("generated and mutated bytes are pinned: the same with g++ and clang, libstdc++ and libc++") {
  // FNV-1a over many outputs: a changed draw order (say, two PRNG calls in
  // one function call's arguments, which compilers evaluate in different
  // orders) shows here on whichever toolchain runs the suite.
  std::uint64_t hash = 0xcbf29ce484222325ull;
  const auto mix = [&](std::string_view bytes) {
    for (const char c : bytes) hash = (hash ^ static_cast<unsigned char>(c)) * 0x100000001b3ull;
  };
  std::vector<std::uint8_t> buffer(4096);
  for (std::size_t k = 0; k < message_kind_names.size(); ++k) {
    for (std::uint64_t seed = 0; seed < 20; ++seed) {
      const std::string valid = generate_valid(kind_at(k), seed);
      const near_valid_message broken = generate_near_valid(kind_at(k), seed);
      mix(valid);
      mix(broken.text);
      mix(broken.rule);
      if (valid.size() > buffer.size()) continue;
      std::memcpy(buffer.data(), valid.data(), valid.size());
      const std::size_t size = mutate_message({}, buffer.data(), valid.size(), buffer.size(), static_cast<unsigned>(seed));
      mix(as_chars(buffer.data(), size));
    }
  }
  CHECK(hash == 3733474916032090194ull);
}

TEST_CASE("valid messages of every kind decode; near-valid ones get exactly their error") {
  canonical_codec codec;
  std::set<std::string> rules_seen;
  for (std::size_t k = 0; k < message_kind_names.size(); ++k) {
    const message_kind kind = kind_at(k);
    CAPTURE(to_string(kind));
    for (std::uint64_t seed = 0; seed < seeds_per_kind; ++seed) {
      CAPTURE(seed);
      const std::string valid = generate_valid(kind, seed);
      errc code{};
      const std::string out = canonical(codec, kind, valid, code);
      CAPTURE(valid);
      CHECK(code == errc::ok);
      // The canonical form is itself valid and a fixed point.
      errc again{};
      CHECK(canonical(codec, kind, out, again) == out);
      CHECK(again == errc::ok);

      const near_valid_message broken = generate_near_valid(kind, seed);
      CAPTURE(broken.rule);
      CAPTURE(broken.text);
      canonical(codec, kind, broken.text, code);
      CHECK(to_string(code) == to_string(broken.expected));
      CHECK(broken.expected != errc::ok);
      rules_seen.insert(broken.rule.substr(0, broken.rule.find(':')));
    }
  }
  // Every rule of the catalog came up (long_string and many_elements need
  // include_large_limits; inside_embedded is named after the rule it breaks
  // inside the data column).
  for (std::string_view name : rule_names) {
    if (name == "long_string" || name == "many_elements" || name == "inside_embedded") continue;
    CAPTURE(name);
    CHECK(rules_seen.count(std::string(name)) == 1);
  }
}

TEST_CASE("near-valid rules reach inside a ps_crud row's data column and the limits") {
  canonical_codec codec;
  std::set<std::string> inside;
  for (std::uint64_t seed = 0; seed < 3000; ++seed) {
    const auto broken = generate_near_valid(message_kind::crud_row, seed);
    if (broken.rule.find("data>") != std::string::npos) inside.insert(broken.rule.substr(0, broken.rule.find(':')));
  }
  CHECK(inside.count("missing") == 1);
  CHECK(inside.count("unknown_choice") == 1);
  // The rules of megabytes, only when asked for.
  std::set<std::string> large_seen;
  for (std::uint64_t seed = 0; seed < 400 && large_seen.size() < 2; ++seed) {
    const auto broken = generate_near_valid(message_kind::message_response, seed, {.include_large_limits = true});
    if (!broken.rule.starts_with("long_string") && !broken.rule.starts_with("many_elements")) continue;
    CAPTURE(broken.rule);
    large_seen.insert(broken.rule.substr(0, broken.rule.find(':')));
    errc code{};
    canonical(codec, message_kind::message_response, broken.text, code);
    CHECK(code == broken.expected);
  }
  CHECK(large_seen == std::set<std::string>{"long_string", "many_elements"});
}

TEST_CASE("the knobs bound sizes and pick the peers' key orders") {
  canonical_codec codec;
  for (std::uint64_t seed = 0; seed < 50; ++seed) {
    const std::string batch = generate_valid(message_kind::batch, seed, {.max_transactions = 50, .max_ops = 1});
    const auto document = parse_json(batch);
    REQUIRE(document.has_value());
    const json_node* transactions = document->find("transactions");
    REQUIRE(transactions != nullptr);
    CHECK(transactions->elements.size() >= 1);
    CHECK(transactions->elements.size() <= 50);
    for (const json_node& tx : transactions->elements) {
      const json_node* crud = tx.find("crud");
      REQUIRE(crud != nullptr);
      CHECK(crud->elements.size() <= 1);
    }
  }
  // Without variation: compact, in the reference writer's order.
  const generate_options fixed{.unknown_member_percent = 0, .vary_key_order = false, .vary_serializer = false};
  for (std::uint64_t seed = 0; seed < 50; ++seed) {
    const auto keys = keys_of(generate_valid(message_kind::upload_entry, seed, fixed));
    const auto& order = schema::upload_order;
    std::vector<std::size_t> ranks;
    ranks.reserve(keys.size());
    for (const std::string& key : keys) ranks.push_back(static_cast<std::size_t>(std::find(std::begin(order), std::end(order), key) - std::begin(order)));
    CHECK(std::is_sorted(ranks.begin(), ranks.end()));
  }
  // With it: both orders the core writes (op,id,type and, for insert-only tables, op,type,id).
  std::set<std::vector<std::string>> orders;
  for (std::uint64_t seed = 0; seed < 100; ++seed) {
    auto keys = keys_of(generate_valid(message_kind::ps_crud, seed, {.optional_percent = 0, .unknown_member_percent = 0}));
    orders.insert(keys);
  }
  CHECK(orders.count({"op", "id", "type"}) == 1);
  CHECK(orders.count({"op", "type", "id"}) == 1);
  // int64 extremes come up.
  bool max_seen = false, min_seen = false;
  for (std::uint64_t seed = 0; seed < 200; ++seed) {
    const std::string entry = generate_valid(message_kind::sdk_entry, seed, {.extreme_percent = 50});
    max_seen = max_seen || entry.find("9223372036854775807") != std::string::npos;
    min_seen = min_seen || entry.find("-9223372036854775808") != std::string::npos;
  }
  CHECK(max_seen);
  CHECK(min_seen);
}

TEST_CASE("escaped keys and every spelling decode like the plain message") {
  canonical_codec codec;
  const message_kind kinds[] = {message_kind::checkpoint_request, message_kind::custom_checkpoint_request,
                                message_kind::message_response, message_kind::upload_entry, message_kind::sync_line};
  for (message_kind kind : kinds) {
    CAPTURE(to_string(kind));
    for (std::uint64_t seed = 0; seed < 40; ++seed) {
      rng random(seed);
      // No row data and no unknown sync line: they pass through byte for byte, so their spelling shows in the output.
      const generate_options options{.max_elements = 0, .optional_percent = 0, .unknown_member_percent = 0};
      const json_node document = generate_document(kind_schema(kind), random, options);
      errc code{};
      const std::string expected = canonical(codec, kind, serialize(document), code);
      REQUIRE(code == errc::ok);
      for (int style = 0; style < 24; ++style) {
        const serialize_options spelling{static_cast<escape_style>(style % 2), (style / 2) % 2 != 0, (style / 4) % 2 != 0,
                                         static_cast<whitespace_style>(style / 8)};
        const std::string text = serialize(document, spelling);
        CAPTURE(text);
        CHECK(canonical(codec, kind, text, code) == expected);
        CHECK(code == errc::ok);
      }
    }
  }
}

namespace {
std::size_t raw_calls = 0;
// A byte mutator of libFuzzer's shape: flips the first byte.
std::size_t flip_first_byte(std::uint8_t* data, std::size_t size, std::size_t /*max_size*/) {
  ++raw_calls;
  if (size != 0) data[0] = static_cast<std::uint8_t>(data[0] ^ 0x20);
  return size;
}
}  // namespace

TEST_CASE("the mutator stays within max_size, is deterministic and yields accepted and refused messages") {
  canonical_codec codec;
  std::map<message_kind, std::pair<std::size_t, std::size_t>> outcomes;  // accepted, refused
  std::vector<std::uint8_t> buffer(8192), again(8192);
  raw_calls = 0;
  std::size_t mutations = 0;
  for (std::size_t k = 0; k < message_kind_names.size(); ++k) {
    const message_kind kinds[] = {kind_at(k)};
    std::string current = generate_valid(kind_at(k), k);
    for (unsigned seed = 0; seed < 150; ++seed) {
      const std::size_t max_size = 32 + (seed * 53) % 2048;
      if (current.size() > max_size) current = generate_valid(kind_at(k), seed, {.max_elements = 1, .max_string_bytes = 4});
      if (current.size() > max_size) continue;
      std::memcpy(buffer.data(), current.data(), current.size());
      std::memcpy(again.data(), current.data(), current.size());
      const std::size_t size = mutate_message(kinds, buffer.data(), current.size(), max_size, seed, flip_first_byte);
      const std::size_t size_again = mutate_message(kinds, again.data(), current.size(), max_size, seed, flip_first_byte);
      ++mutations;
      REQUIRE(size <= max_size);
      CHECK(size == size_again);
      CHECK(std::memcmp(buffer.data(), again.data(), size) == 0);
      const std::string mutated(as_chars(buffer.data(), size));
      errc code{};
      canonical(codec, kind_at(k), mutated, code);
      (code == errc::ok ? outcomes[kind_at(k)].first : outcomes[kind_at(k)].second)++;
      current = seed % 4 == 0 ? generate_valid(kind_at(k), seed) : mutated;
    }
  }
  for (const auto& outcome : outcomes) {  // not a structured binding: clang 14 cannot capture one (CAPTURE)
    CAPTURE(to_string(outcome.first));
    CHECK(outcome.second.first > 0);
    CHECK(outcome.second.second > 0);
  }
  // About one mutation in eight (and half of those of non-JSON) goes to the byte mutator.
  CHECK(raw_calls > mutations / 16);
  CHECK(raw_calls < mutations / 2);
}

TEST_CASE("the mutator starts over from non-JSON and never writes past max_size") {
  const message_kind kinds[] = {message_kind::batch};
  std::uint8_t data[256] = "not json";
  const std::size_t size = mutate_message(kinds, data, 8, sizeof data, 3);
  CHECK(size <= sizeof data);
  // Too little room for any message: the input is kept as it was.
  std::uint8_t small[4] = {'{', '}', 0, 0};
  for (unsigned seed = 0; seed < 50; ++seed) CHECK(mutate_message({}, small, 2, 2, seed) <= 2);
  CHECK(small[0] == '{');
}

TEST_CASE("crossover splices a slot of b into a, deterministically and within max_out_size") {
  const message_kind kinds[] = {message_kind::batch};
  std::size_t changed = 0;
  canonical_codec codec;
  for (unsigned seed = 0; seed < 100; ++seed) {
    const std::string a = generate_valid(message_kind::batch, seed), b = generate_valid(message_kind::batch, seed + 1000);
    std::vector<std::uint8_t> out(a.size() + b.size()), out_again(a.size() + b.size());
    const auto* pa = as_bytes(a);
    const auto* pb = as_bytes(b);
    const std::size_t max_out = 16 + seed * 40;
    const std::size_t n = cross_over_messages(kinds, pa, a.size(), pb, b.size(), out.data(), std::min(max_out, out.size()), seed);
    const std::size_t n_again = cross_over_messages(kinds, pa, a.size(), pb, b.size(), out_again.data(), std::min(max_out, out.size()), seed);
    REQUIRE(n <= std::min(max_out, out.size()));
    CHECK(n == n_again);
    CHECK(std::memcmp(out.data(), out_again.data(), n) == 0);
    const std::string spliced(as_chars(out.data(), n));
    errc code{};
    canonical(codec, message_kind::batch, spliced, code);
    if (code == errc::ok && canonical(codec, message_kind::batch, spliced, code) != canonical(codec, message_kind::batch, a, code)) ++changed;
  }
  CHECK(changed > 10);  // splices at matching slots mostly stay valid batches, different from a
}

PSWIRE_STRUCTURE_AWARE_FUZZER(pswire::message_kind::batch, pswire::message_kind::sync_line)

TEST_CASE("PSWIRE_STRUCTURE_AWARE_FUZZER defines both hooks, without libFuzzer linked") {
  std::uint8_t data[512] = R"({"transactions":[{"crud":[]}]})";
  const std::size_t size = std::char_traits<char>::length(as_chars(data, sizeof data).data());
  const std::size_t mutated = LLVMFuzzerCustomMutator(data, size, sizeof data, 5);
  CHECK(mutated <= sizeof data);
  std::uint8_t out[512];
  CHECK(LLVMFuzzerCustomCrossOver(data, mutated, data, mutated, out, sizeof out, 9) <= sizeof out);
}
