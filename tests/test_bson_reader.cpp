// core/bson_reader.hpp and core/bson_writer.hpp against libbson (issue 14):
// the differential property of tests/bson_differential.hpp on documents
// libbson builds, on every sync line of the vectors encoded by pswire, and
// on deterministic mutations of both; and pswire's encoding as libbson sees it.
#include "test_support.hpp"

#include "../bench/messages.hpp"
#include "bson_differential.hpp"

#include <climits>
#include <cstdint>
#include <filesystem>
#include <limits>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include <pswire/sync_lines.hpp>

namespace {

using bson_differential::compare;
using bson_differential::hex;

struct seed {
  std::string name;
  std::string bytes;
  bool json_typed = false;  // only types with a JSON form: both readers must accept it
};

std::string bytes_of(const bson_t* doc) { return std::string(reinterpret_cast<const char*>(bson_get_data(doc)), doc->len); }

// A document built by `fill` with libbson's bson_append_* calls.
template <class Fill>
seed built(std::string name, bool json_typed, Fill&& fill) {
  bson_t* doc = bson_new();
  fill(doc);
  seed s{std::move(name), bytes_of(doc), json_typed};
  bson_destroy(doc);
  return s;
}

void append_utf8(bson_t* doc, const char* key, std::string_view text) {
  REQUIRE(bson_append_utf8(doc, key, -1, text.data(), static_cast<int>(text.size())));
}

// `depth` documents (or arrays) one in another; past limits.max_depth (64) it is not JSON-typed for pswire.
seed nested(std::string name, std::size_t depth, bool arrays) {
  constexpr std::size_t deepest = 70;
  REQUIRE(depth <= deepest);
  bson_t levels[deepest];  // bson_t is over-aligned: no std::vector of it
  return built(std::move(name), depth < 64, [&](bson_t* d) {
    bson_t* parent = d;
    for (std::size_t i = 0; i < depth; ++i) {
      arrays ? BSON_APPEND_ARRAY_BEGIN(parent, "0", &levels[i]) : BSON_APPEND_DOCUMENT_BEGIN(parent, "n", &levels[i]);
      parent = &levels[i];
    }
    for (std::size_t i = depth; i-- > 0;) {
      bson_t* outer = i == 0 ? d : &levels[i - 1];
      arrays ? bson_append_array_end(outer, &levels[i]) : bson_append_document_end(outer, &levels[i]);
    }
  });
}

// A type with no JSON form, appended under `key`.
struct other_type {
  const char* name;
  void (*append)(bson_t* doc, const char* key);
};

// (a) Every type, nesting, the edges of each JSON-typed value.
std::vector<seed> libbson_seeds() {
  std::vector<seed> seeds;
  seeds.push_back(built("empty document", true, [](bson_t*) {}));
  seeds.push_back(built("scalars", true, [](bson_t* d) {
    BSON_APPEND_DOUBLE(d, "fraction", 0.1);
    BSON_APPEND_DOUBLE(d, "integral", 2.0);
    BSON_APPEND_DOUBLE(d, "negative zero", -0.0);
    BSON_APPEND_DOUBLE(d, "subnormal", std::numeric_limits<double>::denorm_min());
    BSON_APPEND_DOUBLE(d, "large", 1e308);
    BSON_APPEND_DOUBLE(d, "max", std::numeric_limits<double>::max());
    BSON_APPEND_DOUBLE(d, "2^53", 9007199254740992.0);
    BSON_APPEND_INT32(d, "int32 min", INT32_MIN);
    BSON_APPEND_INT32(d, "int32 max", INT32_MAX);
    BSON_APPEND_INT32(d, "zero", 0);
    BSON_APPEND_INT64(d, "int64 min", INT64_MIN);
    BSON_APPEND_INT64(d, "int64 max", INT64_MAX);
    BSON_APPEND_INT64(d, "small int64", -1);
    BSON_APPEND_BOOL(d, "true", true);
    BSON_APPEND_BOOL(d, "false", false);
    BSON_APPEND_NULL(d, "null");
    BSON_APPEND_UNDEFINED(d, "undefined");
  }));
  seeds.push_back(built("strings", true, [](bson_t* d) {
    append_utf8(d, "empty", "");
    append_utf8(d, "ascii", "plain text");
    append_utf8(d, "utf-8", "caf\xC3\xA9 \xE2\x80\xA8 \xF0\x9F\x98\x80");
    append_utf8(d, "nul inside", std::string_view("a\0b\0", 4));
    append_utf8(d, "escapes", "\"\\/\b\f\n\r\t\x01\x1F");
    append_utf8(d, "json text", R"({"description":"two"})");
    append_utf8(d, "k\xC3\xA9y \xF0\x9F\x98\x80", "a UTF-8 key");
    append_utf8(d, "", "an empty key");
  }));
  seeds.push_back(built("nesting", true, [](bson_t* d) {
    bson_t child, grandchild, list, inner_list;
    BSON_APPEND_DOCUMENT_BEGIN(d, "empty object", &child);
    bson_append_document_end(d, &child);
    BSON_APPEND_ARRAY_BEGIN(d, "empty array", &list);
    bson_append_array_end(d, &list);
    BSON_APPEND_DOCUMENT_BEGIN(d, "object", &child);
    BSON_APPEND_INT32(&child, "a", 1);
    BSON_APPEND_DOCUMENT_BEGIN(&child, "b", &grandchild);
    append_utf8(&grandchild, "c", "deep");
    bson_append_document_end(&child, &grandchild);
    bson_append_document_end(d, &child);
    BSON_APPEND_ARRAY_BEGIN(d, "array", &list);
    for (int i = 0; i < 12; ++i) BSON_APPEND_INT32(&list, std::to_string(i).c_str(), i);
    BSON_APPEND_ARRAY_BEGIN(&list, "12", &inner_list);
    BSON_APPEND_NULL(&inner_list, "0");
    BSON_APPEND_DOCUMENT_BEGIN(&inner_list, "1", &child);
    bson_append_document_end(&inner_list, &child);
    bson_append_array_end(&list, &inner_list);
    bson_append_array_end(d, &list);
  }));
  seeds.push_back(nested("nested 60 deep", 60, false));
  seeds.push_back(nested("nested 70 deep (past limits.max_depth)", 70, true));
  seeds.push_back(built("array keys out of order", false, [](bson_t* d) {
    bson_t list;
    BSON_APPEND_ARRAY_BEGIN(d, "a", &list);
    BSON_APPEND_INT32(&list, "1", 1);
    BSON_APPEND_INT32(&list, "0", 0);
    bson_append_array_end(d, &list);
  }));
  seeds.push_back(built("NaN", false, [](bson_t* d) { BSON_APPEND_DOUBLE(d, "nan", std::numeric_limits<double>::quiet_NaN()); }));
  seeds.push_back(built("infinity", false, [](bson_t* d) { BSON_APPEND_DOUBLE(d, "inf", -std::numeric_limits<double>::infinity()); }));
  // Each type with no JSON form, alone and inside an array inside a document.
  const other_type other_types[] = {
      {"binary", [](bson_t* d, const char* k) { REQUIRE(bson_append_binary(d, k, -1, BSON_SUBTYPE_BINARY, reinterpret_cast<const std::uint8_t*>("\x01\x02"), 2)); }},
      {"object id", [](bson_t* d, const char* k) {
         bson_oid_t oid;
         bson_oid_init_from_string(&oid, "5d0e8a371f0c4f2a9b1e2c47");
         REQUIRE(bson_append_oid(d, k, -1, &oid));
       }},
      {"datetime", [](bson_t* d, const char* k) { REQUIRE(bson_append_date_time(d, k, -1, 1741000000000)); }},
      {"regex", [](bson_t* d, const char* k) { REQUIRE(bson_append_regex(d, k, -1, "^a", "i")); }},
      {"db pointer", [](bson_t* d, const char* k) {
         bson_oid_t oid;
         bson_oid_init_from_string(&oid, "5d0e8a371f0c4f2a9b1e2c47");
         REQUIRE(bson_append_dbpointer(d, k, -1, "db.coll", &oid));
       }},
      {"code", [](bson_t* d, const char* k) { REQUIRE(bson_append_code(d, k, -1, "return 1")); }},
      {"symbol", [](bson_t* d, const char* k) { REQUIRE(bson_append_symbol(d, k, -1, "sym", -1)); }},
      {"code with scope", [](bson_t* d, const char* k) {
         bson_t scope = BSON_INITIALIZER;
         BSON_APPEND_INT32(&scope, "x", 1);
         REQUIRE(bson_append_code_with_scope(d, k, -1, "return x", &scope));
         bson_destroy(&scope);
       }},
      {"timestamp", [](bson_t* d, const char* k) { REQUIRE(bson_append_timestamp(d, k, -1, 1741000000, 1)); }},
      {"decimal128", [](bson_t* d, const char* k) {
         bson_decimal128_t dec;
         REQUIRE(bson_decimal128_from_string("0.1", &dec));
         REQUIRE(bson_append_decimal128(d, k, -1, &dec));
       }},
      {"max key", [](bson_t* d, const char* k) { REQUIRE(bson_append_maxkey(d, k, -1)); }},
      {"min key", [](bson_t* d, const char* k) { REQUIRE(bson_append_minkey(d, k, -1)); }},
  };
  for (const other_type& type : other_types) {
    seeds.push_back(built(type.name, false, [&](bson_t* d) {
      BSON_APPEND_INT32(d, "before", 1);
      type.append(d, "value");
    }));
    seeds.push_back(built(std::string(type.name) + ", nested", false, [&](bson_t* d) {
      bson_t child, list;
      BSON_APPEND_DOCUMENT_BEGIN(d, "o", &child);
      BSON_APPEND_ARRAY_BEGIN(&child, "a", &list);
      BSON_APPEND_BOOL(&list, "0", true);
      type.append(&list, "1");
      bson_append_array_end(&child, &list);
      bson_append_document_end(d, &child);
    }));
  }
  // Bytes libbson's appenders cannot write: a boolean byte 2 and a two-byte NUL.
  seeds.push_back({"boolean byte 2", std::string("\x09\x00\x00\x00\x08" "b\x00\x02\x00", 9), false});
  seeds.push_back({"overlong NUL in a string", std::string("\x0F\x00\x00\x00\x02s\x00\x03\x00\x00\x00\xC0\x80\x00\x00", 15), false});
  return seeds;
}

// Every sync line the repository's vectors and the interop session hold, decoded from JSON.
std::vector<std::string> json_sync_lines() {
  std::vector<std::string> lines;
  for (const auto& entry : std::filesystem::directory_iterator(test_support::vector_dir())) {
    if (entry.path().extension() != ".jsonl") continue;
    for (const auto& v : test_support::load_vectors(entry.path().filename().string())) {
      if (v.kind == "sync-line" && !v.output.empty()) lines.push_back(v.input);
    }
  }
  for (const auto& line : test_support::read_lines(PSWIRE_SOURCE_DIR "/tests/interop/sync_session.ndjson")) lines.push_back(line);
  return lines;
}

// The values no vector holds: int32 and int64 edges of every integer member, ids past 2^53.
constexpr std::string_view wide_lines[] = {
    R"({"checkpoint":{"last_op_id":"9223372036854775807","write_checkpoint":"-9223372036854775808","buckets":[{"bucket":"b","checksum":4294967295,"count":2147483648,"priority":0},{"bucket":"c","checksum":-2147483648,"count":2147483647}]}})",
    R"({"data":{"bucket":"b","after":"9007199254740993","next_after":"2147483648","has_more":true,"data":[{"op_id":"4294967296","op":"PUT","object_type":"t","object_id":"1","checksum":4294967295,"data":"{\"a\":1}"},{"op_id":"1","op":"REMOVE","object_type":"t","object_id":"2","checksum":2147483648,"subkey":"s"}]}})",
    R"({"partial_checkpoint_complete":{"last_op_id":"1","priority":1}})",
    R"({"token_expires_in":-2147483648})",
    // Raw values the writer converts member by member (a regression: it iterated a destroyed temporary).
    R"({"checkpoint":{"last_op_id":"1","buckets":[{"bucket":"b","checksum":1,"subscriptions":[{"default":0},{"sub":1}]}],"streams":[{"name":"s","is_default":true,"errors":[]}]}})",
    // (No integer past int64 here: bson_writer makes it a double, as js-bson does, so it would not read back the same.)
    R"({"a_future_line":{"fraction":0.5,"list":[1,2.5,-0.0,"x",true,null,{}],"int64":-9223372036854775808}})",
};

