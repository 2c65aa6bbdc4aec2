// checkpoints.hpp: checkpoint requests, write checkpoints, service errors, sync lines.
#include "test_support.hpp"

#include <pswire/big_integer.hpp>

#include <pswire/checkpoints.hpp>
#include <pswire/service_error.hpp>
#include <pswire/sync_lines.hpp>

#include <string>
#include <type_traits>

using namespace pswire;
using test_support::encode;

namespace {
std::string request_outcome(std::string_view body) {
  checkpoint_decoder d;
  auto r = d.decode_checkpoint_request(body);
  if (!r) return test_support::error_name(r.error_info());
  return std::to_string(r->checkpoint_request_id);
}
std::string line_roundtrip(std::string_view line) {
  sync_line_decoder d;
  auto r = d.decode_sync_line(line);
  if (!r) return test_support::error_label(r.error_info());
  return encode([&](json_writer& w) { write_sync_line(w, *r); });
}
}  // namespace

TEST_CASE("checkpoint_request_id: the service's accept/reject matrix (checkpoints.md 3.2)") {
  auto body = [](std::string_view id) { return R"({"client_id":"client-a","checkpoint_request_id":)" + std::string(id) + "}"; };
  CHECK(request_outcome(body("1")) == "1");
  CHECK(request_outcome(body(R"("9223372036854775807")")) == "9223372036854775807");
  CHECK(request_outcome(body(R"("007")")) == "7");  // leading zeros match ^-?[0-9]+$
  CHECK(request_outcome(body("9007199254740991")) == "9007199254740991");
  CHECK(request_outcome(body("0")) == "number_out_of_range");
  CHECK(request_outcome(body("-1")) == "number_out_of_range");
  CHECK(request_outcome(body(R"("0")")) == "number_out_of_range");
  CHECK(request_outcome(body(R"("-1")")) == "number_out_of_range");
  CHECK(request_outcome(body(R"("9223372036854775808")")) == "number_out_of_range");
  CHECK(request_outcome(body(R"("999999999999999999999999999999999999999999999")")) == "number_out_of_range");
  CHECK(request_outcome(body("9007199254740992")) == "number_out_of_range");  // 2^53 as a number
  CHECK(request_outcome(body("1.0")) == "1");  // integer-valued numbers are integers (Number.isSafeInteger(1.0))
  CHECK(request_outcome(body("1e3")) == "1000");
  CHECK(request_outcome(body("1.5")) == "wrong_type");
  CHECK(request_outcome(body(R"("+1")")) == "wrong_type");
  CHECK(request_outcome(body(R"(" 1")")) == "wrong_type");
  CHECK(request_outcome(body(R"("")")) == "wrong_type");
  CHECK(request_outcome(body(R"("1e3")")) == "wrong_type");
  CHECK(request_outcome(body("true")) == "wrong_type");
  CHECK(request_outcome(R"({"checkpoint_request_id":"1"})") == "missing_field");
  CHECK(request_outcome(R"({"client_id":5,"checkpoint_request_id":"1"})") == "wrong_type");
  CHECK(request_outcome(R"({"client_id":"a","checkpoint_request_id":"1","checkpoint_request_id":"2"})") == "duplicate_key");
  CHECK(request_outcome(R"({"client_id":"a","checkpoint_request_id":"1","extra":[1]})") == "1");
}

TEST_CASE("a megabyte of digits costs one scan and is named") {
  std::string digits(1 << 20, '9');
  limits lim;
  lim.max_number_chars = 2u << 20;
  checkpoint_decoder d(lim);
  const std::string body = R"({"client_id":"a","checkpoint_request_id":")" + digits + "\"}";
  auto r = d.decode_checkpoint_request(body);
  CHECK(r.code() == errc::number_out_of_range);
  checkpoint_decoder bounded;
  CHECK(bounded.decode_checkpoint_request(body).code() == errc::number_too_long);
  CHECK(*exact_id_value("9223372036854775808") == big_integer("9223372036854775808"));
}

