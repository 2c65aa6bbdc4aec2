// Issue 13: the fast pass keeps no path and writes no detail; when it refuses
// a message the reader decodes it again in diagnostic mode. Both must find
// the same error code. tests/main.cpp counts every refusal of the whole suite
// (PSWIRE_VERIFY_DIAGNOSIS); the cases here add the inputs the issue names:
// every vector, every fuzz corpus input and every prefix of every valid
// vector, each through the decoder of every message kind.
#include "test_support.hpp"

#include <cstring>
#include <filesystem>
#include <memory>

using namespace pswire;

std::size_t diagnosis_disagreements();  // tests/main.cpp

namespace {

// Decodes `input` as every message kind (most refuse it, which is the point).
void decode_as_every_kind(canonical_codec& codec, std::string_view input) {
  std::string out;
  for (std::size_t k = 0; k < message_kind_names.size(); ++k) {
    out.clear();
    (void)codec.encode(static_cast<message_kind>(k), input, out);
  }
}

std::string read_file(const std::filesystem::path& path) {
  std::ifstream file(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>()};
}

}  // namespace

TEST_CASE("every vector, as every kind: the fast pass and the diagnosis agree") {
  const std::size_t before = diagnosis_disagreements();
  canonical_codec codec;
  std::size_t inputs = 0;
  for (const auto& entry : std::filesystem::directory_iterator(test_support::vector_dir())) {
    if (entry.path().extension() != ".jsonl") continue;
    for (const auto& v : test_support::load_vectors(entry.path().filename().string())) {
      decode_as_every_kind(codec, v.input);
      ++inputs;
    }
  }
  CHECK(inputs > 2000);
  CHECK(diagnosis_disagreements() == before);
}

TEST_CASE("every prefix of every valid conformance vector: the fast pass and the diagnosis agree") {
  const std::size_t before = diagnosis_disagreements();
  canonical_codec codec;
  std::string out;
  std::size_t prefixes = 0;
  for (const auto& v : test_support::load_vectors("conformance.jsonl")) {
    if (!v.error.empty()) continue;
    const auto kind = parse_message_kind(v.kind);
    REQUIRE(kind);
    const std::size_t value_end = v.input.find_last_not_of(" \t\r\n") + 1;
    for (std::size_t n = 0; n < v.input.size(); ++n) {
      out.clear();
      const error e = codec.encode(*kind, std::string_view(v.input).substr(0, n), out);
      // A strict prefix of one JSON value is never a whole message.
      if (n < value_end) CHECK(e.code != errc::ok);
      ++prefixes;
    }
  }
  CHECK(prefixes > 1000);
  CHECK(diagnosis_disagreements() == before);
}

TEST_CASE("every fuzz corpus input, as every kind: the fast pass and the diagnosis agree") {
  const std::size_t before = diagnosis_disagreements();
  canonical_codec codec;
  std::size_t inputs = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(PSWIRE_SOURCE_DIR "/fuzz/corpus")) {
    if (!entry.is_regular_file()) continue;
    decode_as_every_kind(codec, read_file(entry.path()));
    ++inputs;
  }
  CHECK(inputs > 200);
  CHECK(diagnosis_disagreements() == before);
}

TEST_CASE("a limit error does not hide a later syntax error (issue 13)") {
  crud_decoder d;
  const std::string digits(401, '1');
  const std::string message = R"({"op":"PUTX","type":"t","id":"a","x":)" + digits + ",}";
  CHECK(d.decode(message, crud_dialect::ps_crud).code() == errc::invalid_json);
  const std::string valid_json = R"({"op":"PUTX","type":"t","id":"a","x":)" + digits + "}";
  CHECK(d.decode(valid_json, crud_dialect::ps_crud).code() == errc::unknown_op);
  const std::string limit_only = R"({"op":"PUT","type":"t","id":"a","x":)" + digits + "}";
  CHECK(d.decode(limit_only, crud_dialect::ps_crud).code() == errc::number_too_long);
}

TEST_CASE("a glued literal is invalid_json, wherever it is (issue 13)") {
  crud_decoder d;
  for (std::string_view message : {R"({"op":"PUT","type":"t","id":"a","x":truex})", R"({"op":"PUT","type":"t","id":"a","x":nullx})",
                                   R"({"op":"PUT","type":"t","id":"a","data":{"x":[falsey]}})", R"({"op":"PUT","type":"t","id":"a","x":1"y"})"}) {
    CAPTURE(message);
    const error e = d.decode(message, crud_dialect::ps_crud).error_info();
    CHECK(e.code == errc::invalid_json);
  }
}

