#include "operator/serving/shutdown_signal.h"

#include <poll.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <cstring>

namespace cop::serving {

namespace {

sigset_t shutdownSignals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  return set;
}

const char* signalName(std::uint32_t signo) {
  return signo == SIGTERM ? "SIGTERM" : signo == SIGINT ? "SIGINT" : "signal";
}

}  // namespace

Expected<void, std::string> blockShutdownSignals() {
  const sigset_t set = shutdownSignals();
  const int rc = ::pthread_sigmask(SIG_BLOCK, &set, nullptr);
  if (rc != 0) {
    return Unexpected(std::string("pthread_sigmask: ") + std::strerror(rc));
  }
  return {};
}

Expected<std::unique_ptr<ShutdownSignal>, std::string> ShutdownSignal::install(
    std::stop_source stop, logging::Logger logger) {
  // Blocking here too covers the calling thread; other threads must have inherited it.
  COP_TRY(blockShutdownSignals());
  const sigset_t set = shutdownSignals();
  UniqueFd signalFd(::signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK));
  if (!signalFd.valid()) {
    return Unexpected(std::string("signalfd: ") + std::strerror(errno));
  }
  COP_ASSIGN_OR_RETURN(quit, WakeEvent::create());
  std::unique_ptr<ShutdownSignal> out(
      new ShutdownSignal(std::move(stop), std::move(logger), std::move(signalFd), std::move(quit)));
  out->thread_ = std::thread([raw = out.get()] { raw->watch(); });
  return out;
}

ShutdownSignal::ShutdownSignal(std::stop_source stop, logging::Logger logger, UniqueFd signalFd,
                               WakeEvent quit)
    : stop_(std::move(stop)),
      logger_(std::move(logger)),
      signalFd_(std::move(signalFd)),
      quit_(std::move(quit)) {}

ShutdownSignal::~ShutdownSignal() {
  quit_.set();
  if (thread_.joinable()) {
    thread_.join();
  }
}

void ShutdownSignal::watch() {
  int received = 0;
  while (true) {
    pollfd fds[2] = {{signalFd_.get(), POLLIN, 0}, {quit_.fd(), POLLIN, 0}};
    if (::poll(fds, 2, -1) < 0) {
      if (errno == EINTR) {
        continue;
      }
      logger_.error("waiting for shutdown signals failed", std::strerror(errno));
      return;
    }
    if ((fds[1].revents & POLLIN) != 0) {
      return;
    }
    signalfd_siginfo info{};
    const ssize_t n = ::read(signalFd_.get(), &info, sizeof info);
    if (n != static_cast<ssize_t>(sizeof info)) {
      continue;  // EAGAIN (another reader) or EINTR: poll again
    }
    if (++received == 1) {
      logger_.info("received signal, shutting down", {{"signal", signalName(info.ssi_signo)}});
      stop_.request_stop();
      continue;
    }
    logger_.error("received a second signal, exiting now", signalName(info.ssi_signo));
    // No destructors, no atexit handlers: other threads are still running, and the point of
    // the second signal is to end a shutdown that hangs.
    std::_Exit(kSecondSignalExitCode);
  }
}

}  // namespace cop::serving
