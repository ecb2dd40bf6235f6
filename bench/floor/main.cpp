// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
//
// cohort-bench-floor: what the kernel alone charges a server for one paced delivery on
// 127.0.0.1. N loopback TCP connections; a reader process holds the client ends and drains them
// with epoll, as the fan-out bench's load generator does; this process writes one frame of
// --bytes to each of the N server ends, --rate times per second for --seconds, one write(2) per
// delivery and nothing else: no parsing, no framing, no storage, no event loop. Its CPU time per
// delivery is the floor under any server that sends each delivery with its own system call,
// Cohort and the ws baseline alike (docs/benchmarks.md, "The kernel's floor"). Prints one JSON
// line.
//
//   cohort-bench-floor [--clients 1000] [--rate 10] [--seconds 10] [--bytes 300] [--uring 1]
//
// --uring 1 submits each broadcast's sends through io_uring (when built with liburing): the
// same kernel work with one system call per batch instead of one per delivery.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#ifdef COHORT_FLOOR_URING
#include <liburing.h>
#endif

#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

namespace {

struct Options
{
    int clients = 1000;
    double rate = 10;
    int seconds = 10;
    int bytes = 300;
    bool uring = false;
};

[[noreturn]] void fail(const char *what)
{
    std::fprintf(stderr, "cohort-bench-floor: %s: %s\n", what, std::strerror(errno));
    std::exit(1);
}

bool parse(int argc, char **argv, Options &options)
{
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string name = argv[i];
        const char *value = argv[i + 1];
        if (name == "--clients")
            options.clients = std::atoi(value);
        else if (name == "--rate")
            options.rate = std::atof(value);
        else if (name == "--seconds")
            options.seconds = std::atoi(value);
        else if (name == "--bytes")
            options.bytes = std::atoi(value);
        else if (name == "--uring")
            options.uring = std::string(value) == "1";
        else
            return false;
    }
    return argc % 2 == 1 && options.clients > 0 && options.rate > 0 && options.seconds > 0 && options.bytes > 0;
}

double cpuMicros()
{
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    const auto micros = [](const timeval &t) { return double(t.tv_sec) * 1e6 + double(t.tv_usec); };
    return micros(usage.ru_utime) + micros(usage.ru_stime);
}

/// The reader: drains every client end until all of them are closed.
[[noreturn]] void drain(const std::vector<int> &ends)
{
    const int poller = epoll_create1(0);
    if (poller < 0)
        fail("epoll_create1");
    for (const int fd : ends) {
        epoll_event event{};
        event.events = EPOLLIN;
        event.data.fd = fd;
        if (epoll_ctl(poller, EPOLL_CTL_ADD, fd, &event) < 0)
            fail("epoll_ctl");
    }
    size_t open = ends.size();
    std::vector<epoll_event> ready(256);
    std::vector<char> buffer(64 * 1024);
    while (open > 0) {
        const int count = epoll_wait(poller, ready.data(), int(ready.size()), -1);
        for (int i = 0; i < count; ++i) {
            const ssize_t read = ::read(ready[size_t(i)].data.fd, buffer.data(), buffer.size());
            if (read == 0) {
                close(ready[size_t(i)].data.fd);
                --open;
            }
        }
    }
    std::_Exit(0);
}

#ifdef COHORT_FLOOR_URING
/// One send per connection, submitted to the kernel a ring's worth at a time: one system call
/// for up to 4,096 deliveries instead of one each.
long sendBatched(io_uring &ring, const std::vector<int> &ends, const std::string &frame)
{
    long sent = 0;
    size_t next = 0;
    while (next < ends.size()) {
        unsigned queued = 0;
        for (; next < ends.size(); ++next, ++queued) {
            io_uring_sqe *entry = io_uring_get_sqe(&ring);
            if (!entry)
                break;
            io_uring_prep_send(entry, ends[next], frame.data(), frame.size(), 0);
        }
        if (io_uring_submit_and_wait(&ring, queued) < 0)
            fail("io_uring_submit_and_wait");
        io_uring_cqe *completion = nullptr;
        for (unsigned i = 0; i < queued; ++i) {
            if (io_uring_wait_cqe(&ring, &completion) < 0 || completion->res != int(frame.size()))
                fail("send");
            io_uring_cqe_seen(&ring, completion);
            ++sent;
        }
    }
    return sent;
}
#endif

} // namespace

