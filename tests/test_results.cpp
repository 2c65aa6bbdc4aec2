// results.hpp: transaction results, batch responses, message responses, the
// reference client's completion rules and the reference server's batch loop.
#include "test_support.hpp"

#include <pswire/results.hpp>

#include <random>
#include <type_traits>
#include <string>
#include <vector>

using namespace pswire;
using test_support::encode;

namespace {

std::string failure(const error& e) { return test_support::error_label(e); }

// Decodes one result and re-encodes it, or "!error_name:path".
std::string roundtrip(std::string_view json, result_dialect dialect = result_dialect::reference) {
  result_decoder decoder;
  auto r = decoder.decode_result(json, dialect);
  if (!r) return failure(r.error_info());
  return encode([&](json_writer& w) { write_result(w, *r); });
}

// Decodes a batch response and re-encodes it; the first invalid result is the answer if any.
std::string roundtrip_batch(std::string_view json) {
  result_decoder decoder;
  auto response = decoder.decode_batch_response(json);
  if (!response) return failure(response.error_info());
  std::vector<transaction_result> results;
  for (const auto& r : response->results) {
    if (!r) return failure(r.error_info());
    results.push_back(*r);
  }
  return encode([&](json_writer& w) { write_batch_response(w, results); });
}

// {"results":[...]} around the given results.
std::string batch_of(std::span<const std::string_view> results) {
  std::string json = R"({"results":[)";
  for (std::string_view r : results) json += std::string(json.back() == '[' ? "" : ",") + std::string(r);
  return json + "]}";
}

std::string statuses(std::string_view batch_json) {
  result_decoder decoder;
  auto response = decoder.decode_batch_response(batch_json);
  REQUIRE(response);
  std::string out;
  for (const auto& r : response->results) {
    REQUIRE(r);
    out += std::string(out.empty() ? "" : ",") +
           std::string(std::visit([](const auto& alternative) { return std::string_view(alternative.status); }, *r));
  }
  return out;
}

}  // namespace

TEST_CASE("the reference server's results round-trip byte for byte (write-api.md 5.2, 8)") {
  for (std::string_view json : {
           R"({"status":"success"})",
           R"({"status":"not_attempted"})",
           R"({"status":"retryable_error","message":"connection refused"})",
           R"({"status":"retryable_error","message":"Fatal error routing failed; retry the transaction"})",
           R"({"status":"retryable_error","message":"busy","retry_after_ms":1000})",
           R"({"status":"fatal_error","requires_client_handling":false,"message":"<pg message>","failed_operation":{"error_code":"NOT_NULL_VIOLATION","message":"<pg message>","operation_index":1}})",
           R"({"status":"fatal_error","requires_client_handling":false,"failed_operation":{"error_code":"SCHEMA_MISMATCH","operation_index":0}})",
           R"({"status":"fatal_error","requires_client_handling":false,"message":"Confirm","failed_operation":{"error_code":"USER_CONFIRMATION_REQUIRED","message":"Confirm","details":{"record_id":"2"},"operation_index":0}})",
           R"({"status":"fatal_error","requires_client_handling":true,"message":"Not authorized to apply this transaction","failed_operation":{"error_code":"UNAUTHORIZED","message":"Not authorized to apply this transaction"}})",
       }) {
    CAPTURE(json);
    CHECK(roundtrip(json) == json);
  }
}

TEST_CASE("the reference batch responses round-trip byte for byte (write-api.md 8)") {
  for (std::string_view json : {
           // docs/test.txt: the manual PUT, and the DELETE
           R"({"results":[{"status":"success"}]})",
           // docs/test.txt: the rollback case, under stop and under skip
           R"({"results":[{"status":"fatal_error","requires_client_handling":false,"message":"<pg message>","failed_operation":{"error_code":"NOT_NULL_VIOLATION","message":"<pg message>","operation_index":1}},{"status":"not_attempted"}]})",
           R"({"results":[{"status":"fatal_error","requires_client_handling":false,"message":"<pg message>","failed_operation":{"error_code":"NOT_NULL_VIOLATION","message":"<pg message>","operation_index":1}},{"status":"success"}]})",
           // adapters.test.ts: Postgres connect fails with ECONNREFUSED
           R"({"results":[{"status":"retryable_error","message":"connection refused"}]})",
           // adapters.test.ts: Mongo without a validator
           R"({"results":[{"status":"fatal_error","requires_client_handling":false,"message":"no validator","failed_operation":{"error_code":"SCHEMA_MISMATCH","message":"no validator","operation_index":0}}]})",
           // fatal-routing.test.ts: stop, skip, and a classification that throws
           R"({"results":[{"status":"success"},{"status":"fatal_error","requires_client_handling":false,"message":"Confirm","failed_operation":{"error_code":"USER_CONFIRMATION_REQUIRED","message":"Confirm","details":{"record_id":"2"},"operation_index":0}},{"status":"not_attempted"}]})",
           R"({"results":[{"status":"success"},{"status":"fatal_error","requires_client_handling":false,"message":"Confirm","failed_operation":{"error_code":"USER_CONFIRMATION_REQUIRED","message":"Confirm","details":{"record_id":"2"},"operation_index":0}},{"status":"success"}]})",
           R"({"results":[{"status":"retryable_error","message":"Fatal error routing failed; retry the transaction"},{"status":"not_attempted"},{"status":"not_attempted"}]})",
       }) {
    CAPTURE(json);
    CHECK(roundtrip_batch(json) == json);
  }
  CHECK(statuses(R"({"results":[{"status":"success"},{"status":"fatal_error","requires_client_handling":false,"failed_operation":{"error_code":"X"}},{"status":"not_attempted"}]})") ==
        "success,fatal_error,not_attempted");
}

