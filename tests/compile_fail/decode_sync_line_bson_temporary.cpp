// A BSON sync line holds views of the input (strings, row data):
// decoding a temporary std::string would leave them dangling.
#include <string>
#include <pswire/sync_lines.hpp>

int main() {
  pswire::sync_line_decoder decoder;
  const std::string line("\x1b\0\0\0\x10token_expires_in\0\x3c\0\0\0\0", 27);  // {"token_expires_in":60}
  auto decoded = decoder.decode_sync_line_bson(line);
#ifdef PSWIRE_MISUSE
  decoded = decoder.decode_sync_line_bson(std::string(line));
#endif
  return decoded ? 0 : 1;
}
