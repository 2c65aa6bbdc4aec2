// The hostile-input catalogue (issue 6): inputs an attacker or a broken peer
// can send, each with the exact error every message family must report.
// Values go into a slot of a valid message of each family, where any JSON
// value is allowed (row data, an unknown member, error details), so the
// error can only come from the value; the offset is checked from the slot.
#include "test_support.hpp"

#include <functional>
#include <string>
#include <vector>

using namespace pswire;
using test_support::error_name;

namespace {

// A valid message of one family, with '@' where the hostile value goes.
struct family {
  std::string_view name;
  std::string_view with_slot;
  std::function<error(std::string_view, const limits&)> decode;

  // Appended piece by piece: replace() here trips g++ 12's -Wrestrict false
  // positive at -O3 -fno-exceptions.
  std::string with(std::string_view value) const {
    const std::size_t at = slot();
    std::string text(with_slot.substr(0, at));
    text.append(value).append(with_slot.substr(at + 1));
    return text;
  }
  std::size_t slot() const { return with_slot.find('@'); }
};

template <class Result>
error error_of(const Result& r) {
  return r.error_info();
}

const std::vector<family>& families() {
  static const std::vector<family> all = {
      {"ps_crud", R"({"op":"PUT","id":"a","type":"todos","data":{"v":@}})",
       [](std::string_view in, const limits& lim) { return error_of(crud_decoder(lim).decode(in, crud_dialect::ps_crud)); }},
      {"sdk entry", R"({"op_id":1,"op":"PATCH","type":"todos","id":"a","tx_id":2,"data":{"v":@}})",
       [](std::string_view in, const limits& lim) { return error_of(crud_decoder(lim).decode(in, crud_dialect::sdk)); }},
      {"upload entry", R"({"op":"DELETE","table":"todos","id":"a","previous_values":{"v":@}})",
       [](std::string_view in, const limits& lim) { return error_of(crud_decoder(lim).decode(in, crud_dialect::upload)); }},
      {"ps_crud DELETE with data", R"({"op":"DELETE","id":"a","type":"todos","data":{"v":@}})",
       [](std::string_view in, const limits& lim) { return error_of(crud_decoder(lim).decode(in, crud_dialect::ps_crud)); }},
      {"batch", R"({"transactions":[{"crud":[{"op":"PUT","table":"todos","id":"a","op_data":{"v":@}}],"transaction_id":1}]})",
       [](std::string_view in, const limits& lim) { return error_of(batch_decoder(lim).decode_batch(in)); }},
      {"checkpoint request", R"({"client_id":"c","checkpoint_request_id":"7","x":@})",
       [](std::string_view in, const limits& lim) { return error_of(checkpoint_decoder(lim).decode_checkpoint_request(in)); }},
      {"checkpoint sync line", R"({"checkpoint":{"last_op_id":"1","buckets":[{"bucket":"b","checksum":1,"x":@}]}})",
       [](std::string_view in, const limits& lim) { return error_of(sync_line_decoder(lim).decode_sync_line(in)); }},
      {"data sync line",
       R"({"data":{"bucket":"b","data":[{"op_id":"1","op":"PUT","object_type":"t","object_id":"a","checksum":1,"data":{"v":@}}]}})",
       [](std::string_view in, const limits& lim) { return error_of(sync_line_decoder(lim).decode_sync_line(in)); }},
      {"result", R"({"status":"fatal_error","requires_client_handling":true,"failed_operation":{"error_code":"E","details":@}})",
       [](std::string_view in, const limits& lim) { return error_of(result_decoder(lim).decode_result(in)); }},
      {"batch result", R"({"results":[{"status":"success","x":@}]})",
       [](std::string_view in, const limits& lim) { return error_of(result_decoder(lim).decode_batch_response(in)); }},
  };
  return all;
}

// One family of each decoder class, for the megabyte-sized inputs (the
// suite runs under ASan too, so each big input is decoded a few times only).
const std::vector<family>& big_input_families() {
  static const std::vector<family> some = [] {
    std::vector<family> out;
    for (const family& f : families()) {
      if (f.name == "sdk entry" || f.name == "batch" || f.name == "checkpoint request" || f.name == "data sync line" ||
          f.name == "batch result") {
        out.push_back(f);
      }
    }
    return out;
  }();
  return some;
}

// `value` in the slot of every family fails with `code` at `offset_in_value`.
void check_rejected_everywhere(std::string_view value, errc code, std::size_t offset_in_value, const limits& lim = {},
                               const std::vector<family>& in = families()) {
  for (const family& f : in) {
    CAPTURE(f.name);
    const error e = f.decode(f.with(value), lim);
    CHECK(error_name(e) == to_string(code));
    CHECK(e.offset == f.slot() + offset_in_value);
  }
}

void check_accepted_everywhere(std::string_view value, const limits& lim = {},
                               const std::vector<family>& in = families()) {
  for (const family& f : in) {
    CAPTURE(f.name);
    const error e = f.decode(f.with(value), lim);
    CHECK(error_name(e) == "ok");
  }
}

std::string repeated(std::string_view piece, std::size_t times) {
  std::string out;
  out.reserve(piece.size() * times);
  for (std::size_t i = 0; i < times; ++i) out += piece;
  return out;
}

// `text` between `open` and `close`, by appending (`"\"" + std::string` trips
// g++ 12's -Wrestrict false positive at -O3 -fno-exceptions).
std::string wrapped(std::string_view open, std::string_view text, std::string_view close) {
  std::string out(open);
  out.append(text).append(close);
  return out;
}

bool is_syntax_error(errc code) {
  return code == errc::empty_input || code == errc::invalid_json || code == errc::invalid_string ||
         code == errc::invalid_number || code == errc::invalid_utf8;
}

}  // namespace