TEST_CASE("the PoC responses round-trip in the PoC dialect (write-api.md 3.2, 8)") {
  for (std::string_view json : {
           R"({"status":"success","message":"Transaction completed"})",
           R"({"status":"fatal_error","message":"duplicate key…","failed_operation":{"error_code":"UNIQUE_VIOLATION","message":"duplicate key…"}})",
           R"({"status":"retryable_error","message":"…"})",
           // the Supabase variant answers an invalid body with a 200 fatal result
           R"({"status":"fatal_error","message":"Invalid request body","failed_operation":{"error_code":"VALIDATION_ERROR","message":"[{\"path\":[\"crud\"]}]"}})",
       }) {
    CAPTURE(json);
    CHECK(roundtrip(json, result_dialect::poc) == json);
  }
  // The reference requires requires_client_handling; the PoC never sent it.
  const std::string_view poc_fatal =
      R"({"status":"fatal_error","message":"m","failed_operation":{"error_code":"UNIQUE_VIOLATION","message":"m"}})";
  CHECK(roundtrip(poc_fatal) == "!missing_field:requires_client_handling");
  result_decoder decoder;
  auto fatal = decoder.decode_result(poc_fatal, result_dialect::poc);
  REQUIRE(fatal);
  CHECK_FALSE(std::get<fatal_error>(*fatal).requires_client_handling.has_value());
  CHECK(failure(check_reference_rules(*fatal).error_info()) == "!malformed_result:requires_client_handling");
  // Present, it is read in the PoC dialect too.
  CHECK(roundtrip(R"({"status":"fatal_error","requires_client_handling":true,"failed_operation":{"error_code":"X"}})",
                  result_dialect::poc) ==
        R"({"status":"fatal_error","requires_client_handling":true,"failed_operation":{"error_code":"X"}})");
}

TEST_CASE("decoded values") {
  result_decoder decoder;
  const std::string json =
      R"({"status":"fatal_error","requires_client_handling":false,"message":"Confirm","failed_operation":{"error_code":"USER_CONFIRMATION_REQUIRED","message":"Confirm","details":{"record_id":"2"},"operation_index":0}})";
  auto r = decoder.decode_result(json);
  REQUIRE(r);
  const auto& fatal = std::get<fatal_error>(*r);
  CHECK(fatal.requires_client_handling == false);
  CHECK(fatal.message == "Confirm");
  CHECK(fatal.failed.error_code == "USER_CONFIRMATION_REQUIRED");
  CHECK(fatal.failed.message == "Confirm");
  CHECK(fatal.failed.details.text() == R"({"record_id":"2"})");
  CHECK(fatal.failed.details.text().data() == json.data() + json.find(R"({"record_id")"));  // a view of the input
  CHECK(fatal.failed.operation_index == 0);

  // details is any JSON, kept byte for byte; null is a value, apart from absent.
  CHECK(roundtrip(R"({"status":"fatal_error","requires_client_handling":true,"failed_operation":{"error_code":"X","details":null}})") ==
        R"({"status":"fatal_error","requires_client_handling":true,"failed_operation":{"error_code":"X","details":null}})");
  CHECK(roundtrip(R"({"status":"fatal_error","requires_client_handling":true,"failed_operation":{"error_code":"X","details":[1.50, "\u00e9", {"a" : 1e2}]}})") ==
        R"({"status":"fatal_error","requires_client_handling":true,"failed_operation":{"error_code":"X","details":[1.50, "\u00e9", {"a" : 1e2}]}})");
  auto absent = decoder.decode_result(R"({"status":"fatal_error","requires_client_handling":true,"failed_operation":{"error_code":"X"}})");
  REQUIRE(absent);
  CHECK(std::get<fatal_error>(*absent).failed.details.empty());

  auto retry = decoder.decode_result(R"({"status":"retryable_error","retry_after_ms":250})");
  REQUIRE(retry);
  CHECK(*retry == transaction_result(retryable_error{std::nullopt, 250}));
}

TEST_CASE("unknown statuses are kept whole, and never read as success") {
  for (std::string_view json : {
           // the experimental server dead-letter queue
           R"({"status":"dead_lettered","message":"M","failed_operation":{"error_code":"C","message":"M"}})",
           // the staged huge-transaction flow
           R"({"status":"pending"})",
           R"({"status":"processing"})",
           // statuses are case-sensitive
           R"({"status":"SUCCESS"})",
           // members of an unknown status have no schema
           R"({ "requires_client_handling" : "maybe", "status" : "later", "message":7, "message":8 })",
       }) {
    CAPTURE(json);
    result_decoder decoder;
    auto r = decoder.decode_result(json);
    REQUIRE(r);
    const auto* unknown = std::get_if<unknown_status>(&*r);
    REQUIRE(unknown != nullptr);
    std::string_view body = json.substr(json.find('{'));
    body.remove_suffix(body.size() - 1 - body.find_last_not_of(" \n\t\r"));
    CHECK(unknown->body.text() == body);
    CHECK(roundtrip(json) == unknown->body.text());
    CHECK(failure(check_reference_rules(*r).error_info()) == "!malformed_result:status");
  }
  result_decoder decoder;
  auto r = decoder.decode_result(R"(  {"status":"dead_lettered"}  )");
  REQUIRE(r);
  CHECK(std::get<unknown_status>(*r).status == "dead_lettered");
  CHECK(std::get<unknown_status>(*r).body.text() == R"({"status":"dead_lettered"})");
}

