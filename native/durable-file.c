// finishDurableFile(fd, buffers, temporaryPath, finalPath) -> Promise<void>
//
// Makes a file durable under its final name in one job on libuv's thread pool, where Node's
// fs API needs one round trip per system call (write, fsync, close, mkdir, rename, and open,
// fsync, close of the folder: nine trips for a small object, each a wait on the event loop):
//
//   1. fd < 0: create the folders of temporaryPath that are missing (mode 0700) and the file
//      itself (O_EXCL, mode 0600); otherwise write to the open fd
//   2. write every buffer in order at the file's position, then fsync and close the file
//   3. unless temporaryPath is finalPath: create the folders of finalPath that are missing,
//      and rename temporaryPath to finalPath
//   4. fsync the folder of finalPath, so that the new name survives a crash too (creating or
//      renaming a file is atomic, not durable)
//
// A caller that writes a new object straight to its final path (temporaryPath == finalPath)
// saves the rename, and with it a second journal commit of the file system per object.
//
// The fd is closed in every case. On failure the promise rejects with an Error whose `code`
// is the errno name (ENOSPC) and whose `step` names the step that failed: "create", "write",
// "flush", "close", "mkdir", "rename" or "flush-folder". The caller removes the temporary
// file; after a failed "flush-folder" the object is already in place under its final name.
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <node_api.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <uv.h>

typedef struct {
  napi_async_work work;
  napi_deferred deferred;
  int fd;
  char *temporary;
  char *final;
  size_t count;
  const char **bases;
  size_t *lengths;
  napi_ref *refs;
  int error;
  const char *step;
} finish_job;

static char *copy_string(napi_env env, napi_value value) {
  size_t length;
  if (napi_get_value_string_utf8(env, value, NULL, 0, &length) != napi_ok) return NULL;
  char *out = malloc(length + 1);
  if (out == NULL) return NULL;
  napi_get_value_string_utf8(env, value, out, length + 1, &length);
  return out;
}

static int write_all(int fd, const char *base, size_t length) {
  while (length > 0) {
    ssize_t n = write(fd, base, length);
    if (n < 0) {
      if (errno == EINTR) continue;
      return -1;
    }
    base += n;
    length -= (size_t)n;
  }
  return 0;
}

// mkdir -p of the folder that holds `path` (the folder part is modified in place and restored).
static int make_parents(char *path) {
  char *slash = strrchr(path, '/');
  if (slash == NULL || slash == path) return 0;
  *slash = '\0';
  int result = mkdir(path, 0700);
  if (result != 0 && errno == ENOENT) {
    result = make_parents(path);
    if (result == 0) result = mkdir(path, 0700);
  }
  if (result != 0 && errno == EEXIST) result = 0;
  *slash = '/';
  return result;
}