TEST_CASE("every family template is a valid message") {
  check_accepted_everywhere("0");
}

TEST_CASE("invalid UTF-8 is invalid_utf8 at its first byte") {
  check_rejected_everywhere("\"\xC0\xAF\"", errc::invalid_utf8, 1);          // overlong '/'
  check_rejected_everywhere("\"\xE0\x80\xAF\"", errc::invalid_utf8, 1);      // overlong, 3 bytes
  check_rejected_everywhere("\"ab\xED\xA0\x80\"", errc::invalid_utf8, 3);    // U+D800 encoded
  check_rejected_everywhere("\"\xF4\x90\x80\x80\"", errc::invalid_utf8, 1);  // beyond U+10FFFF
  check_rejected_everywhere("\"\xE2\x82\"", errc::invalid_utf8, 1);          // truncated sequence
  check_rejected_everywhere("\"\xFF\"", errc::invalid_utf8, 1);
  check_rejected_everywhere("\"\x80\"", errc::invalid_utf8, 1);  // a lone continuation byte
  check_rejected_everywhere("{\"\xFF\":1}", errc::invalid_utf8, 2);  // in a member name
  // Outside any string too, and in a protocol member the decoder reads itself.
  check_rejected_everywhere("\xFF", errc::invalid_utf8, 0);
  crud_decoder d;
  const std::string_view id_in_latin1 = "{\"op\":\"PUT\",\"type\":\"t\",\"id\":\"caf\xE9\"}";
  CHECK(error_name(d.decode(id_in_latin1, crud_dialect::sdk).error_info()) == "invalid_utf8");
  CHECK(d.decode(id_in_latin1, crud_dialect::sdk).error_info().offset == id_in_latin1.find('\xE9'));
}

TEST_CASE("a lone surrogate escape is invalid_string at its backslash") {
  check_rejected_everywhere(R"("\ud800")", errc::invalid_string, 1);
  check_rejected_everywhere(R"("\udc00")", errc::invalid_string, 1);
  check_rejected_everywhere(R"("ab\uDBFF")", errc::invalid_string, 3);
  check_rejected_everywhere(R"("\ud800\u0041")", errc::invalid_string, 1);  // high, then not a low one
  check_rejected_everywhere(R"("\ud800\ud800")", errc::invalid_string, 1);
  check_rejected_everywhere(R"("\ud800x")", errc::invalid_string, 1);
  check_rejected_everywhere(R"("\udc00\ud800")", errc::invalid_string, 1);  // a pair in the wrong order
  check_accepted_everywhere(R"("\ud83d\ude00")");
  crud_decoder d;
  const std::string_view in_id = R"({"op":"PUT","type":"t","id":"x\udfff"})";
  CHECK(error_name(d.decode(in_id, crud_dialect::sdk).error_info()) == "invalid_string");
  CHECK(d.decode(in_id, crud_dialect::sdk).error_info().offset == in_id.find('\\'));
}

