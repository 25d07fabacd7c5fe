{
  "targets": [
    {
      "target_name": "medveil_native",
      "sources": ["native/copy-range.c"],
      "cflags": ["-O2", "-Wall"]
    }
  ]
}
