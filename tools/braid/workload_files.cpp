// The files workload: the seed guides send "reading large files" to threads. The command writes
// the files to a temporary directory first and asks the kernel to drop them from the page cache
// (posix_fadvise DONTNEED, which needs no privilege); whether the pages really left is checked
// with mincore and said in the description, so a warm run is never passed off as a cold one.

#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <fmt/format.h>

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "braid/asyncio/to_thread.hpp"
#include "workload.hpp"

namespace braid::tool {
namespace {

constexpr std::size_t default_files = 16;
constexpr std::uint64_t default_kib = 2048;
constexpr const char* dir_variable = "BRAID_COMPARE_FILES_DIR";  // for worker processes

std::string file_path(const std::string& dir, std::uint64_t i) {
  return dir + "/file-" + std::to_string(i) + ".bin";
}

/// Reads file i of the directory in BRAID_COMPARE_FILES_DIR; returns a checksum of its bytes.
std::uint64_t read_one(std::uint64_t, std::uint64_t i) {
  const char* dir = std::getenv(dir_variable);
  if (dir == nullptr) throw std::runtime_error("files workload: no directory");
  const int fd = ::open(file_path(dir, i).c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw std::runtime_error("files workload: cannot open " + file_path(dir, i));
  std::vector<unsigned char> buffer(1 << 16);
  std::uint64_t sum = 0;
  for (;;) {
    const ssize_t n = ::read(fd, buffer.data(), buffer.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    for (ssize_t k = 0; k < n; k += 512) sum += buffer[static_cast<std::size_t>(k)];
    sum += static_cast<std::uint64_t>(n);
  }
  ::close(fd);
  return sum;
}

/// How many of the file's pages are in the page cache.
std::size_t resident_pages(int fd, std::size_t size) {
  if (size == 0) return 0;
  void* map = ::mmap(nullptr, size, PROT_READ, MAP_SHARED, fd, 0);
  if (map == MAP_FAILED) return 0;
  const std::size_t page = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
  std::vector<unsigned char> vec((size + page - 1) / page);
  std::size_t resident = 0;
  if (::mincore(map, size, vec.data()) == 0) {
    for (unsigned char v : vec) resident += v & 1;
  }
  ::munmap(map, size);
  return resident;
}

/// The directory, removed with the workload.
struct file_set {
  std::string dir;
  bool cold = true;
  ~file_set() {
    std::error_code ignored;
    std::filesystem::remove_all(dir, ignored);
  }
};

std::shared_ptr<file_set> write_files(std::size_t files, std::uint64_t kib) {
  auto set = std::make_shared<file_set>();
  set->dir =
      (std::filesystem::temp_directory_path() / fmt::format("braid-compare-files-{}", ::getpid()))
          .string();
  std::filesystem::create_directories(set->dir);
  std::vector<unsigned char> block(1 << 16);
  for (std::size_t k = 0; k < block.size(); ++k) block[k] = static_cast<unsigned char>(k * 31);
  const std::size_t size = static_cast<std::size_t>(kib) * 1024;
  for (std::size_t i = 0; i < files; ++i) {
    const std::string path = file_path(set->dir, i);
    const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) throw std::runtime_error("files workload: cannot create " + path);
    for (std::size_t done = 0; done < size;) {
      const std::size_t n = std::min(block.size(), size - done);
      if (::write(fd, block.data(), n) != static_cast<ssize_t>(n)) {
        ::close(fd);
        throw std::runtime_error("files workload: cannot write " + path);
      }
      done += n;
    }
    ::fdatasync(fd);  // clean pages can be dropped; dirty ones cannot
    ::posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
    if (resident_pages(fd, size) > 0) set->cold = false;
    ::close(fd);
  }
  ::setenv(dir_variable, set->dir.c_str(), 1);  // worker processes inherit it
  return set;
}

// `keep` holds the directory for as long as the coroutine runs.
asyncio::task<std::uint64_t> read_async(std::shared_ptr<file_set> /*keep*/, std::size_t i) {
  // asyncio has no asynchronous file reads (neither has Python's): the read goes to a thread,
  // as asyncio.to_thread or aiofiles would do it.
  co_return co_await asyncio::to_thread(&read_one, std::uint64_t{0}, std::uint64_t{i});
}

}  // namespace

workload make_files(const workload_options& options) {
  const std::size_t files = options.tasks != 0 ? options.tasks : default_files;
  const std::uint64_t kib = options.file_size_kib != 0 ? options.file_size_kib : default_kib;
  auto set = write_files(files, kib);
  return {.name = "files",
          .kind = workload_kind::io,
          .description = fmt::format(
              "{} tasks, each reads a {} KiB file ({})", files, kib,
              set->cold ? "page cache dropped with posix_fadvise: the reads go to the disk"
                        : "the page cache kept the files: warm reads from memory"),
          .tasks = files,
          .run_one = [set](std::size_t i) { return read_one(0, i); },
          .run_one_async = [set](std::size_t i) { return read_async(set, i); },
          .async_uses_threads = true,
          .run_one_remote = &read_one,
          .remote_argument = 0};
}

}  // namespace braid::tool