struct encoded_line {
  std::string json;  // canonical
  std::string bson;
};

std::vector<encoded_line> encoded_sync_lines() {
  std::vector<std::string> inputs = json_sync_lines();
  REQUIRE(inputs.size() > 10);
  for (std::string_view line : wide_lines) inputs.emplace_back(line);
  std::vector<encoded_line> out;
  pswire::sync_line_decoder decoder;
  for (const std::string& input : inputs) {
    auto line = decoder.decode_sync_line(input);
    REQUIRE_MESSAGE(line.has_value(), input << ": " << (line ? "" : test_support::error_label(line.error_info())));
    encoded_line e;
    e.json = test_support::encode([&](pswire::json_writer& w) { pswire::write_sync_line(w, *line); });
    REQUIRE_MESSAGE(pswire::encode_sync_line_bson(e.bson, *line).has_value(), input);
    out.push_back(std::move(e));
  }
  return out;
}

// ---------------------------------------------------------------- mutations

// The benchmarks' splitmix64: the same mutations on every platform and standard library.
using bench::rng;

void store_int32(std::string& doc, std::size_t at, std::int32_t v) {
  for (std::size_t i = 0; i < 4; ++i) doc[at + i] = static_cast<char>((static_cast<std::uint32_t>(v) >> (8 * i)) & 0xFF);
}
std::int32_t load_int32(const std::string& doc, std::size_t at) {
  std::uint32_t v = 0;
  for (std::size_t i = 4; i-- > 0;) v = (v << 8) | static_cast<unsigned char>(doc[at + i]);
  return static_cast<std::int32_t>(v);
}
// After an insert, delete or truncation the root length says the new size
// (most of the time), so the mutation reaches past bson_init_static.
void patch_root_length(std::string& doc) {
  if (doc.size() >= 4) store_int32(doc, 0, static_cast<std::int32_t>(doc.size()));
}