TEST_CASE("checkpoint request bodies and responses round-trip") {
  checkpoint_decoder d;
  auto req = d.decode_checkpoint_request(R"({"client_id":"test-test-test-test","checkpoint_request_id":"1"})");
  REQUIRE(req);
  CHECK(encode([&](json_writer& w) { write_checkpoint_request(w, *req); }) ==
        R"({"client_id":"test-test-test-test","checkpoint_request_id":"1"})");
  // A number is accepted and re-emitted as the string every SDK sends.
  auto numeric = d.decode_checkpoint_request(R"({"client_id":"client-a","checkpoint_request_id":42})");
  CHECK(encode([&](json_writer& w) { write_checkpoint_request(w, *numeric); }) ==
        R"({"client_id":"client-a","checkpoint_request_id":"42"})");

  auto resp = d.decode_checkpoint_request_response(R"({"data":{"checkpoint_request_id":"43"}})");
  REQUIRE(resp);
  CHECK(resp->checkpoint_request_id == 43);
  CHECK(encode([&](json_writer& w) { write_checkpoint_request_response(w, *resp); }) ==
        R"({"data":{"checkpoint_request_id":"43"}})");
  CHECK(d.decode_checkpoint_request_response(R"({"data":{"checkpoint_request_id":43}})").code() == errc::wrong_type);
  CHECK(d.decode_checkpoint_request_response(R"({"data":{"checkpoint_request_id":"0"}})").code() == errc::number_out_of_range);
  CHECK(d.decode_checkpoint_request_response(R"({"data":{}})").code() == errc::missing_field);
  CHECK(d.decode_checkpoint_request_response(R"({})").code() == errc::missing_field);

  auto wc = d.decode_write_checkpoint_response(R"({"data":{"write_checkpoint":"1"}})");
  REQUIRE(wc);
  CHECK(encode([&](json_writer& w) { write_write_checkpoint_response(w, *wc); }) == R"({"data":{"write_checkpoint":"1"}})");
  CHECK(d.decode_write_checkpoint_response(R"({"data":{"write_checkpoint":"x"}})").code() == errc::wrong_type);
  CHECK(d.decode_write_checkpoint_response(R"({"data":{"write_checkpoint":"1"}} 1)").code() == errc::trailing_content);
}

TEST_CASE("the PoC custom checkpoint") {
  checkpoint_decoder d;
  auto req = d.decode_custom_checkpoint_request(R"({"user_id":"u-1","client_id":"c-1"})");
  REQUIRE(req);
  CHECK(encode([&](json_writer& w) { write_custom_checkpoint_request(w, *req); }) == R"({"user_id":"u-1","client_id":"c-1"})");
  auto resp = d.decode_custom_checkpoint_response(R"({"checkpoint":"3"})");
  REQUIRE(resp);
  CHECK(resp->checkpoint == 3);
  CHECK(encode([&](json_writer& w) { write_custom_checkpoint_response(w, *resp); }) == R"({"checkpoint":"3"})");
  CHECK(d.decode_custom_checkpoint_request(R"({"user_id":"u-1"})").code() == errc::missing_field);
  CHECK(d.decode_custom_checkpoint_response(R"({"checkpoint":3})").code() == errc::wrong_type);
}

TEST_CASE("the service error envelope") {
  service_error_decoder d;
  const std::string validation =
      R"({"error":{"name":"ValidationError","code":"PSYNC_S2001","description":"Validation failed","details":"[{\"path\":\"checkpoint_request_id\"}]","status":400}})";
  auto e = d.decode_service_error(validation);
  REQUIRE(e);
  CHECK(e->is_validation_error());
  CHECK(e->status == 400);
  CHECK(encode([&](json_writer& w) { write_service_error(w, *e); }) == validation);
  auto auth = d.decode_service_error(R"({"error":{"code":"PSYNC_S2106","description":"Authentication required","status":401}})");
  REQUIRE(auth);
  CHECK(auth->is_authentication_error());
  CHECK(d.decode_service_error(R"({"error":{"description":"x"}})").code() == errc::missing_field);
  CHECK(d.decode_service_error(R"({"error":{"code":"X","status":"400"}})").code() == errc::wrong_type);
}

