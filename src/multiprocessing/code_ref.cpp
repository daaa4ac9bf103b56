#include "braid/multiprocessing/detail/code_ref.hpp"

#include <link.h>
#include <unistd.h>

#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "braid/multiprocessing/errors.hpp"

namespace braid::multiprocessing::detail {
namespace {

struct loaded_object {
  std::string name;
  std::uintptr_t base = 0;  // the lowest mapped address (page-aligned first PT_LOAD)
  std::vector<std::pair<std::uintptr_t, std::uintptr_t>> segments;  // executable [begin, end)
};

std::vector<loaded_object> scan_objects() {
  std::vector<loaded_object> objects;
  dl_iterate_phdr(
      [](dl_phdr_info* info, std::size_t, void* data) -> int {
        auto& out = *static_cast<std::vector<loaded_object>*>(data);
        loaded_object o;
        o.name = info->dlpi_name != nullptr ? info->dlpi_name : "";
        const auto page = static_cast<std::uintptr_t>(::sysconf(_SC_PAGESIZE));
        bool have_base = false;
        for (int i = 0; i < info->dlpi_phnum; ++i) {
          const ElfW(Phdr)& ph = info->dlpi_phdr[i];
          if (ph.p_type != PT_LOAD) continue;
          const std::uintptr_t begin = info->dlpi_addr + ph.p_vaddr;
          if (!have_base) {
            o.base = begin & ~(page - 1);
            have_base = true;
          }
          if ((ph.p_flags & PF_X) != 0) o.segments.emplace_back(begin, begin + ph.p_memsz);
        }
        if (have_base) out.push_back(std::move(o));
        return 0;
      },
      &objects);
  return objects;
}

class object_table {
 public:
  code_ref locate(std::uintptr_t address) {
    std::lock_guard lock(mutex_);
    if (auto ref = find(address)) return *ref;
    objects_ = scan_objects();  // a library may have been loaded since
    if (auto ref = find(address)) return *ref;
    throw transfer_error(
        "braid::multiprocessing: the function at this address is in no loaded "
        "object, so it cannot be named in another process");
  }
  std::uintptr_t resolve(const code_ref& ref) {
    std::lock_guard lock(mutex_);
    if (auto a = lookup(ref)) return a;
    objects_ = scan_objects();
    if (auto a = lookup(ref)) return a;
    throw transfer_error("braid::multiprocessing: no loaded object '" +
                         (ref.object.empty() ? std::string("<main program>") : ref.object) +
                         "' holds the function sent by the parent");
  }

 private:
  std::optional<code_ref> find(std::uintptr_t address) const {
    for (const auto& o : objects_) {
      for (const auto& [begin, end] : o.segments) {
        if (address >= begin && address < end) return code_ref{o.name, address - o.base};
      }
    }
    return std::nullopt;
  }
  std::uintptr_t lookup(const code_ref& ref) const {
    for (const auto& o : objects_) {
      if (o.name != ref.object) continue;
      const std::uintptr_t address = o.base + ref.offset;
      for (const auto& [begin, end] : o.segments) {
        if (address >= begin && address < end) return address;
      }
    }
    return 0;
  }

  std::mutex mutex_;
  std::vector<loaded_object> objects_;
};

object_table& table() {
  static object_table t;
  return t;
}

}  // namespace

code_ref locate_code(std::uintptr_t address) {
  return table().locate(address);
}
std::uintptr_t resolve_code(const code_ref& ref) {
  return table().resolve(ref);
}

}  // namespace braid::multiprocessing::detail