TEST_CASE("the form is free: member order, whitespace, escapes, unknown members") {
  CHECK(roundtrip(R"( { "failed_operation" : { "operation_index" : 2 , "error_code" : "X", "future": {} } ,
                       "requires_client_handling" : true , "extra" : [1,{"a":null}], "status" : "fatal_error" } )") ==
        R"({"status":"fatal_error","requires_client_handling":true,"failed_operation":{"error_code":"X","operation_index":2}})");
  CHECK(roundtrip(R"({"st\u0061tus":"succ\u0065ss"})") == R"({"status":"success"})");
  // Strings are unescaped when read and escaped again when written.
  CHECK(roundtrip(R"({"status":"retryable_error","message":"a\"b\u00e9\n\/"})") ==
        "{\"status\":\"retryable_error\",\"message\":\"a\\\"b\xC3\xA9\\n/\"}");
  // Members a status gives no meaning to are ignored, whatever they hold.
  CHECK(roundtrip(R"({"status":"success","requires_client_handling":"no","failed_operation":7,"retry_after_ms":"x"})") ==
        R"({"status":"success"})");
  CHECK(roundtrip(R"({"status":"not_attempted","message":5})") == R"({"status":"not_attempted"})");
  CHECK(roundtrip(R"({"status":"retryable_error","failed_operation":null,"requires_client_handling":1})") ==
        R"({"status":"retryable_error"})");
  CHECK(roundtrip(R"({"status":"fatal_error","requires_client_handling":false,"retry_after_ms":"soon","failed_operation":{"error_code":"X"}})") ==
        R"({"status":"fatal_error","requires_client_handling":false,"failed_operation":{"error_code":"X"}})");
  // A negative retry_after_ms is an integer as the spec has it; the client waits 0.
  CHECK(roundtrip(R"({"status":"retryable_error","retry_after_ms":-5})") == R"({"status":"retryable_error","retry_after_ms":-5})");
}

TEST_CASE("malformed results: each case has a named error and a path (write-api.md 5.3)") {
  struct rejection {
    std::string_view json, expected;
  };
  const rejection cases[] = {
      // requires_client_handling is not a boolean
      {R"({"status":"fatal_error","requires_client_handling":"false","failed_operation":{"error_code":"X"}})", "!wrong_type:requires_client_handling"},
      {R"({"status":"fatal_error","requires_client_handling":0,"failed_operation":{"error_code":"X"}})", "!wrong_type:requires_client_handling"},
      {R"({"status":"fatal_error","requires_client_handling":null,"failed_operation":{"error_code":"X"}})", "!wrong_type:requires_client_handling"},
      {R"({"status":"fatal_error","failed_operation":{"error_code":"X"}})", "!missing_field:requires_client_handling"},
      // failed_operation is missing or not an object
      {R"({"status":"fatal_error","requires_client_handling":false,"message":"m"})", "!missing_field:failed_operation"},
      {R"({"status":"fatal_error","requires_client_handling":false,"failed_operation":null})", "!wrong_type:failed_operation"},
      {R"({"status":"fatal_error","requires_client_handling":false,"failed_operation":"X"})", "!wrong_type:failed_operation"},
      {R"({"status":"fatal_error","requires_client_handling":false,"failed_operation":[]})", "!wrong_type:failed_operation"},
      // error_code is missing or not a string
      {R"({"status":"fatal_error","requires_client_handling":false,"failed_operation":{}})", "!missing_field:failed_operation.error_code"},
      {R"({"status":"fatal_error","requires_client_handling":false,"failed_operation":{"error_code":23505}})", "!wrong_type:failed_operation.error_code"},
      {R"({"status":"fatal_error","requires_client_handling":false,"failed_operation":{"error_code":null}})", "!wrong_type:failed_operation.error_code"},
      // message is present but not a string
      {R"({"status":"fatal_error","requires_client_handling":false,"failed_operation":{"error_code":"X","message":{}}})", "!wrong_type:failed_operation.message"},
      {R"({"status":"fatal_error","requires_client_handling":false,"failed_operation":{"error_code":"X","message":null}})", "!wrong_type:failed_operation.message"},
      {R"({"status":"fatal_error","requires_client_handling":false,"message":1,"failed_operation":{"error_code":"X"}})", "!wrong_type:message"},
      {R"({"status":"retryable_error","message":false})", "!wrong_type:message"},
      {R"({"status":"success","message":["Transaction completed"]})", "!wrong_type:message"},
      // operation_index is present but not a non-negative integer
      {R"({"status":"fatal_error","requires_client_handling":false,"failed_operation":{"error_code":"X","operation_index":-1}})", "!number_out_of_range:failed_operation.operation_index"},
      {R"({"status":"fatal_error","requires_client_handling":false,"failed_operation":{"error_code":"X","operation_index":1.5}})", "!wrong_type:failed_operation.operation_index"},
      {R"({"status":"fatal_error","requires_client_handling":false,"failed_operation":{"error_code":"X","operation_index":1.0}})", R"({"status":"fatal_error","requires_client_handling":false,"failed_operation":{"error_code":"X","operation_index":1}})"},
      {R"({"status":"fatal_error","requires_client_handling":false,"failed_operation":{"error_code":"X","operation_index":"1"}})", "!wrong_type:failed_operation.operation_index"},
      {R"({"status":"fatal_error","requires_client_handling":false,"failed_operation":{"error_code":"X","operation_index":null}})", "!wrong_type:failed_operation.operation_index"},
      {R"({"status":"fatal_error","requires_client_handling":false,"failed_operation":{"error_code":"X","operation_index":9223372036854775808}})", "!number_out_of_range:failed_operation.operation_index"},
      // retry_after_ms is not an integer
      {R"({"status":"retryable_error","retry_after_ms":"1000"})", "!wrong_type:retry_after_ms"},
      {R"({"status":"retryable_error","retry_after_ms":1.5})", "!wrong_type:retry_after_ms"},
      {R"({"status":"retryable_error","retry_after_ms":null})", "!wrong_type:retry_after_ms"},
      // status is missing or not a string; the result is not an object
      {R"({"message":"Transaction completed"})", "!missing_field:status"},
      {R"({"status":1})", "!wrong_type:status"},
      {R"({"status":null})", "!wrong_type:status"},
      {R"(["success"])", "!wrong_type:"},
      {R"("success")", "!wrong_type:"},
      // a protocol member twice, escaped or not
      {R"({"status":"success","status":"fatal_error"})", "!duplicate_key:status"},
      {R"({"status":"success","st\u0061tus":"success"})", "!duplicate_key:status"},
      {R"({"status":"retryable_error","message":"a","message":"b"})", "!duplicate_key:message"},
      {R"({"status":"fatal_error","requires_client_handling":true,"requires_client_handling":false,"failed_operation":{"error_code":"X"}})", "!duplicate_key:requires_client_handling"},
      {R"({"status":"fatal_error","requires_client_handling":true,"failed_operation":{"error_code":"X"},"failed_operation":{"error_code":"Y"}})", "!duplicate_key:failed_operation"},
      {R"({"status":"fatal_error","requires_client_handling":true,"failed_operation":{"error_code":"X","error_code":"Y"}})", "!duplicate_key:failed_operation.error_code"},
      // the message as a whole
      {R"({"status":"success"} {"status":"success"})", "!trailing_content:"},
      {R"({"status":"success"},)", "!trailing_content:"},
      {"  ", "!empty_input:"},
      {R"({"status":"success")", "!invalid_json:"},
      {R"({"status":"succ\x"})", "!invalid_string:status"},
      {"{\"status\":\"\xC3\x28\"}", "!invalid_utf8:"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.json);
    CHECK(roundtrip(c.json) == c.expected);
  }
}

