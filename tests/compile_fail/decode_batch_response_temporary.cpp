// A batch response's results are views of the input: decoding a temporary
// std::string would leave them dangling.
#include <string>
#include <pswire/results.hpp>

int main() {
  pswire::result_decoder decoder;
  const std::string body = R"({"results":[{"status":"success"}]})";
  auto response = decoder.decode_batch_response(body);
#ifdef PSWIRE_MISUSE
  response = decoder.decode_batch_response(std::string(R"({"results":[]})"));
#endif
  return response && response->results.size() == 1 ? 0 : 1;
}