TEST_CASE("every sync line in the notes decodes (checkpoints.md 7.4-7.7)") {
  for (std::string_view line : {
           R"({"token_expires_in": 123})",
           R"({"checkpoint": {"last_op_id": "10", "buckets": []}})",
           R"({"checkpoint": {"last_op_id": "10", "buckets": [{"bucket": "a", "priority": 1, "checksum": 10}]}})",
           R"({"checkpoint":{"write_checkpoint":null,"last_op_id":"1","buckets":[{"bucket":"a","checksum":0,"priority":3,"count":1}]}})",
           R"({"checkpoint_diff": {"last_op_id": "10", "buckets": [], "updated_buckets": [], "removed_buckets": [], "write_checkpoint": null}})",
           R"({"checkpoint_diff": {"last_op_id": "10", "buckets": [], "updated_buckets": [], "removed_buckets": ["foo\""], "write_checkpoint": null}})",
           R"({"checkpoint_diff":{"last_op_id":"12","updated_buckets":[{"bucket":"a","count":12,"checksum":0,"priority":3}],"removed_buckets":[]}})",
           R"({"checkpoint_complete": {"last_op_id": "10"}})",
           R"({"partial_checkpoint_complete": {"last_op_id": "10", "priority": 1}})",
           R"({"data": {"bucket": "bkt", "data": [{"checksum":10,"op_id":"1","object_id":"test","object_type":"users","op":"PUT","subkey":null,"data":"{\"name\":\"user 0\",\"email\":\"0@example.org\"}"}], "after": null, "next_after": null}})",
           R"({"data":{"bucket":"a","has_more":false,"after":null,"next_after":null,"data":[{"op_id":"1","op":"PUT","object_type":"items","object_id":"1","checksum":0,"data":"{\"col\":\"hi\"}"}]}})",
           R"({"checkpoint":{"last_op_id":"1","write_checkpoint":"1","buckets":[],"streams":[]}})",
           R"({"checkpoint_diff":{"last_op_id":"1","removed_buckets":[],"updated_buckets":[],"write_checkpoint":"1"}})",
           R"({"checkpoint":{"buckets":[{"bucket":"1#todos|0[\"a\"]","checksum":-1712802421,"count":1,"priority":0,"subscriptions":[{"sub":0},{"sub":1}]}],"last_op_id":"2","streams":[{"errors":[],"is_default":false,"name":"todos"}]}})",
           R"({"data":{"after":"0","bucket":"1#todos|0[\"a\"]","data":[{"checksum":2582164875,"data":"{\"id\":\"a\",\"description\":\"Test 1\"}","object_id":"a","object_type":"test","op":"PUT","op_id":"1","subkey":"e5aa2ddc-1328-58fa-a000-0b5ed31eaf1a"}],"has_more":false,"next_after":"1"}})",
           R"({"partial_checkpoint_complete":{"last_op_id":"2","priority":0}})",
           R"({"data":{"bucket":"a","data":[{"checksum":-93886621,"op":"CLEAR","op_id":"2"}]}})",
           R"({"data":{"bucket":"a","data":[{"checksum":0,"op_id":"1","object_id":"id","object_type":"lists","op":"REMOVE"}]}})",
           R"({"token_expires_in": 0})",
       }) {
    CAPTURE(line);
    const std::string once = line_roundtrip(line);
    REQUIRE(once.front() != '!');
    CHECK(line_roundtrip(once) == once);  // the canonical form is a fixed point
  }
}

TEST_CASE("sync lines re-encode in the service's member order") {
  CHECK(line_roundtrip(R"({"checkpoint":{"write_checkpoint":null,"last_op_id":"1","buckets":[{"bucket":"a","checksum":-1,"priority":0,"count":1}]}})") ==
        R"({"checkpoint":{"last_op_id":"1","buckets":[{"bucket":"a","checksum":-1,"count":1,"priority":0}]}})");
  // priority is written as read: a 3 the service sent stays, an absent one stays absent.
  CHECK(line_roundtrip(R"({"checkpoint":{"write_checkpoint":null,"last_op_id":"1","buckets":[{"bucket":"a","checksum":-1,"priority":3,"count":1}]}})") ==
        R"({"checkpoint":{"last_op_id":"1","buckets":[{"bucket":"a","checksum":-1,"count":1,"priority":3}]}})");
  CHECK(line_roundtrip(R"({"checkpoint":{"last_op_id":"1","buckets":[{"bucket":"a","checksum":-1,"priority":null}]}})") ==
        R"({"checkpoint":{"last_op_id":"1","buckets":[{"bucket":"a","checksum":-1}]}})");
  CHECK(line_roundtrip(R"({"data":{"bucket":"a","data":[{"checksum":-93886621,"op":"CLEAR","op_id":"2"}]}})") ==
        R"({"data":{"bucket":"a","data":[{"op_id":"2","op":"CLEAR","checksum":4201080675}]}})");
  CHECK(line_roundtrip(R"({"foo": {"x": [1]}})") == R"({"foo":{"x": [1]}})");  // unknown: reported, kept raw
}