TEST_CASE("errors point at the offending byte, and a syntax error anywhere wins") {
  result_decoder decoder;
  const std::string_view json = R"({"status":"fatal_error","requires_client_handling":"no","failed_operation":{"error_code":"X"}})";
  auto r = decoder.decode_result(json);
  REQUIRE_FALSE(r);
  CHECK(r.error_info().offset == json.find(R"("no")"));
  // With two problems, the first in the message is reported.
  auto two = decoder.decode_result(R"({"status":"fatal_error","failed_operation":{"error_code":1},"requires_client_handling":"no"})");
  CHECK(failure(two.error_info()) == "!wrong_type:failed_operation.error_code");
  auto missing = decoder.decode_result(R"({"status":"fatal_error","requires_client_handling":true})");
  CHECK(missing.error_info().offset == 0);
  // A protocol problem never hides a syntax error later in the message.
  auto syntax = decoder.decode_result(R"({"status":"fatal_error","requires_client_handling":"no","x":[1,]})");
  CHECK(failure(syntax.error_info()) == "!invalid_json:x");
  auto batch = decoder.decode_batch_response(R"({"results":[{"status":7},{"status":"success","x":01}]})");
  REQUIRE_FALSE(batch);
  CHECK(batch.error_info().code == errc::invalid_number);
}

TEST_CASE("batch responses: each result decodes on its own") {
  result_decoder decoder;
  const std::string_view json =
      R"({"results":[{"status":"success"},{"status":"fatal_error","requires_client_handling":"no","failed_operation":{"error_code":"X"}},7,{"status":"not_attempted"}],"future":true})";
  auto response = decoder.decode_batch_response(json);
  REQUIRE(response);
  REQUIRE(response->results.size() == 4);
  CHECK(response->results[0]);
  CHECK(failure(response->results[1].error_info()) == "!wrong_type:results[1].requires_client_handling");
  CHECK(response->results[1].error_info().offset == json.find(R"("no")"));
  CHECK(failure(response->results[2].error_info()) == "!wrong_type:results[2]");
  CHECK(std::holds_alternative<not_attempted>(*response->results[3]));
  CHECK(roundtrip_batch(json) == "!wrong_type:results[1].requires_client_handling");

  auto poc = decoder.decode_batch_response(R"({"results":[{"status":"fatal_error","failed_operation":{"error_code":"X"}}]})",
                                           result_dialect::poc);
  REQUIRE(poc);
  CHECK(poc->results[0]);

  struct rejection {
    std::string_view json, expected;
  };
  const rejection cases[] = {
      {R"({})", "!missing_field:results"},
      {R"({"results":{}})", "!wrong_type:results"},
      {R"({"results":null})", "!wrong_type:results"},
      {R"({"results":[],"results":[]})", "!duplicate_key:results"},
      {R"([{"status":"success"}])", "!wrong_type:"},
      {R"("results")", "!wrong_type:"},
      {"7 8", "!trailing_content:"},
      {R"({"results":[{"status":"success"}]}])", "!trailing_content:"},
      {R"({"results":[{"status":"success"}],"x":[}})", "!invalid_json:x"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.json);
    CHECK(roundtrip_batch(c.json) == c.expected);
  }
  CHECK(roundtrip_batch(R"({"results":[]})") == R"({"results":[]})");  // the count check is the client's

  const std::vector<std::string_view> successes(51, R"({"status":"success"})");
  const std::string fifty_one = batch_of(successes);
  CHECK(roundtrip_batch(fifty_one) == "!batch_too_large:results[50]");
  result_decoder wide_decoder(limits{.max_batch_transactions = 100});
  CHECK(wide_decoder.decode_batch_response(fifty_one));
}

