// pswire: the command-line face of the codec.
//   pswire decode KIND [FILE] [--lines] [--pretty]   canonical re-encoding, or a named error
//   pswire decode sync-line --bson [FILE]            one BSON sync line, as canonical JSON
//   pswire decode sync-stream --framing F [FILE]     a whole sync stream, one canonical JSON line per line
//   pswire detect [FILE] [--lines]                   the message kind of an input
//   pswire convert crud-rows batch [FILE]            ps_crud rows (one per line) -> upload batches
//   pswire convert sync-stream FROM TO [FILE]        a sync stream from one framing into the other
//   pswire generate KIND [--seed N] [--count M]      generated messages, valid or (--invalid) not
//   pswire help [COMMAND]                            the manual (also --help, -h, COMMAND --help)
// Exit 0 on success, 1 on bad input, 2 on bad usage.
#include <algorithm>
#include <array>
#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstring>
#include <iterator>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <pswire/pswire.hpp>
#include <pswire/testing/generate.hpp>

namespace {

struct kind_info {
  std::string_view name, summary;
};

// Every message kind, in the manual's order.
constexpr kind_info kinds[] = {
    {"crud-row", R"(a ps_crud row {"id":N,"tx_id":N,"data":"<JSON>"})"},
    {"ps-crud", R"(a bare ps_crud.data object {"op","type","id",...})"},
    {"sdk-entry", R"(an SDK CrudEntry.toJSON() {"op_id","op","type",...})"},
    {"upload-entry", R"(a write-API CrudEntry {"op","table","id",...})"},
    {"transaction", R"(a write-API CrudTransaction {"crud":[...],...})"},
    {"batch", R"(a write-API TransactionBatch {"transactions":[...]})"},
    {"checkpoint-request", "a POST /sync/checkpoint-request body"},
    {"checkpoint-response", R"(its response {"data":{"checkpoint_request_id":..}})"},
    {"write-checkpoint-response", "a GET /write-checkpoint2.json response"},
    {"custom-checkpoint-request", "the PoC PUT /api/data/checkpoint body"},
    {"custom-checkpoint-response", R"(its response {"checkpoint":...})"},
    {"service-error", R"(the service's error envelope {"error":{...}})"},
    {"sync-line", "one sync stream line (unknown line types kept)"},
    {"result", "a write-API TransactionResponse"},
    {"poc-result", "the PoC's TransactionResponse (looser fatal form)"},
    {"batch-result", R"(a TransactionBatchResponse {"results":[...]})"},
    {"message-response", R"(the {"message":...} body of HTTP 400, 401, 500)"},
};

// The manual lists exactly the library's kinds, in its order.
static_assert([] {
  if (std::size(kinds) != pswire::message_kind_names.size()) return false;
  for (std::size_t i = 0; i < std::size(kinds); ++i) {
    if (kinds[i].name != pswire::message_kind_names[i]) return false;
  }
  return true;
}());

// detect's tie-break order, from the most specific shape to the most permissive.
using mk = pswire::message_kind;
constexpr mk detect_order[] = {
    mk::batch, mk::transaction, mk::batch_result, mk::crud_row, mk::upload_entry, mk::ps_crud, mk::sdk_entry,
    mk::checkpoint_request, mk::custom_checkpoint_request, mk::checkpoint_response, mk::write_checkpoint_response,
    mk::custom_checkpoint_response, mk::service_error, mk::result, mk::poc_result, mk::message_response, mk::sync_line,
};
static_assert(std::size(detect_order) == pswire::message_kind_names.size(), "detect tries every kind");

constexpr std::string_view synopsis[] = {
    "pswire decode KIND [FILE] [--lines] [--pretty]",
    "pswire decode sync-line --bson [FILE] [--pretty]",
    "pswire decode sync-stream --framing ndjson|bson [FILE]",
    "pswire detect [FILE] [--lines]",
    "pswire convert crud-rows batch [FILE]",
    "pswire convert sync-stream ndjson|bson ndjson|bson [FILE]",
    "pswire generate KIND [--seed N] [--count M] [--invalid] [--vectors]",
    "pswire help [COMMAND]    (also: pswire --help, pswire COMMAND --help)",
};

constexpr std::string_view decode_help =
    "pswire decode KIND [FILE] [--lines] [--pretty]\n"
    "    Reads one message of KIND from FILE (standard input without FILE),\n"
    "    checks it strictly and prints its canonical re-encoding: compact, in\n"
    "    the reference key order, strings and numbers as the PowerSync core\n"
    "    writes them. On bad input it prints 'pswire: ERROR_NAME at byte N\n"
    "    (PATH): detail' on standard error and exits 1; PATH is the JSON path\n"
    "    of the offending value (e.g. crud[2].op). A message longer than the\n"
    "    16 MiB limit is refused as message_too_large without being read\n"
    "    further, so memory stays bounded by the limit.\n"
    "    --lines   one message per input line, one output line per input\n"
    "              line; a bad line prints '!error ERROR_NAME at byte N\n"
    "              (PATH): detail' in its place and the exit status is 1 if\n"
    "              any line was bad.\n"
    "    --pretty  indent the output for humans (two spaces a level, one\n"
    "              member per line); the values are those of the canonical\n"
    "              form.\n"
    "\n"
    "pswire decode sync-line --bson [FILE] [--pretty]\n"
    "    Reads one sync line as a BSON document (exactly its bytes) and prints\n"
    "    the canonical JSON form of the line, the same as its JSON form gives.\n"
    "    Errors as above; PATH is the path of the offending BSON element.\n"
    "\n"
    "pswire decode sync-stream --framing ndjson|bson [FILE]\n"
    "    Reads a whole sync stream as it arrives over HTTP: NDJSON (lines split\n"
    "    on '\\n' only) or concatenated BSON documents. Prints one canonical\n"
    "    JSON line per line in; a bad line prints '!error ERROR_NAME at byte N\n"
    "    (PATH): detail' in its place (N counts from the start of that line).\n"
    "    A framing fault (a stream cut short, a BSON length out of range, a\n"
    "    line over 16 MiB) ends the stream with '!error ... at byte N' where N\n"
    "    counts from the start of the stream. Exit 1 if anything was bad.\n";

constexpr std::string_view detect_help =
    "pswire detect [FILE] [--lines]\n"
    "    Names the message kind of the input. It decodes the input as every\n"
    "    kind; of those that accept it, it names the one whose canonical\n"
    "    re-encoding keeps the most bytes (a decoder that ignores a member\n"
    "    keeps fewer), ties going to the earlier in this order: batch,\n"
    "    transaction, batch-result, crud-row, upload-entry, ps-crud,\n"
    "    sdk-entry, checkpoint-request, custom-checkpoint-request,\n"
    "    checkpoint-response, write-checkpoint-response,\n"
    "    custom-checkpoint-response, service-error, result, poc-result,\n"
    "    message-response, sync-line. A one-member object of no known line\n"
    "    type, which sync-line keeps as an unknown line, is named sync-line\n"
    "    only when no kind found a fault past its first byte. Otherwise it\n"
    "    prints 'pswire: no kind fits; closest KIND: ERROR_NAME at byte N\n"
    "    (PATH): detail' on standard error (the kind whose decoder got\n"
    "    furthest) and exits 1. Ambiguities: a bare ps_crud.data object is\n"
    "    also a valid sdk-entry (named ps-crud); an SDK entry with op_id or\n"
    "    tx_id is also a ps-crud object, which drops them (named sdk-entry);\n"
    "    a success or retryable result is also a poc-result (named result); a\n"
    "    fatal poc-result is also a message-response (named poc-result); a\n"
    "    transaction {\"crud\":[...]} is also an unknown sync line (named\n"
    "    transaction).\n"
    "    --lines   one message per input line, one kind name (or '!error\n"
    "              ...') per line.\n";

constexpr std::string_view convert_help =
    "pswire convert crud-rows batch [FILE]\n"
    "    Reads ps_crud rows (crud-row, one per line; blank lines skipped) and\n"
    "    prints write-API upload batches, one per line, each holding at most\n"
    "    50 transactions; the rows' data is spliced through byte for byte. A\n"
    "    bad row prints 'pswire: line N: ERROR_NAME at byte N (PATH): detail'\n"
    "    and exits 1.\n"
    "\n"
    "pswire convert sync-stream FROM TO [FILE]\n"
    "    Re-encodes a sync stream from one framing into the other (ndjson or\n"
    "    bson; the same framing twice gives the canonical form). Every line is\n"
    "    decoded strictly first; a bad line prints 'pswire: line N: ...' and\n"
    "    exits 1, leaving the lines before it written.\n";

constexpr std::string_view generate_help =
    "pswire generate KIND [--seed N] [--count M] [--invalid] [--vectors]\n"
    "    Prints M (default 1) generated messages of KIND, one per line: message\n"
    "    i comes from seed N+i (N defaults to 0), so '--seed N+i --count 1'\n"
    "    prints it again, byte for byte, on any machine. Valid messages vary\n"
    "    sizes, unicode and escapes, int64 extremes, optional members and the\n"
    "    key orders of the peers; 'pswire decode KIND --lines' accepts every one.\n"
    "    --invalid  near-valid messages instead: each breaks exactly one named\n"
    "               rule (a member missing or twice, a wrong type, a number out\n"
    "               of range, bad JSON, a limit, ...), which decode refuses.\n"
    "    --vectors  each message as a conformance-vector line (the format of\n"
    "               tests/vectors/README.md): its name holds the seed and, with\n"
    "               --invalid, the rule; 'output' is the canonical encoding,\n"
    "               'error' the error decode gives. Messages are then valid\n"
    "               UTF-8 (no invalid_utf8 rule: a JSON string cannot carry it).\n"
    "               Exit 1 if a message does not decode as its vector says (a\n"
    "               generator bug; please report it).\n";

constexpr std::string_view help_help =
    "pswire help [COMMAND]\n"
    "    Prints this manual, or the part on COMMAND (decode, detect, convert, generate, help).\n";

constexpr std::string_view examples =
    "EXAMPLES\n"
    "    pswire decode batch body.json\n"
    "    pswire decode batch --pretty < body.json     # indented for reading\n"
    "    pswire decode crud-row --lines rows.jsonl     # one line out per row\n"
    "    pswire detect request.json                    # e.g. prints: batch\n"
    "    pswire decode sync-line --lines stream.ndjson\n"
    "    pswire convert crud-rows batch rows.jsonl | pswire decode batch --lines\n"
    "    pswire convert sync-stream ndjson bson stream.ndjson > stream.bson\n"
    "    pswire decode sync-stream --framing bson stream.bson\n"
    "    pswire generate batch --count 1000 | pswire decode batch --lines\n"
    "    pswire generate sync-line --invalid --vectors --seed 7 --count 100\n";

// Appends each line of `text` to `out`, indented by `indent`.
void append_indented(std::string& out, std::string_view text, std::string_view indent) {
  while (!text.empty()) {
    const std::size_t end = text.find('\n');
    out += indent;
    out += text.substr(0, end);
    out += '\n';
    text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
  }
}

void print_manual(std::FILE* to) {
  std::string text =
      "NAME\n"
      "    pswire - check, re-encode and identify PowerSync write-path messages\n"
      "\nSYNOPSIS\n";
  for (std::string_view line : synopsis) append_indented(text, line, "    ");
  text +=
      "\nDESCRIPTION\n"
      "    pswire reads the JSON messages of the PowerSync write path (the ps_crud\n"
      "    upload queue, SDK CRUD entries, write-API transactions, batches and results,\n"
      "    checkpoint requests and sync lines) with the pswire library's strict\n"
      "    decoders. Input is strict RFC 8259 JSON in UTF-8 (sync lines also BSON); every\n"
      "    rejection is a named error with the byte offset and path where the input\n"
      "    went wrong.\n"
      "\nCOMMANDS\n";
  for (std::string_view part : {decode_help, detect_help, convert_help, generate_help, help_help}) {
    append_indented(text, part, "    ");
    text += '\n';
  }
  text += "KINDS\n";
  for (const kind_info& kind : kinds) {
    text += "    " + std::string(kind.name);
    text.append(kind.name.size() < 28 ? 28 - kind.name.size() : 1, ' ');
    text += std::string(kind.summary) + '\n';
  }
  text +=
      "\nOPTIONS\n"
      "    --lines      decode, detect: one message per input line\n"
      "    --pretty     decode: indented output for humans\n"
      "    --bson       decode sync-line: the input is one BSON document\n"
      "    --framing F  decode sync-stream: ndjson or bson\n"
      "    --seed N     generate: the first message's seed (default 0)\n"
      "    --count M    generate: how many messages (default 1)\n"
      "    --invalid    generate: near-valid messages, each breaking one rule\n"
      "    --vectors    generate: conformance-vector lines\n"
      "    -h, --help   the manual (after a command: that command's part)\n"
      "\nEXIT STATUS\n"
      "    0  every message was accepted (help: always)\n"
      "    1  bad input: a message was rejected, no kind fits, or a row did not convert\n"
      "       (generate --vectors: a message did not decode as its vector says)\n"
      "    2  bad usage: unknown command, kind or option, or input that cannot be\n"
      "       read (a missing FILE, a directory, a read error on standard input)\n"
      "\n";
  append_indented(text, examples, "");
  std::fputs(text.c_str(), to);
}

int usage_error(std::string_view why) {
  std::string text = "pswire: " + std::string(why) + '\n';
  std::string_view lead = "usage: ";
  for (std::string_view line : synopsis) {
    text += lead;
    text += line;
    text += '\n';
    lead = "       ";
  }
  std::fputs(text.c_str(), stderr);
  return 2;
}

std::string describe(const pswire::error& e) {
  std::string text(pswire::to_string(e.code));
  text += " at byte " + std::to_string(e.offset) + " (";
  for (const char c : e.path.view()) {  // member names may hold control characters: keep one line
    if (static_cast<unsigned char>(c) < 0x20) {
      constexpr char hex[] = "0123456789abcdef";
      text += "\\u00";
      text += hex[(c >> 4) & 0xF];
      text += hex[c & 0xF];
    } else {
      text += c;
    }
  }
  text += ")";
  if (!e.detail.empty()) text += ": " + std::string(e.detail);
  return text;
}

// The CLI's one set of limits: the decoders get it, and input is read only as
// far as it allows, so memory stays bounded whatever arrives.
constexpr pswire::limits cli_limits{};

// Reads FILE or standard input in fixed chunks. A message, or a line, is kept
// only up to max_message_bytes + 1 bytes: enough for the decoder to refuse it
// as message_too_large in its own words, and the rest of an oversized line is
// skipped without being stored. A read error (a directory, a broken pipe's
// EIO) is an error, never an end of input.
class bounded_input {
 public:
  // Closes what it opened; standard input stays open.
  struct closer {
    void operator()(std::FILE* file) const noexcept {
      if (file != stdin) std::fclose(file);  // NOLINT(cppcoreguidelines-owning-memory): the owner is this unique_ptr
    }
  };
  using file_handle = std::unique_ptr<std::FILE, closer>;

