// pswire side by side with nlohmann/json, RapidJSON and simdjson, in one
// binary and one run, on the same bytes (bench/messages.hpp). Every
// benchmark reports bytes/s, messages/s (items) and heap allocations per
// message (allocs_per_msg, counted by the operator new hook below). Sync
// lines are also measured in BSON (bson_decode/, bson_encode/), against
// libbson's own iteration over the same documents.
// Method and results: bench/README.md.
#include <benchmark/benchmark.h>
#include <bson/bson.h>

#include <cstdio>
#include <cstdlib>
#include <functional>
#include <new>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <simdjson.h>

#include <pswire/pswire.hpp>

#include "messages.hpp"

// ---------------------------------------------------------------- allocation counter
// The benchmarks run on one thread: a plain counter is exact and costs nothing.
static std::size_t allocations = 0;

void* operator new(std::size_t n) {
  ++allocations;
  if (void* p = std::malloc(n != 0 ? n : 1)) return p;
  throw std::bad_alloc();
}
void* operator new[](std::size_t n) { return operator new(n); }
void* operator new(std::size_t n, const std::nothrow_t&) noexcept {
  ++allocations;
  return std::malloc(n != 0 ? n : 1);
}
void* operator new[](std::size_t n, const std::nothrow_t& tag) noexcept { return operator new(n, tag); }
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }

namespace {

using bench::crud_row;

[[noreturn]] void die(const char* what) {
  std::fprintf(stderr, "bench setup: %s\n", what);
  std::abort();
}

// ---------------------------------------------------------------- the messages

enum class kind { batch, batch_result, checkpoint_request, checkpoint_response, sync_lines };

struct message {
  std::string name;
  kind type;
  std::vector<std::string> documents;  // one, or the lines of a stream
  std::vector<simdjson::padded_string> padded;
  std::size_t bytes = 0;
  // What pswire encodes the message from (kind::batch_result, kind::sync_lines).
  std::span<const pswire::transaction_result> results{};
  std::span<const pswire::sync_line> lines{};
  // kind::sync_lines: the same lines as BSON documents (encode_sync_line_bson).
  std::vector<std::string> bson{};
  std::size_t bson_bytes = 0;
};

struct corpus {
  std::vector<crud_row> rows_1000 = bench::make_rows(1000, 20);
  bench::batch_result_source results, results_many;
  bench::sync_stream_source stream, many_buckets, many_ops;
  std::vector<message> messages;

  corpus() {
    bench::make_batch_result_source(results);
    bench::make_batch_result_many_source(results_many);
    bench::make_sync_stream_source(stream);
    bench::make_checkpoint_many_buckets_source(many_buckets);
    bench::make_data_many_ops_source(many_ops);
    add("batch_1", kind::batch, {bench::make_upload_batch(bench::make_rows(1, 1, 1))});
    add("batch_100", kind::batch, {bench::make_upload_batch(bench::make_rows(100, 10, 100))});
    add("batch_1000", kind::batch, {bench::make_upload_batch(rows_1000)});
    add("batch_wide", kind::batch, {bench::make_upload_batch(bench::make_wide_rows(200, 20))});
    add("batch_long_text", kind::batch, {bench::make_upload_batch(bench::make_long_text_rows(50, 5))});
    add_results("batch_result", results);
    add_results("batch_result_many", results_many);
    add("checkpoint_request", kind::checkpoint_request, {encode_with([](pswire::json_writer& w) {
          pswire::write_checkpoint_request(w, {"5d0e8a37-1f0c-4f2a-9b1e-2c47f3d8a0b6", 1741});
        })});
    add("checkpoint_response", kind::checkpoint_response,
        {encode_with([](pswire::json_writer& w) { pswire::write_checkpoint_request_response(w, {1741}); })});
    add_sync_lines("sync_stream", stream);
    add_sync_lines("checkpoint_many_buckets", many_buckets);
    add_sync_lines("data_many_ops", many_ops);
  }

  template <class Write>
  static std::string encode_with(Write&& write) {
    std::string out;
    pswire::json_writer w{pswire::string_sink(out)};
    write(w);
    if (!w.finish()) die("encoding a message failed");
    return out;
  }

  void add(std::string name, kind type, std::vector<std::string> documents) {
    message m{std::move(name), type, std::move(documents), {}, 0};
    for (const std::string& d : m.documents) {
      m.padded.emplace_back(d);
      m.bytes += d.size();
    }
    messages.push_back(std::move(m));
  }