TEST_CASE("limits apply inside details") {
  result_decoder decoder(limits{.max_depth = 4});
  CHECK(decoder.decode_result(R"({"status":"fatal_error","requires_client_handling":true,"failed_operation":{"error_code":"X","details":[1]}})"));
  auto deep = decoder.decode_result(R"({"status":"fatal_error","requires_client_handling":true,"failed_operation":{"error_code":"X","details":[[[1]]]}})");
  CHECK(deep.code() == errc::depth_exceeded);
}

TEST_CASE("one decoder serves message after message") {
  result_decoder decoder;
  auto first = decoder.decode_batch_response(R"({"results":[{"status":"retryable_error","message":"one"},{"status":"not_attempted"}]})");
  REQUIRE(first);
  CHECK(std::get<retryable_error>(*first->results[0]).message == "one");
  auto second = decoder.decode_batch_response(R"({"results":[{"status":"success","message":"two"}]})");
  REQUIRE(second);
  REQUIRE(second->results.size() == 1);
  CHECK(std::get<success_result>(*second->results[0]).message == "two");
  CHECK(decoder.decode_result("{").code() == errc::invalid_json);
  CHECK(decoder.decode_message_response(R"({"message":"three"})")->message == "three");
}

TEST_CASE("message responses: the body of HTTP 400, 401 and 500") {
  result_decoder decoder;
  for (std::string_view json : {
           R"({"message":"Missing bearer token"})",
           R"({"message":"Invalid token"})",
           R"({"message":"Request failed: duplicate key"})",
           R"({"message":"Batch completed"})",
           R"({"message":"backend"})",
           R"({"message":"request/body/transactions must NOT have fewer than 1 items"})",
       }) {
    CAPTURE(json);
    auto m = decoder.decode_message_response(json);
    REQUIRE(m);
    CHECK(encode([&](json_writer& w) { write_message_response(w, *m); }) == json);
  }
  auto code_path = [&](std::string_view json) {
    auto m = decoder.decode_message_response(json);
    return m ? std::string("ok") : failure(m.error_info());
  };
  CHECK(code_path(R"({"message":"x","status":500})") == "ok");  // unknown members are ignored
  CHECK(code_path(R"({})") == "!missing_field:message");
  CHECK(code_path(R"({"message":null})") == "!wrong_type:message");
  CHECK(code_path(R"({"message":"a","message":"b"})") == "!duplicate_key:message");
  CHECK(code_path(R"("Method Not Allowed")") == "!wrong_type:");
  CHECK(code_path(R"({"message":"a"}x)") == "!trailing_content:");
}

TEST_CASE("the reference client's rules refuse what decodes but cannot be acted on") {
  CHECK(check_reference_rules(success_result{}));
  CHECK(check_reference_rules(not_attempted{}));
  CHECK(check_reference_rules(retryable_error{}));
  CHECK(check_reference_rules(fatal_error{true, std::nullopt, {"X", std::nullopt, {}, 0}}));
  CHECK(failure(check_reference_rules(fatal_error{.requires_client_handling = std::nullopt, .failed = {.error_code = "X"}})
                    .error_info()) == "!malformed_result:requires_client_handling");
  CHECK(failure(check_reference_rules(fatal_error{false, std::nullopt, {"X", std::nullopt, {}, -1}}).error_info()) ==
        "!malformed_result:failed_operation.operation_index");
  CHECK(failure(check_reference_rules(unknown_status{"dead_lettered", raw_object(R"({"status":"dead_lettered"})")}).error_info()) ==
        "!malformed_result:status");
}