TEST_CASE("raw NUL and control bytes in strings are invalid_string at the byte") {
  using namespace std::string_view_literals;
  check_rejected_everywhere("\"a\0b\""sv, errc::invalid_string, 2);
  check_rejected_everywhere("\"\x01\""sv, errc::invalid_string, 1);
  check_rejected_everywhere("\"ab\x1F\""sv, errc::invalid_string, 3);
  check_rejected_everywhere("\"a\nb\""sv, errc::invalid_string, 2);
  check_rejected_everywhere("\"\t\""sv, errc::invalid_string, 1);
  check_rejected_everywhere("{\"a\0\":1}"sv, errc::invalid_string, 3);  // in a member name
  check_rejected_everywhere("\0"sv, errc::invalid_json, 0);             // NUL where a value belongs
  check_accepted_everywhere("\"\x7F\"");                                // DEL is not a control in JSON
  check_accepted_everywhere(R"("\u0000\u001f")");                       // escaped, they are fine
  crud_decoder d;
  const std::string_view in_table = "{\"op\":\"PUT\",\"type\":\"t\0\",\"id\":\"a\"}"sv;
  CHECK(error_name(d.decode(in_table, crud_dialect::sdk).error_info()) == "invalid_string");
  CHECK(d.decode(in_table, crud_dialect::sdk).error_info().offset == in_table.find('\0'));
}

TEST_CASE("numbers: RFC 8259 spellings only; -0 and 1e400 are valid JSON") {
  check_accepted_everywhere("-0");
  check_accepted_everywhere("1e400");
  check_accepted_everywhere("-0.0e-0");
  struct bad_number {
    std::string_view text;
    errc code;
    std::size_t offset;
  };
  for (const bad_number& n : {bad_number{"01", errc::invalid_number, 1}, {"-01", errc::invalid_number, 2},
                              {"1.", errc::invalid_number, 2}, {".1", errc::invalid_number, 0},
                              {"+1", errc::invalid_number, 0}, {"-", errc::invalid_number, 1},
                              {"1e", errc::invalid_number, 2}, {"1e+", errc::invalid_number, 3},
                              {"0x10", errc::invalid_number, 1}, {"-Infinity", errc::invalid_number, 1},
                              {"NaN", errc::invalid_json, 0}, {"Infinity", errc::invalid_json, 0}}) {
    CAPTURE(n.text);
    check_rejected_everywhere(n.text, n.code, n.offset);
  }

  // In a protocol integer: -0 is 0; 1e400 is an integer, but beyond int64.
  crud_decoder d;
  auto entry = d.decode(R"({"op_id":-0,"op":"PUT","type":"t","id":"a"})", crud_dialect::sdk);
  REQUIRE(entry);
  CHECK(entry->op_id == 0);
  CHECK(error_name(d.decode(R"({"op_id":1e400,"op":"PUT","type":"t","id":"a"})", crud_dialect::sdk).error_info()) ==
        "number_out_of_range");
  CHECK(error_name(d.decode(R"({"op_id":9223372036854775808,"op":"PUT","type":"t","id":"a"})", crud_dialect::sdk)
                       .error_info()) == "number_out_of_range");
  sync_line_decoder c;
  CHECK(error_name(c.decode_sync_line(R"({"checkpoint":{"last_op_id":"1","buckets":[{"bucket":"b","checksum":1e400}]}})")
                       .error_info()) == "number_out_of_range");
  // -0 as a checksum is 0; as raw row data it stays -0, byte for byte.
  auto line = c.decode_sync_line(R"({"checkpoint":{"last_op_id":"1","buckets":[{"bucket":"b","checksum":-0}]}})");
  REQUIRE(line);
  CHECK(std::get<checkpoint_line>(*line).buckets[0].checksum == 0u);
  auto with_minus_zero = d.decode(R"({"op":"PUT","type":"t","id":"a","data":{"v":-0,"w":1e400}})", crud_dialect::sdk);
  REQUIRE(with_minus_zero);
  CHECK(with_minus_zero->as_put()->data.find("v")->text() == "-0");
  CHECK(with_minus_zero->as_put()->data.find("w")->text() == "1e400");
}