  void add_results(std::string name, const bench::batch_result_source& source) {
    add(std::move(name), kind::batch_result,
        {encode_with([&](pswire::json_writer& w) { pswire::write_batch_response(w, source.results); })});
    messages.back().results = source.results;
  }

  void add_sync_lines(std::string name, const bench::sync_stream_source& source) {
    std::vector<std::string> lines;
    for (const auto& line : source.lines) lines.push_back(encode_with([&](pswire::json_writer& w) { pswire::write_sync_line(w, line); }));
    add(std::move(name), kind::sync_lines, std::move(lines));
    message& m = messages.back();
    m.lines = source.lines;
    for (const auto& line : source.lines) {
      std::string& doc = m.bson.emplace_back();
      if (!pswire::encode_sync_line_bson(doc, line)) die("encoding a line as BSON failed");
      m.bson_bytes += doc.size();
    }
  }
};

const corpus& data() {
  static const corpus c;
  return c;
}

// Runs `body` (one message) in the benchmark loop and reports bytes/s,
// messages/s and the heap allocations of one message in the steady state:
// counted on a run after a warm-up run, so that buffers have grown.
template <class Body>
void run(benchmark::State& state, std::size_t documents, Body&& body) {
  std::size_t bytes = body();
  const std::size_t before = allocations;
  body();
  const std::size_t steady = allocations - before;
  for (auto _ : state) bytes = body();
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * static_cast<std::int64_t>(bytes));
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * static_cast<std::int64_t>(documents));
  state.counters["allocs_per_msg"] = static_cast<double>(steady) / static_cast<double>(documents);
}

// ---------------------------------------------------------------- pswire

// Every decoder a message kind needs, reused across messages as documented.
struct pswire_decoders {
  pswire::batch_decoder batch;
  pswire::result_decoder results;
  pswire::checkpoint_decoder checkpoints;
  pswire::sync_line_decoder sync_lines;
};

std::uint64_t touch(std::optional<std::string_view> s) { return s ? s->size() : 0; }
std::uint64_t touch(std::optional<std::int64_t> i) { return i ? static_cast<std::uint64_t>(*i) : 0; }

std::uint64_t touch(const pswire::transaction_batch& batch) {
  std::uint64_t sum = 0;
  for (const pswire::crud_transaction& tx : batch.transactions) {
    sum += touch(tx.transaction_id);
    for (const pswire::crud_entry<>& op : tx.crud) {
      sum += touch(op.op_id) + touch(op.tx_id) + op.table.size() + op.id.size() + static_cast<std::uint64_t>(op.type());
      if (const auto* put = op.as_put()) sum += put->data.text().size();
      if (const auto* patch = op.as_patch()) sum += patch->data.text().size();
      sum += op.old.text().size() + touch(op.metadata);
    }
  }
  return sum;
}

std::uint64_t touch(const pswire::batch_response& response) {
  std::uint64_t sum = 0;
  for (const auto& r : response.results) {
    if (!r) die("a result did not decode");
    sum += std::visit(
        [](const auto& x) -> std::uint64_t {
          using T = std::decay_t<decltype(x)>;
          if constexpr (std::is_same_v<T, pswire::success_result>) {
            return 1 + touch(x.message);
          } else if constexpr (std::is_same_v<T, pswire::retryable_error>) {
            return 2 + touch(x.message) + touch(x.retry_after_ms);
          } else if constexpr (std::is_same_v<T, pswire::fatal_error>) {
            return 3 + x.requires_client_handling.value_or(false) + touch(x.message) + x.failed.error_code.size() +
                   touch(x.failed.message) + x.failed.details.text().size() + touch(x.failed.operation_index);
          } else if constexpr (std::is_same_v<T, pswire::not_attempted>) {
            return 4;
          } else {
            return x.status.size() + x.body.text().size();
          }
        },
        *r);
  }
  return sum;
}