// Issue 12: the canonical form wrote the default "priority":3 into every
// bucket, so a line at the limits it met re-encoded into one they refuse.
TEST_CASE("the canonical form of a sync line decodes under the limits its input met") {
  const std::string_view line = R"({"checkpoint":{"last_op_id":"1","buckets":[{"bucket":"a","checksum":0}]}})";
  limits tight;
  tight.max_elements = 2;  // the most members of any object in `line`
  tight.max_message_bytes = line.size();
  sync_line_decoder d(tight);
  auto decoded = d.decode_sync_line(line);
  REQUIRE(decoded);
  CHECK_FALSE(std::get<checkpoint_line>(*decoded).buckets[0].priority);
  CHECK(std::get<checkpoint_line>(*decoded).buckets[0].effective_priority() == default_bucket_priority);
  const std::string canonical = encode([&](json_writer& w) { write_sync_line(w, *decoded); });
  CHECK(canonical == line);
  auto again = d.decode_sync_line(canonical);
  REQUIRE(again);
  CHECK(std::get<checkpoint_line>(*again).buckets[0].effective_priority() == default_bucket_priority);
}

TEST_CASE("checksums: int32, uint32 or integral double, held as uint32") {
  sync_line_decoder d;
  auto checksum_of = [&](std::string_view value) -> std::string {
    const std::string line = R"({"checkpoint":{"last_op_id":"1","buckets":[{"bucket":"a","checksum":)" + std::string(value) + "}]}}";
    auto r = d.decode_sync_line(line);
    if (!r) return test_support::error_name(r.error_info());
    return std::to_string(std::get<checkpoint_line>(*r).buckets[0].checksum);
  };
  CHECK(checksum_of("-1") == "4294967295");
  CHECK(checksum_of("-1.0") == "4294967295");
  CHECK(checksum_of("3573495687") == "3573495687");
  CHECK(checksum_of("3573495687.0") == "3573495687");
  CHECK(checksum_of("-721471609.0") == "3573495687");
  CHECK(checksum_of("4294967296") == "number_out_of_range");
  CHECK(checksum_of("-2147483649") == "number_out_of_range");
  CHECK(checksum_of("1.5") == "number_out_of_range");
  CHECK(checksum_of("-1E71") == "number_out_of_range");  // found by fuzz_checkpoints (UBSan: double to int64)
  CHECK(checksum_of("1e400") == "number_out_of_range");
  CHECK(checksum_of("\"1\"") == "wrong_type");
}

TEST_CASE("write_checkpoint is absent or null; ids are exact int64") {
  sync_line_decoder d;
  auto line = d.decode_sync_line(R"({"checkpoint":{"last_op_id":"9223372036854775807","write_checkpoint":"9223372036854775807","buckets":[]}})");
  REQUIRE(line);
  CHECK(std::get<checkpoint_line>(*line).write_checkpoint == max_checkpoint_id);
  CHECK(std::get<checkpoint_line>(*line).last_op_id == max_checkpoint_id);
  auto none = d.decode_sync_line(R"({"checkpoint":{"last_op_id":"1","buckets":[]}})");
  CHECK_FALSE(std::get<checkpoint_line>(*none).write_checkpoint);
}