TEST_CASE("100k levels of nesting: depth_exceeded at the first bracket past limits.max_depth") {
  constexpr std::size_t levels = 100000;
  static const std::string arrays = repeated("[", levels) + repeated("]", levels);
  static const std::string objects = repeated("{\"a\":", levels) + "1" + repeated("}", levels);
  static const std::string unclosed = repeated("[", levels);
  const std::size_t max_depth = limits{}.max_depth;
  for (const family& f : big_input_families()) {
    CAPTURE(f.name);
    // The slot's own depth: brackets open before it in the template.
    std::size_t slot_depth = 0;
    for (char c : f.with_slot.substr(0, f.slot())) slot_depth += (c == '{' || c == '[') - (c == '}' || c == ']');
    const std::size_t first_too_deep = max_depth - slot_depth;  // index of the bracket at depth max_depth + 1
    for (const std::string* value : {&arrays, &unclosed}) {
      const error e = f.decode(f.with(*value), {});
      CHECK(error_name(e) == "depth_exceeded");
      CHECK(e.offset == f.slot() + first_too_deep);
    }
    const error e = f.decode(f.with(objects), {});
    CHECK(error_name(e) == "depth_exceeded");
    CHECK(e.offset == f.slot() + 5 * first_too_deep);
  }
  // At the top level, where the decoders expect their envelope object.
  crud_decoder d;
  batch_decoder b;
  checkpoint_decoder c;
  sync_line_decoder s;
  result_decoder r;
  for (const std::string* value : {&arrays, &objects, &unclosed}) {
    const std::size_t at = value == &objects ? 5 * max_depth : max_depth;
    for (const error& e : {d.decode(*value, crud_dialect::sdk).error_info(), b.decode_batch(*value).error_info(),
                          s.decode_sync_line(*value).error_info(), c.decode_checkpoint_request(*value).error_info(),
                          r.decode_result(*value).error_info()}) {
      CHECK(error_name(e) == "depth_exceeded");
      CHECK(e.offset == at);
    }
  }
}

TEST_CASE("a megabyte of digits is number_too_long, wherever the number is") {
  static const std::string digits = repeated("7", 1u << 20);
  for (const std::string& number : {digits, "-0." + digits, "1e" + digits, "1.5E-" + digits}) {
    check_rejected_everywhere(number, errc::number_too_long, 0, {}, big_input_families());
  }
  // In protocol integers the decoders read themselves.
  crud_decoder d;
  const std::string op_id = R"({"op":"PUT","type":"t","id":"a","op_id":)" + digits + "}";
  CHECK(error_name(d.decode(op_id, crud_dialect::sdk).error_info()) == "number_too_long");
  CHECK(d.decode(op_id, crud_dialect::sdk).error_info().offset == op_id.find('7'));
  batch_decoder b;
  const std::string tx_id = R"({"transactions":[{"crud":[],"transaction_id":)" + digits + "}]}";
  CHECK(error_name(b.decode_batch(tx_id).error_info()) == "number_too_long");
  CHECK(b.decode_batch(tx_id).error_info().offset == tx_id.find('7'));
  sync_line_decoder c;
  const std::string checksum = R"({"checkpoint":{"last_op_id":"1","buckets":[{"bucket":"b","checksum":)" + digits + "}]}}";
  CHECK(error_name(c.decode_sync_line(checksum).error_info()) == "number_too_long");
  const std::string request_id = R"({"client_id":"c","checkpoint_request_id":)" + digits + "}";
  CHECK(error_name(checkpoint_decoder().decode_checkpoint_request(request_id).error_info()) == "number_too_long");
  result_decoder r;
  const std::string retry = R"({"status":"retryable_error","retry_after_ms":)" + digits + "}";
  CHECK(error_name(r.decode_result(retry).error_info()) == "number_too_long");
  // limits.max_number_chars itself: 400 characters pass, 401 do not.
  check_accepted_everywhere(repeated("9", 400));
  check_rejected_everywhere(repeated("9", 401), errc::number_too_long, 0);
}

