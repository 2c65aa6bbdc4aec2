// Fuzz target: sync-stream framing (sync_stream.hpp). The first input byte
// picks the framing (bit 0) and a seed (the other bits) for the chunk sizes
// and the line limit; the rest is the stream. Read whole and read in chunks
// (1-byte, empty and larger ones, from the seed), and again in other chunks
// after reset(), it must give the same lines, the same error code and
// offset, and the same stream offset. Each chunk is
// an exact-size heap block freed once the reader is done with it, so ASan
// catches a read past a chunk and a view kept of one after it.
#include <pswire/sync_stream.hpp>

#include "fuzz_support.hpp"

#include <algorithm>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

namespace {

struct reading {
  std::vector<std::string> lines;
  pswire::errc code = pswire::errc::ok;
  std::size_t error_offset = 0;
  std::uint64_t stream_offset = 0;
  bool operator==(const reading&) const = default;
};

// Chunk sizes from the seed (xorshift32): a quarter each of 1 byte, up to 8,
// up to 64 (0 included), up to 1024.
class chunk_sizes {
 public:
  explicit chunk_sizes(unsigned seed) : state_(seed * 2654435761u + 1) {}
  std::size_t next() {
    state_ ^= state_ << 13;
    state_ ^= state_ >> 17;
    state_ ^= state_ << 5;
    const std::uint32_t pick = state_ >> 2;
    switch (state_ & 3) {
      case 0: return 1;
      case 1: return 1 + pick % 8;
      case 2: return pick % 65;
      default: return 1 + pick % 1024;
    }
  }

 private:
  std::uint32_t state_;
};

template <class NextSize>
reading read_in_chunks(pswire::sync_stream_reader& reader, std::string_view stream, NextSize&& next_size) {
  reading out;
  std::size_t at = 0;
  bool fed_last = false;
  while (!fed_last) {
    const std::size_t size = std::min(next_size(), stream.size() - at);
    const auto chunk = std::make_unique<char[]>(size);
    if (size != 0) std::memcpy(chunk.get(), stream.data() + at, size);
    at += size;
    fed_last = at == stream.size();
    reader.feed(std::string_view(chunk.get(), size));
    for (;;) {
      auto line = reader.next_line();
      if (!line) {
        out.code = line.code();
        out.error_offset = line.error_info().offset;
        out.stream_offset = reader.stream_offset();
        return out;
      }
      if (!*line) break;
      out.lines.emplace_back(**line);
    }
  }
  auto end = reader.finish();
  out.code = end.code();
  out.error_offset = end.error_info().offset;
  out.stream_offset = reader.stream_offset();
  return out;
}

std::string describe(const reading& r) {
  std::string text = std::to_string(r.lines.size()) + " lines, ";
  text.append(pswire::to_string(r.code)).append(" at ").append(std::to_string(r.error_offset));
  text.append(", stream offset ").append(std::to_string(r.stream_offset));
  return text;
}

// What every line must be, whatever the chunks.
void check_lines(pswire::stream_framing framing, const pswire::limits& lim, std::string_view stream, const reading& r) {
  for (const std::string& line : r.lines) {
    if (line.size() > lim.max_message_bytes) fuzz_support::property_failed("a line over the limit", line);
    if (framing == pswire::stream_framing::ndjson) {
      if (line.empty() || line.find('\n') != std::string::npos) fuzz_support::property_failed("an empty line or one with '\\n'", line);
      continue;
    }
    std::uint32_t length = 0;
    for (std::size_t i = 0; i < 4 && i < line.size(); ++i) length |= std::uint32_t{static_cast<unsigned char>(line[i])} << (8 * i);
    if (line.size() < 5 || length != line.size()) fuzz_support::property_failed("a document whose length is not its size", line);
  }
  if (r.code == pswire::errc::ok && r.stream_offset != stream.size()) {
    fuzz_support::property_failed("a clean stream not consumed to its end", describe(r));
  }
  if (r.stream_offset > stream.size()) fuzz_support::property_failed("an offset past the stream", describe(r));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const auto framing = (data[0] & 1) != 0 ? pswire::stream_framing::bson : pswire::stream_framing::ndjson;
  const unsigned seed = data[0] >> 1;
  // Half the seeds read with a small line limit, so that line_too_large is reached.
  pswire::limits lim;
  if (seed < 64) lim.max_message_bytes = 5 + seed * 16;
  const std::string_view stream(reinterpret_cast<const char*>(data) + 1, size - 1);

  pswire::sync_stream_reader whole_reader(framing, lim);
  const reading whole = read_in_chunks(whole_reader, stream, [&] { return stream.size(); });
  check_lines(framing, lim, stream, whole);

  chunk_sizes sizes(seed);
  pswire::sync_stream_reader split_reader(framing, lim);
  const reading split = read_in_chunks(split_reader, stream, [&] { return sizes.next(); });
  if (!(split == whole)) fuzz_support::property_failed("chunks change the reading", describe(whole) + "\n" + describe(split));
  // reset() leaves nothing behind, a failure included: the same reader, other
  // chunks, the same reading.
  split_reader.reset();
  const reading reused = read_in_chunks(split_reader, stream, [&] { return sizes.next(); });
  if (!(reused == whole)) fuzz_support::property_failed("reset() kept state", describe(whole) + "\n" + describe(reused));
  return 0;
}