TEST_CASE("sync line rejections") {
  CHECK(line_roundtrip(R"({"foo": {}, "bar": {}})") == "!ambiguous_sync_line:bar");
  CHECK(line_roundtrip(R"({})") == "!ambiguous_sync_line:");
  CHECK(line_roundtrip(R"({"checkpoint": {"buckets": [], "last_op_id": "invalid line"}})") == "!wrong_type:checkpoint.last_op_id");
  CHECK(line_roundtrip(R"({"checkpoint": {"buckets": [], "last_op_id": 1}})") == "!wrong_type:checkpoint.last_op_id");
  CHECK(line_roundtrip(R"({"checkpoint": {"last_op_id": "1"}})") == "!missing_field:checkpoint.buckets");
  CHECK(line_roundtrip(R"({"checkpoint": {"last_op_id": "1","buckets":[{"checksum":1}]}})") ==
        "!missing_field:checkpoint.buckets[0].bucket");
  CHECK(line_roundtrip(R"({"checkpoint": {"last_op_id": "1","buckets":[{"bucket":"a","checksum":1,"priority":-1}]}})") ==
        "!number_out_of_range:checkpoint.buckets[0].priority");
  CHECK(line_roundtrip(R"({"checkpoint": {"last_op_id": "9223372036854775808","buckets":[]}})") ==
        "!number_out_of_range:checkpoint.last_op_id");
  CHECK(line_roundtrip(R"({"checkpoint_diff": {"last_op_id": "1","updated_buckets":[]}})") ==
        "!missing_field:checkpoint_diff.removed_buckets");
  CHECK(line_roundtrip(R"({"partial_checkpoint_complete": {"last_op_id": "1"}})") ==
        "!missing_field:partial_checkpoint_complete.priority");
  CHECK(line_roundtrip(R"({"data": {"bucket":"a","data":[{"op_id":"1","op":"UPSERT","checksum":0}]}})") ==
        "!unknown_op:data.data[0].op");
  CHECK(line_roundtrip(R"({"data": {"bucket":"a","data":[{"op_id":"1","op":"PUT"}]}})") == "!missing_field:data.data[0].checksum");
  CHECK(line_roundtrip(R"({"data": {"bucket":"a","data":[{"op_id":"1","op":"PUT","checksum":0,"data":5}]}})") ==
        "!wrong_type:data.data[0].data");
  CHECK(line_roundtrip(R"({"token_expires_in": "60"})") == "!wrong_type:token_expires_in");
  CHECK(line_roundtrip(R"({"checkpoint_complete": {"last_op_id": "1"}} {})") == "!trailing_content:");
  CHECK(line_roundtrip(R"({"checkpoint_complete": {"last_op_id": "1", "last_op_id": "2"}})") ==
        "!duplicate_key:checkpoint_complete.last_op_id");
}

TEST_CASE("write-checkpoint responses: 0 ..= 2^63-1; a negative id is refused (the core refuses it as a target)") {
  checkpoint_decoder d;
  auto error_of = [](const auto& r) { return test_support::error_label(r.error_info()); };
  auto write_checkpoint = [&](std::string_view id) {
    auto r = d.decode_write_checkpoint_response(R"({"data":{"write_checkpoint":")" + std::string(id) + R"("}})");
    return r ? std::to_string(r->write_checkpoint) : error_of(r);
  };
  CHECK(write_checkpoint("0") == "0");
  CHECK(write_checkpoint("44") == "44");
  CHECK(write_checkpoint("9223372036854775807") == "9223372036854775807");
  CHECK(write_checkpoint("-1") == "!number_out_of_range:data.write_checkpoint");
  CHECK(write_checkpoint("-9223372036854775808") == "!number_out_of_range:data.write_checkpoint");
  CHECK(write_checkpoint("-0") == "0");
  // The PoC's checkpoint response carries a write checkpoint too.
  auto custom = [&](std::string_view id) {
    auto r = d.decode_custom_checkpoint_response(R"({"checkpoint":")" + std::string(id) + R"("})");
    return r ? std::to_string(r->checkpoint) : error_of(r);
  };
  CHECK(custom("3") == "3");
  CHECK(custom("-3") == "!number_out_of_range:checkpoint");
  // A sync line's write_checkpoint is read as the core reads it: any i64.
  sync_line_decoder lines;
  auto line = lines.decode_sync_line(R"({"checkpoint":{"last_op_id":"1","write_checkpoint":"-1","buckets":[]}})");
  REQUIRE(line);
  CHECK(std::get<checkpoint_line>(*line).write_checkpoint == -1);
}

TEST_CASE("token_expires_in: the core's i32 field") {
  CHECK(line_roundtrip(R"({"token_expires_in":2147483647})") == R"({"token_expires_in":2147483647})");
  CHECK(line_roundtrip(R"({"token_expires_in":-2147483648})") == R"({"token_expires_in":-2147483648})");
  CHECK(line_roundtrip(R"({"token_expires_in":0})") == R"({"token_expires_in":0})");
  CHECK(line_roundtrip(R"({"token_expires_in":2147483648})") == "!number_out_of_range:token_expires_in");
  CHECK(line_roundtrip(R"({"token_expires_in":-2147483649})") == "!number_out_of_range:token_expires_in");
  CHECK(line_roundtrip(R"({"token_expires_in":9223372036854775807})") == "!number_out_of_range:token_expires_in");
  CHECK(line_roundtrip(R"({"token_expires_in":1.5})") == "!wrong_type:token_expires_in");
}

