// message_kinds.hpp: kind names, and the canonical codec run over every
// conformance vector in tests/vectors/ (README.md there gives the format).
#include "test_support.hpp"

#include <filesystem>
#include <set>

using namespace pswire;
using test_support::load_vectors;
using test_support::vector_dir;

TEST_CASE("message kind names round-trip and unknown names are refused") {
  for (std::size_t i = 0; i < message_kind_names.size(); ++i) {
    const auto kind = static_cast<message_kind>(i);
    CHECK(parse_message_kind(to_string(kind)) == kind);
  }
  CHECK(parse_message_kind("crud_row") == std::nullopt);
  CHECK(parse_message_kind("") == std::nullopt);
}

TEST_CASE("one codec re-encodes different kinds in turn and reports errors by name") {
  canonical_codec codec;
  std::string out;
  CHECK(!codec.encode(message_kind::sync_line, R"({ "checkpoint_complete" : {"last_op_id":"9"} })", out));
  CHECK(out == R"({"checkpoint_complete":{"last_op_id":"9"}})");
  out.clear();
  const error e = codec.encode(message_kind::checkpoint_request, R"({"client_id":"c","checkpoint_request_id":"0"})", out);
  CHECK(e.code == errc::number_out_of_range);
  CHECK(e.path.view() == "checkpoint_request_id");
  out.clear();
  CHECK(!codec.encode(message_kind::ps_crud, R"({"op":"DELETE","type":"t","id":"a"})", out));
  CHECK(out == R"({"op":"DELETE","type":"t","id":"a"})");
}

TEST_SUITE("vectors") {
  TEST_CASE("every conformance vector gives its canonical output or its error") {
    std::set<std::string> kinds_seen;
    std::size_t files = 0;
    canonical_codec codec;
    std::string out;
    for (const auto& file : std::filesystem::directory_iterator(vector_dir())) {
      if (file.path().extension() != ".jsonl") continue;
      ++files;
      const auto vectors = load_vectors(file.path().filename().string());
      CHECK_MESSAGE(!vectors.empty(), file.path());
      for (const auto& v : vectors) {
        CAPTURE(file.path().filename().string());
        CAPTURE(v.name);
        CAPTURE(v.input);
        const auto kind = parse_message_kind(v.kind);
        REQUIRE_MESSAGE(kind, "unknown kind " << v.kind);
        kinds_seen.insert(v.kind);
        out.clear();
        const error e = codec.encode(*kind, v.input, out);
        if (v.error.empty()) {
          CHECK_MESSAGE(!e, to_string(e.code) << " at byte " << e.offset << " (" << e.path.view() << ")");
          CHECK(out == v.output);
        } else {
          CHECK(std::string(to_string(e.code)) == v.error);
        }
      }
    }
    CHECK(files >= 4);
    CHECK(kinds_seen.size() == message_kind_names.size());  // every kind has vectors
  }
}
