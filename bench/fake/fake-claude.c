/*
 * The smallest stand-in for `claude -p --output-format stream-json --verbose` that the runners
 * can start, so that what a benchmark measures is the runner, not the child.
 *
 * It ignores its arguments, reads its prompt from stdin to the end (as claude does), and obeys
 * words of the prompt:
 *   sleep=N   sleep N milliseconds
 *   bytes=N   print about N bytes of stream-json lines (tool-result lines of 1 KiB, the bulk of
 *             a real run's output) before the result
 * then prints a `result` line with is_error:false and exits 0, so every runner judges it a
 * success. With no word it exits at once after the init and result lines.
 *
 * BENCH_STAMP_FILE=path: append this process's start time (CLOCK_REALTIME, seconds with ns) to
 * path, for "time to first start".
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define SESSION "00000000-0000-4000-8000-000000000000"

static void stamp_start(void)
{
    const char *path = getenv("BENCH_STAMP_FILE");
    if (path == NULL || *path == '\0')
        return;
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    char line[64];
    int length = snprintf(line, sizeof line, "%lld.%09ld\n", (long long)now.tv_sec, now.tv_nsec);
    int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
    if (fd >= 0) {
        /* One write(2) with O_APPEND: lines from concurrent fakes never interleave. */
        (void)!write(fd, line, (size_t)length);
        close(fd);
    }
}

static char *read_stdin(void)
{
    size_t capacity = 4096, length = 0;
    char *text = malloc(capacity);
    for (;;) {
        if (length + 1 == capacity) {
            capacity *= 2;
            text = realloc(text, capacity);
        }
        ssize_t got = read(0, text + length, capacity - 1 - length);
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0)
            break;
        length += (size_t)got;
    }
    text[length] = '\0';
    return text;
}

static long long word_value(const char *prompt, const char *key)
{
    const char *at = strstr(prompt, key);
    return at == NULL ? 0 : atoll(at + strlen(key));
}

int main(void)
{
    stamp_start();
    char *prompt = read_stdin();
    long long sleep_ms = word_value(prompt, "sleep=");
    long long bytes = word_value(prompt, "bytes=");
    free(prompt);

    static char buffer[64 * 1024];
    setvbuf(stdout, buffer, _IOFBF, sizeof buffer);
    printf("{\"type\":\"system\",\"subtype\":\"init\",\"cwd\":\"/\",\"session_id\":\"" SESSION "\",\"tools\":[],\"model\":\"fake\",\"permissionMode\":\"bypassPermissions\"}\n");
    fflush(stdout);

    if (sleep_ms > 0) {
        struct timespec pause = { sleep_ms / 1000, (sleep_ms % 1000) * 1000000L };
        while (nanosleep(&pause, &pause) != 0 && errno == EINTR) {
        }
    }

    if (bytes > 0) {
        static const char head[] = "{\"type\":\"user\",\"message\":{\"role\":\"user\",\"content\":[{\"type\":\"tool_result\",\"tool_use_id\":\"toolu_1\",\"content\":\"";
        static const char tail[] = "\"}]},\"session_id\":\"" SESSION "\"}\n";
        char line[1024];
        size_t fill = sizeof line - (sizeof head - 1) - (sizeof tail - 1);
        memcpy(line, head, sizeof head - 1);
        memset(line + sizeof head - 1, 'x', fill);
        memcpy(line + sizeof head - 1 + fill, tail, sizeof tail - 1);
        for (long long written = 0; written < bytes; written += (long long)sizeof line)
            fwrite(line, 1, sizeof line, stdout);
    }

    printf("{\"type\":\"result\",\"subtype\":\"success\",\"is_error\":false,\"duration_ms\":%lld,\"duration_api_ms\":0,"
           "\"num_turns\":1,\"result\":\"ok\",\"session_id\":\"" SESSION "\",\"total_cost_usd\":0,"
           "\"usage\":{\"input_tokens\":1,\"output_tokens\":1,\"cache_creation_input_tokens\":0,\"cache_read_input_tokens\":0}}\n",
           sleep_ms);
    return fflush(stdout) == 0 ? 0 : 1;
}
