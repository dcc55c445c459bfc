#include "parser/duplicate_names.hpp"

#include <algorithm>

namespace pmtr::conf {
namespace {

uint64_t fnv1a(std::string_view s) noexcept {
  uint64_t h = 0xcbf29ce484222325ull;
  for (char c : s) {
    h ^= static_cast<unsigned char>(c);
    h *= 0x100000001b3ull;
  }
  return h;
}

}  // namespace

void DuplicateNames::add(std::string_view name, uint32_t index, SourcePos pos) {
  refs_.push_back(Ref{fnv1a(name), index, pos});
}

void DuplicateNames::report(const std::function<std::string_view(uint32_t)>& name_of, DiagSink& diag) {
  std::sort(refs_.begin(), refs_.end(), [](const Ref& a, const Ref& b) {
    return a.hash != b.hash ? a.hash < b.hash : a.index < b.index;
  });
  for (size_t run = 0; run < refs_.size();) {
    size_t end = run + 1;
    while (end < refs_.size() && refs_[end].hash == refs_[run].hash) ++end;
    // Within a run (file order), each name is compared with the earlier
    // ones; a run longer than 1 is a duplicate or, rarely, a collision.
    for (size_t i = run + 1; i < end; ++i) {
      const std::string_view name = name_of(refs_[i].index);
      for (size_t k = run; k < i; ++k) {
        if (name_of(refs_[k].index) != name) continue;
        diag.error(refs_[i].pos.line, refs_[i].pos.col,
                   "duplicate job name " + quote(name) + " (first defined at line " +
                       std::to_string(refs_[k].pos.line) + ")");
        break;
      }
    }
    run = end;
  }
}

}  // namespace pmtr::conf
