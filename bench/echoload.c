/*
 * echoload: a ping-pong load generator for echo servers that is never the bottleneck.
 *
 * Single-threaded, edge-triggered epoll, C connections, each sending one S-byte message
 * and waiting for its full echo before the next. Runs for D seconds after a warm-up and
 * prints one JSON line: round trips per second and latency percentiles.
 *
 *   cc -O2 -o echoload echoload.c
 *   ./echoload HOST PORT CONNS SIZE SECONDS [WARMUP_SECONDS [IDLE]]
 *
 * IDLE > 0 first opens and holds that many idle connections (each from its own
 * ephemeral port; past 20,000 per source address the next 127.0.0.x is used), so that
 * the server's poller watches them while the active connections ping-pong.
 *
 * Only loopback targets make sense here; the tool refuses anything else.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

struct conn {
    int fd;
    size_t sent, got;
    uint64_t start_ns;
};

static uint64_t now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static int cmp_u64(const void *a, const void *b) {
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

static void die(const char *what) {
    perror(what);
    exit(1);
}

static void set_nonblock(int fd) {
    int fl = fcntl(fd, F_GETFL);
    if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0) die("fcntl");
}

static int dial_from(struct sockaddr_in *sa, int idx) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) die("socket");
    if (idx >= 0) {
        /* 127.0.0.2, .3, ... as source addresses, 20,000 connections each. */
        struct sockaddr_in src = {.sin_family = AF_INET, .sin_port = 0};
        src.sin_addr.s_addr = htonl((127u << 24) | (uint32_t)(2 + idx / 20000));
        if (bind(fd, (struct sockaddr *)&src, sizeof src) < 0) die("bind");
    }
    if (connect(fd, (struct sockaddr *)sa, sizeof *sa) < 0) die("connect");
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    /* Close with a reset: no TIME_WAIT, so back-to-back runs with thousands of idle
     * connections do not run out of source ports. */
    struct linger lg = {.l_onoff = 1, .l_linger = 0};
    setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
    set_nonblock(fd);
    return fd;
}

static int dial(struct sockaddr_in *sa) { return dial_from(sa, -1); }

int main(int argc, char **argv) {
    if (argc < 6) {
        fprintf(stderr, "usage: %s HOST PORT CONNS SIZE SECONDS [WARMUP [IDLE]]\n", argv[0]);
        return 2;
    }
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons(atoi(argv[2]))};
    if (inet_pton(AF_INET, argv[1], &sa.sin_addr) != 1) die("inet_pton");
    if ((ntohl(sa.sin_addr.s_addr) >> 24) != 127) {
        fprintf(stderr, "echoload: only loopback (127.0.0.0/8) targets\n");
        return 2;
    }
    int nconn = atoi(argv[3]);
    size_t size = (size_t)atol(argv[4]);
    double seconds = atof(argv[5]);
    double warmup = argc > 6 ? atof(argv[6]) : 0.5;
    int nidle = argc > 7 ? atoi(argv[7]) : 0;
    int *idle = calloc((size_t)(nidle > 0 ? nidle : 1), sizeof *idle);
    for (int i = 0; i < nidle; i++) idle[i] = dial_from(&sa, i);

    char *msg = malloc(size), *buf = malloc(size);
    memset(msg, 'x', size);
    struct conn *cs = calloc((size_t)nconn, sizeof *cs);
    size_t cap = 1 << 20, nlat = 0;
    uint64_t *lat = malloc(cap * sizeof *lat);
    int ep = epoll_create1(0);
    for (int i = 0; i < nconn; i++) {
        cs[i].fd = dial(&sa);
        struct epoll_event ev = {.events = EPOLLIN | EPOLLOUT | EPOLLET, .data.u32 = (uint32_t)i};
        if (epoll_ctl(ep, EPOLL_CTL_ADD, cs[i].fd, &ev) < 0) die("epoll_ctl");
    }
    uint64_t t0 = now_ns();
    uint64_t measure_from = t0 + (uint64_t)(warmup * 1e9);
    uint64_t end = measure_from + (uint64_t)(seconds * 1e9);
    uint64_t trips = 0;
    struct epoll_event evs[256];
    for (int i = 0; i < nconn; i++) cs[i].start_ns = now_ns();
    for (;;) {
        uint64_t t = now_ns();
        if (t >= end) break;
        int n = epoll_wait(ep, evs, 256, 100);
        if (n < 0 && errno != EINTR) die("epoll_wait");
        for (int k = 0; k < n; k++) {
            struct conn *c = &cs[evs[k].data.u32];
            for (;;) {
                if (c->sent < size) {
                    ssize_t w = write(c->fd, msg + c->sent, size - c->sent);
                    if (w < 0 && errno == EAGAIN) break;
                    if (w <= 0) die("write");
                    c->sent += (size_t)w;
                    continue;
                }
                ssize_t r = read(c->fd, buf, size - c->got);
                if (r < 0 && errno == EAGAIN) break;
                if (r <= 0) die("read");
                c->got += (size_t)r;
                if (c->got == size) {
                    uint64_t done = now_ns();
                    if (done >= measure_from && done < end) {
                        trips++;
                        if (nlat == cap) {
                            cap *= 2;
                            lat = realloc(lat, cap * sizeof *lat);
                        }
                        lat[nlat++] = done - c->start_ns;
                    }
                    c->sent = c->got = 0;
                    c->start_ns = done;
                }
            }
        }
    }
    qsort(lat, nlat, sizeof *lat, cmp_u64);
    double p50 = nlat ? lat[nlat / 2] / 1e3 : 0, p99 = nlat ? lat[nlat * 99 / 100] / 1e3 : 0;
    double p999 = nlat ? lat[nlat * 999 / 1000] / 1e3 : 0;
    printf("{\"idle\": %d, \"conns\": %d, \"size\": %zu, \"seconds\": %.2f, \"round_trips\": %llu, "
           "\"rtt_per_s\": %.0f, \"p50_us\": %.1f, \"p99_us\": %.1f, \"p999_us\": %.1f}\n",
           nidle, nconn, size, seconds, (unsigned long long)trips, trips / seconds, p50, p99, p999);
    for (int i = 0; i < nconn; i++) close(cs[i].fd);
    for (int i = 0; i < nidle; i++) close(idle[i]);
    return 0;
}