std::uint64_t touch(const pswire::sync_line& line) {
  auto buckets = [](std::span<const pswire::bucket_checksum> list) {
    std::uint64_t sum = 0;
    for (const auto& b : list) {
      sum += b.bucket.size() + b.checksum + touch(b.count) + touch(b.priority) + b.subscriptions.text().size();
    }
    return sum;
  };
  return std::visit(
      [&](const auto& l) -> std::uint64_t {
        using T = std::decay_t<decltype(l)>;
        if constexpr (std::is_same_v<T, pswire::checkpoint_line>) {
          return static_cast<std::uint64_t>(l.last_op_id) + touch(l.write_checkpoint) + buckets(l.buckets) + l.streams.text().size();
        } else if constexpr (std::is_same_v<T, pswire::checkpoint_diff_line>) {
          std::uint64_t sum = static_cast<std::uint64_t>(l.last_op_id) + touch(l.write_checkpoint) + buckets(l.updated_buckets);
          for (std::string_view name : l.removed_buckets) sum += name.size();
          return sum;
        } else if constexpr (std::is_same_v<T, pswire::checkpoint_complete_line>) {
          return touch(l.last_op_id);
        } else if constexpr (std::is_same_v<T, pswire::partial_checkpoint_complete_line>) {
          return touch(l.last_op_id) + static_cast<std::uint64_t>(l.priority);
        } else if constexpr (std::is_same_v<T, pswire::data_line>) {
          std::uint64_t sum = l.bucket.size() + touch(l.after) + touch(l.next_after) + l.has_more.value_or(false);
          for (const pswire::oplog_entry& e : l.data) {
            sum += static_cast<std::uint64_t>(e.op_id) + static_cast<std::uint64_t>(e.op) + touch(e.object_type) +
                   touch(e.object_id) + touch(e.subkey) + (e.data ? e.data->wire_bytes().size() : e.legacy_data.text().size()) + e.checksum;
          }
          return sum;
        } else if constexpr (std::is_same_v<T, pswire::token_expires_in_line>) {
          return static_cast<std::uint64_t>(l.seconds);
        } else {
          return l.type.size() + l.value.text().size();
        }
      },
      line);
}

template <class T>
T must(pswire::result<T> r) {
  if (!r) die("pswire rejected a benchmark message");
  return *r;
}

std::uint64_t pswire_decode(pswire_decoders& d, kind type, pswire::json_input json) {
  switch (type) {
    case kind::batch: return touch(must(d.batch.decode_batch(json)));
    case kind::batch_result: return touch(must(d.results.decode_batch_response(json)));
    case kind::checkpoint_request: {
      const auto& r = must(d.checkpoints.decode_checkpoint_request(json));
      return r.client_id.size() + static_cast<std::uint64_t>(r.checkpoint_request_id);
    }
    case kind::checkpoint_response:
      return static_cast<std::uint64_t>(must(d.checkpoints.decode_checkpoint_request_response(json.text)).checkpoint_request_id);
    case kind::sync_lines: return touch(must(d.sync_lines.decode_sync_line(json)));
  }
  return 0;
}

// pswire parses the same padded buffers as the simdjson peers (in place)...
void bm_pswire_decode(benchmark::State& state, const message& m) {
  pswire_decoders d;
  run(state, m.documents.size(), [&] {
    std::uint64_t sum = 0;
    for (const simdjson::padded_string& doc : m.padded) sum += pswire_decode(d, m.type, doc);
    benchmark::DoNotOptimize(sum);
    return m.bytes;
  });
}

// ...and, for the caller without padding, a std::string it copies first.
void bm_pswire_unpadded_decode(benchmark::State& state, const message& m) {
  pswire_decoders d;
  run(state, m.documents.size(), [&] {
    std::uint64_t sum = 0;
    for (const std::string& doc : m.documents) sum += pswire_decode(d, m.type, doc);
    benchmark::DoNotOptimize(sum);
    return m.bytes;
  });
}

// What an application encodes from: the decoded batch (views into the
// message, held by `decoder`), or the structures the source was made of.
struct pswire_encode_source {
  pswire::batch_decoder decoder;
  pswire::transaction_batch batch;
};

void pswire_encode(pswire::json_writer& w, std::string& out, const message& m, const pswire_encode_source& src) {
  switch (m.type) {
    case kind::batch: pswire::write_batch(w, src.batch); break;
    case kind::batch_result: pswire::write_batch_response(w, m.results); break;
    case kind::checkpoint_request: pswire::write_checkpoint_request(w, {"5d0e8a37-1f0c-4f2a-9b1e-2c47f3d8a0b6", 1741}); break;
    case kind::checkpoint_response: pswire::write_checkpoint_request_response(w, {1741}); break;
    case kind::sync_lines:
      for (const auto& line : m.lines) {
        pswire::write_sync_line(w, line);
        out += '\n';
      }
      break;
  }
}

void bm_pswire_encode(benchmark::State& state, const message& m) {
  pswire_encode_source src;
  if (m.type == kind::batch) src.batch = must(src.decoder.decode_batch(m.documents.front()));
  std::string out;
  // The output must be the message itself: the encoders do the same job as the peers.
  {
    pswire::json_writer w{pswire::string_sink(out)};
    pswire_encode(w, out, m, src);
    std::string expected;
    for (const std::string& doc : m.documents) expected += m.type == kind::sync_lines ? doc + '\n' : doc;
    if (!w.finish() || out != expected) die("pswire encode is not byte-exact");
  }
  run(state, m.documents.size(), [&] {
    out.clear();
    pswire::json_writer w{pswire::string_sink(out)};
    pswire_encode(w, out, m, src);
    benchmark::DoNotOptimize(out.data());
    return m.bytes;
  });
}

