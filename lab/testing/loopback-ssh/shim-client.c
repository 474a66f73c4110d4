/*
 * TEST INFRASTRUCTURE (loopback SSH server): the sshd ForceCommand. `shim-client <socket>` hands the SSH
 * session to the long-lived shim server (shim-server.ts) over a Unix socket and relays it: its pid and
 * environment (SSH_ORIGINAL_COMMAND is the command) go first, then stdin; stdout, stderr and the exit code
 * come back. A server may instead tell it to become a program (the chrooted sftp-server), which then has
 * the session's own stdin and stdout. A C program, because it starts for every SSH command: a Node start
 * per command cost about 0.1 s to 0.3 s each.
 *
 * Frames both ways: one type byte, a 4-byte big-endian length, the payload.
 *   to the server:   'H' pid NUL environ (NUL-separated) | 'I' stdin bytes | 'E' stdin ended | 'K' a signal number
 *                    | 'F' everything before the server's 'F' is written
 *   from the server: 'O' stdout bytes | 'R' stderr bytes | 'X' exit code (decimal) | 'S' argv to exec (NUL-separated)
 *                    | 'G' relay stdin now | 'F' answer once what came before is written
 * Stdin is read only after 'G': a session that becomes sftp-server must find the client's first packets
 * still unread on its stdin.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

extern char **environ;

static volatile sig_atomic_t pending_signal = 0;
static int signal_pipe[2];

static void on_signal(int sig) {
    pending_signal = sig;
    int saved = errno;
    (void)!write(signal_pipe[1], "s", 1);
    errno = saved;
}

static void write_all(int fd, const char *data, size_t size) {
    while (size > 0) {
        ssize_t n = write(fd, data, size);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) exit(255); /* the session or the server is gone */
        data += n;
        size -= (size_t)n;
    }
}

static void send_frame(int sock, char type, const char *payload, uint32_t size) {
    char head[5] = {type, (char)(size >> 24), (char)(size >> 16), (char)(size >> 8), (char)size};
    write_all(sock, head, sizeof head);
    write_all(sock, payload, size);
}

static void send_header(int sock) {
    size_t size = 32;
    for (char **e = environ; *e; e++) size += strlen(*e) + 1;
    char *payload = malloc(size);
    if (!payload) exit(255);
    int at = snprintf(payload, size, "%ld", (long)getpid()) + 1;
    for (char **e = environ; *e; e++) {
        size_t n = strlen(*e) + 1;
        memcpy(payload + at, *e, n);
        at += (int)n;
    }
    send_frame(sock, 'H', payload, (uint32_t)at);
    free(payload);
}

/* Turns into the program the server named: its arguments are NUL-terminated strings, one after another. */
static void become(char *payload, uint32_t size) {
    char *argv[64];
    int argc = 0;
    for (uint32_t at = 0; at < size && argc < 63; at += (uint32_t)strlen(payload + at) + 1) argv[argc++] = payload + at;
    argv[argc] = NULL;
    if (argc == 0) exit(255);
    execvp(argv[0], argv);
    fprintf(stderr, "loopback shim: cannot start %s: %s\r\n", argv[0], strerror(errno));
    exit(127);
}

int main(int argc, char **argv) {
    if (argc != 2 || strlen(argv[1]) >= sizeof(((struct sockaddr_un *)0)->sun_path)) {
        fprintf(stderr, "usage: shim-client <socket path>\n");
        return 2;
    }
    int sock = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_un addr = {.sun_family = AF_UNIX};
    strcpy(addr.sun_path, argv[1]);
    if (sock < 0 || connect(sock, (struct sockaddr *)&addr, sizeof addr) != 0) {
        fprintf(stderr, "loopback shim: the shim server at %s does not answer: %s\r\n", argv[1], strerror(errno));
        return 255;
    }
    if (pipe2(signal_pipe, O_CLOEXEC) != 0) return 255;
    struct sigaction sa = {.sa_handler = on_signal};
    sigemptyset(&sa.sa_mask);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
    send_header(sock);

    char *buffer = NULL;
    size_t used = 0, capacity = 0;
    int stdin_open = 0, stdin_ended = 0;
    for (;;) {
        struct pollfd fds[3] = {{sock, POLLIN, 0}, {signal_pipe[0], POLLIN, 0}, {0, POLLIN, 0}};
        int n = poll(fds, stdin_open ? 3 : 2, -1);
        if (n < 0) {
            if (errno == EINTR) continue;
            return 255;
        }
        if (fds[1].revents) {
            char drain[16];
            (void)!read(signal_pipe[0], drain, sizeof drain);
            char number[8];
            int len = snprintf(number, sizeof number, "%d", (int)pending_signal);
            send_frame(sock, 'K', number, (uint32_t)len);
        }
        if (stdin_open && fds[2].revents) {
            char chunk[65536];
            ssize_t got = read(0, chunk, sizeof chunk);
            if (got < 0 && errno == EINTR) continue;
            if (got > 0) send_frame(sock, 'I', chunk, (uint32_t)got);
            else {
                stdin_open = 0;
                stdin_ended = 1;
                send_frame(sock, 'E', "", 0);
            }
        }
        if (fds[0].revents) {
            if (used + 65536 > capacity) {
                capacity = (used + 65536) * 2;
                buffer = realloc(buffer, capacity);
                if (!buffer) return 255;
            }
            ssize_t got = read(sock, buffer + used, capacity - used);
            if (got < 0 && errno == EINTR) continue;
            if (got <= 0) return 255; /* the server went away without an exit code */
            used += (size_t)got;
            size_t at = 0;
            while (used - at >= 5) {
                unsigned char *h = (unsigned char *)buffer + at;
                uint32_t size = ((uint32_t)h[1] << 24) | ((uint32_t)h[2] << 16) | ((uint32_t)h[3] << 8) | h[4];
                if (used - at - 5 < size) break;
                char type = buffer[at];
                char *payload = buffer + at + 5;
                if (type == 'O') write_all(1, payload, size);
                else if (type == 'R') write_all(2, payload, size);
                else if (type == 'G') stdin_open = !stdin_ended;
                else if (type == 'F') send_frame(sock, 'F', "", 0);
                else if (type == 'X') {
                    char code[16] = {0};
                    memcpy(code, payload, size < 15 ? size : 15);
                    return atoi(code);
                } else if (type == 'S') {
                    payload[size - (size > 0)] = '\0';
                    become(payload, size);
                }
                at += 5 + size;
            }
            memmove(buffer, buffer + at, used - at);
            used -= at;
        }
    }
}