  bounded_input(file_handle file, std::string name) : file_(std::move(file)), name_(std::move(name)) {}

  // Opens FILE, or standard input for nullptr; why says what failed.
  static std::unique_ptr<bounded_input> open(const char* path, std::string& why) {
    if (path == nullptr) return std::make_unique<bounded_input>(file_handle(stdin), "standard input");
    file_handle file(std::fopen(path, "rb"));  // NOLINT(cppcoreguidelines-owning-memory): owned by file_handle
    if (!file) {
      why = std::string("cannot read ") + path + ": " + std::strerror(errno);
      return nullptr;
    }
    return std::make_unique<bounded_input>(std::move(file), path);
  }

  // The whole input (its first max_message_bytes + 1 bytes); false on a read error.
  bool read_all(std::string& out) {
    out.clear();
    while (fill()) {
      take(out, end_);
      if (out.size() > kept_bytes) return true;  // stop reading: the decoder refuses it anyway
    }
    return error_ == 0;
  }

  // The next line, without its '\n'; false at the end of input or on a read
  // error (see failed()). A last line without '\n' still counts.
  bool next_line(std::string& line) {
    line.clear();
    bool any = false;
    while (fill()) {
      any = true;
      const char* start = chunk_.data() + pos_;
      const auto* newline = static_cast<const char*>(std::memchr(start, '\n', end_ - pos_));
      const std::size_t stop = newline == nullptr ? end_ : static_cast<std::size_t>(newline - chunk_.data());
      take(line, stop);
      if (newline != nullptr) {
        ++pos_;
        return true;
      }
    }
    return any && error_ == 0;
  }