TEST_CASE("the client completes the contiguous accepted prefix (write-api.md 5.3)") {
  result_decoder decoder;
  constexpr std::string_view S = R"({"status":"success"})";
  constexpr std::string_view F_SERVER = R"({"status":"fatal_error","requires_client_handling":false,"failed_operation":{"error_code":"X"}})";
  constexpr std::string_view F_CLIENT = R"({"status":"fatal_error","requires_client_handling":true,"failed_operation":{"error_code":"Y"}})";
  constexpr std::string_view R = R"({"status":"retryable_error","message":"busy"})";
  constexpr std::string_view N = R"({"status":"not_attempted"})";
  constexpr std::string_view U = R"({"status":"dead_lettered"})";
  constexpr std::string_view BAD = R"({"status":"fatal_error","requires_client_handling":"no","failed_operation":{"error_code":"X"}})";
  auto prefix = [&](std::initializer_list<std::string_view> results, std::size_t sent,
                    fatal_decision client_handled = fatal_decision::retain) {
    const std::string json = batch_of(results);  // the results are views of it
    auto response = decoder.decode_batch_response(json);
    REQUIRE(response);
    auto n = completable_prefix(response->results, sent, client_handled);
    return n ? std::to_string(*n) : failure(n.error_info());
  };
  CHECK(prefix({S}, 1) == "1");
  CHECK(prefix({S}, 2) == "!result_count_mismatch:");
  CHECK(prefix({S, S}, 1) == "!result_count_mismatch:");
  CHECK(prefix({S, S, S}, 3) == "3");
  CHECK(prefix({S, F_SERVER, S}, 3) == "3");  // the server dealt with it: discard, continue
  CHECK(prefix({S, F_SERVER, N}, 3) == "2");
  CHECK(prefix({S, F_CLIENT, S}, 3) == "1");  // retained by default
  CHECK(prefix({S, F_CLIENT, S}, 3, fatal_decision::complete) == "2");  // completed, and the end of the prefix
  CHECK(prefix({S, R, N}, 3) == "1");
  CHECK(prefix({R, N}, 2) == "0");
  CHECK(prefix({N}, 1) == "0");
  CHECK(prefix({S, U, S}, 3) == "1");    // an unknown status is retained
  CHECK(prefix({S, BAD, S}, 3) == "1");  // so is a malformed result, and what follows

  // The PoC dialect's fatal result does not say who handles it: retained.
  auto poc = decoder.decode_batch_response(R"({"results":[{"status":"fatal_error","failed_operation":{"error_code":"X"}}]})",
                                           result_dialect::poc);
  REQUIRE(poc);
  CHECK(*completable_prefix(poc->results, 1) == 0);

  // The hook sees which transaction failed, and how.
  const std::string json = batch_of({{S, F_CLIENT}});
  auto response = decoder.decode_batch_response(json);
  REQUIRE(response);
  std::size_t asked_index = 99;
  std::string_view asked_code;
  auto n = completable_prefix(response->results, 2, [&](std::size_t index, const fatal_error& f) {
    asked_index = index;
    asked_code = f.failed.error_code;
    return fatal_decision::complete;
  });
  CHECK(*n == 2);
  CHECK(asked_index == 1);
  CHECK(asked_code == "Y");
}

TEST_CASE("the client waits retry_after_ms, or not at all") {
  CHECK(retry_delay_ms(retryable_error{}) == 0);
  CHECK(retry_delay_ms(retryable_error{std::nullopt, 1000}) == 1000);
  CHECK(retry_delay_ms(retryable_error{std::nullopt, -5}) == 0);
  static_assert(retry_delay_ms(retryable_error{std::nullopt, 7}) == 7);
}

namespace {

const fatal_error confirm{false, "Confirm", {"USER_CONFIRMATION_REQUIRED", "Confirm", raw_value(R"({"record_id":"2"})"), 0}};

// Runs the reference batch loop over outcomes, one per transaction, and returns the response.
std::string apply(on_fatal_policy policy, std::initializer_list<transaction_result> outcomes) {
  std::string out;
  json_writer w{string_sink(out)};
  batch_response_builder builder(w, policy);
  for (const auto& outcome : outcomes) {
    if (!builder.accepting()) break;
    REQUIRE(builder.add(outcome));
  }
  REQUIRE(builder.finish(outcomes.size()));
  return out;
}

}  // namespace

TEST_CASE("server: the reference batch loop (fatal-routing.test.ts)") {
  const std::string fatal_json =
      R"({"status":"fatal_error","requires_client_handling":false,"message":"Confirm","failed_operation":{"error_code":"USER_CONFIRMATION_REQUIRED","message":"Confirm","details":{"record_id":"2"},"operation_index":0}})";
  CHECK(apply(on_fatal_policy::stop, {success_result{}, confirm, success_result{}}) ==
        R"({"results":[{"status":"success"},)" + fatal_json + R"(,{"status":"not_attempted"}]})");
  CHECK(apply(on_fatal_policy::skip, {success_result{}, confirm, success_result{}}) ==
        R"({"results":[{"status":"success"},)" + fatal_json + R"(,{"status":"success"}]})");
  // When routing the fatal error fails, the reference answers retryable: the batch ends.
  const retryable_error routing_failed{"Fatal error routing failed; retry the transaction", std::nullopt};
  CHECK(apply(on_fatal_policy::skip, {routing_failed, success_result{}, success_result{}}) ==
        R"({"results":[{"status":"retryable_error","message":"Fatal error routing failed; retry the transaction"},{"status":"not_attempted"},{"status":"not_attempted"}]})");
  // skip never passes a client-handled fatal result.
  fatal_error client_handled = confirm;
  client_handled.requires_client_handling = true;
  CHECK(statuses(apply(on_fatal_policy::skip, {client_handled, success_result{}})) == "fatal_error,not_attempted");
  // docs/test.txt: the rollback case, then an empty transaction.
  const fatal_error not_null{false, "<pg message>", {"NOT_NULL_VIOLATION", "<pg message>", {}, 1}};
  CHECK(statuses(apply(on_fatal_policy::stop, {not_null, success_result{}})) == "fatal_error,not_attempted");
  CHECK(statuses(apply(on_fatal_policy::skip, {not_null, success_result{}})) == "fatal_error,success");
}

