// A sync line holds views of the input (raw oplog data, subscriptions,
// streams): decoding a temporary std::string would leave them dangling.
#include <string>
#include <pswire/sync_lines.hpp>

int main() {
  pswire::sync_line_decoder decoder;
  const std::string line = R"({"token_expires_in":30})";
  auto decoded = decoder.decode_sync_line(line);
#ifdef PSWIRE_MISUSE
  decoded = decoder.decode_sync_line(std::string(R"({"checkpoint_complete":{"last_op_id":"1"}})"));
#endif
  return decoded ? 0 : 1;
}