TEST_CASE("10^6 array elements: accepted under the default limit, too_many_elements over a lower one") {
  constexpr std::size_t count = 1000000;
  static const std::string zeros = "[0" + repeated(",0", count - 1) + "]";
  limits lowered;
  lowered.max_elements = count - 1;
  for (const family& f : big_input_families()) {
    if (f.name == "batch" || f.name == "checkpoint request") continue;  // 2 MB each: three families suffice
    CAPTURE(f.name);
    const std::string message = f.with(zeros);
    CHECK(error_name(f.decode(message, {})) == "ok");
    const error e = f.decode(message, lowered);
    CHECK(error_name(e) == "too_many_elements");
    CHECK(e.offset == f.slot() + 2 * (count - 1));  // the comma before element number max_elements + 1
  }
  // Arrays and objects the decoders walk themselves count the same way.
  lowered.max_elements = 3;
  batch_decoder b(lowered);
  const std::string_view four_ops =
      R"({"transactions":[{"crud":[{"op":"DELETE","table":"t","id":"1"},{"op":"DELETE","table":"t","id":"2"},{"op":"DELETE","table":"t","id":"3"},{"op":"DELETE","table":"t","id":"4"}]}]})";
  CHECK(error_name(b.decode_batch(four_ops).error_info()) == "too_many_elements");
  CHECK(b.decode_batch(four_ops).error_info().offset == four_ops.rfind("{\"op\""));  // the fourth op
  checkpoint_decoder c(lowered);
  const std::string_view four_members = R"({"client_id":"c","checkpoint_request_id":"7","x":1,"y":2})";
  CHECK(error_name(c.decode_checkpoint_request(four_members).error_info()) == "too_many_elements");
  CHECK(c.decode_checkpoint_request(four_members).error_info().offset == four_members.find("\"y\""));
}

TEST_CASE("strings longer than limits.max_string_bytes are string_too_long") {
  limits lowered;
  lowered.max_string_bytes = 1u << 20;
  static const std::string at_limit = wrapped("\"", repeated("s", 1u << 20), "\"");
  static const std::string over_limit = wrapped("\"", repeated("s", (1u << 20) + 1), "\"");
  check_accepted_everywhere(at_limit, lowered, big_input_families());
  check_rejected_everywhere(over_limit, errc::string_too_long, 0, lowered, big_input_families());
  // The limit counts bytes on the wire, escapes included.
  check_rejected_everywhere(wrapped("\"", repeated("\\n", (1u << 19) + 1), "\""), errc::string_too_long, 0, lowered,
                            big_input_families());
  // Member names and protocol strings too.
  check_rejected_everywhere(wrapped("{", over_limit, ":1}"), errc::string_too_long, 1, lowered, big_input_families());
  crud_decoder d(lowered);
  const std::string id = R"({"op":"PUT","type":"t","id":)" + over_limit + "}";
  CHECK(error_name(d.decode(id, crud_dialect::sdk).error_info()) == "string_too_long");
  CHECK(d.decode(id, crud_dialect::sdk).error_info().offset == id.find("\"sss"));
}

TEST_CASE("messages longer than limits.max_message_bytes are message_too_large") {
  for (const family& f : families()) {
    CAPTURE(f.name);
    const std::string message = f.with("0");
    limits exact;
    exact.max_message_bytes = message.size();
    CHECK(error_name(f.decode(message, exact)) == "ok");
    limits one_less;
    one_less.max_message_bytes = message.size() - 1;
    const error e = f.decode(message, one_less);
    CHECK(error_name(e) == "message_too_large");
    CHECK(e.offset == one_less.max_message_bytes);
  }
}