  // The next piece of input as read, for a reader that frames it itself:
  // valid until the next call. False at the end of input or on a read error.
  bool next_chunk(std::string_view& chunk) {
    if (!fill()) return false;
    chunk = std::string_view(chunk_.data() + pos_, end_ - pos_);
    pos_ = end_;
    return true;
  }

  bool failed() const noexcept { return error_ != 0; }
  std::string why() const { return "cannot read " + name_ + ": " + std::strerror(error_); }

 private:
  // What a message may hold; one byte more is kept so the decoder can refuse it.
  static constexpr std::size_t kept_bytes = cli_limits.max_message_bytes;

  // Makes unread bytes available; false at the end of input or on an error.
  bool fill() {
    if (pos_ < end_) return true;
    if (error_ != 0 || std::feof(file_.get()) != 0) return false;
    pos_ = 0;
    end_ = std::fread(chunk_.data(), 1, chunk_.size(), file_.get());
    if (std::ferror(file_.get()) != 0) error_ = errno != 0 ? errno : EIO;
    return end_ != 0 && error_ == 0;
  }
  // Moves chunk bytes up to `stop` into `out`, keeping at most kept_bytes + 1 of them.
  void take(std::string& out, std::size_t stop) {
    const std::size_t room = out.size() > kept_bytes ? 0 : kept_bytes + 1 - out.size();
    out.append(chunk_.data() + pos_, std::min(room, stop - pos_));
    pos_ = stop;
  }