static int sync_folder_of(char *path) {
  char *slash = strrchr(path, '/');
  if (slash == NULL) return 0;
  *slash = '\0';
  int folder = open(slash == path ? "/" : path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  *slash = '/';
  if (folder < 0) return -1;
  int result = fsync(folder);
  int saved = errno;
  close(folder);
  errno = saved;
  return result;
}

#define FAIL(name)    \
  do {                \
    job->error = errno; \
    job->step = name; \
    goto done;        \
  } while (0)

static void execute(napi_env env, void *data) {
  (void)env;
  finish_job *job = data;
  if (job->fd < 0) {
    if (make_parents(job->temporary) != 0) FAIL("mkdir");
    job->fd = open(job->temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (job->fd < 0) FAIL("create");
  }
  for (size_t i = 0; i < job->count; i++) {
    if (write_all(job->fd, job->bases[i], job->lengths[i]) != 0) FAIL("write");
  }
  if (fsync(job->fd) != 0) FAIL("flush");
  int fd = job->fd;
  job->fd = -1;
  if (close(fd) != 0) FAIL("close");
  if (strcmp(job->temporary, job->final) != 0) {
    if (make_parents(job->final) != 0) FAIL("mkdir");
    if (rename(job->temporary, job->final) != 0) FAIL("rename");
  }
  if (sync_folder_of(job->final) != 0) FAIL("flush-folder");
done:
  if (job->fd >= 0) close(job->fd);
  job->fd = -1;
}

static void release(napi_env env, finish_job *job) {
  for (size_t i = 0; i < job->count; i++) {
    if (job->refs != NULL && job->refs[i] != NULL) napi_delete_reference(env, job->refs[i]);
  }
  free(job->refs);
  free(job->bases);
  free(job->lengths);
  free(job->temporary);
  free(job->final);
  free(job);
}

static void complete(napi_env env, napi_status status, void *data) {
  finish_job *job = data;
  if (status == napi_ok && job->step == NULL) {
    napi_value undefined;
    napi_get_undefined(env, &undefined);
    napi_resolve_deferred(env, job->deferred, undefined);
  } else {
    int code = job->step == NULL ? ECANCELED : job->error;
    napi_value message, name, step, error;
    napi_create_string_utf8(env, strerror(code), NAPI_AUTO_LENGTH, &message);
    napi_create_string_utf8(env, uv_err_name(-code), NAPI_AUTO_LENGTH, &name);
    napi_create_string_utf8(env, job->step == NULL ? "cancelled" : job->step, NAPI_AUTO_LENGTH, &step);
    napi_create_error(env, name, message, &error);
    napi_set_named_property(env, error, "step", step);
    napi_reject_deferred(env, job->deferred, error);
  }
  napi_delete_async_work(env, job->work);
  release(env, job);
}

// writeAndStartWriteback(fd, buffers) -> Promise<void>: writes the buffers in order at the
// file's position and asks the kernel to start writing them to the disk (sync_file_range(2)
// with SYNC_FILE_RANGE_WRITE, Linux), without waiting for it. A file written this way while
// it arrives has little left for its final fsync. Rejects like finishDurableFile, step "write".
static void execute_write(napi_env env, void *data) {
  (void)env;
  finish_job *job = data;
  off_t start = lseek(job->fd, 0, SEEK_CUR);
  size_t total = 0;
  for (size_t i = 0; i < job->count; i++) {
    if (write_all(job->fd, job->bases[i], job->lengths[i]) != 0) {
      job->error = errno;
      job->step = "write";
      return;
    }
    total += job->lengths[i];
  }
#ifdef __linux__
  // Only a hint: a file system without it still has the final fsync.
  if (start >= 0 && total > 0) sync_file_range(job->fd, start, (off_t)total, SYNC_FILE_RANGE_WRITE);
#else
  (void)start;
  (void)total;
#endif
}

static napi_value start_job(napi_env env, napi_callback_info info, size_t paths, napi_async_execute_callback run, const char *usage) {
  size_t argc = 4;
  napi_value argv[4];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  int32_t fd;
  bool is_array = false;
  uint32_t count = 0;
  if (argc != 2 + paths || napi_get_value_int32(env, argv[0], &fd) != napi_ok || napi_is_array(env, argv[1], &is_array) != napi_ok || !is_array ||
      napi_get_array_length(env, argv[1], &count) != napi_ok) {
    napi_throw_type_error(env, NULL, usage);
    return NULL;
  }
  finish_job *job = calloc(1, sizeof *job);
  if (job == NULL) {
    napi_throw_error(env, "ENOMEM", "out of memory");
    return NULL;
  }
  job->fd = fd;
  job->bases = calloc(count == 0 ? 1 : count, sizeof *job->bases);
  job->lengths = calloc(count == 0 ? 1 : count, sizeof *job->lengths);
  job->refs = calloc(count == 0 ? 1 : count, sizeof *job->refs);
  if (paths > 0) {
    job->temporary = copy_string(env, argv[2]);
    job->final = copy_string(env, argv[3]);
  }
  if (job->bases == NULL || job->lengths == NULL || job->refs == NULL || (paths > 0 && (job->temporary == NULL || job->final == NULL))) {
    release(env, job);
    napi_throw_type_error(env, NULL, usage);
    return NULL;
  }
  job->count = count;
  for (uint32_t i = 0; i < count; i++) {
    napi_value element;
    bool typed = false;
    napi_typedarray_type type;
    size_t length;
    void *base;
    napi_get_element(env, argv[1], i, &element);
    if (napi_is_typedarray(env, element, &typed) != napi_ok || !typed ||
        napi_get_typedarray_info(env, element, &type, &length, &base, NULL, NULL) != napi_ok || type != napi_uint8_array) {
      job->count = i;
      release(env, job);
      napi_throw_type_error(env, NULL, "every buffer must be a Uint8Array");
      return NULL;
    }
    // The reference keeps the bytes alive while the thread pool writes them.
    napi_create_reference(env, element, 1, &job->refs[i]);
    job->bases[i] = base;
    job->lengths[i] = length;
  }
  napi_value promise, resource_name;
  napi_create_promise(env, &job->deferred, &promise);
  napi_create_string_utf8(env, "medveil.durableFile", NAPI_AUTO_LENGTH, &resource_name);
  napi_create_async_work(env, NULL, resource_name, run, complete, job, &job->work);
  napi_queue_async_work(env, job->work);
  return promise;
}

static napi_value FinishDurableFile(napi_env env, napi_callback_info info) {
  return start_job(env, info, 2, execute, "finishDurableFile(fd, buffers, temporaryPath, finalPath)");
}

static napi_value WriteAndStartWriteback(napi_env env, napi_callback_info info) {
  return start_job(env, info, 0, execute_write, "writeAndStartWriteback(fd, buffers)");
}

napi_value medveil_init_durable_file(napi_env env, napi_value exports) {
  napi_value fn;
  napi_create_function(env, "finishDurableFile", NAPI_AUTO_LENGTH, FinishDurableFile, NULL, &fn);
  napi_set_named_property(env, exports, "finishDurableFile", fn);
  napi_create_function(env, "writeAndStartWriteback", NAPI_AUTO_LENGTH, WriteAndStartWriteback, NULL, &fn);
  napi_set_named_property(env, exports, "writeAndStartWriteback", fn);
  return exports;
}