TEST_CASE("server: a refused result poisons the builder, so no later result shifts a slot (issue 12)") {
  std::string out;
  json_writer w{string_sink(out)};
  batch_response_builder builder(w);
  REQUIRE(builder.add(success_result{}));
  const fatal_error unrouted{.requires_client_handling = std::nullopt, .failed = {.error_code = error_codes::not_null_violation}};
  const auto refused = builder.add(unrouted);
  CHECK(refused.code() == errc::malformed_result);
  CHECK(refused.error_info().path.view() == "requires_client_handling");
  CHECK_FALSE(builder.accepting());
  const auto written = out.size();
  // Before the fix this add() succeeded and finish(3) answered success, success, not_attempted.
  CHECK(builder.add(success_result{}).code() == errc::malformed_result);  // the first error, again
  CHECK(builder.finish(3).code() == errc::malformed_result);
  CHECK(builder.finish(3).code() == errc::malformed_result);
  CHECK(out.size() == written);  // nothing written after the refusal
  CHECK(builder.results() == 1);
  result_decoder decoder;
  CHECK_FALSE(decoder.decode_batch_response(out));  // the sink's bytes are not a response

  // reset() starts a new response on the same writer.
  builder.reset();
  CHECK(builder.accepting());
  out.clear();
  REQUIRE(builder.add(success_result{}));
  REQUIRE(builder.add(fatal_error{.message = "m", .failed = {.error_code = error_codes::not_null_violation}}));
  REQUIRE(builder.finish(3));
  CHECK(out ==
        R"({"results":[{"status":"success"},{"status":"fatal_error","requires_client_handling":false,"message":"m","failed_operation":{"error_code":"NOT_NULL_VIOLATION"}},{"status":"not_attempted"}]})");
  // And after a finished response, too.
  builder.reset();
  out.clear();
  REQUIRE(builder.finish(1));
  CHECK(out == R"({"results":[{"status":"not_attempted"}]})");
}

TEST_CASE("server: a fatal result built in code defaults like the reference hook (requires_client_handling: false)") {
  const fatal_error built{.message = "m", .failed = {.error_code = error_codes::not_null_violation}};
  CHECK(built.requires_client_handling == false);
  CHECK(check_reference_rules(built));
  // The PoC dialect still leaves it unset when absent, and the client retains such a result.
  result_decoder decoder;
  auto poc = decoder.decode_result(R"({"status":"fatal_error","failed_operation":{"error_code":"E"}})", result_dialect::poc);
  REQUIRE(poc);
  CHECK_FALSE(std::get<fatal_error>(*poc).requires_client_handling.has_value());
  CHECK(check_reference_rules(*poc).code() == errc::malformed_result);
  CHECK(*completable_prefix(std::span(&poc, 1), 1) == 0);
}

TEST_CASE("server: the builder refuses what the reference client would refuse, and miscounts") {
  auto refused_first = [](const transaction_result& r) {
    std::string out;
    json_writer w{string_sink(out)};
    batch_response_builder builder(w);
    const auto added = builder.add(r);
    CHECK_FALSE(builder.accepting());
    CHECK(builder.finish(1).code() == added.code());
    CHECK(out.empty());
    return added.code();
  };
  CHECK(refused_first(fatal_error{.requires_client_handling = std::nullopt, .failed = {.error_code = "X"}}) ==
        errc::malformed_result);
  CHECK(refused_first(unknown_status{"dead_lettered", raw_object(R"({"status":"dead_lettered"})")}) == errc::malformed_result);
  CHECK(refused_first(fatal_error{.failed = {.error_code = "X", .operation_index = -1}}) == errc::malformed_result);

  std::string out;
  json_writer w{string_sink(out)};
  batch_response_builder builder(w);
  REQUIRE(builder.add(retryable_error{"later", 500}));
  CHECK_FALSE(builder.accepting());
  auto size = builder.finish(2);
  REQUIRE(size);
  CHECK(*builder.finish(2) == *size);  // closing twice writes nothing more
  CHECK(out == R"({"results":[{"status":"retryable_error","message":"later","retry_after_ms":500},{"status":"not_attempted"}]})");

  // What the builder writes, the client reads back.
  result_decoder decoder;
  auto response = decoder.decode_batch_response(out);
  REQUIRE(response);
  CHECK(*completable_prefix(response->results, 2) == 0);
  CHECK(retry_delay_ms(std::get<retryable_error>(*response->results[0])) == 500);

  // An add() after the batch ended is refused, and poisons too.
  builder.reset();
  out.clear();
  REQUIRE(builder.add(retryable_error{}));
  const auto written = out.size();
  CHECK(builder.add(success_result{}).code() == errc::result_count_mismatch);
  CHECK(out.size() == written);
  CHECK(builder.finish(2).code() == errc::result_count_mismatch);
  // More results than transactions.
  builder.reset();
  out.clear();
  REQUIRE(builder.add(success_result{}));
  REQUIRE(builder.add(success_result{}));
  CHECK(builder.finish(1).code() == errc::result_count_mismatch);
  CHECK(builder.finish(2).code() == errc::result_count_mismatch);  // poisoned: the count no longer matters
}