// The offsets of every length field (the root's, each document's, array's
// and string's), found by walking `doc` with libbson.
void collect_length_fields(const std::uint8_t* base, bson_iter_t& iter, std::vector<std::size_t>& out) {
  while (bson_iter_next(&iter)) {
    const std::uint8_t* at = nullptr;
    std::uint32_t length = 0;
    if (BSON_ITER_HOLDS_DOCUMENT(&iter) || BSON_ITER_HOLDS_ARRAY(&iter)) {
      BSON_ITER_HOLDS_DOCUMENT(&iter) ? bson_iter_document(&iter, &length, &at) : bson_iter_array(&iter, &length, &at);
      out.push_back(static_cast<std::size_t>(at - base));
      bson_iter_t child;
      if (bson_iter_recurse(&iter, &child)) collect_length_fields(base, child, out);
    } else if (BSON_ITER_HOLDS_UTF8(&iter)) {
      const char* text = bson_iter_utf8(&iter, &length);
      out.push_back(static_cast<std::size_t>(reinterpret_cast<const std::uint8_t*>(text) - base) - 4);
    }
  }
}
std::vector<std::size_t> length_fields(const std::string& bytes) {
  std::vector<std::size_t> out{0};
  bson_t doc;
  bson_iter_t iter;
  if (bson_init_static(&doc, reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()) && bson_iter_init(&iter, &doc)) {
    collect_length_fields(bson_get_data(&doc), iter, out);
  }
  return out;
}