// Whether a decoding call compiles for an input of type Input (concepts, so
// that a deleted overload makes them false instead of an error).
template <class Input>
concept decodes_sync_line = requires(sync_line_decoder& d, Input&& in) { d.decode_sync_line(std::forward<Input>(in)); };
template <class Input>
concept decodes_service_error = requires(service_error_decoder& d, Input&& in) { d.decode_service_error(std::forward<Input>(in)); };
template <class Input>
concept decodes_checkpoint_request =
    requires(checkpoint_decoder& d, Input&& in) { d.decode_checkpoint_request(std::forward<Input>(in)); };
template <class Input>
concept decodes_custom_checkpoint_request =
    requires(checkpoint_decoder& d, Input&& in) { d.decode_custom_checkpoint_request(std::forward<Input>(in)); };

TEST_CASE("views over temporaries do not compile; id-only responses take any input") {
  static_assert(!decodes_sync_line<std::string> && !decodes_service_error<std::string> &&
                !decodes_checkpoint_request<std::string> && !decodes_custom_checkpoint_request<std::string>);
  static_assert(decodes_sync_line<const std::string&> && decodes_service_error<std::string_view> &&
                decodes_checkpoint_request<std::string&> && decodes_custom_checkpoint_request<const char*>);
  static_assert(!std::is_assignable_v<decltype(service_error::description)&, std::string&&>);
  static_assert(!std::is_constructible_v<decltype(checkpoint_request::client_id), std::string&&>);
  // The responses hold only an id, nothing that could dangle.
  checkpoint_decoder d;
  auto id = d.decode_write_checkpoint_response(std::string(R"({"data":{"write_checkpoint":"7"}})"));
  REQUIRE(id);
  CHECK(id->write_checkpoint == 7);
}

TEST_CASE("shared rules: the service's max rule and the client's predicates") {
  CHECK(apply_checkpoint_request(std::nullopt, 42).action == checkpoint_request_action::insert);
  CHECK(apply_checkpoint_request(42, 43).stored == 43);
  CHECK(apply_checkpoint_request(42, 43).action == checkpoint_request_action::advance);
  CHECK(apply_checkpoint_request(42, 42).action == checkpoint_request_action::refresh);
  CHECK(apply_checkpoint_request(42, 41).action == checkpoint_request_action::stale);
  CHECK(apply_checkpoint_request(42, 41).stored == 42);

  CHECK(is_checkpoint_request_applied(5, 5));
  CHECK(is_checkpoint_request_applied(6, 5));
  CHECK_FALSE(is_checkpoint_request_applied(4, 5));
  CHECK_FALSE(is_checkpoint_request_applied(std::nullopt, 1));

  CHECK(may_apply_checkpoint(true, std::nullopt, std::nullopt));
  CHECK(may_apply_checkpoint(true, 0, std::nullopt));  // target cleared
  CHECK_FALSE(may_apply_checkpoint(false, std::nullopt, 9));
  CHECK(may_apply_checkpoint(true, 7, 7));
  CHECK_FALSE(may_apply_checkpoint(true, 7, 6));
  CHECK_FALSE(may_apply_checkpoint(true, 7, std::nullopt));
  CHECK_FALSE(may_apply_checkpoint(true, max_checkpoint_id, 100));  // local writes pending, no id yet
}

TEST_CASE("errors found on raw values point at them, also when the decoder copied the input") {
  // Raw views point into the caller's input, not the decoder's padded copy;
  // their offsets were once reported as the end of the message.
  sync_line_decoder d;
  const std::string_view subscriptions =
      R"({"checkpoint":{"last_op_id":"1","buckets":[{"bucket":"b","checksum":1,"subscriptions":5}]}})";
  auto line = d.decode_sync_line(subscriptions);
  REQUIRE_FALSE(line);
  CHECK(line.error_info().code == errc::wrong_type);
  CHECK(line.error_info().offset == subscriptions.find('5'));
  const std::string_view oplog_data = R"({"data":{"bucket":"b","data":[{"op_id":"1","op":"PUT","checksum":1,"data":7}]}})";
  line = d.decode_sync_line(oplog_data);
  REQUIRE_FALSE(line);
  CHECK(line.error_info().code == errc::wrong_type);
  CHECK(line.error_info().offset == oplog_data.find('7'));
}
