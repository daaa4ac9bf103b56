#include "braid/multiprocessing/shared_memory.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <random>

#include "braid/error.hpp"

namespace braid::multiprocessing {
namespace {

[[noreturn]] void fail(int error, const std::string& what) {
  throw os_error(error, "braid::multiprocessing: shared_memory " + what);
}

std::string unique_name() {
  static std::atomic<unsigned> counter{0};
  static const unsigned salt = std::random_device{}();
  return "braid-" + std::to_string(::getpid()) + "-" + std::to_string(salt % 100000) + "-" +
         std::to_string(counter.fetch_add(1));
}

std::byte* map(int fd, std::size_t size, const std::string& name) {
  void* p = ::mmap(nullptr, size == 0 ? 1 : size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  if (p == MAP_FAILED) fail(errno, "mmap " + name);
  return static_cast<std::byte*>(p);
}

}  // namespace

shared_memory shared_memory::create(std::size_t size, std::string name) {
  if (name.empty()) name = unique_name();
  const std::string path = "/" + name;
  const int fd = ::shm_open(path.c_str(), O_CREAT | O_EXCL | O_RDWR | O_CLOEXEC, 0600);
  if (fd < 0) fail(errno, "create " + name);
  shared_memory m;
  m.name_ = name;
  m.owner_ = true;  // from here the destructor unlinks, even if the rest fails
  if (::ftruncate(fd, static_cast<off_t>(size == 0 ? 1 : size)) != 0) {
    const int e = errno;
    ::close(fd);
    fail(e, "resize " + name);
  }
  try {
    m.data_ = map(fd, size, name);
  } catch (...) {
    ::close(fd);
    throw;
  }
  ::close(fd);
  m.size_ = size;
  return m;
}

shared_memory shared_memory::attach(std::string name) {
  const std::string path = "/" + name;
  const int fd = ::shm_open(path.c_str(), O_RDWR | O_CLOEXEC, 0);
  if (fd < 0) fail(errno, "attach " + name);
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    const int e = errno;
    ::close(fd);
    fail(e, "stat " + name);
  }
  shared_memory m;
  try {
    m.data_ = map(fd, static_cast<std::size_t>(st.st_size), name);
  } catch (...) {
    ::close(fd);
    throw;
  }
  ::close(fd);
  m.size_ = static_cast<std::size_t>(st.st_size);
  m.name_ = std::move(name);
  return m;
}

shared_memory::~shared_memory() {
  if (data_ != nullptr) ::munmap(data_, size_ == 0 ? 1 : size_);
  unlink();
}

void shared_memory::unlink() noexcept {
  if (!owner_) return;
  ::shm_unlink(("/" + name_).c_str());
  owner_ = false;
}

}  // namespace braid::multiprocessing
