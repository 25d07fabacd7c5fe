// copyRange(fdIn, offsetIn, fdOut, offsetOut, length): copies `length` bytes between two open
// files at explicit offsets inside the kernel (copy_file_range(2), Linux 4.5+), so large pixel
// data goes from the input file to the output without passing through JavaScript memory.
// Falls back to pread/pwrite where the kernel cannot (other file systems, other systems).
// Returns the number of bytes copied; throws with the errno name on failure.
#define _GNU_SOURCE
#include <errno.h>
#include <node_api.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

static int64_t fallback_copy(int in, int64_t off_in, int out, int64_t off_out, int64_t length) {
  char buffer[1 << 16];
  int64_t done = 0;
  while (done < length) {
    size_t want = (size_t)((length - done) < (int64_t)sizeof buffer ? (length - done) : (int64_t)sizeof buffer);
    ssize_t got = pread(in, buffer, want, (off_t)(off_in + done));
    if (got < 0) {
      if (errno == EINTR) continue;
      return -1;
    }
    if (got == 0) break;
    ssize_t put = 0;
    while (put < got) {
      ssize_t n = pwrite(out, buffer + put, (size_t)(got - put), (off_t)(off_out + done + put));
      if (n < 0) {
        if (errno == EINTR) continue;
        return -1;
      }
      put += n;
    }
    done += got;
  }
  return done;
}

static int64_t copy_range(int in, int64_t off_in, int out, int64_t off_out, int64_t length) {
#ifdef __linux__
  int64_t done = 0;
  while (done < length) {
    off_t a = (off_t)(off_in + done);
    off_t b = (off_t)(off_out + done);
    ssize_t n = copy_file_range(in, &a, out, &b, (size_t)(length - done), 0);
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno == EXDEV || errno == ENOSYS || errno == EINVAL || errno == EOPNOTSUPP || errno == EBADF) {
        int64_t rest = fallback_copy(in, off_in + done, out, off_out + done, length - done);
        return rest < 0 ? -1 : done + rest;
      }
      return -1;
    }
    if (n == 0) break;
    done += n;
  }
  return done;
#else
  return fallback_copy(in, off_in, out, off_out, length);
#endif
}

static napi_value CopyRange(napi_env env, napi_callback_info info) {
  size_t argc = 5;
  napi_value argv[5];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (argc != 5) {
    napi_throw_type_error(env, NULL, "copyRange(fdIn, offsetIn, fdOut, offsetOut, length)");
    return NULL;
  }
  int32_t in, out;
  int64_t off_in, off_out, length;
  if (napi_get_value_int32(env, argv[0], &in) != napi_ok || napi_get_value_int64(env, argv[1], &off_in) != napi_ok ||
      napi_get_value_int32(env, argv[2], &out) != napi_ok || napi_get_value_int64(env, argv[3], &off_out) != napi_ok ||
      napi_get_value_int64(env, argv[4], &length) != napi_ok || off_in < 0 || off_out < 0 || length < 0) {
    napi_throw_type_error(env, NULL, "copyRange: file descriptors and non-negative offsets and length expected");
    return NULL;
  }
  int64_t copied = copy_range(in, off_in, out, off_out, length);
  if (copied < 0) {
    napi_throw_error(env, "EIO", strerror(errno));
    return NULL;
  }
  napi_value result;
  napi_create_int64(env, copied, &result);
  return result;
}

// native/durable-file.c
napi_value medveil_init_durable_file(napi_env env, napi_value exports);

NAPI_MODULE_INIT() {
  napi_value fn;
  napi_create_function(env, "copyRange", NAPI_AUTO_LENGTH, CopyRange, NULL, &fn);
  napi_set_named_property(env, exports, "copyRange", fn);
  return medveil_init_durable_file(env, exports);
}