// The property behind the poisoning: whatever the server adds, refused
// results and adds after the end included, a response that finish() accepts
// holds, in slot i, the result of transaction i (or not_attempted after the
// batch ended); and once anything was refused, finish() fails.
TEST_CASE("server: random add() sequences never misalign a result (property)") {
  std::mt19937 random(12);  // fixed seed: the same sequences on every run
  constexpr std::size_t max_adds = 12;  // a trial adds at most 8 + 2
  std::vector<std::string> labels;
  labels.reserve(max_adds);
  for (std::size_t i = 0; i < max_adds; ++i) labels.push_back("transaction " + std::to_string(i));
  enum outcome_kind : unsigned { success, retryable, fatal_handled, fatal_client, fatal_unrouted, fatal_bad_index, not_tried,
                                 unknown, kind_count };
  auto make = [&](unsigned kind, std::size_t tx) -> transaction_result {
    const borrowed_text label = labels[tx];
    switch (kind) {
      case success: return success_result{label};
      case retryable: return retryable_error{label, static_cast<std::int64_t>(tx)};
      case fatal_handled: return fatal_error{false, label, {"E", label, {}, 0}};
      case fatal_client: return fatal_error{true, label, {"E", std::nullopt, {}, std::nullopt}};
      case fatal_unrouted: return fatal_error{std::nullopt, label, {"E", std::nullopt, {}, std::nullopt}};
      case fatal_bad_index: return fatal_error{false, label, {"E", std::nullopt, {}, -1}};
      case not_tried: return not_attempted{};
      default: return unknown_status{"pending", raw_object(R"({"status":"pending"})")};
    }
  };
  const auto refusable = [](unsigned kind) { return kind == fatal_unrouted || kind == fatal_bad_index || kind == unknown; };
  result_decoder decoder;
  std::size_t finished = 0, refused = 0;
  for (int trial = 0; trial < 3000; ++trial) {
    CAPTURE(trial);
    const auto policy = random() % 2 == 0 ? on_fatal_policy::stop : on_fatal_policy::skip;
    const std::size_t transactions = random() % 9;
    const std::size_t adds = random() % (transactions + 3);
    const bool stop_when_told = random() % 2 == 0;  // a correct server loop, or one that keeps adding
    std::string out;
    json_writer w{string_sink(out)};
    batch_response_builder builder(w, policy);
    // The model: what each slot must hold.
    std::vector<transaction_result> expected;
    bool model_accepting = true, model_refused = false;
    for (std::size_t tx = 0; tx < adds; ++tx) {
      CHECK(builder.accepting() == (model_accepting && !model_refused));
      if (stop_when_told && !builder.accepting()) break;
      const auto kind = static_cast<unsigned>(random() % kind_count);
      const transaction_result r = make(kind, tx);
      const auto added = builder.add(r);
      const bool should_refuse = model_refused || !model_accepting || refusable(kind);
      CHECK(added.has_value() == !should_refuse);
      if (should_refuse) {
        model_refused = true;
        continue;
      }
      expected.push_back(r);
      model_accepting = kind == success || (kind == fatal_handled && policy == on_fatal_policy::skip);
    }
    const auto size = builder.finish(transactions);
    if (model_refused || expected.size() > transactions) {
      CHECK_FALSE(size);
      ++refused;
      continue;
    }
    REQUIRE(size);
    ++finished;
    while (expected.size() < transactions) expected.emplace_back(not_attempted{});
    auto response = decoder.decode_batch_response(out);
    REQUIRE(response);
    REQUIRE(response->results.size() == transactions);
    for (std::size_t i = 0; i < transactions; ++i) {
      CAPTURE(i);
      REQUIRE(response->results[i]);
      CHECK(*response->results[i] == expected[i]);
    }
  }
  CHECK(finished > 500);  // both branches are exercised
  CHECK(refused > 500);
}

// Whether a decoding call compiles for an input of type Input (concepts, so
// that a deleted overload makes them false instead of an error).
template <class Input>
concept decodes_batch_response = requires(result_decoder& d, Input&& in) { d.decode_batch_response(std::forward<Input>(in)); };
template <class Input>
concept decodes_result = requires(result_decoder& d, Input&& in) { d.decode_result(std::forward<Input>(in)); };
template <class Input>
concept decodes_message_response = requires(result_decoder& d, Input&& in) { d.decode_message_response(std::forward<Input>(in)); };

TEST_CASE("views over temporaries do not compile (tests/compile_fail has the snippets)") {
  // Results hold views of the input: a temporary std::string is refused.
  static_assert(!decodes_batch_response<std::string> && !decodes_result<std::string> && !decodes_message_response<std::string>);
  static_assert(decodes_batch_response<const std::string&> && decodes_result<std::string&> && decodes_message_response<const char*>);
  static_assert(decodes_batch_response<std::string_view> && !decodes_result<simdjson::padded_string>);
  // A result built in code borrows its text, and refuses a temporary.
  static_assert(!std::is_assignable_v<decltype(fatal_error::message)&, std::string&&>);
  static_assert(!std::is_constructible_v<decltype(failed_operation::error_code), std::string&&>);
  static_assert(!std::is_constructible_v<decltype(unknown_status::status), std::string&&>);
  static_assert(!std::is_constructible_v<decltype(message_response::message), std::string&&>);
  const std::string kept = "kept";
  const retryable_error r{kept, std::nullopt};
  CHECK(r.message->data() == kept.data());
}

TEST_CASE("server: a fixed buffer that is too small is reported") {
  char buffer[16];
  span_json_writer w{span_sink(buffer, sizeof buffer)};
  batch_response_builder builder(w);
  REQUIRE(builder.add(success_result{}));
  CHECK(builder.finish(1).code() == errc::buffer_too_small);
}