// ---------------------------------------------------------------- peers
// Each peer parses into its DOM and visits every value (string lengths,
// numbers, booleans): at least the extraction pswire does.

// A number's share of a walk's sum, the same for every peer (integers held as doubles included).
std::uint64_t as_sum(double d) { return static_cast<std::uint64_t>(static_cast<std::int64_t>(d)); }

std::uint64_t walk(const nlohmann::json& j) {
  switch (j.type()) {
    case nlohmann::json::value_t::object: {
      std::uint64_t sum = 0;
      for (const auto& [key, value] : j.items()) sum += key.size() + walk(value);
      return sum;
    }
    case nlohmann::json::value_t::array: {
      std::uint64_t sum = 0;
      for (const auto& value : j) sum += walk(value);
      return sum;
    }
    case nlohmann::json::value_t::string: return j.get_ref<const std::string&>().size();
    case nlohmann::json::value_t::number_integer: return static_cast<std::uint64_t>(j.get<std::int64_t>());
    case nlohmann::json::value_t::number_unsigned: return j.get<std::uint64_t>();
    case nlohmann::json::value_t::number_float: return as_sum(j.get<double>());
    case nlohmann::json::value_t::boolean: return j.get<bool>();
    default: return 0;
  }
}

template <class Value>
std::uint64_t walk_rapidjson(const Value& v) {
  std::uint64_t sum = 0;
  if (v.IsObject()) {
    for (auto it = v.MemberBegin(); it != v.MemberEnd(); ++it) sum += it->name.GetStringLength() + walk_rapidjson(it->value);
  } else if (v.IsArray()) {
    for (const auto& e : v.GetArray()) sum += walk_rapidjson(e);
  } else if (v.IsString()) {
    sum = v.GetStringLength();
  } else if (v.IsInt64()) {
    sum = static_cast<std::uint64_t>(v.GetInt64());
  } else if (v.IsUint64()) {
    sum = v.GetUint64();
  } else if (v.IsDouble()) {
    sum = as_sum(v.GetDouble());
  } else if (v.IsBool()) {
    sum = v.GetBool();
  }
  return sum;
}

std::uint64_t walk(simdjson::dom::element e) {
  std::uint64_t sum = 0;
  switch (e.type()) {
    case simdjson::dom::element_type::OBJECT:
      for (auto field : simdjson::dom::object(e)) sum += field.key.size() + walk(field.value);
      break;
    case simdjson::dom::element_type::ARRAY:
      for (auto child : simdjson::dom::array(e)) sum += walk(child);
      break;
    case simdjson::dom::element_type::STRING: sum = std::string_view(e).size(); break;
    case simdjson::dom::element_type::INT64: sum = static_cast<std::uint64_t>(std::int64_t(e)); break;
    case simdjson::dom::element_type::UINT64: sum = std::uint64_t(e); break;
    case simdjson::dom::element_type::DOUBLE: sum = as_sum(double(e)); break;
    case simdjson::dom::element_type::BOOL: sum = bool(e); break;
    case simdjson::dom::element_type::NULL_VALUE: break;
  }
  return sum;
}

// The ceiling: On-Demand visits every value (keys and strings unescaped,
// numbers parsed) and builds nothing.
std::uint64_t walk(simdjson::ondemand::value v) {
  std::uint64_t sum = 0;
  switch (v.type().value()) {
    case simdjson::ondemand::json_type::object:
      for (auto field : v.get_object()) sum += field.unescaped_key().value().size() + walk(field.value().value());
      break;
    case simdjson::ondemand::json_type::array:
      for (auto child : v.get_array()) sum += walk(child.value());
      break;
    case simdjson::ondemand::json_type::string: sum = v.get_string().value().size(); break;
    case simdjson::ondemand::json_type::number: sum = as_sum(v.get_double().value()); break;
    case simdjson::ondemand::json_type::boolean: sum = v.get_bool().value(); break;
    case simdjson::ondemand::json_type::null:  // worth 0, as in the DOM walks; is_null() consumes it
      if (!v.is_null().value()) die("On-Demand typed a non-null value null");
      break;
  }
  return sum;
}

