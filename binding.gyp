{
  "targets": [
    {
      "target_name": "medveil_native",
      "sources": ["native/copy-range.c", "native/durable-file.c"],
      "cflags": ["-O2", "-Wall"]
    }
  ]
}