constexpr unsigned char interesting_bytes[] = {0x00, 0x01, 0x02, 0x04, 0x05, 0x7F, 0x80, 0xC0, 0xFF, 0x03, 0x08,
                                               0x0A, 0x10, 0x12, 0x13, 0x11, 0x06, 0x30, 0x31, 0xED, 0xF4};

std::string mutate(const std::string& original, const std::vector<std::size_t>& lengths, rng& r) {
  std::string doc = original;
  switch (r.below(6)) {
    case 0: doc[r.below(doc.size())] ^= static_cast<char>(1u << r.below(8)); break;
    case 1:
      doc.insert(r.below(doc.size() + 1), 1, static_cast<char>(interesting_bytes[r.below(sizeof interesting_bytes)]));
      if (r.below(4) != 0) patch_root_length(doc);
      break;
    case 2:
      doc.erase(r.below(doc.size()), 1);
      if (r.below(4) != 0) patch_root_length(doc);
      break;
    case 3: doc[r.below(doc.size())] = static_cast<char>(interesting_bytes[r.below(sizeof interesting_bytes)]); break;
    case 4: {
      const std::size_t at = lengths[r.below(lengths.size())];
      store_int32(doc, at, load_int32(doc, at) + (r.below(2) == 0 ? 1 : -1));
      break;
    }
    default:
      doc.resize(r.below(doc.size()));
      if (r.below(4) != 0) patch_root_length(doc);
      break;
  }
  return doc;
}

