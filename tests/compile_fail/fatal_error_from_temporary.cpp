// A fatal_error built in code cannot hold a temporary std::string: its bytes
// would be gone before batch_response_builder::add() writes them.
#include <string>
#include <pswire/results.hpp>

int main() {
  const std::string message = "null value in column \"description\"";
  pswire::fatal_error fatal{.message = message, .failed = {.error_code = "NOT_NULL_VIOLATION"}};
#ifdef PSWIRE_MISUSE
  fatal.message = std::string("gone at the semicolon");
#endif
  return fatal.message->size() == message.size() ? 0 : 1;
}
