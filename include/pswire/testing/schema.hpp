// pswire testing: every message kind described as data. A schema says which
// members an object has, the type of each (string, int64 as a number or as a
// decimal string, enum, raw row object, array of X, ...), whether it is
// required, optional or nullable, and the key orders real peers write. The
// generators walk it to build messages and the mutator to find what a value
// means; docs/crud.md, docs/checkpoints.md and docs/results.md are the source.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <span>
#include <string_view>

#include "../core/errors.hpp"
#include "../message_kinds.hpp"

namespace pswire::testing {

enum class slot_kind : std::uint8_t {
  text,           // any string
  literal,        // exactly choices[0]
  choice,         // one of `choices`; another string is `unknown_choice` (ok: accepted)
  int_number,     // an integer in [min, max] as a JSON number
  int_string,     // an integer in [min, max] as a decimal string
  int_either,     // a decimal string in [min, max], or a number in [min, number_max]
  boolean,
  object,         // the members of `object`
  object_variant, // one of `variants` (results: one object per status)
  raw_object,     // row data: any JSON object, passed through byte for byte
  raw_value,      // any JSON value, kept raw
  array,          // elements of `element`
  embedded_json,  // a string holding the JSON text of `element` (a ps_crud row's data column)
};

enum class presence : std::uint8_t {
  required,
  optional,           // absent or a value; null is the wrong type
  optional_nullable,  // absent, null or a value
};

// Which generate_options knob bounds an array's length.
enum class count_knob : std::uint8_t { elements, transactions, ops, buckets };

struct slot;
struct object_spec;

struct member_spec {
  std::string_view key;
  const slot* type;
  presence need;
};

// One peer's member order; members it does not list follow in schema order.
struct key_order {
  std::string_view peer;
  std::span<const std::string_view> keys;
};

struct object_spec {
  std::span<const member_spec> members;
  std::span<const key_order> orders;
  bool exactly_one_member = false;  // a sync line: one member, whichever; more or fewer is ambiguous_sync_line
};

struct slot {
  slot_kind kind;
  std::int64_t min = std::numeric_limits<std::int64_t>::min();
  std::int64_t max = std::numeric_limits<std::int64_t>::max();
  std::int64_t number_max = 0;       // int_either: the largest value accepted as a number
  bool integral_spellings = false;   // int_number: 1.0, 1e0 are accepted as 1
  errc fraction = errc::wrong_type;  // what 1.5 gives in an integer slot
  bool number_ignored = false;       // text: a number here is dropped, not refused
  std::span<const std::string_view> choices = {};
  errc unknown_choice = errc::ok;
  const object_spec* object = nullptr;
  std::span<const object_spec* const> variants = {};
  const slot* element = nullptr;
  std::size_t min_items = 0, max_items = std::numeric_limits<std::size_t>::max();
  errc too_few = errc::ok, too_many = errc::ok;  // what fewer or more items give (ok: no such rule)
  count_knob knob = count_knob::elements;
};

namespace schema {

constexpr std::int64_t int32_min = std::numeric_limits<std::int32_t>::min();
constexpr std::int64_t int32_max = std::numeric_limits<std::int32_t>::max();
constexpr std::int64_t max_safe_integer = (std::int64_t{1} << 53) - 1;

inline constexpr slot text{.kind = slot_kind::text};
inline constexpr slot boolean{.kind = slot_kind::boolean};
inline constexpr slot raw_object{.kind = slot_kind::raw_object};
inline constexpr slot raw_value{.kind = slot_kind::raw_value};
inline constexpr slot crud_id{.kind = slot_kind::int_number, .integral_spellings = true};  // op_id, tx_id, ...
inline constexpr slot any_int64{.kind = slot_kind::int_number};
inline constexpr slot id_string{.kind = slot_kind::int_string};
inline constexpr slot non_negative_id_string{.kind = slot_kind::int_string, .min = 0};
inline constexpr slot positive_id_string{.kind = slot_kind::int_string, .min = 1};
inline constexpr slot non_negative_int64{.kind = slot_kind::int_number, .min = 0};

// ---- CRUD entries (docs/crud.md) ----
inline constexpr std::string_view crud_ops[] = {"PUT", "PATCH", "DELETE"};
inline constexpr slot crud_op{.kind = slot_kind::choice, .choices = crud_ops, .unknown_choice = errc::unknown_op};

// Core 0.4.0/0.4.1 wrote a non-TEXT _metadata as a number; every core since drops it (docs/crud.md).
inline constexpr slot ps_crud_metadata{.kind = slot_kind::text, .number_ignored = true};
inline constexpr member_spec ps_crud_members[] = {
    {"op", &crud_op, presence::required},          {"id", &text, presence::required},
    {"type", &text, presence::required},           {"data", &raw_object, presence::optional_nullable},
    {"old", &raw_object, presence::optional_nullable}, {"metadata", &ps_crud_metadata, presence::optional_nullable},
};
inline constexpr std::string_view core_order[] = {"op", "id", "type", "data", "old", "metadata"};
inline constexpr std::string_view core_insert_only_order[] = {"op", "type", "id", "data", "old", "metadata"};
inline constexpr key_order ps_crud_orders[] = {{"core", core_order}, {"core-insert-only", core_insert_only_order}};
inline constexpr object_spec ps_crud{ps_crud_members, ps_crud_orders};

inline constexpr member_spec sdk_entry_members[] = {
    {"op_id", &crud_id, presence::optional_nullable}, {"op", &crud_op, presence::required},
    {"type", &text, presence::required},              {"id", &text, presence::required},
    {"tx_id", &crud_id, presence::optional_nullable}, {"data", &raw_object, presence::optional_nullable},
    {"old", &raw_object, presence::optional_nullable}, {"metadata", &text, presence::optional_nullable},
};
inline constexpr std::string_view sdk_order[] = {"op_id", "op", "type", "id", "tx_id", "data", "old", "metadata"};
inline constexpr key_order sdk_entry_orders[] = {{"sdk-toJSON", sdk_order}, {"core", core_order}};
inline constexpr object_spec sdk_entry{sdk_entry_members, sdk_entry_orders};

inline constexpr member_spec upload_entry_members[] = {
    {"client_id", &crud_id, presence::optional_nullable},
    {"op", &crud_op, presence::required},
    {"table", &text, presence::required},
    {"id", &text, presence::required},
    {"transaction_id", &crud_id, presence::optional_nullable},
    {"op_data", &raw_object, presence::optional_nullable},
    {"previous_values", &raw_object, presence::optional_nullable},
    {"metadata", &text, presence::optional_nullable},
};
inline constexpr std::string_view upload_order[] = {"op", "table", "id", "transaction_id", "op_data", "previous_values", "metadata"};
inline constexpr std::string_view poc_upload_order[] = {"client_id", "op", "table", "id", "transaction_id", "op_data"};
inline constexpr key_order upload_entry_orders[] = {{"reference", upload_order}, {"poc", poc_upload_order}};
inline constexpr object_spec upload_entry{upload_entry_members, upload_entry_orders};
inline constexpr slot upload_entry_slot{.kind = slot_kind::object, .object = &upload_entry};

inline constexpr slot crud_array{.kind = slot_kind::array, .element = &upload_entry_slot, .knob = count_knob::ops};
inline constexpr member_spec transaction_members[] = {
    {"crud", &crud_array, presence::required},
    {"transaction_id", &crud_id, presence::optional_nullable},
};
inline constexpr std::string_view transaction_writer_order[] = {"crud", "transaction_id"};
inline constexpr std::string_view transaction_sdk_order[] = {"transaction_id", "crud"};
inline constexpr key_order transaction_orders[] = {{"reference", transaction_writer_order}, {"sdk", transaction_sdk_order}};
inline constexpr object_spec transaction{transaction_members, transaction_orders};
inline constexpr slot transaction_slot{.kind = slot_kind::object, .object = &transaction};

inline constexpr slot transaction_array{.kind = slot_kind::array,
                                        .element = &transaction_slot,
                                        .min_items = 1,
                                        .max_items = 50,
                                        .too_few = errc::batch_empty,
                                        .too_many = errc::batch_too_large,
                                        .knob = count_knob::transactions};
inline constexpr member_spec batch_members[] = {{"transactions", &transaction_array, presence::required}};
inline constexpr object_spec batch{batch_members, {}};

inline constexpr slot ps_crud_slot{.kind = slot_kind::object, .object = &ps_crud};
inline constexpr slot ps_crud_text{.kind = slot_kind::embedded_json, .element = &ps_crud_slot};
inline constexpr member_spec crud_row_members[] = {
    {"id", &crud_id, presence::required},
    {"tx_id", &crud_id, presence::optional_nullable},
    {"data", &ps_crud_text, presence::required},
};
inline constexpr std::string_view crud_row_order[] = {"id", "tx_id", "data"};
inline constexpr key_order crud_row_orders[] = {{"sqlite-json_object", crud_row_order}};
inline constexpr object_spec crud_row{crud_row_members, crud_row_orders};

// ---- Checkpoints (docs/checkpoints.md) ----
inline constexpr slot checkpoint_request_id{
    .kind = slot_kind::int_either, .min = 1, .number_max = max_safe_integer, .integral_spellings = true};
inline constexpr member_spec checkpoint_request_members[] = {
    {"client_id", &text, presence::required},
    {"checkpoint_request_id", &checkpoint_request_id, presence::required},
};
inline constexpr std::string_view checkpoint_request_sdk_order[] = {"client_id", "checkpoint_request_id"};
inline constexpr std::string_view checkpoint_request_id_first[] = {"checkpoint_request_id", "client_id"};
inline constexpr key_order checkpoint_request_orders[] = {{"sdk", checkpoint_request_sdk_order},
                                                          {"id-first", checkpoint_request_id_first}};
inline constexpr object_spec checkpoint_request{checkpoint_request_members, checkpoint_request_orders};

inline constexpr member_spec checkpoint_response_data_members[] = {
    {"checkpoint_request_id", &positive_id_string, presence::required}};
inline constexpr object_spec checkpoint_response_data{checkpoint_response_data_members, {}};
inline constexpr slot checkpoint_response_data_slot{.kind = slot_kind::object, .object = &checkpoint_response_data};
inline constexpr member_spec checkpoint_response_members[] = {{"data", &checkpoint_response_data_slot, presence::required}};
inline constexpr object_spec checkpoint_response{checkpoint_response_members, {}};

inline constexpr member_spec write_checkpoint_data_members[] = {
    {"write_checkpoint", &non_negative_id_string, presence::required}};
inline constexpr object_spec write_checkpoint_data{write_checkpoint_data_members, {}};
inline constexpr slot write_checkpoint_data_slot{.kind = slot_kind::object, .object = &write_checkpoint_data};
inline constexpr member_spec write_checkpoint_response_members[] = {{"data", &write_checkpoint_data_slot, presence::required}};
inline constexpr object_spec write_checkpoint_response{write_checkpoint_response_members, {}};

inline constexpr member_spec custom_checkpoint_request_members[] = {
    {"user_id", &text, presence::required},
    {"client_id", &text, presence::required},
};
inline constexpr std::string_view custom_request_poc_order[] = {"user_id", "client_id"};
inline constexpr std::string_view custom_request_client_first[] = {"client_id", "user_id"};
inline constexpr key_order custom_checkpoint_request_orders[] = {{"poc", custom_request_poc_order},
                                                                 {"client-first", custom_request_client_first}};
inline constexpr object_spec custom_checkpoint_request{custom_checkpoint_request_members, custom_checkpoint_request_orders};

inline constexpr member_spec custom_checkpoint_response_members[] = {
    {"checkpoint", &non_negative_id_string, presence::required}};
inline constexpr object_spec custom_checkpoint_response{custom_checkpoint_response_members, {}};

inline constexpr member_spec service_error_data_members[] = {
    {"code", &text, presence::required},        {"description", &text, presence::optional},
    {"status", &any_int64, presence::optional}, {"name", &text, presence::optional},
    {"severity", &text, presence::optional},    {"origin", &text, presence::optional},
    {"trace_id", &text, presence::optional},    {"stack", &text, presence::optional},
    {"details", &raw_value, presence::optional},
};
inline constexpr std::string_view service_error_order[] = {"name", "code", "description", "severity", "details",
                                                           "status", "stack", "origin", "trace_id"};
inline constexpr key_order service_error_orders[] = {{"service", service_error_order}};
inline constexpr object_spec service_error_data{service_error_data_members, service_error_orders};
inline constexpr slot service_error_data_slot{.kind = slot_kind::object, .object = &service_error_data};
inline constexpr member_spec service_error_members[] = {{"error", &service_error_data_slot, presence::required}};
inline constexpr object_spec service_error{service_error_members, {}};

// ---- Sync lines (docs/checkpoints.md, "Sync lines") ----
// Checksums are read as the core reads them, through a double: 1.0 is 1, 1.5 is out of range.
inline constexpr slot checksum{.kind = slot_kind::int_number,
                               .min = int32_min,
                               .max = (std::int64_t{1} << 32) - 1,
                               .integral_spellings = true,
                               .fraction = errc::number_out_of_range};
inline constexpr slot priority{.kind = slot_kind::int_number, .min = 0, .max = int32_max - 1};
inline constexpr slot int32_number{.kind = slot_kind::int_number, .min = int32_min, .max = int32_max};

inline constexpr slot raw_array{.kind = slot_kind::array, .element = &raw_value};
inline constexpr member_spec bucket_members[] = {
    {"bucket", &text, presence::required},
    {"checksum", &checksum, presence::required},
    {"count", &any_int64, presence::optional_nullable},
    {"priority", &priority, presence::optional_nullable},
    {"subscriptions", &raw_array, presence::optional_nullable},
};
inline constexpr std::string_view bucket_service_order[] = {"bucket", "checksum", "count", "priority", "subscriptions"};
inline constexpr key_order bucket_orders[] = {{"service", bucket_service_order}};
inline constexpr object_spec bucket{bucket_members, bucket_orders};
inline constexpr slot bucket_slot{.kind = slot_kind::object, .object = &bucket};
inline constexpr slot bucket_array{.kind = slot_kind::array, .element = &bucket_slot, .knob = count_knob::buckets};
inline constexpr slot bucket_names{.kind = slot_kind::array, .element = &text, .knob = count_knob::buckets};

inline constexpr member_spec checkpoint_members[] = {
    {"last_op_id", &id_string, presence::required},
    {"write_checkpoint", &id_string, presence::optional_nullable},
    {"buckets", &bucket_array, presence::required},
    {"streams", &raw_value, presence::optional},
};
inline constexpr std::string_view checkpoint_service_order[] = {"last_op_id", "write_checkpoint", "buckets", "streams"};
inline constexpr key_order checkpoint_orders[] = {{"service", checkpoint_service_order}};
inline constexpr object_spec checkpoint{checkpoint_members, checkpoint_orders};

inline constexpr member_spec checkpoint_diff_members[] = {
    {"last_op_id", &id_string, presence::required},
    {"write_checkpoint", &id_string, presence::optional_nullable},
    {"updated_buckets", &bucket_array, presence::required},
    {"removed_buckets", &bucket_names, presence::required},
};
inline constexpr std::string_view checkpoint_diff_service_order[] = {"last_op_id", "write_checkpoint", "removed_buckets",
                                                                     "updated_buckets"};
inline constexpr key_order checkpoint_diff_orders[] = {{"service", checkpoint_diff_service_order}};
inline constexpr object_spec checkpoint_diff{checkpoint_diff_members, checkpoint_diff_orders};

inline constexpr member_spec checkpoint_complete_members[] = {{"last_op_id", &id_string, presence::optional}};
inline constexpr object_spec checkpoint_complete{checkpoint_complete_members, {}};

inline constexpr member_spec partial_checkpoint_complete_members[] = {
    {"last_op_id", &id_string, presence::optional},
    {"priority", &priority, presence::required},
};
inline constexpr object_spec partial_checkpoint_complete{partial_checkpoint_complete_members, {}};

inline constexpr std::string_view oplog_ops[] = {"PUT", "REMOVE", "MOVE", "CLEAR"};
inline constexpr slot oplog_op{.kind = slot_kind::choice, .choices = oplog_ops, .unknown_choice = errc::unknown_op};
inline constexpr member_spec oplog_members[] = {
    {"op_id", &id_string, presence::required},
    {"op", &oplog_op, presence::required},
    {"object_type", &text, presence::optional_nullable},
    {"object_id", &text, presence::optional_nullable},
    {"subkey", &text, presence::optional_nullable},
    {"data", &text, presence::optional_nullable},
    {"checksum", &checksum, presence::required},
};
inline constexpr std::string_view oplog_service_order[] = {"op_id", "op", "object_type", "object_id", "checksum", "subkey", "data"};
inline constexpr key_order oplog_orders[] = {{"service", oplog_service_order}};
inline constexpr object_spec oplog_entry{oplog_members, oplog_orders};
inline constexpr slot oplog_slot{.kind = slot_kind::object, .object = &oplog_entry};
inline constexpr slot oplog_array{.kind = slot_kind::array, .element = &oplog_slot, .knob = count_knob::ops};

inline constexpr member_spec data_line_members[] = {
    {"bucket", &text, presence::required},
    {"after", &id_string, presence::optional_nullable},
    {"next_after", &id_string, presence::optional_nullable},
    {"has_more", &boolean, presence::optional_nullable},
    {"data", &oplog_array, presence::required},
};
inline constexpr std::string_view data_line_service_order[] = {"bucket", "after", "next_after", "has_more", "data"};
inline constexpr key_order data_line_orders[] = {{"service", data_line_service_order}};
inline constexpr object_spec data_line{data_line_members, data_line_orders};

inline constexpr slot checkpoint_slot{.kind = slot_kind::object, .object = &checkpoint};
inline constexpr slot checkpoint_diff_slot{.kind = slot_kind::object, .object = &checkpoint_diff};
inline constexpr slot checkpoint_complete_slot{.kind = slot_kind::object, .object = &checkpoint_complete};
inline constexpr slot partial_checkpoint_complete_slot{.kind = slot_kind::object, .object = &partial_checkpoint_complete};
inline constexpr slot data_line_slot{.kind = slot_kind::object, .object = &data_line};
inline constexpr member_spec sync_line_members[] = {
    {"checkpoint", &checkpoint_slot, presence::optional},
    {"checkpoint_diff", &checkpoint_diff_slot, presence::optional},
    {"checkpoint_complete", &checkpoint_complete_slot, presence::optional},
    {"partial_checkpoint_complete", &partial_checkpoint_complete_slot, presence::optional},
    {"data", &data_line_slot, presence::optional},
    {"token_expires_in", &int32_number, presence::optional},
};
inline constexpr object_spec sync_line{sync_line_members, {}, true};

// ---- Results (docs/results.md) ----
inline constexpr std::string_view success_status[] = {"success"};
inline constexpr std::string_view retryable_status[] = {"retryable_error"};
inline constexpr std::string_view fatal_status[] = {"fatal_error"};
inline constexpr std::string_view not_attempted_status[] = {"not_attempted"};
inline constexpr slot success_literal{.kind = slot_kind::literal, .choices = success_status};
inline constexpr slot retryable_literal{.kind = slot_kind::literal, .choices = retryable_status};
inline constexpr slot fatal_literal{.kind = slot_kind::literal, .choices = fatal_status};
inline constexpr slot not_attempted_literal{.kind = slot_kind::literal, .choices = not_attempted_status};

inline constexpr member_spec failed_operation_members[] = {
    {"error_code", &text, presence::required},
    {"message", &text, presence::optional},
    {"details", &raw_value, presence::optional},
    {"operation_index", &non_negative_int64, presence::optional},
};
inline constexpr std::string_view failed_operation_reference_order[] = {"operation_index", "error_code", "message", "details"};
inline constexpr key_order failed_operation_orders[] = {{"reference", failed_operation_reference_order}};
inline constexpr object_spec failed_operation{failed_operation_members, failed_operation_orders};
inline constexpr slot failed_operation_slot{.kind = slot_kind::object, .object = &failed_operation};

inline constexpr std::string_view status_first_order[] = {"status", "message", "requires_client_handling", "retry_after_ms",
                                                          "failed_operation"};
inline constexpr std::string_view status_last_order[] = {"failed_operation", "message", "requires_client_handling",
                                                         "retry_after_ms", "status"};
inline constexpr key_order result_orders[] = {{"reference", status_first_order}, {"status-last", status_last_order}};

inline constexpr member_spec success_members[] = {{"status", &success_literal, presence::required}};
inline constexpr member_spec poc_success_members[] = {{"status", &success_literal, presence::required},
                                                      {"message", &text, presence::optional}};
inline constexpr member_spec retryable_members[] = {
    {"status", &retryable_literal, presence::required},
    {"message", &text, presence::optional},
    {"retry_after_ms", &any_int64, presence::optional},
};
inline constexpr member_spec fatal_members[] = {
    {"status", &fatal_literal, presence::required},
    {"requires_client_handling", &boolean, presence::required},
    {"message", &text, presence::optional},
    {"failed_operation", &failed_operation_slot, presence::required},
};
inline constexpr member_spec poc_fatal_members[] = {
    {"status", &fatal_literal, presence::required},
    {"requires_client_handling", &boolean, presence::optional},
    {"message", &text, presence::optional},
    {"failed_operation", &failed_operation_slot, presence::required},
};
inline constexpr member_spec not_attempted_members[] = {{"status", &not_attempted_literal, presence::required}};
// Any other status: a newer server's; kept whole as unknown_status (docs/results.md).
inline constexpr member_spec unknown_status_members[] = {{"status", &text, presence::required}};
inline constexpr object_spec success_result{success_members, result_orders};
inline constexpr object_spec poc_success_result{poc_success_members, result_orders};
inline constexpr object_spec retryable_result{retryable_members, result_orders};
inline constexpr object_spec fatal_result{fatal_members, result_orders};
inline constexpr object_spec poc_fatal_result{poc_fatal_members, result_orders};
inline constexpr object_spec not_attempted_result{not_attempted_members, result_orders};
inline constexpr object_spec unknown_status_result{unknown_status_members, result_orders};
inline constexpr const object_spec* result_variants[] = {&success_result, &retryable_result, &fatal_result,
                                                         &not_attempted_result, &unknown_status_result};
inline constexpr const object_spec* poc_result_variants[] = {&poc_success_result, &retryable_result, &poc_fatal_result,
                                                             &not_attempted_result, &unknown_status_result};
inline constexpr slot result_slot{.kind = slot_kind::object_variant, .variants = result_variants};
inline constexpr slot poc_result_slot{.kind = slot_kind::object_variant, .variants = poc_result_variants};

inline constexpr slot result_array{.kind = slot_kind::array,
                                   .element = &result_slot,
                                   .max_items = 50,
                                   .too_many = errc::batch_too_large,
                                   .knob = count_knob::transactions};
inline constexpr member_spec batch_result_members[] = {{"results", &result_array, presence::required}};
inline constexpr object_spec batch_result{batch_result_members, {}};

inline constexpr member_spec message_response_members[] = {{"message", &text, presence::required}};
inline constexpr object_spec message_response{message_response_members, {}};

template <const object_spec& Spec>
inline constexpr slot object_of{.kind = slot_kind::object, .object = &Spec};

// The root of every kind, in message_kind order.
inline constexpr const slot* roots[] = {
    &object_of<crud_row>,
    &ps_crud_slot,
    &object_of<sdk_entry>,
    &upload_entry_slot,
    &transaction_slot,
    &object_of<batch>,
    &object_of<checkpoint_request>,
    &object_of<checkpoint_response>,
    &object_of<write_checkpoint_response>,
    &object_of<custom_checkpoint_request>,
    &object_of<custom_checkpoint_response>,
    &object_of<service_error>,
    &object_of<sync_line>,
    &result_slot,
    &poc_result_slot,
    &object_of<batch_result>,
    &object_of<message_response>,
};
static_assert(std::size(roots) == message_kind_names.size(), "every kind has a schema");

}  // namespace schema

// The schema of a kind's whole message.
inline const slot& kind_schema(message_kind kind) noexcept { return *schema::roots[static_cast<std::size_t>(kind)]; }

}  // namespace pswire::testing