TEST_CASE("member names obey max_string_bytes, counted in wire bytes (issue 13)") {
  limits lim;
  lim.max_string_bytes = 64;
  crud_decoder d(lim);
  const std::string long_name(1u << 20, 'k');
  const std::string message = R"({"op":"PUT","type":"t","id":"a",")" + long_name + R"(":1})";
  const error e = d.decode(message, crud_dialect::ps_crud).error_info();
  CHECK(e.code == errc::string_too_long);
  CHECK(e.offset == message.find(long_name) - 1);  // the opening quote
  // Wire bytes: 64 of them pass, even when they unescape to fewer.
  const std::string escaped_64 = R"(\u0061)" + std::string(58, 'b');
  const std::string at_limit = R"({"op":"PUT","type":"t","id":"a",")" + escaped_64 + R"(":1})";
  const std::string over_limit = R"({"op":"PUT","type":"t","id":"a",")" + escaped_64 + R"(b":1})";
  CHECK(d.decode(at_limit, crud_dialect::ps_crud));
  CHECK(d.decode(over_limit, crud_dialect::ps_crud).code() == errc::string_too_long);
}

TEST_CASE("an error path cut at its capacity never splits a UTF-8 character (issue 13)") {
  for (std::size_t ascii = 0; ascii < 8; ++ascii) {
    error_path p;
    p.append_key(std::string(ascii, 'a'));
    for (int i = 0; i < 60; ++i) p.append("\xE2\x82\xAC");  // the euro sign, three bytes
    const std::string_view v = p.view();
    CAPTURE(ascii);
    REQUIRE(v.size() >= 3);
    CHECK(v.substr(v.size() - 3) == "...");
    CHECK(simdjson::validate_utf8(v.data(), v.size()));
    p.append_key("more");
    CHECK(p.view() == v);  // nothing is appended after the cut
  }
}

TEST_CASE("the diagnosis names what was expected and what was found") {
  crud_decoder d;
  const error e = d.decode(R"({"op_id":"7","op":"PUT","type":"t","id":"a"})", crud_dialect::sdk).error_info();
  CHECK(e.code == errc::wrong_type);
  CHECK(e.path.view() == "op_id");
  CHECK(e.detail == "expected an integer, found a string");
}

TEST_CASE("padded input is parsed in place, unpadded input is copied: same result") {
  const std::string json = R"({"op":"PUT","type":"t","id":"a","data":{"v":1}})";
  simdjson::padded_string padded(json);
  crud_decoder d;
  auto in_place = d.decode(padded, crud_dialect::ps_crud);
  REQUIRE(in_place);
  CHECK(in_place->as_put()->data.text().data() == padded.data() + json.find("{\"v\""));
  const simdjson::padded_string_view view(padded);
  auto again = d.decode(view, crud_dialect::ps_crud);
  REQUIRE(again);
  CHECK(again->as_put()->data.text() == R"({"v":1})");
  auto copied = d.decode(json, crud_dialect::ps_crud);
  REQUIRE(copied);
  CHECK(copied->as_put()->data.text().data() == json.data() + json.find("{\"v\""));  // views point into the input either way
}

TEST_CASE("found by the fuzzers after the new reader: both passes agree, and the view stays in the input") {
  batch_decoder b;
  // A structural character after a root scalar starts the next token: trailing content.
  CHECK(b.decode_batch(std::string_view(R"(9999{"transactions":[]})")).code() == errc::trailing_content);
  sync_line_decoder c;
  CHECK(c.decode_sync_line(std::string_view(R"(true{"checkpoint_complete":{"last_op_id":"5"}})")).code() == errc::trailing_content);
  // A value the decoder reads that starts like a bad number is invalid_number, as the validator says.
  crud_decoder d;
  CHECK(d.decode_crud_row(R"({"id":5,"data":."x"})").code() == errc::invalid_number);
  // A status is matched without reading past the caller's bytes (ASan: an exact-size buffer).
  const std::string_view exact = R"({"status":"not_attempted"})";
  const std::unique_ptr<char[]> buffer(new char[exact.size()]);
  std::memcpy(buffer.get(), exact.data(), exact.size());
  result_decoder r;
  CHECK(r.decode_result(std::string_view(buffer.get(), exact.size())));
}

TEST_CASE("a number or literal glued to \\f or \\x1a at the root is invalid_json, whichever stage 1 kernel ran") {
  batch_decoder b;
  for (std::string_view message : {std::string_view("0\x1a", 2), std::string_view("0\x0c"), std::string_view("true\x1a"),
                                   std::string_view("92547409\x0c\x0c\x0c")}) {
    CAPTURE(message);
    CHECK(b.decode_batch(message).code() == errc::invalid_json);
  }
  CHECK(b.decode_batch(std::string_view("0 \x1a")).code() == errc::trailing_content);
  CHECK(b.decode_batch(std::string_view("{}\x1a")).code() == errc::trailing_content);
}
