// Decode memory of a batch (issue 13, docs/limits.md): resident bytes a
// batch_decoder holds after decoding one large TransactionBatch, as a
// multiple of the message. Run: build-bench/bench/pswire_memory
// (the bench build; Linux: reads /proc/self/statm).
#include <cstdio>
#include <fstream>
#include <string>

#include <pswire/pswire.hpp>
#include <simdjson.h>

namespace {

std::size_t resident_bytes() {
  std::ifstream statm("/proc/self/statm");
  std::size_t pages = 0, resident = 0;
  statm >> pages >> resident;
  return resident * 4096;
}

// About `target` bytes of `op` repeated, 50 transactions.
std::string make_batch(std::string_view op, std::size_t target) {
  std::string out = R"({"transactions":[)";
  const std::size_t per_tx = target / 50 / (op.size() + 1) + 1;
  for (int t = 0; t < 50; ++t) {
    out += t == 0 ? R"({"crud":[)" : R"(,{"crud":[)";
    for (std::size_t i = 0; i < per_tx; ++i) {
      if (i != 0) out += ',';
      out += op;
    }
    out += "],\"transaction_id\":" + std::to_string(t + 1) + "}";
  }
  out += "]}";
  return out;
}

void measure(const char* name, std::string_view op, bool padded) {
  const std::string json = make_batch(op, 15u << 20);
  const simdjson::padded_string padded_json(json);
  const std::size_t before = resident_bytes();
  {
    pswire::batch_decoder decoder;
    auto batch = padded ? decoder.decode_batch(padded_json) : decoder.decode_batch(json);
    if (!batch) {
      std::printf("%s: %s\n", name, pswire::to_string(batch.code()).data());
      return;
    }
    std::size_t ops = 0;
    for (const auto& tx : batch->transactions) ops += tx.crud.size();
    const std::size_t held = resident_bytes() - before;
    std::printf("| %s | %s | %.1f MiB | %zu | %.1f MiB | %.2f× |\n", name, padded ? "padded" : "std::string", static_cast<double>(json.size()) / 1048576.0,
                ops, static_cast<double>(held) / 1048576.0, static_cast<double>(held) / static_cast<double>(json.size()));
  }
}

}  // namespace

int main() {
  std::printf("| ops | input | message | operations | decoder resident | × message |\n|---|---|---:|---:|---:|---:|\n");
  const std::string_view minimal = R"({"op":"DELETE","table":"t","id":"1"})";
  const std::string_view todo =
      R"({"op":"PUT","table":"todos","id":"0c5e3b9a-2f6d-4a8e-9c1b-7d2e4f6a8b0c","op_data":{"completed":0,"created_at":"2024-05-01T10:00:00.000Z","description":"Buy milk","list_id":"7f0c9e2a-1b3d-4c5e-8f6a-9b0c1d2e3f4a","priority":12.5}})";
  for (bool padded : {true, false}) {
    measure("minimal DELETE", minimal, padded);
    measure("todo PUT", todo, padded);
  }
}
