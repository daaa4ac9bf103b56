// The program's identity as the same on every machine: its ELF build id, or its bytes' hash.

#include "braid/multiprocessing/detail/binary_identity.hpp"

#include <elf.h>
#include <link.h>

#include <cstdint>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <string>

#include "braid/multiprocessing/errors.hpp"

namespace braid::multiprocessing::detail {
namespace {

std::string hex(const unsigned char* p, std::size_t n) {
  static const char digits[] = "0123456789abcdef";
  std::string out;
  for (std::size_t i = 0; i < n; ++i) {
    out += digits[p[i] >> 4];
    out += digits[p[i] & 0xf];
  }
  return out;
}

// The NT_GNU_BUILD_ID note of the main program (the first object dl_iterate_phdr reports), as
// hex; empty if it was linked without one.
std::string main_build_id() {
  std::string id;
  dl_iterate_phdr(
      [](dl_phdr_info* info, std::size_t, void* data) -> int {
        auto& out = *static_cast<std::string*>(data);
        for (int i = 0; i < info->dlpi_phnum; ++i) {
          const ElfW(Phdr)& ph = info->dlpi_phdr[i];
          if (ph.p_type != PT_NOTE) continue;
          const auto* p = reinterpret_cast<const unsigned char*>(info->dlpi_addr + ph.p_vaddr);
          const unsigned char* end = p + ph.p_memsz;
          while (p + sizeof(ElfW(Nhdr)) <= end) {
            const auto* note = reinterpret_cast<const ElfW(Nhdr)*>(p);
            const std::size_t name_size = (note->n_namesz + 3) & ~std::size_t{3};
            const std::size_t desc_size = (note->n_descsz + 3) & ~std::size_t{3};
            const unsigned char* name = p + sizeof(ElfW(Nhdr));
            const unsigned char* desc = name + name_size;
            if (desc + note->n_descsz > end) break;
            if (note->n_type == NT_GNU_BUILD_ID && note->n_namesz == 4 &&
                std::string_view(reinterpret_cast<const char*>(name), 3) == "GNU") {
              out = hex(desc, note->n_descsz);
              return 1;
            }
            p = desc + desc_size;
          }
        }
        return 1;  // only the main program, which is always reported first
      },
      &id);
  return id;
}

// Without a build id: the file's size and a 64-bit FNV-1a hash of its bytes.
std::string content_identity() {
  std::ifstream in("/proc/self/exe", std::ios::binary);
  if (!in) throw transfer_error("braid: cannot read /proc/self/exe to identify the program");
  std::uint64_t hash = 14695981039346656037ull;
  std::uint64_t size = 0;
  char buf[1 << 16];
  while (in.read(buf, sizeof buf) || in.gcount() > 0) {
    for (std::streamsize i = 0; i < in.gcount(); ++i) {
      hash = (hash ^ static_cast<unsigned char>(buf[i])) * 1099511628211ull;
    }
    size += static_cast<std::uint64_t>(in.gcount());
  }
  char text[64];
  std::snprintf(text, sizeof text, "content:%llu:%016llx", static_cast<unsigned long long>(size),
                static_cast<unsigned long long>(hash));
  return text;
}

binary_identity compute() {
  binary_identity id;
  const std::string build = main_build_id();
  id.build = build.empty() ? content_identity() : "build-id:" + build;
  id.anchor = locate_code(reinterpret_cast<std::uintptr_t>(&worker_anchor));
  return id;
}

}  // namespace

const binary_identity& this_binary() {
  static const binary_identity id = compute();
  return id;
}

std::string identity_mismatch(const binary_identity& other) {
  const binary_identity& mine = this_binary();
  if (mine.build != other.build) {
    return "the worker runs a different binary (" + mine.build + ") from its parent's (" +
           other.build + ")";
  }
  if (!(mine.anchor == other.anchor)) {
    return "the worker's binary is laid out differently from its parent's";
  }
  return {};
}

}  // namespace braid::multiprocessing::detail
