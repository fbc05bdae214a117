#include "hoist/util/result.hpp"

namespace hoist {

std::string Error::what() const {
  std::string out = m_message;
  for (const Error* c = m_cause.get(); c; c = c->m_cause.get()) {
    if (!out.empty() && !c->m_message.empty()) out += ": ";
    out += c->m_message;
  }
  return out;
}

Error Error::wrap(std::string context) const {
  Error outer(m_kind, std::move(context));
  outer.m_cause = std::make_shared<const Error>(*this);
  outer.http_status = http_status;
  outer.registry_code = registry_code;
  outer.retry_after = retry_after;
  return outer;
}

Error Error::with_kind(ErrorKind kind) const {
  Error copy = *this;
  copy.m_kind = kind;
  return copy;
}

bool Error::retryable() const {
  switch (m_kind) {
  case ErrorKind::network:
  case ErrorKind::timeout:
  case ErrorKind::rate_limited:
    return true;
  default:
    return false;
  }
}

} // namespace hoist