TEST_CASE("a protocol member twice is duplicate_key at the second name, escaped or not") {
  crud_decoder d;
  const std::string_view sdk_entries[] = {
      R"({"op":"PUT","type":"t","id":"a","op":"PUT"})",
      R"({"op":"PUT","type":"t","id":"a","\u006fp":"PUT"})",
      R"({"op":"PUT","type":"t","id":"a","\u0069\u0064":"b"})",
      R"({"op":"PUT","type":"t","id":"a","data":{},"d\u0061ta":null})",
  };
  for (std::string_view in : sdk_entries) {
    CAPTURE(in);
    const error e = d.decode(in, crud_dialect::sdk).error_info();
    CHECK(error_name(e) == "duplicate_key");
    CHECK(e.offset == in.rfind(",\"") + 1);
  }
  const std::string_view row = R"({"id":1,"data":"{}","i\u0064":2})";
  CHECK(error_name(d.decode_crud_row(row).error_info()) == "duplicate_key");
  CHECK(d.decode_crud_row(row).error_info().offset == row.rfind(",\"") + 1);

  batch_decoder b;
  const std::string_view batch = R"({"transactions":[{"crud":[]}],"transaction\u0073":[{"crud":[]}]})";
  CHECK(error_name(b.decode_batch(batch).error_info()) == "duplicate_key");
  CHECK(b.decode_batch(batch).error_info().offset == batch.rfind(",\"") + 1);
  const std::string_view transaction = R"({"crud":[],"transaction_id":1,"transaction_id":1})";
  CHECK(error_name(b.decode_transaction(transaction).error_info()) == "duplicate_key");

  sync_line_decoder c;
  const std::string_view request = R"({"client_id":"a","checkpoint_request_id":"1","client_\u0069d":"b"})";
  CHECK(error_name(checkpoint_decoder().decode_checkpoint_request(request).error_info()) == "duplicate_key");
  CHECK(checkpoint_decoder().decode_checkpoint_request(request).error_info().offset == request.rfind(",\"") + 1);
  const std::string_view line = R"({"checkpoint":{"last_op_id":"1","buckets":[],"last_op_id":"2"}})";
  CHECK(error_name(c.decode_sync_line(line).error_info()) == "duplicate_key");
  CHECK(c.decode_sync_line(line).error_info().offset == line.rfind(",\"") + 1);
  // A sync line is one member: the same line type twice is ambiguous.
  CHECK(error_name(c.decode_sync_line(R"({"checkpoint_complete":{},"checkpoint_complete":{}})").error_info()) ==
        "ambiguous_sync_line");

  result_decoder r;
  const std::string_view status = R"({"status":"success","st\u0061tus":"success"})";
  CHECK(error_name(r.decode_result(status).error_info()) == "duplicate_key");
  CHECK(r.decode_result(status).error_info().offset == status.rfind(",\"") + 1);

  // Duplicates inside raw row data and unknown members are valid JSON, kept as sent.
  check_accepted_everywhere(R"({"k":1,"k":2})");
  auto entry = d.decode(R"({"op":"PUT","type":"t","id":"a","x":1,"x":2})", crud_dialect::sdk);
  CHECK(entry.has_value());
}

TEST_CASE("escaped member names mean the same as plain ones") {
  crud_decoder d;
  auto escaped = d.decode(R"({"\u006fp":"PUT","\u0074yp\u0065":"todos","\u0069d":"\u0061","d\u0061ta":{"v":1}})",
                          crud_dialect::sdk);
  REQUIRE(escaped);
  CHECK(escaped->type() == op_type::put);
  CHECK(escaped->table == "todos");
  CHECK(escaped->id == "a");
  CHECK(escaped->as_put()->data.find("v")->text() == "1");
  sync_line_decoder c;
  auto line = c.decode_sync_line(R"({"checkpoint\u005fcomplete":{"last_op_id":"3"}})");
  REQUIRE(line);
  CHECK(std::holds_alternative<checkpoint_complete_line>(*line));
  result_decoder r;
  auto success = r.decode_result(R"({"st\u0061tus":"succ\u0065ss"})");
  REQUIRE(success);
  CHECK(std::holds_alternative<success_result>(*success));
}

