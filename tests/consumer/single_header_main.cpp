// A vendoring consumer: nothing on the include path but single_include/
// (plus the system's simdjson and Boost). Decodes a batch, walks it, rejects
// a bad one with a named error, and re-encodes the good one byte for byte.
#define PSWIRE_DEFINE_BOOST_THROW_HANDLERS  // this is the one TU that defines them
#include <pswire/pswire.hpp>

#include <cstdio>
#include <string>
#include <string_view>

int main() {
  constexpr std::string_view body =
      R"({"transactions":[{"crud":[{"op":"PUT","table":"todos","id":"a1","op_data":{"description":"milk","completed":0}},)"
      R"({"op":"DELETE","table":"todos","id":"b2"}],"transaction_id":7}]})";
  pswire::batch_decoder decoder;
  auto batch = decoder.decode_batch(body);
  if (!batch) {
    std::fprintf(stderr, "decode failed: %s\n", std::string(pswire::to_string(batch.error_info().code)).c_str());
    return 1;
  }
  int puts = 0, deletes = 0;
  for (const pswire::crud_transaction& tx : batch->transactions) {
    if (tx.transaction_id != 7) return 1;
    for (const pswire::crud_entry<>& op : tx.crud) {
      if (op.table != "todos") return 1;
      if (op.as_put() != nullptr) ++puts;
      if (op.type() == pswire::op_type::del) ++deletes;
    }
  }
  if (puts != 1 || deletes != 1) return 1;

  std::string out;
  pswire::json_writer writer{pswire::string_sink(out)};
  pswire::write_batch(writer, *batch);
  if (out != body) return 1;

  auto bad = decoder.decode_batch(R"({"transactions":[]})");
  if (bad || bad.error_info().code != pswire::errc::batch_empty) return 1;
  std::printf("single header: batch of %d ops decoded and re-encoded\n", puts + deletes);
  return 0;
}