void bm_nlohmann_decode(benchmark::State& state, const message& m) {
  run(state, m.documents.size(), [&] {
    std::uint64_t sum = 0;
    for (const std::string& doc : m.documents) sum += walk(nlohmann::json::parse(doc));
    benchmark::DoNotOptimize(sum);
    return m.bytes;
  });
}

void bm_nlohmann_encode(benchmark::State& state, const message& m) {
  std::vector<nlohmann::json> dom;
  for (const std::string& doc : m.documents) dom.push_back(nlohmann::json::parse(doc));
  run(state, m.documents.size(), [&] {
    for (const auto& j : dom) {
      std::string out = j.dump();
      benchmark::DoNotOptimize(out.data());
    }
    return m.bytes;
  });
}

// RapidJSON at its fastest: memory pools over reused buffers, so parsing
// allocates nothing (the parse stack starts well inside its pool); UTF-8 is
// validated, as pswire does.
struct rapidjson_pools {
  std::vector<char> values = std::vector<char>(16u << 20), stack = std::vector<char>(1u << 20);
  static constexpr std::size_t initial_stack = 64u << 10;
};
using rapidjson_document =
    rapidjson::GenericDocument<rapidjson::UTF8<>, rapidjson::MemoryPoolAllocator<>, rapidjson::MemoryPoolAllocator<>>;
constexpr unsigned rapidjson_flags = rapidjson::kParseValidateEncodingFlag;

void bm_rapidjson_decode(benchmark::State& state, const message& m) {
  rapidjson_pools pools;
  run(state, m.documents.size(), [&] {
    std::uint64_t sum = 0;
    for (const std::string& doc : m.documents) {
      rapidjson::MemoryPoolAllocator<> value_pool(pools.values.data(), pools.values.size());
      rapidjson::MemoryPoolAllocator<> stack_pool(pools.stack.data(), pools.stack.size());
      rapidjson_document d(&value_pool, rapidjson_pools::initial_stack, &stack_pool);
      d.Parse<rapidjson_flags>(doc.data(), doc.size());
      if (d.HasParseError()) die("RapidJSON rejected a benchmark message");
      sum += walk_rapidjson(d);
    }
    benchmark::DoNotOptimize(sum);
    return m.bytes;
  });
}

void bm_rapidjson_encode(benchmark::State& state, const message& m) {
  std::vector<rapidjson::Document> dom(m.documents.size());
  for (std::size_t i = 0; i < dom.size(); ++i) dom[i].Parse<rapidjson_flags>(m.documents[i].data(), m.documents[i].size());
  rapidjson::StringBuffer out;
  rapidjson::Writer<rapidjson::StringBuffer> w(out);  // reused, with its stack
  run(state, m.documents.size(), [&] {
    out.Clear();
    for (const auto& d : dom) {
      w.Reset(out);
      d.Accept(w);
      if (m.type == kind::sync_lines) out.Put('\n');
    }
    benchmark::DoNotOptimize(out.GetString());
    return m.bytes;
  });
}

void bm_simdjson_dom_decode(benchmark::State& state, const message& m) {
  simdjson::dom::parser parser;
  run(state, m.documents.size(), [&] {
    std::uint64_t sum = 0;
    for (const auto& doc : m.padded) {
      simdjson::dom::element root;
      if (parser.parse(doc).get(root)) die("simdjson DOM rejected a benchmark message");
      sum += walk(root);
    }
    benchmark::DoNotOptimize(sum);
    return m.bytes;
  });
}

void bm_ondemand_walk(benchmark::State& state, const message& m) {
  simdjson::ondemand::parser parser;
  run(state, m.documents.size(), [&] {
    std::uint64_t sum = 0;
    for (const auto& doc : m.padded) {
      simdjson::ondemand::document d = parser.iterate(doc);
      sum += walk(d.get_value().value());
    }
    benchmark::DoNotOptimize(sum);
    return m.bytes;
  });
}

// ---------------------------------------------------------------- sync lines in BSON

void bm_pswire_bson_decode(benchmark::State& state, const message& m) {
  pswire::sync_line_decoder d;
  run(state, m.bson.size(), [&] {
    std::uint64_t sum = 0;
    for (const std::string& doc : m.bson) sum += touch(must(d.decode_sync_line_bson(doc)));
    benchmark::DoNotOptimize(sum);
    return m.bson_bytes;
  });
}

