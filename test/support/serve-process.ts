import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { MEDVEIL_BIN, MEDVEIL_NODE_ARGS } from './medveil-cli.js';

/** A running `medveil serve` child with everything it has printed so far. */
export interface ServerProcess {
  child: ChildProcessWithoutNullStreams;
  output(): string;
  /** Resolves with the first match of `pattern` in the output; rejects if the process ends first or hangs. */
  waitFor(pattern: RegExp): Promise<RegExpMatchArray>;
  /** Sends SIGTERM and resolves with the exit code. */
  stop(): Promise<number | null>;
}

// A hang guard, not a speed requirement: a server that never prints its address fails the test.
const HANG_GUARD_MS = 60_000;

/** Starts `medveil serve` in `cwd` with `env` added to this process's environment. */
export function startServe(cwd: string, env: Record<string, string>): ServerProcess {
  const child = spawn(process.execPath, [...MEDVEIL_NODE_ARGS, MEDVEIL_BIN, 'serve'], { cwd, env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
  let text = '';
  const listeners = new Set<() => void>();
  let exitCode: number | null | undefined;
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  void exited.then((code) => {
    exitCode = code;
    for (const listener of listeners) listener();
  });
  for (const stream of [child.stdout, child.stderr]) {
    stream.setEncoding('utf8').on('data', (chunk: string) => {
      text += chunk;
      for (const listener of listeners) listener();
    });
  }
  return {
    child,
    output: () => text,
    waitFor: (pattern) =>
      new Promise((resolve, reject) => {
        const guard = setTimeout(() => finish(new Error(`no ${pattern} within the hang guard; output:\n${text}`)), HANG_GUARD_MS);
        const check = () => {
          const match = pattern.exec(text);
          if (match !== null) finish(undefined, match);
          else if (exitCode !== undefined) finish(new Error(`medveil serve exited (${exitCode}) before ${pattern}; output:\n${text}`));
        };
        function finish(error: Error | undefined, match?: RegExpMatchArray) {
          clearTimeout(guard);
          listeners.delete(check);
          if (error !== undefined) reject(error);
          else resolve(match!);
        }
        listeners.add(check);
        check();
      }),
    stop: () => {
      if (exitCode === undefined) child.kill('SIGTERM');
      return exited;
    },
  };
}
