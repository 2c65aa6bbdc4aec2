// A service_error built in code borrows its text: a temporary std::string
// would be gone before write_service_error() writes it.
#include <string>
#include <pswire/service_error.hpp>

int main() {
  const std::string code = "PSYNC_S2001";
  pswire::service_error e{.code = code};
#ifdef PSWIRE_MISUSE
  e.description = std::string("Validation failed");
#endif
  return e.is_validation_error() ? 0 : 1;
}