void bm_pswire_bson_encode(benchmark::State& state, const message& m) {
  std::string out, expected;
  for (const std::string& doc : m.bson) expected += doc;
  auto encode = [&] {
    out.clear();
    for (const auto& line : m.lines) {
      if (!pswire::encode_sync_line_bson(out, line)) die("encoding a line as BSON failed");
    }
    benchmark::DoNotOptimize(out.data());
    return m.bson_bytes;
  };
  encode();
  if (out != expected) die("pswire BSON encode is not byte-exact");
  run(state, m.bson.size(), encode);
}

// The BSON ceiling: libbson iterates each document in place and visits every
// value as the JSON peers' walks do (member names, string lengths, numbers,
// booleans), so the sums agree with theirs. Iteration checks lengths and
// terminators as it goes, not UTF-8.
std::uint64_t walk_libbson(bson_iter_t& iter, bool is_array) {
  std::uint64_t sum = 0;
  while (bson_iter_next(&iter)) {
    if (!is_array) sum += bson_iter_key_len(&iter);
    switch (bson_iter_type(&iter)) {
      case BSON_TYPE_DOCUMENT:
      case BSON_TYPE_ARRAY: {
        bson_iter_t child;
        if (!bson_iter_recurse(&iter, &child)) die("libbson cannot enter a benchmark document");
        sum += walk_libbson(child, bson_iter_type(&iter) == BSON_TYPE_ARRAY);
        break;
      }
      case BSON_TYPE_UTF8: {
        std::uint32_t length = 0;
        bson_iter_utf8(&iter, &length);
        sum += length;
        break;
      }
      case BSON_TYPE_INT32: sum += static_cast<std::uint64_t>(std::int64_t{bson_iter_int32(&iter)}); break;
      case BSON_TYPE_INT64: sum += static_cast<std::uint64_t>(bson_iter_int64(&iter)); break;
      case BSON_TYPE_DOUBLE: sum += as_sum(bson_iter_double(&iter)); break;
      case BSON_TYPE_BOOL: sum += bson_iter_bool(&iter); break;
      default: break;
    }
  }
  return sum;
}

// `validate`: bson_validate_with_error first (UTF-8 checked, as pswire does), a second pass.
std::uint64_t walk_libbson_document(const std::string& doc, bool validate) {
  bson_t b;
  bson_iter_t iter;
  if (!bson_init_static(&b, reinterpret_cast<const std::uint8_t*>(doc.data()), doc.size()) || !bson_iter_init(&iter, &b)) {
    die("libbson rejected a benchmark document");
  }
  bson_error_t error;
  if (validate && !bson_validate_with_error(&b, BSON_VALIDATE_UTF8, &error)) die("libbson found a benchmark document invalid");
  return walk_libbson(iter, false);
}

void bm_libbson_walk(benchmark::State& state, const message& m, bool validate) {
  run(state, m.bson.size(), [&] {
    std::uint64_t sum = 0;
    for (const std::string& doc : m.bson) sum += walk_libbson_document(doc, validate);
    benchmark::DoNotOptimize(sum);
    return m.bson_bytes;
  });
}
void bm_libbson_iterate(benchmark::State& state, const message& m) { bm_libbson_walk(state, m, false); }
void bm_libbson_validate_iterate(benchmark::State& state, const message& m) { bm_libbson_walk(state, m, true); }

// ---------------------------------------------------------------- ps_crud rows -> upload batch

// Output bytes of one batch.
std::size_t convert_rows(std::string& out, pswire::upload_batch_builder<pswire::string_sink>& builder) {
  for (const crud_row& row : data().rows_1000) {
    if (!builder.add_row(row.id, row.tx_id, row.data)) die("a row did not convert");
  }
  if (!builder.finish()) die("the batch did not close");
  benchmark::DoNotOptimize(out.data());
  return out.size();
}

// One decoder for every batch, as a client uploading in a loop keeps it.
// The builder is reused too (reset() keeps its transaction list's capacity).
void bm_convert_rows(benchmark::State& state) {
  std::string out;
  pswire::crud_decoder decoder;
  pswire::json_writer first{pswire::string_sink(out)};
  pswire::upload_batch_builder builder(first, decoder);
  run(state, 1, [&] {
    out.clear();
    pswire::json_writer w{pswire::string_sink(out)};
    builder.reset(w);
    return convert_rows(out, builder);
  });
}