TEST_CASE("trailing garbage is trailing_content at its first byte") {
  using namespace std::string_view_literals;
  for (const family& f : families()) {
    CAPTURE(f.name);
    const std::string message = f.with("0");
    for (std::string_view garbage : {"x"sv, " {}"sv, "\n,"sv, "]"sv, "}"sv, "\0"sv, "\"\""sv, " 1"sv}) {
      CAPTURE(garbage);
      const error e = f.decode(message + std::string(garbage), {});
      CHECK(error_name(e) == "trailing_content");
      CHECK(e.offset == message.size() + garbage.find_first_not_of(" \n"));
    }
    CHECK(error_name(f.decode(message + " \n\t\r", {})) == "ok");  // whitespace is not garbage
  }
}

TEST_CASE("every truncation of a valid message is rejected with a named syntax error") {
  struct message {
    std::string_view text;
    std::function<error(std::string_view)> decode;
  };
  crud_decoder d;
  batch_decoder b;
  checkpoint_decoder c;
  sync_line_decoder s;
  result_decoder r;
  const message messages[] = {
      {R"({"op_id":12,"op":"PATCH","type":"todos","id":"a\"\\\u00e9é😀","tx_id":-3,"data":{"n":-1.5e-7,"s":"\ud83d\ude00\n","t":true,"f":false,"z":null,"a":[1,{}]},"metadata":"m"})",
       [&](std::string_view in) { return d.decode(in, crud_dialect::sdk).error_info(); }},
      {R"({"op":"PUT","id":"1","type":"lists","data":{"name":"Groceries","rank":10}})",
       [&](std::string_view in) { return d.decode(in, crud_dialect::ps_crud).error_info(); }},
      {R"({"id":7,"tx_id":3,"data":"{\"op\":\"DELETE\",\"id\":\"x\",\"type\":\"t\",\"old\":{\"a\":1}}"})",
       [&](std::string_view in) { return d.decode_crud_row(in).error_info(); }},
      {R"({"transactions":[{"crud":[{"op":"PUT","table":"t","id":"1","op_data":{"a":[0.5]}},{"op":"DELETE","table":"t","id":"2"}],"transaction_id":1}]})",
       [&](std::string_view in) { return b.decode_batch(in).error_info(); }},
      {R"({"client_id":"c-1","checkpoint_request_id":"42"})",
       [&](std::string_view in) { return c.decode_checkpoint_request(in).error_info(); }},
      {R"({"checkpoint":{"last_op_id":"10","write_checkpoint":"5","buckets":[{"bucket":"b[\"u\"]","checksum":-1712802421,"count":2,"priority":3}]}})",
       [&](std::string_view in) { return s.decode_sync_line(in).error_info(); }},
      {R"({"data":{"bucket":"b","after":"0","next_after":"10","has_more":false,"data":[{"op_id":"9","op":"PUT","object_type":"lists","object_id":"l1","checksum":4294967295,"data":"{\"a\":1}"}]}})",
       [&](std::string_view in) { return s.decode_sync_line(in).error_info(); }},
      {R"({"status":"fatal_error","requires_client_handling":false,"message":"m","failed_operation":{"error_code":"E","details":{"x":[1,2]},"operation_index":0}})",
       [&](std::string_view in) { return r.decode_result(in).error_info(); }},
      {R"({"results":[{"status":"success"},{"status":"retryable_error","retry_after_ms":500}]})",
       [&](std::string_view in) { return r.decode_batch_response(in).error_info(); }},
  };
  for (const message& m : messages) {
    CAPTURE(m.text);
    REQUIRE(error_name(m.decode(m.text)) == "ok");
    for (std::size_t length = 0; length < m.text.size(); ++length) {
      CAPTURE(length);
      const error e = m.decode(m.text.substr(0, length));
      CHECK(is_syntax_error(e.code));
      CHECK(e.offset <= length);
      if (length == 0) CHECK(error_name(e) == "empty_input");
    }
  }
}