  file_handle file_;
  std::string name_;
  std::array<char, std::size_t{64} << 10> chunk_{};
  std::size_t pos_ = 0, end_ = 0;
  int error_ = 0;
};

int read_error(const std::string& why) {
  std::fprintf(stderr, "pswire: %s\n", why.c_str());
  return 2;
}

// Answers the input as one message, or line by line with --lines.
// `answer(message, out)` appends the answer to `out` and returns "", or
// returns why the message was refused.
template <class Answer>
int answer_messages(const char* path, bool lines, Answer answer) {
  std::string why;
  auto input = bounded_input::open(path, why);
  if (!input) return read_error(why);
  std::string message, out;
  if (!lines) {
    if (!input->read_all(message)) return read_error(input->why());
    if (const std::string refused = answer(message, out); !refused.empty()) {
      std::fprintf(stderr, "pswire: %s\n", refused.c_str());
      return 1;
    }
    out += '\n';
    std::fwrite(out.data(), 1, out.size(), stdout);
    return 0;
  }
  int status = 0;
  while (input->next_line(message)) {
    out.clear();
    if (const std::string refused = answer(message, out); !refused.empty()) {
      out = "!error " + refused;
      status = 1;
    }
    out += '\n';
    std::fwrite(out.data(), 1, out.size(), stdout);
  }
  return input->failed() ? read_error(input->why()) : status;
}

// `bson`: the message is one sync line as a BSON document (kind sync-line).
int decode(std::string_view kind, const char* path, bool lines, bool pretty, bool bson) {
  const auto parsed = pswire::parse_message_kind(kind);
  if (!parsed) return usage_error("unknown kind '" + std::string(kind) + "'");
  pswire::canonical_codec codec(cli_limits);
  std::string compact;
  return answer_messages(path, lines, [&](std::string_view message, std::string& out) -> std::string {
    compact.clear();
    std::string& target = pretty ? compact : out;
    if (pswire::error e = bson ? codec.encode_bson_sync_line(message, target) : codec.encode(*parsed, message, target)) {
      return describe(e);
    }
    if (pretty) {
      if (pswire::error e = pswire::append_pretty_json(compact, out)) return describe(e);
    }
    return {};
  });
}

int detect(const char* path, bool lines) {
  pswire::canonical_codec codec(cli_limits);
  pswire::sync_line_decoder sync_lines(cli_limits);
  std::string canonical;
  return answer_messages(path, lines, [&](std::string_view message, std::string& out) -> std::string {
    std::string_view best_kind, closest_kind;
    std::size_t best_size = 0;
    pswire::error closest;
    for (mk kind : detect_order) {
      canonical.clear();
      if (const pswire::error e = codec.encode(kind, message, canonical)) {
        if (closest_kind.empty() || e.offset > closest.offset) {
          closest = e;
          closest_kind = pswire::to_string(kind);
        }
        continue;
      }
      if (kind == mk::sync_line) {
        auto line = sync_lines.decode_sync_line(message);
        if (line && std::holds_alternative<pswire::unknown_line>(*line)) continue;  // the fallback, below
      }
      if (canonical.size() > best_size) {
        best_kind = pswire::to_string(kind);
        best_size = canonical.size();
      }
    }
    if (best_kind.empty() && closest.offset == 0) {
      auto line = sync_lines.decode_sync_line(message);
      if (line && std::holds_alternative<pswire::unknown_line>(*line)) best_kind = "sync-line";
    }
    if (best_kind.empty()) return "no kind fits; closest " + std::string(closest_kind) + ": " + describe(closest);
    out += best_kind;
    return {};
  });
}

std::optional<pswire::stream_framing> parse_framing(std::string_view name) {
  if (name == "ndjson") return pswire::stream_framing::ndjson;
  if (name == "bson") return pswire::stream_framing::bson;
  return std::nullopt;
}

// Reads a sync stream chunk by chunk through the framing reader and hands
// each line, with its number, to `on_line`, which returns false to stop. A
// framing fault is passed as an error with no line.
template <class OnLine>
int read_sync_stream(pswire::stream_framing framing, const char* path, OnLine&& on_line) {
  std::string why;
  auto input = bounded_input::open(path, why);
  if (!input) return read_error(why);
  pswire::sync_stream_reader reader(framing, cli_limits);
  std::size_t line_number = 0;
  std::string_view chunk;
  while (input->next_chunk(chunk)) {
    reader.feed(chunk);
    for (;;) {
      auto line = reader.next_line();
      if (!line) return on_line(line_number, line.error_info(), std::string_view()), 1;
      if (!*line) break;
      if (!on_line(++line_number, pswire::error{}, **line)) return 1;
    }
  }
  if (input->failed()) return read_error(input->why());
  if (auto end = reader.finish(); !end) return on_line(line_number, end.error_info(), std::string_view()), 1;
  return 0;
}

int decode_sync_stream(pswire::stream_framing framing, const char* path) {
  pswire::canonical_codec codec(cli_limits);
  std::string out;
  int status = 0;
  const int read = read_sync_stream(framing, path, [&](std::size_t, const pswire::error& framing_error, std::string_view line) {
    out.clear();
    pswire::error e = framing_error;
    if (!e) {
      e = framing == pswire::stream_framing::bson ? codec.encode_bson_sync_line(line, out)
                                                  : codec.encode(pswire::message_kind::sync_line, line, out);
    }
    if (e) {
      out = "!error " + describe(e);
      status = 1;
    }
    out += '\n';
    std::fwrite(out.data(), 1, out.size(), stdout);
    return true;
  });
  return read != 0 ? read : status;
}

int convert_sync_stream(pswire::stream_framing from, pswire::stream_framing to, const char* path) {
  pswire::sync_line_decoder lines(cli_limits);
  std::string out;
  pswire::sync_stream_writer writer(to, out);
  return read_sync_stream(from, path, [&](std::size_t number, const pswire::error& framing_error, std::string_view text) {
    if (framing_error) {
      std::fprintf(stderr, "pswire: %s\n", describe(framing_error).c_str());
      return false;
    }
    auto line = from == pswire::stream_framing::bson ? lines.decode_sync_line_bson(text) : lines.decode_sync_line(text);
    pswire::error e = line.error_info();
    if (line) {
      out.clear();
      auto written = writer.write(*line);
      if (written) return std::fwrite(out.data(), 1, out.size(), stdout) == out.size();
      e = written.error_info();
    }
    std::fprintf(stderr, "pswire: line %zu: %s\n", number, describe(e).c_str());
    return false;
  });
}

int convert_rows(const char* path) {
  std::string why;
  auto input = bounded_input::open(path, why);
  if (!input) return read_error(why);
  pswire::crud_decoder rows(cli_limits);
  std::string out;
  pswire::json_writer w{pswire::string_sink(out)};
  pswire::upload_batch_builder batch(w, rows);  // one builder, reset() per batch: its buffers are kept
  auto flush = [&]() -> bool {
    if (batch.transactions() == 0) return true;
    auto done = batch.finish();
    if (!done) {
      std::fprintf(stderr, "pswire: %s\n", describe(done.error_info()).c_str());
      return false;
    }
    out += '\n';
    std::fwrite(out.data(), 1, out.size(), stdout);
    out.clear();
    batch.reset();
    return true;
  };
  std::string line;
  std::size_t line_number = 0;
  while (input->next_line(line)) {
    ++line_number;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    auto entry = rows.decode_crud_row(line);
    if (!entry) {
      std::fprintf(stderr, "pswire: line %zu: %s\n", line_number, describe(entry.error_info()).c_str());
      return 1;
    }
    auto added = batch.add(*entry);
    if (!added && added.code() == pswire::errc::batch_too_large) {
      if (!flush()) return 1;
      added = batch.add(*entry);
    }
    if (!added) {
      std::fprintf(stderr, "pswire: line %zu: %s\n", line_number, describe(added.error_info()).c_str());
      return 1;
    }
  }
  if (input->failed()) return read_error(input->why());
  return flush() ? 0 : 1;
}

struct generate_request {
  std::uint64_t seed = 0;
  std::uint64_t count = 1;
  bool invalid = false;
  bool vectors = false;
};

// Prints generated messages (tools/pswire generate). With --vectors each is
// checked against the codec: a mismatch is a generator bug, reported.
int generate(std::string_view kind_name, const generate_request& request) {
  const auto kind = pswire::parse_message_kind(kind_name);
  if (!kind) return usage_error("unknown kind '" + std::string(kind_name) + "'");
  pswire::testing::generate_options options;
  options.allow_newlines = false;                     // one message per line
  options.allow_invalid_utf8 = !request.vectors;      // a vector's input is a JSON string
  pswire::canonical_codec codec(cli_limits);
  std::string out, canonical;
  int status = 0;
  for (std::uint64_t i = 0; i < request.count; ++i) {
    const std::uint64_t seed = request.seed + i;
    std::string message, rule;
    pswire::errc expected = pswire::errc::ok;
    if (request.invalid) {
      auto near_valid = pswire::testing::generate_near_valid(*kind, seed, options);
      message = std::move(near_valid.text);
      rule = std::move(near_valid.rule);
      expected = near_valid.expected;
    } else {
      message = pswire::testing::generate_valid(*kind, seed, options);
    }
    out.clear();
    if (!request.vectors) {
      out = message;
    } else {
      canonical.clear();
      const pswire::error got = codec.encode(*kind, message, canonical);
      if (got.code != expected) {
        std::fprintf(stderr, "pswire: seed %llu%s%s: the generator expected %s, decode gives %s\n",
                     static_cast<unsigned long long>(seed), rule.empty() ? "" : " rule ", rule.c_str(),
                     std::string(pswire::to_string(expected)).c_str(), describe(got).c_str());
        status = 1;
      }
      pswire::json_writer w{pswire::string_sink(out)};
      w.begin_object();
      w.key("name");
      w.string_value("generated " + std::string(kind_name) + " seed " + std::to_string(seed) + (rule.empty() ? "" : " " + rule));
      w.key("kind");
      w.string_value(kind_name);
      w.key("input");
      w.string_value(message);
      if (request.invalid) {
        w.key("error");
        w.string_value(pswire::to_string(expected));
      } else {
        w.key("output");
        w.string_value(canonical);
      }
      w.end_object();
      if (const pswire::error e = w.status()) return std::fprintf(stderr, "pswire: %s\n", describe(e).c_str()), 1;
    }
    out += '\n';
    std::fwrite(out.data(), 1, out.size(), stdout);
  }
  return status;
}

std::optional<std::uint64_t> parse_count(std::string_view text) {
  std::uint64_t value = 0;
  const auto [end, problem] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (problem != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

bool print_command_help(std::string_view command) {
  const std::string_view text = command == "decode"     ? decode_help
                                : command == "detect"   ? detect_help
                                : command == "convert"  ? convert_help
                                : command == "generate" ? generate_help
                                : command == "help"     ? help_help
                                                        : std::string_view();
  if (text.empty()) return false;
  std::fwrite(text.data(), 1, text.size(), stdout);
  return true;
}

bool is_help(std::string_view arg) { return arg == "--help" || arg == "-h"; }

}  // namespace

// NOLINTNEXTLINE(bugprone-exception-escape): only std::bad_alloc can escape, and ending the program is the answer
int main(int argc, char** argv) {
  const std::vector<std::string_view> args(argv + 1, argv + argc);
  if (args.empty()) return usage_error("no command");
  const std::string_view command = args[0];
  if (command == "help" || is_help(command)) {
    if (args.size() == 1) return print_manual(stdout), 0;
    if (args.size() == 2 && print_command_help(args[1])) return 0;
    return usage_error("no help on '" + std::string(args[1]) + "'");
  }
  if (command != "decode" && command != "detect" && command != "convert" && command != "generate") {
    return usage_error("unknown command '" + std::string(command) + "'");
  }
  // The rest: options anywhere, then the positional arguments in order.
  bool lines = false, pretty = false, bson = false;
  std::optional<std::string_view> framing_name;
  generate_request request;
  std::vector<const char*> positional;
  for (std::size_t i = 1; i < args.size(); ++i) {
    if (is_help(args[i])) return print_command_help(command), 0;
    if (args[i] == "--lines" && (command == "decode" || command == "detect")) lines = true;
    else if (args[i] == "--pretty" && command == "decode") pretty = true;
    else if (args[i] == "--bson" && command == "decode") bson = true;
    else if (args[i] == "--framing" && command == "decode") {
      if (++i == args.size()) return usage_error("--framing takes ndjson or bson");
      framing_name = args[i];
    }
    else if ((args[i] == "--seed" || args[i] == "--count") && command == "generate") {
      const std::string_view option = args[i];
      const auto value = ++i < args.size() ? parse_count(args[i]) : std::nullopt;
      if (!value) return usage_error(std::string(option) + " takes a non-negative integer");
      (option == "--seed" ? request.seed : request.count) = *value;
    }
    else if (args[i] == "--invalid" && command == "generate") request.invalid = true;
    else if (args[i] == "--vectors" && command == "generate") request.vectors = true;
    else if (args[i].starts_with("--")) return usage_error("unknown option '" + std::string(args[i]) + "' for " + std::string(command));
    else positional.push_back(argv[i + 1]);
  }
  // FILE follows the command's fixed arguments; without it, standard input.
  auto file = [&](std::size_t fixed) { return positional.size() > fixed ? positional[fixed] : nullptr; };
  if (command == "decode") {
    if (positional.empty() || positional.size() > 2) return usage_error("decode takes KIND [FILE]");
    const std::string_view kind = positional[0];
    if (kind == "sync-stream") {
      const auto framing = framing_name ? parse_framing(*framing_name) : std::nullopt;
      if (!framing) return usage_error("decode sync-stream takes --framing ndjson|bson");
      if (lines || pretty || bson) return usage_error("decode sync-stream prints one line per line; --lines, --pretty and --bson do not apply");
      return decode_sync_stream(*framing, file(1));
    }
    if (framing_name) return usage_error("--framing is for decode sync-stream");
    if (bson && (kind != "sync-line" || lines)) return usage_error("--bson decodes one sync-line document");
    return decode(kind, file(1), lines, pretty, bson);
  }
  if (command == "generate") {
    if (positional.size() != 1) return usage_error("generate takes KIND");
    return generate(positional[0], request);
  }
  if (command == "detect") {
    if (positional.size() > 1) return usage_error("detect takes [FILE]");
    return detect(file(0), lines);
  }
  if (!positional.empty() && std::string_view(positional[0]) == "sync-stream") {
    const auto from = positional.size() > 1 ? parse_framing(positional[1]) : std::nullopt;
    const auto to = positional.size() > 2 ? parse_framing(positional[2]) : std::nullopt;
    if (!from || !to || positional.size() > 4) return usage_error("convert takes sync-stream ndjson|bson ndjson|bson [FILE]");
    return convert_sync_stream(*from, *to, file(3));
  }
  if (positional.size() < 2 || positional.size() > 3 || std::string_view(positional[0]) != "crud-rows" ||
      std::string_view(positional[1]) != "batch") {
    return usage_error("convert takes crud-rows batch [FILE] or sync-stream FROM TO [FILE]");
  }
  return convert_rows(file(2));
}