int main(int argc, char **argv)
{
    Options options;
    if (!parse(argc, argv, options)) {
        std::fprintf(stderr, "usage: cohort-bench-floor [--clients N] [--rate per-second] [--seconds S] [--bytes B]\n");
        return 2;
    }
    rlimit files{};
    getrlimit(RLIMIT_NOFILE, &files);
    files.rlim_cur = files.rlim_max;
    setrlimit(RLIMIT_NOFILE, &files);

    const int listener = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    if (listener < 0 || bind(listener, reinterpret_cast<sockaddr *>(&address), sizeof address) < 0
        || listen(listener, 1024) < 0 || getsockname(listener, reinterpret_cast<sockaddr *>(&address), &length) < 0)
        fail("listen");

    std::vector<int> clientEnds;
    std::vector<int> serverEnds;
    for (int i = 0; i < options.clients; ++i) {
        const int client = socket(AF_INET, SOCK_STREAM, 0);
        if (client < 0 || connect(client, reinterpret_cast<sockaddr *>(&address), sizeof address) < 0)
            fail("connect");
        const int server = accept(listener, nullptr, nullptr);
        if (server < 0)
            fail("accept");
        // As both servers send: no Nagle delay.
        const int on = 1;
        setsockopt(server, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
        clientEnds.push_back(client);
        serverEnds.push_back(server);
    }
    close(listener);

    const pid_t reader = fork();
    if (reader < 0)
        fail("fork");
    if (reader == 0) {
        for (const int fd : serverEnds)
            close(fd);
        drain(clientEnds);
    }
    for (const int fd : clientEnds)
        close(fd);

#ifdef COHORT_FLOOR_URING
    io_uring ring{};
    if (options.uring && io_uring_queue_init(4096, &ring, 0) < 0)
        fail("io_uring_queue_init");
#else
    if (options.uring) {
        std::fprintf(stderr, "cohort-bench-floor: built without liburing\n");
        return 2;
    }
#endif
    const std::string frame(size_t(options.bytes), 'x');
    const long broadcasts = std::lround(options.rate * options.seconds);
    const auto interval = std::chrono::duration<double>(1.0 / options.rate);
    const auto start = std::chrono::steady_clock::now();
    const double cpuStart = cpuMicros();
    long deliveries = 0;
    for (long b = 0; b < broadcasts; ++b) {
        std::this_thread::sleep_until(start + std::chrono::duration_cast<std::chrono::steady_clock::duration>(interval * double(b)));
#ifdef COHORT_FLOOR_URING
        if (options.uring) {
            deliveries += sendBatched(ring, serverEnds, frame);
            continue;
        }
#endif
        for (const int fd : serverEnds) {
            if (write(fd, frame.data(), frame.size()) != ssize_t(frame.size()))
                fail("write");
            ++deliveries;
        }
    }
    const double cpu = cpuMicros() - cpuStart;
    for (const int fd : serverEnds)
        close(fd);
    waitpid(reader, nullptr, 0);

    std::printf("{\"bench\":\"floor\",\"clients\":%d,\"rate\":%g,\"seconds\":%d,\"bytes\":%d,\"deliveries\":%ld,"
                "\"uring\":%s,\"cpuMicros\":%.0f,\"cpuPerDeliveryUs\":%.3f}\n",
                options.clients, options.rate, options.seconds, options.bytes, deliveries, options.uring ? "true" : "false", cpu, cpu / double(deliveries));
    return 0;
}