// ---------------------------------------------------------------- the property, with counts

struct tally {
  std::size_t inputs = 0, both_accept = 0, both_refuse = 0;
  std::map<std::string, std::size_t> pswire_stricter;  // by error code (and invalid_bson's rule)

  void check(const std::string& name, std::string_view document, pswire::bson_reader& reader) {
    ++inputs;
    const bson_differential::comparison c = compare(document, reader);
    CHECK_MESSAGE(c.violation.empty(), name << ": " << c.violation << "\n document " << hex(document));
    const bool pswire_accepts = c.pswire_error.code == pswire::errc::ok;
    if (pswire_accepts && c.libbson_accepts) {
      ++both_accept;
    } else if (!c.libbson_accepts) {
      ++both_refuse;
    } else {
      std::string reason(pswire::to_string(c.pswire_error.code));
      if (c.pswire_error.code == pswire::errc::invalid_bson) reason.append(" (").append(c.pswire_error.detail).append(")");
      ++pswire_stricter[reason];
    }
  }
  std::string summary() const {
    std::ostringstream s;
    s << inputs << " inputs: both accept " << both_accept << ", both refuse " << both_refuse << ", only pswire refuses:";
    for (const auto& [reason, count] : pswire_stricter) s << "\n  " << reason << " " << count;
    return s.str();
  }
};

}  // namespace

TEST_CASE("bson_reader against libbson: documents libbson builds, every type") {
  pswire::bson_reader reader;
  tally t;
  for (const seed& s : libbson_seeds()) {
    t.check(s.name, s.bytes, reader);
    if (!s.json_typed) continue;
    std::string_view json;
    const auto read = reader.run(s.bytes, [&]() { return reader.read_raw(reader.root_value(), json); });
    CHECK_MESSAGE(read.has_value(), s.name << ": " << (read ? "" : pswire::to_string(read.error_info().code)));
  }
  MESSAGE(t.summary());
  CHECK(t.both_accept >= 5);
  for (const char* reason : {"unsupported_bson_type", "depth_exceeded", "not_representable", "invalid_bson (array keys are 0, 1, 2, ... in order)"}) {
    CHECK_MESSAGE(t.pswire_stricter.count(reason) == 1, reason);
  }
}

TEST_CASE("bson_reader against libbson: the vectors' sync lines as pswire encodes them") {
  pswire::bson_reader reader;
  tally t;
  for (const encoded_line& line : encoded_sync_lines()) t.check(line.json, line.bson, reader);
  MESSAGE(t.summary());
  CHECK(t.both_accept == t.inputs);
}

TEST_CASE("bson_reader against libbson: mutated documents and sync lines") {
  std::vector<std::pair<std::string, std::string>> originals;
  for (seed& s : libbson_seeds()) originals.emplace_back(s.name, std::move(s.bytes));
  for (encoded_line& line : encoded_sync_lines()) originals.emplace_back(line.json, std::move(line.bson));
  pswire::bson_reader reader;
  tally t;
  rng r(14);
  constexpr std::size_t mutations_per_document = 150;
  for (const auto& [name, bytes] : originals) {
    const std::vector<std::size_t> lengths = length_fields(bytes);
    for (const std::size_t at : lengths) {  // every length field, +1 and -1
      for (const int delta : {1, -1}) {
        std::string doc = bytes;
        store_int32(doc, at, load_int32(doc, at) + delta);
        t.check(name + " (length at " + std::to_string(at) + ")", doc, reader);
      }
    }
    for (std::size_t size = 0; size < bytes.size(); size += 1 + bytes.size() / 16) {  // truncations, length patched
      std::string doc = bytes.substr(0, size);
      patch_root_length(doc);
      t.check(name + " (truncated)", doc, reader);
    }
    for (std::size_t i = 0; i < mutations_per_document; ++i) t.check(name + " (mutated)", mutate(bytes, lengths, r), reader);
  }
  MESSAGE(t.summary());
  CHECK(t.inputs > 5000);
  CHECK(t.both_accept > 100);
  CHECK(t.both_refuse > 1000);
}