// The same rows handed over at once: add_rows() runs stage 1 per block of rows.
void bm_convert_rows_at_once(benchmark::State& state) {
  std::string out;
  pswire::crud_decoder decoder;
  pswire::json_writer first{pswire::string_sink(out)};
  pswire::upload_batch_builder builder(first, decoder);
  std::vector<pswire::ps_crud_row> rows;
  for (const crud_row& row : data().rows_1000) rows.push_back({row.id, row.tx_id, row.data});
  run(state, 1, [&] {
    out.clear();
    pswire::json_writer w{pswire::string_sink(out)};
    builder.reset(w);
    std::size_t added = 0;
    if (!builder.add_rows(rows, added) || !builder.finish()) die("the rows did not convert");
    benchmark::DoNotOptimize(out.data());
    return out.size();
  });
}

// The same with a builder that owns its decoder (a new simdjson parser per batch).
void bm_convert_rows_own_decoder(benchmark::State& state) {
  std::string out;
  run(state, 1, [&] {
    out.clear();
    pswire::json_writer w{pswire::string_sink(out)};
    pswire::upload_batch_builder builder(w);
    return convert_rows(out, builder);
  });
}

// ---------------------------------------------------------------- linear time on hostile input
// Each case puts a hostile value of about N bytes into an entry's data,
// {"op":"PUT","type":"todos","id":"x","data":{"v":<hostile>}}, and decodes it
// with the default limits: the time per byte must not grow with N.

struct hostile_case {
  const char* name;
  std::string (*make)(std::size_t n);
  pswire::errc expected;
};

// Appends units to `out` while it stays within n bytes.
std::string repeat(std::string out, std::string_view unit, std::size_t n) {
  while (out.size() + unit.size() <= n) out += unit;
  return out;
}

// Values nested to depth 58 (the entry and its data add 3 more: under max_depth 64), many times.
std::string nested_at_limit(std::size_t n) {
  std::string unit(58, '[');
  unit.append(58, ']');
  std::string out = repeat(unit, std::string(1, ',').append(unit), n);
  return out.insert(0, 1, '[').append(1, ']');
}
std::string nesting_past_limit(std::size_t n) { return std::string(n, '['); }
std::string digit_run(std::size_t n) { return std::string(n, '1'); }
std::string many_elements(std::size_t n) { return repeat("[1", ",1", n).append(1, ']'); }
std::string escaped_string(std::size_t n) { return repeat("\"", R"(a\n\u00e9\"\\\ud83c\udf89 )", n).append(1, '"'); }

constexpr hostile_case hostile_cases[] = {
    {"nested_at_limit", nested_at_limit, pswire::errc::ok},
    {"nesting_past_limit", nesting_past_limit, pswire::errc::depth_exceeded},
    {"digit_run", digit_run, pswire::errc::number_too_long},
    {"many_elements", many_elements, pswire::errc::ok},
    {"escaped_string", escaped_string, pswire::errc::ok},
};

void bm_hostile(benchmark::State& state, const hostile_case& c) {
  const std::string input =
      R"({"op":"PUT","type":"todos","id":"x","data":{"v":)" + c.make(static_cast<std::size_t>(state.range(0))) + "}}";
  pswire::crud_decoder decoder;
  const auto decoded = decoder.decode(input, pswire::crud_dialect::sdk);
  if ((decoded ? pswire::errc::ok : decoded.error_info().code) != c.expected) die("a hostile input decoded unexpectedly");
  run(state, 1, [&] {
    auto r = decoder.decode(input, pswire::crud_dialect::sdk);
    benchmark::DoNotOptimize(r);
    return input.size();
  });
  state.SetComplexityN(static_cast<benchmark::IterationCount>(input.size()));
}

#define PSWIRE_STRINGIFY_(x) #x
#define PSWIRE_STRINGIFY(x) PSWIRE_STRINGIFY_(x)

// The peers must visit the same values, or they would not do the same job.
void check_peers_agree() {
  for (const message& m : data().messages) {
    std::uint64_t sums[5] = {};
    simdjson::dom::parser dom_parser;
    simdjson::ondemand::parser ondemand_parser;
    for (std::size_t i = 0; i < m.documents.size(); ++i) {
      sums[0] += walk(nlohmann::json::parse(m.documents[i]));
      rapidjson::Document d;
      d.Parse<rapidjson_flags>(m.documents[i].data(), m.documents[i].size());
      sums[1] += walk_rapidjson(d);
      sums[2] += walk(dom_parser.parse(m.padded[i]).value());
      simdjson::ondemand::document doc = ondemand_parser.iterate(m.padded[i]);
      sums[3] += walk(doc.get_value().value());
      if (m.type == kind::sync_lines) sums[4] += walk_libbson_document(m.bson[i], true);
    }
    if (m.type == kind::sync_lines && sums[4] != sums[0]) {
      std::fprintf(stderr, "%s: nlohmann %llu, libbson over the BSON form %llu\n", m.name.c_str(),
                   static_cast<unsigned long long>(sums[0]), static_cast<unsigned long long>(sums[4]));
      die("libbson visits other values than the JSON peers");
    }
    if (sums[1] != sums[0] || sums[2] != sums[0] || sums[3] != sums[0]) {
      std::fprintf(stderr, "%s: nlohmann %llu, RapidJSON %llu, simdjson DOM %llu, On-Demand %llu\n", m.name.c_str(),
                   static_cast<unsigned long long>(sums[0]), static_cast<unsigned long long>(sums[1]),
                   static_cast<unsigned long long>(sums[2]), static_cast<unsigned long long>(sums[3]));
      die("the peers visit different values");
    }
  }
}

