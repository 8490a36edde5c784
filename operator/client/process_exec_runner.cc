#include "operator/client/process_exec_runner.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <vector>

namespace cop::client {
namespace {

class Fd {
 public:
  explicit Fd(int fd = -1) : fd_(fd) {}
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() { reset(); }
  int get() const { return fd_; }
  void reset() {
    if (fd_ >= 0)
      ::close(fd_);
    fd_ = -1;
  }

 private:
  int fd_;
};

// A posix_spawn attribute or file-actions object, destroyed on every path.
template <typename T, int (*Init)(T*), int (*Destroy)(T*)>
class SpawnObject {
 public:
  SpawnObject() { ok_ = Init(&object_) == 0; }
  SpawnObject(const SpawnObject&) = delete;
  SpawnObject& operator=(const SpawnObject&) = delete;
  ~SpawnObject() {
    if (ok_) {
      Destroy(&object_);
    }
  }
  bool ok() const { return ok_; }
  T* get() { return &object_; }

 private:
  T object_{};
  bool ok_ = false;
};

using SpawnActions = SpawnObject<posix_spawn_file_actions_t, posix_spawn_file_actions_init,
                                 posix_spawn_file_actions_destroy>;
using SpawnAttr = SpawnObject<posix_spawnattr_t, posix_spawnattr_init, posix_spawnattr_destroy>;

// The NULL-terminated char* array execve wants; points into `strings`, which must outlive it.
std::vector<char*> nullTerminated(std::vector<std::string>& strings) {
  std::vector<char*> pointers;
  pointers.reserve(strings.size() + 1);
  for (std::string& s : strings) {
    pointers.push_back(s.data());
  }
  pointers.push_back(nullptr);
  return pointers;
}

// Kills the child's process group (if asked) and reaps the child: no zombie on any path.
class Child {
 public:
  explicit Child(pid_t pid) : pid_(pid) {}
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;
  ~Child() {
    if (pid_ > 0) {
      ::kill(-pid_, SIGKILL);
      wait();
    }
  }
  // Returns the wait status, or -1 on failure.
  int wait() {
    int status = 0;
    pid_t r;
    do {
      r = ::waitpid(pid_, &status, 0);
    } while (r < 0 && errno == EINTR);
    pid_ = -1;
    return r < 0 ? -1 : status;
  }

 private:
  pid_t pid_;
};

}  // namespace

Result<ExecOutcome> ProcessExecRunner::run(const ExecInvocation& invocation) const {
  const std::string prefix = "exec plugin \"" + invocation.command + "\": ";
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0)
    return fail(prefix + "pipe: " + std::strerror(errno));
  Fd readEnd(fds[0]);
  Fd writeEnd(fds[1]);

  SpawnActions actions;
  SpawnAttr attr;
  if (!actions.ok() || !attr.ok())
    return fail(prefix + "spawn setup failed");
  posix_spawn_file_actions_adddup2(actions.get(), writeEnd.get(), STDOUT_FILENO);
  if (!invocation.interactive)
    posix_spawn_file_actions_addopen(actions.get(), STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawnattr_setflags(attr.get(), POSIX_SPAWN_SETPGROUP);
  posix_spawnattr_setpgroup(attr.get(), 0);

  std::vector<std::string> argStrings;
  argStrings.push_back(invocation.command);
  argStrings.insert(argStrings.end(), invocation.args.begin(), invocation.args.end());
  const std::vector<char*> argv = nullTerminated(argStrings);
  std::vector<std::string> envStrings;
  for (const auto& [name, value] : invocation.env)
    envStrings.push_back(name + "=" + value);
  const std::vector<char*> envp = nullTerminated(envStrings);

  pid_t pid = -1;
  const int rc = ::posix_spawnp(&pid, invocation.command.c_str(), actions.get(), attr.get(),
                                argv.data(), envp.data());
  if (rc == ENOENT) {
    ExecOutcome outcome;
    outcome.notFound = true;
    return outcome;
  }
  if (rc != 0)
    return fail(prefix + "could not start: " + std::strerror(rc));
  Child child(pid);
  writeEnd.reset();

  ExecOutcome outcome;
  const auto deadline = std::chrono::steady_clock::now() + timeout_;
  char buffer[16384];
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0)
      return fail(prefix + "timed out after " + std::to_string(timeout_.count()) + " ms");
    pollfd pfd{readEnd.get(), POLLIN, 0};
    const int ready = ::poll(&pfd, 1, static_cast<int>(left.count()));
    if (ready < 0) {
      if (errno == EINTR)
        continue;
      return fail(prefix + "poll: " + std::strerror(errno));
    }
    if (ready == 0)
      continue;
    const ssize_t n = ::read(readEnd.get(), buffer, sizeof buffer);
    if (n < 0) {
      if (errno == EINTR)
        continue;
      return fail(prefix + "read: " + std::strerror(errno));
    }
    if (n == 0)
      break;
    if (outcome.stdoutText.size() + static_cast<std::size_t>(n) > stdoutCap_)
      return fail(prefix + "output larger than " + std::to_string(stdoutCap_) + " bytes");
    outcome.stdoutText.append(buffer, static_cast<std::size_t>(n));
  }
  const int status = child.wait();
  if (status < 0)
    return fail(prefix + "wait failed");
  if (WIFEXITED(status)) {
    outcome.exitStatus = WEXITSTATUS(status);
  } else if (WIFSIGNALED(status)) {
    outcome.exitStatus = 128 + WTERMSIG(status);
  }
  return outcome;
}

}  // namespace cop::client