// The encoder as libbson reads it: valid BSON; ids are strings; integers are
// int32 when they fit and int64 only when they do not.
namespace {
bool is_id_key(std::string_view key) {
  return key == "last_op_id" || key == "write_checkpoint" || key == "after" || key == "next_after" || key == "op_id";
}
bool is_integer_key(std::string_view key) {
  return key == "checksum" || key == "count" || key == "priority" || key == "token_expires_in";
}
// Returns how many int64 members it saw.
std::size_t check_encoded_types(bson_iter_t& iter, const std::string& line) {
  std::size_t int64_members = 0;
  while (bson_iter_next(&iter)) {
    const std::string_view key(bson_iter_key(&iter), bson_iter_key_len(&iter));
    const bson_type_t type = bson_iter_type(&iter);
    if (is_id_key(key)) CHECK_MESSAGE(type == BSON_TYPE_UTF8, key << " in " << line);
    if (is_integer_key(key)) {
      CHECK_MESSAGE((type == BSON_TYPE_INT32 || type == BSON_TYPE_INT64), key << " in " << line);
      if (type == BSON_TYPE_INT64) {
        ++int64_members;
        const std::int64_t v = bson_iter_int64(&iter);
        CHECK_MESSAGE((v < INT32_MIN || v > INT32_MAX), key << " is an int64 that fits an int32, in " << line);
      }
    }
    CHECK_MESSAGE(type != BSON_TYPE_DOUBLE, "no sync-line member is a fraction: " << key << " in " << line);
    bson_iter_t child;
    if ((type == BSON_TYPE_DOCUMENT || type == BSON_TYPE_ARRAY) && key != "a_future_line" && bson_iter_recurse(&iter, &child)) {
      int64_members += check_encoded_types(child, line);
    }
  }
  return int64_members;
}
}  // namespace

TEST_CASE("bson_writer against libbson: every encoded sync line") {
  pswire::sync_line_decoder decoder;
  std::size_t int64_members = 0;
  for (const encoded_line& line : encoded_sync_lines()) {
    bson_t doc;
    bson_error_t error;
    REQUIRE_MESSAGE(bson_init_static(&doc, reinterpret_cast<const std::uint8_t*>(line.bson.data()), line.bson.size()), line.json);
    CHECK_MESSAGE(bson_validate_with_error(&doc, bson_differential::libbson_validate_flags, &error), line.json << ": " << error.message);
    bson_iter_t iter;
    REQUIRE(bson_iter_init(&iter, &doc));
    int64_members += check_encoded_types(iter, line.json);
    // And back: the BSON decodes to the same line (BSON has one spelling of
    // each value, so the same line encodes to the same bytes).
    auto again = decoder.decode_sync_line_bson(line.bson);
    REQUIRE_MESSAGE(again.has_value(), line.json);
    std::string reencoded;
    REQUIRE(pswire::encode_sync_line_bson(reencoded, *again));
    CHECK(reencoded == line.bson);
  }
  CHECK(int64_members > 0);  // the wide lines take the int64 path
}

// Regression (fuzz_bson, the token_expires_in seed under ASan): the writer
// kept a view of the key until the value came, and every encoder passes a
// temporary json_key. The key's bytes must be taken when key() is called.
TEST_CASE("bson_writer: a key is copied when given, not when its value comes") {
  std::string out;
  pswire::bson_writer w(out);
  w.begin_object();
  {
    std::string name = "token_expires_in";
    w.key(name);
    name.assign(name.size(), 'x');
  }
  w.int_value(600);
  w.end_object();
  REQUIRE(w.finish().has_value());
  bson_t* expected = bson_new();
  BSON_APPEND_INT32(expected, "token_expires_in", 600);
  CHECK(hex(out) == hex(bytes_of(expected)));
  bson_destroy(expected);
}