void register_all() {
  check_peers_agree();
  using fn = void (*)(benchmark::State&, const message&);
  const std::pair<const char*, fn> decoders[] = {{"pswire", bm_pswire_decode},
                                                 {"pswire_unpadded", bm_pswire_unpadded_decode},
                                                 {"nlohmann", bm_nlohmann_decode},
                                                 {"rapidjson", bm_rapidjson_decode},
                                                 {"simdjson_dom", bm_simdjson_dom_decode},
                                                 {"ondemand_walk", bm_ondemand_walk}};
  const std::pair<const char*, fn> encoders[] = {
      {"pswire", bm_pswire_encode}, {"nlohmann", bm_nlohmann_encode}, {"rapidjson", bm_rapidjson_encode}};
  const std::pair<const char*, fn> bson_decoders[] = {
      {"pswire", bm_pswire_bson_decode}, {"libbson_iterate", bm_libbson_iterate}, {"libbson_validate_iterate", bm_libbson_validate_iterate}};
  for (const message& m : data().messages) {
    for (const auto& [lib, f] : decoders) benchmark::RegisterBenchmark(("decode/" + m.name + "/" + lib).c_str(), f, std::cref(m));
    for (const auto& [lib, f] : encoders) benchmark::RegisterBenchmark(("encode/" + m.name + "/" + lib).c_str(), f, std::cref(m));
    if (m.type != kind::sync_lines) continue;
    for (const auto& [lib, f] : bson_decoders) benchmark::RegisterBenchmark(("bson_decode/" + m.name + "/" + lib).c_str(), f, std::cref(m));
    benchmark::RegisterBenchmark(("bson_encode/" + m.name + "/pswire").c_str(), bm_pswire_bson_encode, std::cref(m));
  }
  benchmark::RegisterBenchmark("convert/rows_1000_to_batch/pswire", bm_convert_rows);
  benchmark::RegisterBenchmark("convert/rows_1000_to_batch/pswire_own_decoder", bm_convert_rows_own_decoder);
  benchmark::RegisterBenchmark("convert/rows_1000_to_batch/pswire_add_rows", bm_convert_rows_at_once);
  for (const hostile_case& c : hostile_cases) {
    benchmark::RegisterBenchmark((std::string("linear/") + c.name + "/pswire").c_str(), bm_hostile, std::cref(c))
        ->RangeMultiplier(4)
        ->Range(1 << 10, 1 << 20)
        ->Complexity(benchmark::oN);
  }
}

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  // On-Demand (pswire and the ceiling) is inlined here and runs the kernel
  // our compile flags select; the DOM parser is compiled into libsimdjson
  // and picks at run time.
  // (simdjson::builtin_implementation() is compiled into libsimdjson, so it
  // names the library's own build, not ours: the macro is the truth here.)
  // Stage 1 (structural indexing) and string unescaping run in the library's
  // run-time dispatched kernel, for On-Demand as for DOM.
  benchmark::AddCustomContext("ondemand_kernel_of_our_tu", PSWIRE_STRINGIFY(SIMDJSON_BUILTIN_IMPLEMENTATION));
  benchmark::AddCustomContext("libsimdjson_runtime_kernel", simdjson::get_active_implementation()->name());
  benchmark::AddCustomContext("simdjson_version", PSWIRE_STRINGIFY(SIMDJSON_VERSION));
  register_all();
  std::string names;  // in corpus order, for ratios.py's tables
  for (const message& m : data().messages) {
    benchmark::AddCustomContext("bytes/" + m.name, std::to_string(m.bytes));
    if (m.type == kind::sync_lines) benchmark::AddCustomContext("bson_bytes/" + m.name, std::to_string(m.bson_bytes));
    names += (names.empty() ? "" : ",") + m.name;
  }
  benchmark::AddCustomContext("messages", names);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
